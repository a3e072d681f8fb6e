import { mkdirSync, writeFileSync } from 'node:fs';

/** Where each test file writes its part of the summary; the global teardown merges them. */
export const RESULTS_DIR = new URL('../../results/', import.meta.url);
export const PARTS_DIR = new URL('parts/', RESULTS_DIR);

export function writePart(name: string, data: unknown): void {
  mkdirSync(PARTS_DIR, { recursive: true });
  writeFileSync(new URL(`${name}.json`, PARTS_DIR), `${JSON.stringify(data, null, 2)}\n`);
}
