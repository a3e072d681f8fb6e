import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@twq/test-support/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareReport } from '../src/report/compare-results.js';
import { renderInChromium, type RenderedSvg } from './helpers/render-svg.js';
import { runCli, type CliResult } from './helpers/run-cli.js';

const SYSTEMS = ['inline', 'twq', 'piscina', 'tinypool', 'workerpool', 'async-zlib'];
const LABEL = /^(.+), (\d+) thread\(s\), (\w+): ([\d,.]+) (MiB\/s|requests\/s)$/;

/**
 * One small compare run (16 MiB, one short measured run per system, threads
 * 1 and 2), then its outputs: the JSON, and the SVG opened in Chromium.
 */
describe('twq-bench compare (built CLI, small memory)', () => {
  let dir: string;
  let run: CliResult;
  let report: CompareReport;
  let browser: Browser | undefined;
  let rendered: RenderedSvg;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twq-bench-compare-'));
    run = await runCli(['compare', '-m', '16M', '--runs', '1', '--warmup', '0', '--run-ms', '20', '-t', '1,2', '--no-progress', '-o', dir]);
    if (run.code !== 0) throw new Error(`compare failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
    report = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as CompareReport;
    browser = await launchChromium();
    rendered = await renderInChromium(browser, readFileSync(join(dir, 'compare.svg'), 'utf8'));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('measured and checked every system on every workload at every thread count', () => {
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(report.workloads.map((w) => w.id)).toEqual(['seed', 'text', 'noop']);
    // twq appears once per variant (the library's defaults first).
    const variants = (report.settings.twq as string[]).length;
    expect(report.settings.twq).toContain('batch/64/auto');
    const expected = SYSTEMS.flatMap((s) => (s === 'twq' ? Array<string>(variants).fill('twq') : [s]));
    for (const workload of ['seed', 'text', 'noop']) {
      for (const threads of [1, 2]) {
        const systems = report.results.filter((r) => r.workload === workload && r.threads === threads).map((r) => r.system);
        expect(systems).toEqual(workload === 'noop' ? expected.filter((s) => s !== 'async-zlib') : expected);
      }
    }
    for (const row of report.results) {
      expect(row.rates).toHaveLength(1);
      expect(row.requestsPerSecond).toBeGreaterThan(0);
      expect(row.ratioToInline === null).toBe(row.system === 'inline');
      // twq's diagnostics: how often its threads waited, and the cores it kept busy.
      expect(row.twqPerThousand === null).toBe(row.system !== 'twq');
      expect(row.twqCores === null).toBe(row.system !== 'twq');
      if (row.twqCores !== null) expect(row.twqCores.process).toBeGreaterThan(0);
    }
    const seed = report.workloads.find((w) => w.id === 'seed');
    expect(seed?.pages).toBe(4096);
    expect(seed?.compressionRatio).toBeGreaterThan(100);
  });

  it('prints the table, the headline and where the files went', () => {
    expect(run.stdout).toMatch(/^# Node v\d+.* \d+ CPUs/m);
    expect(run.stdout).toMatch(/compare ratios across machines/);
    expect(run.stdout).toMatch(/│ workload │ threads │ system\s+│\s+MiB\/s │\s+requests\/s │\s+spread │\s+x inline │\s+x best peer │/);
    expect(run.stdout).toMatch(/^twq( \(batch, 64 slots, spin auto\))?, seed, 2 thread\(s\): [\d.]+ MiB\/s, x[\d.]+ inline, x[\d.]+ the best peer/m);
    expect(run.stdout).toContain(join(dir, 'compare.svg'));
  });

  it('the chart renders in Chromium, with one point per result, its numbers those of the JSON', () => {
    expect(rendered.width).toBeGreaterThan(600);
    expect(rendered.height).toBeGreaterThan(300);
    // A PNG of a real chart, not a blank page.
    expect(rendered.png.length).toBeGreaterThan(20_000);
    expect(rendered.text).toContain('twq-bench compare: throughput against worker threads');
    expect(rendered.text).toContain('worker threads');
    const labels = rendered.points.map((p) => p.label);
    expect(labels).toHaveLength(report.results.length);
    for (const row of report.results) {
      const label = labels.find((l) => {
        const m = LABEL.exec(l);
        return m !== null && m[1] === row.label && Number(m[2]) === row.threads && m[3] === row.workload;
      });
      expect(label, `${row.label} ${row.threads} ${row.workload}`).toBeDefined();
      const m = LABEL.exec(label ?? '');
      const shown = Number(m?.[4].replaceAll(',', ''));
      const expected = row.mibPerSecond ?? row.requestsPerSecond;
      expect(m?.[5]).toBe(row.mibPerSecond === null ? 'requests/s' : 'MiB/s');
      // Labels are rounded to 3 significant figures at least.
      expect(Math.abs(shown - expected) / expected).toBeLessThan(0.01);
    }
  });

  it('the points are drawn where their values say: within a panel, higher throughput is higher up', () => {
    const byPanel = new Map<string, { value: number; x: number; y: number; threads: number }[]>();
    for (const p of rendered.points) {
      const m = LABEL.exec(p.label);
      if (m === null) continue;
      const list = byPanel.get(m[3]) ?? [];
      list.push({ value: Number(m[4].replaceAll(',', '')), x: p.x, y: p.y, threads: Number(m[2]) });
      byPanel.set(m[3], list);
    }
    expect([...byPanel.keys()].sort()).toEqual(['noop', 'seed', 'text']);
    for (const points of byPanel.values()) {
      for (const a of points) {
        for (const b of points) {
          if (a.value > b.value * 1.02) expect(a.y).toBeLessThan(b.y);
          if (a.threads > b.threads) expect(a.x).toBeGreaterThan(b.x);
        }
      }
    }
  });
});

describe('twq-bench sweep (built CLI, small)', () => {
  it('measures every configuration beside inline and writes its chart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twq-bench-sweep-'));
    try {
      const r = await runCli(['sweep', '-m', '16M', '--runs', '1', '--warmup', '0', '--run-ms', '20', '-t', '1', '--slots', '4,16', '--spins', '0', '--no-progress', '-o', dir]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { results: { config: string }[] };
      expect(report.results.map((x) => x.config).sort()).toEqual(
        ['batch, 16 slots, spin 0', 'batch, 4 slots, spin 0', 'inline', 'round-robin, 16 slots, spin 0', 'round-robin, 4 slots, spin 0'].sort(),
      );
      expect(readFileSync(join(dir, 'sweep.svg'), 'utf8')).toMatch(/^<svg/);
      expect(r.stdout).toMatch(/^best at 1 thread\(s\): /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
