import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const BUILT = (file: string) => new URL(`../dist/${file}`, import.meta.url).href;

interface Report {
  before: number[];
  after: number[];
  handled: string[];
}

/**
 * A fresh Node.js process (libdeflate's WebAssembly instance is created on its
 * first call in each process), as an application that keeps itself alive on
 * uncaught errors: its own listener, then a libdeflate call, then an error.
 */
function runApp(call: string): { status: number | null; report: Report | undefined; stderr: string } {
  const script = `
    import { libdeflatePageCodec } from ${JSON.stringify(BUILT('codec/libdeflate-page-codec.js'))};
    import { libdeflateBlockCompressor } from ${JSON.stringify(BUILT('gzip/libdeflate-block-ops.js'))};
    const events = ['uncaughtException', 'unhandledRejection'];
    const handled = [];
    process.on('uncaughtException', (e) => { handled.push(e.message); });
    const before = events.map((e) => process.listenerCount(e));
    const data = new TextEncoder().encode('twq '.repeat(2048));
    ${call};
    const after = events.map((e) => process.listenerCount(e));
    setTimeout(() => { throw new Error('the application threw'); }, 0);
    setTimeout(() => { console.log(JSON.stringify({ before, after, handled })); }, 50);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: PACKAGE_DIR, encoding: 'utf8', timeout: 20_000 });
  const line = r.stdout.trim().split('\n').pop();
  return { status: r.status, report: line ? (JSON.parse(line) as Report) : undefined, stderr: r.stderr };
}

describe("libdeflate's loader leaves no process listeners", () => {
  it.each([
    ['the page codec', "libdeflatePageCodec.compress(data, 'gzip', 6)"],
    ['the gzip block compressor', 'libdeflateBlockCompressor(data, undefined, false, 1)'],
  ])("%s: the application's own uncaughtException listener still decides", (_, call) => {
    const { status, report, stderr } = runApp(call);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(report?.after).toEqual(report?.before);
    expect(report?.handled).toEqual(['the application threw']);
  });
});
