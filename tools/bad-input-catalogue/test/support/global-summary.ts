/**
 * Vitest global set-up: clears the parts of the last run before the tests;
 * after them, merges what each test file wrote (cases per table, passed,
 * exports covered) into results/summary.json and prints it.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RESULTS = fileURLToPath(new URL('../../results/', import.meta.url));
const PARTS = `${RESULTS}parts/`;

export function setup(): void {
  rmSync(PARTS, { recursive: true, force: true });
}

interface Coverage {
  readonly exportsTotal?: number;
  readonly exportsCovered?: number;
  readonly exempt?: number;
  readonly paramsTotal?: number;
  readonly paramsCovered?: number;
  readonly paramsExempt?: number;
  readonly gzipFlags?: number;
  readonly benchFlags?: number;
}

interface TablePart {
  readonly name: string;
  readonly cases: number;
  readonly passed: number;
}

export function teardown(): void {
  if (!existsSync(PARTS)) return;
  const parts: Record<string, unknown> = {};
  for (const file of readdirSync(PARTS)) {
    if (file.endsWith('.json')) parts[file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(`${PARTS}${file}`, 'utf8')) as unknown;
  }
  const tables: TablePart[] = [];
  for (const key of ['api', 'cli']) {
    const part = parts[key] as { tables: TablePart[] } | undefined;
    if (part !== undefined) tables.push(...part.tables);
  }
  const summary = {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    cases: tables.reduce((n, t) => n + t.cases, 0),
    passed: tables.reduce((n, t) => n + t.passed, 0),
    tables,
    coverage: parts.coverage ?? null,
    complete: 'api' in parts && 'cli' in parts && 'coverage' in parts,
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
  const lines = [
    `bad-input catalogue: ${summary.cases} cases, ${summary.passed} passed${summary.complete ? '' : ' (partial run)'}`,
    ...tables.map((t) => `  ${t.name.padEnd(28)} ${String(t.cases).padStart(4)} cases, ${t.passed} passed`),
  ];
  const coverage = parts.coverage as Coverage | undefined;
  if (coverage?.exportsTotal !== undefined) {
    lines.push(
      `  exports: ${coverage.exportsCovered ?? 0} of ${coverage.exportsTotal} distinct functions and classes covered by cases, ${coverage.exempt ?? 0} take no caller input`,
    );
  }
  if (coverage?.paramsTotal !== undefined) {
    lines.push(`  parameters and options: ${coverage.paramsCovered ?? 0} of ${coverage.paramsTotal} with cases, ${coverage.paramsExempt ?? 0} exempt (with a reason)`);
  }
  if (coverage?.gzipFlags !== undefined) lines.push(`  flags with cases: twq-gzip ${coverage.gzipFlags}, twq-bench ${coverage.benchFlags ?? 0} (every one defined)`);
  lines.push(`  written to ${RESULTS}summary.json`);
  console.log(lines.join('\n'));
}
