import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs the system's gzip (Debian gzip) on `data` with `args`; returns its status, stdout and stderr. */
export function runGzip(args: string[], data: Uint8Array): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync('gzip', args, { input: data, maxBuffer: 512 * 1024 * 1024 });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** `gzip -t` on a file holding `gz`: true when gzip accepts it. */
export function gzipTestAccepts(gz: Uint8Array): { ok: boolean; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'twq-gzip-t-'));
  try {
    const file = join(dir, 'data.gz');
    writeFileSync(file, gz);
    const r = spawnSync('gzip', ['-t', file]);
    return { ok: r.status === 0, stderr: r.stderr.toString() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `gunzip -c` of `gz`. */
export function gunzipWithTool(gz: Uint8Array): Buffer {
  const r = runGzip(['-d', '-c'], gz);
  if (r.status !== 0) throw new Error(`gunzip failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
