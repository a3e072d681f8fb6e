// Prints the figures of the latest catalogue run (results/summary.json, written by the test run).
import { readFileSync } from 'node:fs';

const url = new URL('../results/summary.json', import.meta.url);
let summary;
try {
  summary = JSON.parse(readFileSync(url, 'utf8'));
} catch {
  console.error('no results/summary.json: run `pnpm --filter @twq/bad-input-catalogue test` (or `run report`) first');
  process.exit(1);
}
const c = summary.coverage ?? {};
const lines = [
  `Bad-input catalogue, ${summary.date}, Node ${summary.node}${summary.complete ? '' : ' (PARTIAL RUN: some test files did not run)'}`,
  `cases: ${summary.cases} (${summary.passed} passed)`,
  ...summary.tables.map((t) => `  ${t.name.padEnd(28)} ${String(t.cases).padStart(5)}`),
  `exports: ${c.exportsCovered} of ${c.exportsTotal} distinct functions and classes (over ${c.entries?.length} entry points) covered by cases; ${c.exempt} take no caller input`,
  `parameters and options: ${c.paramsCovered} of ${c.paramsTotal} with cases; ${c.paramsExempt} exempt (with a reason)`,
  `flags: twq-gzip ${c.gzipFlags}, twq-bench ${c.benchFlags}, each with at least one case`,
];
console.log(lines.join('\n'));
if (summary.passed !== summary.cases) process.exitCode = 1;
