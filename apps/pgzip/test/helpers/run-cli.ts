import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

/** The built command: tests run what ships (worker threads cannot load TypeScript on Node 20). */
/** TWQ_GZIP_CLI runs the tests against another build (an older one, to see a test fail before a fix). */
export const CLI = process.env.TWQ_GZIP_CLI ?? fileURLToPath(new URL('../../bundle/cli.js', import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs twq-gzip with `args` in `cwd`, feeding `input` to its standard input. */
export function runCli(args: string[], options: { cwd: string; input?: Uint8Array }): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    input: options.input ?? new Uint8Array(0),
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** Starts twq-gzip without waiting (for signal tests). */
export function startCli(args: string[], cwd: string): ReturnType<typeof spawn> {
  return spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** A fresh temporary directory, removed when the current test finishes (call it inside a test). */
export function workspace(): ReturnType<typeof scratch> {
  const s = scratch();
  onTestFinished(s.cleanup);
  return s;
}

/** A fresh temporary directory; `cleanup()` removes it. */
export function scratch(): { dir: string; cleanup: () => void; list: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'twq-gzip-cli-'));
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
    list: () => readdirSync(dir).sort(),
  };
}
