/**
 * The library half of the catalogue: every case of every package table, one
 * test each. A case passes only if its call fails with the expected error
 * class and a message naming the bad value (and the range, where there is
 * one), and its check finds nothing half-created.
 */
import { afterAll, describe, it } from 'vitest';
import { API_TABLES } from './cases/index.js';
import { caseTitle } from './support/titles.js';
import { disposeAll } from './support/fixtures.js';
import { writePart } from './support/results.js';
import { runCase } from './support/run-case.js';

const passed = new Map<string, number>();

afterAll(async () => {
  await disposeAll();
  writePart('api', {
    tables: API_TABLES.map((t) => ({ name: t.name, cases: t.cases.length, passed: passed.get(t.name) ?? 0 })),
  });
});

for (const table of API_TABLES) {
  describe(table.name, () => {
    for (const c of table.cases) {
      it(caseTitle(c), { timeout: (c.timeoutMs ?? 10_000) + 5_000 }, async () => {
        await runCase(c);
        passed.set(table.name, (passed.get(table.name) ?? 0) + 1);
      });
    }
  });
}
