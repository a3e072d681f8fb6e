import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/bench/results, found from this file (dist/report/results-dir.js), whatever the working directory. */
export const DEFAULT_RESULTS_DIR = fileURLToPath(new URL('../../results', import.meta.url));

/** Writes `files` (name to contents) into `dir`, creating it; returns their absolute paths. */
export function writeResults(dir: string, files: Record<string, string>): string[] {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  return Object.entries(files).map(([name, contents]) => {
    const path = join(target, name);
    writeFileSync(path, contents);
    return path;
  });
}
