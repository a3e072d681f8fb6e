/**
 * The CLI half of the catalogue: every case runs the built command in a
 * scratch directory (two at a time: each is a process of its own).
 */
import { afterAll, describe, it } from 'vitest';
import { CLI_TABLES } from './cases/cli-index.js';
import { runCliCase } from './support/cli.js';
import { writePart } from './support/results.js';

const passed = new Map<string, number>();

afterAll(() => {
  writePart('cli', { tables: CLI_TABLES.map((t) => ({ name: t.name, cases: t.cases.length, passed: passed.get(t.name) ?? 0 })) });
});

for (const table of CLI_TABLES) {
  describe.concurrent(table.name, () => {
    for (const c of table.cases) {
      it(`${c.flag}: ${c.label}`, { timeout: (c.timeoutMs ?? 20_000) + 5_000 }, async () => {
        await runCliCase(c);
        passed.set(table.name, (passed.get(table.name) ?? 0) + 1);
      });
    }
  });
}
