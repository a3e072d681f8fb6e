import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

describe('twq-bench seed (built CLI, small memory)', () => {
  it('compresses every page once per run and prints each run and the average', async () => {
    const r = await runCli(['seed', '-m', '16M', '-c', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Node v\d+/m);
    expect(r.stdout).toMatch(/-t 2 -r 4 -m 16M -c 2, policy batch, spin budget auto, data seed, 4096 pages/);
    // The original's data: zero pages with one 0x10 byte: about 114:1 at level 1.
    expect(r.stdout).toMatch(/^run 1: \d+ us, 4096 pages, compression ratio 11\d\.\d\d$/m);
    expect(r.stdout).toMatch(/^run 2: \d+ us, 4096 pages, compression ratio 11\d\.\d\d$/m);
    expect(r.stdout).toMatch(/^average: \d+ us \(\d+ MiB\/s\)$/m);
    expect(r.stdout).not.toMatch(/FAILED/);
  });

  it('runs the other data sets and round-robin placement', async () => {
    const r = await runCli(['seed', '-m', '8M', '-c', '1', '-t', '1', '-r', '2', '-d', 'text', '-p', 'round-robin', '-s', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^run 1: \d+ us, 2048 pages, compression ratio [23]\.\d\d$/m);
    const random = await runCli(['seed', '-m', '4M', '-c', '1', '-d', 'random']);
    expect(random.code).toBe(0);
    expect(random.stdout).toMatch(/^run 1: \d+ us, 1024 pages, compression ratio (0\.99|1\.00)$/m);
  });

  it('bad values: a clear error naming the value and a non-zero exit, nothing run', async () => {
    const memory = await runCli(['seed', '-m', '3X']);
    expect(memory.code).not.toBe(0);
    expect(memory.stdout).toBe('');
    expect(memory.stderr).toMatch(/option '-m, --memory <size>' argument '3X' is invalid\. "3X" is not a memory size/);
    const threads = await runCli(['seed', '-t', '300']);
    expect(threads.code).not.toBe(0);
    expect(threads.stderr).toMatch(/300 is out of range: use a whole number from 1 to 256/);
  });
});
