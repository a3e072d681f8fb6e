import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { InlineQueue } from '@twq/core';
import { resolveOps } from '@twq/core/host';
import { compressibleText } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import {
  browserGzipBlockOpsUrl,
  browserQueueFactory,
  createPageQueue,
  createParallelGzipTransformStream,
  libdeflateGzipBlockOpsUrl,
  nativeGzipBlockOpsUrl,
  type OpsQueueFactory,
} from '../src/browser.js';
import { expectSameBytes } from './helpers/bytes.js';
import { throughWebStream } from './helpers/streams.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Stands in for @twq/browser's createQueue (ops + worker source), running the ops inline. */
function fakeBrowserAdapter(): { createQueue: OpsQueueFactory<string>; workers: string[] } {
  const workers: string[] = [];
  const createQueue: OpsQueueFactory<string> = (ops, options) => {
    workers.push(options.worker);
    return InlineQueue.create(resolveOps(ops, options.opsOptions), options);
  };
  return { createQueue, workers };
}

describe('browser entry', () => {
  it('gzips through an ops-taking adapter (as @twq/browser’s), with the fflate block ops', async () => {
    const adapter = fakeBrowserAdapter();
    const data = compressibleText(400_000, 21);
    const stream = createParallelGzipTransformStream({ createQueue: browserQueueFactory(adapter.createQueue, 'gzip-worker.js'), threads: 2, level: 6 });
    const gz = await throughWebStream(stream, data, 30_000);
    expectSameBytes(zlib.gunzipSync(gz), data, 'fflate parallel gzip');
    expect(adapter.workers).toEqual(['gzip-worker.js']);
  });

  it('gzips with the native codec (CompressionStream per block) when given nativeGzipBlockOpsUrl', async () => {
    const adapter = fakeBrowserAdapter();
    const data = compressibleText(700_000, 23);
    const stream = createParallelGzipTransformStream({
      createQueue: browserQueueFactory(adapter.createQueue, 'native-gzip-worker.js'),
      opsModule: nativeGzipBlockOpsUrl,
      threads: 2,
      blockSize: 128 * 1024,
    });
    const gz = await throughWebStream(stream, data, 30_000);
    expectSameBytes(zlib.gunzipSync(gz), data, 'native parallel gzip');
    expect(adapter.workers).toEqual(['native-gzip-worker.js']);
  });

  it('gzips with libdeflate (WebAssembly per block) when given libdeflateGzipBlockOpsUrl', async () => {
    const adapter = fakeBrowserAdapter();
    const data = compressibleText(700_000, 24);
    const stream = createParallelGzipTransformStream({
      createQueue: browserQueueFactory(adapter.createQueue, 'libdeflate-gzip-worker.js'),
      opsModule: libdeflateGzipBlockOpsUrl,
      threads: 2,
      blockSize: 128 * 1024,
    });
    const gz = await throughWebStream(stream, data, 30_000);
    expectSameBytes(zlib.gunzipSync(gz), data, 'libdeflate parallel gzip');
    expect(adapter.workers).toEqual(['libdeflate-gzip-worker.js']);
  });

  it('runs page queues through the same adapter', async () => {
    const adapter = fakeBrowserAdapter();
    const pages = await createPageQueue(browserQueueFactory(adapter.createQueue, 'page-worker.js'), { pageSize: 4096 });
    const data = compressibleText(50_000, 22);
    expectSameBytes(await pages.decompress(await pages.compress(data)), data, 'page round trip');
    await pages.destroy();
  });

  it('refuses a module it has no ops for, naming it', async () => {
    const factory = browserQueueFactory(fakeBrowserAdapter().createQueue, 'w.js');
    await expect(factory(new URL('file:///elsewhere/ops.js'), {})).rejects.toThrow(/no ops known for module file:\/\/\/elsewhere\/ops\.js/);
    await expect(factory(browserGzipBlockOpsUrl, { opsOptions: {} })).resolves.toBeDefined();
  });
});

describe('conditional exports', () => {
  function exportsUnder(conditions: string[], specifier: string): string[] {
    const script = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)));`;
    const r = spawnSync(process.execPath, [...conditions.map((c) => `--conditions=${c}`), '--input-type=module', '-e', script], { cwd: PACKAGE_DIR });
    if (r.status !== 0) throw new Error(r.stderr.toString());
    return JSON.parse(r.stdout.toString()) as string[];
  }

  it('resolves the Node entry (node:zlib) on Node, the browser entry (fflate) under the browser condition', () => {
    const onNode = exportsUnder([], '@twq/compress');
    expect(onNode).toContain('nodePageCodec');
    expect(onNode).toContain('ParallelGzipStream');
    expect(onNode).not.toContain('fflatePageCodec');
    const inBrowser = exportsUnder(['browser'], '@twq/compress');
    expect(inBrowser).toContain('fflatePageCodec');
    expect(inBrowser).toContain('libdeflatePageCodec');
    expect(inBrowser).toContain('browserQueueFactory');
    expect(inBrowser).not.toContain('nodePageCodec');
  });

  it('the browser entry imports no Node.js built-in, anywhere in its module graph', () => {
    const seen = new Set<string>();
    const builtins: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const specifier = (m[1] as string | undefined) ?? m[2];
        if (specifier.startsWith('node:')) builtins.push(`${file}: ${specifier}`);
        else if (specifier.startsWith('.')) visit(join(dirname(file), specifier));
      }
    };
    visit(join(PACKAGE_DIR, 'dist', 'browser.js'));
    visit(join(PACKAGE_DIR, 'dist', 'gzip', 'browser-block-ops.js'));
    visit(join(PACKAGE_DIR, 'dist', 'pages', 'browser-page-ops.js'));
    visit(join(PACKAGE_DIR, 'dist', 'gzip', 'native-block-ops.js'));
    visit(join(PACKAGE_DIR, 'dist', 'gzip', 'libdeflate-block-ops.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect(builtins).toEqual([]);
  });

  it('offers the ops modules as subpaths, per condition', () => {
    expect(exportsUnder([], '@twq/compress/gzip-block-ops')).toContain('nodeBlockCompressor');
    expect(exportsUnder(['browser'], '@twq/compress/gzip-block-ops')).toContain('pakoBlockCompressor');
    expect(exportsUnder([], '@twq/compress/page-ops')).toEqual(['ops']);
    expect(exportsUnder([], '@twq/compress/native-gzip-block-ops')).toEqual(['ops']);
    expect(exportsUnder(['browser'], '@twq/compress/native-gzip-block-ops')).toEqual(['ops']);
    expect(exportsUnder(['browser'], '@twq/compress/libdeflate-gzip-block-ops')).toEqual(['libdeflateBlockCompressor', 'ops']);
  });
});
