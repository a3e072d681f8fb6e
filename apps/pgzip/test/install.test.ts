/**
 * The package as a user gets it: `npm pack`, then `npm i -g` of the tarball
 * into a scratch prefix, offline (the bundle declares no dependency, so
 * nothing may need fetching), then `twq-gzip` run from there with a PATH
 * holding nothing but `node`: no workspace, no pnpm, no gzip.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const NPM_TIMEOUT_MS = 120_000;
const root = mkdtempSync(join(tmpdir(), 'twq-gzip-install-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'], {
    cwd,
    encoding: 'utf8',
    timeout: NPM_TIMEOUT_MS,
    env: { ...process.env, npm_config_cache: join(root, 'npm-cache') },
  });
  expect(r.status, `npm ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('npm pack and npm i -g', () => {
  it('install a twq-gzip that works with nothing but Node', () => {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', root], PACKAGE_DIR)) as { filename: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    // The bundle, types and README; no sources, tests or maps.
    expect(files).toContain('bundle/cli.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.filter((f) => !f.startsWith('bundle/') && !/^dist\/[\w-]+\.d\.ts$/.test(f) && f !== 'README.md' && f !== 'LICENSE' && f !== 'package.json')).toEqual([]);

    const prefix = join(root, 'prefix');
    npm(['install', '--global', '--offline', '--prefix', prefix, join(root, packed[0].filename)], root);
    const installed = join(prefix, 'lib', 'node_modules', '@twq', 'pgzip');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    // The @twq packages and cli-progress are inlined in the bundle: nothing is declared, nothing was installed beside it.
    expect(manifest.dependencies).toBeUndefined();
    expect(readdirSync(join(prefix, 'lib', 'node_modules'))).toEqual(['@twq']);
    expect(readdirSync(join(prefix, 'lib', 'node_modules', '@twq'))).toEqual(['pgzip']);

    const onlyNode = join(root, 'only-node');
    mkdirSync(onlyNode);
    symlinkSync(process.execPath, join(onlyNode, 'node'));
    const work = join(root, 'work');
    mkdirSync(work);
    const data = Buffer.from('a user file\n'.repeat(50_000));
    writeFileSync(join(work, 'notes.txt'), data);
    const twqGzip = (args: string[]): { status: number | null; stdout: Buffer; stderr: string } => {
      const r = spawnSync(join(prefix, 'bin', 'twq-gzip'), args, { cwd: work, env: { PATH: onlyNode }, timeout: 60_000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
    };
    const version = twqGzip(['--version']);
    expect(version.status, version.stderr).toBe(0);
    const { version: expectedVersion } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.toString()).toBe(`twq-gzip ${expectedVersion}\n`);
    const compress = twqGzip(['-p', '2', 'notes.txt']);
    expect(compress.status, compress.stderr).toBe(0);
    expect(readdirSync(work)).toEqual(['notes.txt.gz']);
    expect(Buffer.compare(zlib.gunzipSync(readFileSync(join(work, 'notes.txt.gz'))), data)).toBe(0);
    expect(twqGzip(['-t', 'notes.txt.gz']).status).toBe(0);
    expect(twqGzip(['-l', 'notes.txt.gz']).stdout.toString()).toMatch(/^ +\d+ +600000 +\d+\.\d% notes\.txt$/m);
    expect(twqGzip(['-d', 'notes.txt.gz']).status).toBe(0);
    expect(Buffer.compare(readFileSync(join(work, 'notes.txt')), data)).toBe(0);

    // The library entry resolves from the installed package too.
    const lib = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('@twq/pgzip'); console.log(typeof m.main, typeof m.parseCli)"], {
      cwd: installed,
      env: { PATH: onlyNode, NODE_PATH: join(prefix, 'lib', 'node_modules') },
      encoding: 'utf8',
    });
    expect(lib.stdout, lib.stderr).toBe('function function\n');
  });
});
