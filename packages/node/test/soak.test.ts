/**
 * The CI-sized soak (10 s) with fault injection, run as its own process: the
 * script exits non-zero on any lost request, hang, wrong checksum or memory
 * growth past its bound; this test also checks the report's figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

interface SoakReport {
  submitted: number;
  ok: number;
  lost: number;
  hangs: number;
  faultsInjected: number;
  failedInjected: number;
  failedWorkerDied: number;
  workerDeathsReported: number;
  rssGrowthMb: number;
  rssBoundMb: number;
}

it('soaks 10 s with injected faults: nothing lost, no hang, memory bounded', () => {
  const json = join(mkdtempSync(join(tmpdir(), 'twq-soak-')), 'soak.json');
  const script = fileURLToPath(new URL('../soak/soak.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [script, '--seconds', '10', '--faults', '--seed', '12345', '--json', json], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  expect(run.error, 'the soak process did not finish in 180 s').toBeUndefined();
  expect(run.status, `soak failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
  const report = JSON.parse(readFileSync(json, 'utf8')) as SoakReport;
  expect(report.lost).toBe(0);
  expect(report.hangs).toBe(0);
  expect(report.submitted).toBeGreaterThan(1000);
  expect(report.faultsInjected).toBeGreaterThan(20);
  expect(report.failedInjected + report.failedWorkerDied).toBeGreaterThan(0);
  expect(report.workerDeathsReported).toBeGreaterThan(0);
  expect(report.rssGrowthMb).toBeLessThan(report.rssBoundMb);
}, 200_000);
