/**
 * End to end, on the production build (dist/, what `vite build` made of the
 * bundler pattern): Chromium opens the page served with the isolation
 * headers and compresses the built-in sample three ways: in 2 workers on the
 * libdeflate codec (WebAssembly), with the same encoder on the main thread,
 * and with one native CompressionStream (the baseline a page has without any
 * library); then in 2 workers on the native codec and on pako. It records the
 * times, sizes and speed-ups under test-results/ (median of ROUNDS
 * interleaved rounds, with the spread), and checks every size class of the
 * compress test corpus through the libdeflate and native codecs in workers
 * with Chromium's DecompressionStream, zlib and gzip -t.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { compressibleText } from '@twq/test-support/corpus';
import { launchChromium } from '@twq/test-support/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SIZE_CLASSES, TEST_BLOCK } from '../../../packages/compress/test/helpers/size-classes.js';
import { generateSample } from '../src/sample.js';
import { serveStatic } from './static-server.js';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const results = fileURLToPath(new URL('../test-results/', import.meta.url));
/**
 * How many times the comparison runs: the figures recorded are their medians
 * (the machine is shared). TWQ_E2E_ROUNDS overrides it: CI's reruns on other
 * Node.js versions take 1, since what they check (the page works and its
 * output reads back) does not need the medians.
 */
const ROUNDS = Math.max(1, Math.floor(Number(process.env.TWQ_E2E_ROUNDS ?? '5')) || 5);

type Served = Awaited<ReturnType<typeof serveStatic>>;
// Set in beforeAll; the hooks' guards are for a beforeAll that failed half way.
let browser = undefined as Browser | undefined;
let isolated = undefined as Served | undefined;
let plain = undefined as Served | undefined;

function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} was not set up`);
  return value;
}

beforeAll(async () => {
  if (!existsSync(`${dist}/index.html`)) throw new Error(`no production build in ${dist}: run \`pnpm build\` first`);
  await mkdir(results, { recursive: true });
  isolated = await serveStatic(dist, true);
  plain = await serveStatic(dist, false);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
});

/** A page that fails the test on any uncaught error of its own. */
async function openPage(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await ready(browser, 'Chromium').newPage({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`));
  await page.goto(url);
  return { page, errors };
}

const testId = (id: string): string => `[data-testid="${id}"]`;

/** Clicks a run button and waits for the page to say it is done (or why it is not). */
async function run(page: Page, button: string): Promise<void> {
  await page.click(testId(button));
  await page.waitForFunction(
    () => {
      const status = document.querySelector('[data-testid="status"]')?.textContent ?? '';
      const idle = !(document.querySelector('[data-testid="run-all"]') as HTMLButtonElement).disabled;
      return idle && status !== '';
    },
    undefined,
    { timeout: 300_000 },
  );
  expect(await page.textContent(testId('status'))).toBe('done');
}

async function downloadGz(page: Page, file: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(testId('download'))]);
  const path = `${results}${file}`;
  await download.saveAs(path);
  return readFile(path);
}

const number = async (page: Page, id: string): Promise<number> => Number.parseFloat((await page.textContent(testId(id))) ?? '');

/** Median and spread of a list of figures. */
function summary(xs: readonly number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

/** The output size the page shows, as a percentage of the input ("9.6 MiB (31.2 %)" -> 31.2). */
async function outputPercent(page: Page, prefix: string): Promise<number> {
  const text = (await page.textContent(testId(`${prefix}-out`))) ?? '';
  const m = /\(([\d.]+) %\)/.exec(text);
  if (m === null) throw new Error(`no output size in ${prefix}-out: ${text}`);
  return Number(m[1]);
}

function gzipTestAccepts(file: string): void {
  const r = spawnSync('gzip', ['-t', file]);
  expect(r.status, `gzip -t ${file}: ${r.stderr.toString()}`).toBe(0);
}

describe('web demo, production build', () => {
  test('2 workers (libdeflate codec), the main thread and one native stream compress the sample; 2 native-codec and 2 pako workers too; the .gz reads back everywhere', async () => {
    const { page, errors } = await openPage(ready(isolated, 'the isolated server').url);
    expect(await page.textContent(testId('isolation'))).toMatch(/cross-origin isolated/);
    await page.selectOption(testId('sample-size'), '32');
    await page.fill(testId('threads'), '2');
    const rounds: Record<string, number>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved: each round runs every path once, so a change in the machine's load hits them alike.
      await page.selectOption(testId('codec'), 'pako');
      await page.selectOption(testId('block-size'), '131072');
      await run(page, 'run-workers');
      const pakoWorkersMs = await number(page, 'workers-ms');
      await page.selectOption(testId('codec'), 'native');
      await page.selectOption(testId('block-size'), '1048576');
      await run(page, 'run-workers');
      expect(await page.textContent(testId('readback'))).toBe('DecompressionStream reads it back ✓');
      const nativeWorkersMs = await number(page, 'workers-ms');
      const nativeWorkersPercentOfInput = await outputPercent(page, 'workers');
      await page.selectOption(testId('codec'), 'libdeflate');
      await run(page, 'run-all');
      expect(await page.textContent(testId('identical'))).toBe('same output bytes ✓');
      expect(await page.textContent(testId('readback'))).toBe('DecompressionStream reads it back ✓');
      const workersMs = await number(page, 'workers-ms');
      const mainMs = await number(page, 'main-ms');
      const nativeMs = await number(page, 'native-ms');
      rounds.push({
        workersMs,
        mainMs,
        nativeMs,
        pakoWorkersMs,
        nativeWorkersMs,
        nativeWorkersPercentOfInput,
        workersPercentOfInput: await outputPercent(page, 'workers'),
        nativePercentOfInput: await outputPercent(page, 'native'),
        speedupOverMain: mainMs / workersMs,
        speedupOverNativeStream: nativeMs / workersMs,
        speedupOverPakoWorkers: pakoWorkersMs / workersMs,
        nativeWorkersOverNativeStream: nativeMs / nativeWorkersMs,
      });
    }
    const gz = await downloadGz(page, 'sample-32MiB.txt.gz');
    gzipTestAccepts(`${results}sample-32MiB.txt.gz`);
    const sample = generateSample(32 << 20);
    expect(gunzipSync(gz).equals(Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength))).toBe(true);
    // Both workers served blocks.
    const handled = await page.$$eval(`${testId('worker-stats')} tbody tr td:nth-child(3)`, (tds) => tds.map((td) => Number(td.textContent)));
    expect(handled).toHaveLength(2);
    expect(handled.every((n) => n > 0)).toBe(true);
    await page.screenshot({ path: `${results}web-demo.png`, fullPage: true });
    const of = (key: string): { median: number; min: number; max: number } => summary(rounds.map((r) => r[key]));
    const record = {
      what: '32 MiB built-in sample, 2 workers, level 6; libdeflate codec (workers, main thread): 1 MiB blocks; native codec: 1 MiB blocks (CompressionStream per block); pako: 128 KiB blocks; times from first byte in to trailer out',
      speedupOverNativeStream: of('speedupOverNativeStream'),
      speedupOverPakoWorkers: of('speedupOverPakoWorkers'),
      speedupOverMain: of('speedupOverMain'),
      nativeWorkersOverNativeStream: of('nativeWorkersOverNativeStream'),
      sizeVsNativeStream: summary(rounds.map((r) => r.workersPercentOfInput / r.nativePercentOfInput)),
      nativeWorkersSizeVsNativeStream: summary(rounds.map((r) => r.nativeWorkersPercentOfInput / r.nativePercentOfInput)),
      rounds,
      chromium: ready(browser, 'Chromium').version(),
      cores: await page.evaluate(() => navigator.hardwareConcurrency),
      loadavg: (await import('node:os')).loadavg(),
      date: new Date().toISOString(),
    };
    await writeFile(`${results}speedup.json`, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`web demo, median [min-max] of ${ROUNDS} rounds: 2 libdeflate workers over one native stream ${record.speedupOverNativeStream.median.toFixed(2)}x [${record.speedupOverNativeStream.min.toFixed(2)}-${record.speedupOverNativeStream.max.toFixed(2)}], over 2 pako workers ${record.speedupOverPakoWorkers.median.toFixed(2)}x [${record.speedupOverPakoWorkers.min.toFixed(2)}-${record.speedupOverPakoWorkers.max.toFixed(2)}], over the main thread ${record.speedupOverMain.median.toFixed(2)}x; size vs native stream ${record.sizeVsNativeStream.median.toFixed(3)}; 2 native-codec workers over one native stream ${record.nativeWorkersOverNativeStream.median.toFixed(2)}x [${record.nativeWorkersOverNativeStream.min.toFixed(2)}-${record.nativeWorkersOverNativeStream.max.toFixed(2)}]`);
    expect(errors).toEqual([]);
    await page.close();
  });

  test.each(['libdeflate', 'native'])('every size class of the compress test corpus, %s codec in 2 workers: DecompressionStream, zlib and gzip -t read it back', async (codec) => {
    const { page, errors } = await openPage(ready(isolated, 'the isolated server').url);
    await page.fill(testId('threads'), '2');
    await page.selectOption(testId('codec'), codec);
    await page.selectOption(testId('block-size'), String(TEST_BLOCK));
    for (const [name, length] of SIZE_CLASSES) {
      const text = Buffer.from(compressibleText(length, length + 5));
      const file = `class-${codec}-${length}.txt`;
      await page.setInputFiles(testId('file'), { name: file, mimeType: 'text/plain', buffer: text });
      await page.waitForFunction((f) => document.querySelector('[data-testid="input-info"]')?.textContent.startsWith(f), file);
      await run(page, 'run-workers');
      expect(await page.textContent(testId('readback')), name).toBe('DecompressionStream reads it back ✓');
      const gz = await downloadGz(page, `${file}.gz`);
      expect(gunzipSync(gz).equals(text), name).toBe(true);
      gzipTestAccepts(`${results}${file}.gz`);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a file chosen on the page is compressed in workers and downloads as its .gz', async () => {
    const { page, errors } = await openPage(ready(isolated, 'the isolated server').url);
    const text = Buffer.from('a file of my own\n'.repeat(50_000));
    await page.setInputFiles(testId('file'), { name: 'notes.txt', mimeType: 'text/plain', buffer: text });
    await page.waitForFunction(() => document.querySelector('[data-testid="input-info"]')?.textContent.startsWith('notes.txt'));
    await page.fill(testId('threads'), '2');
    await run(page, 'run-workers');
    const gz = await downloadGz(page, 'notes.txt.gz');
    expect(gunzipSync(gz).equals(text)).toBe(true);
    // gzip's FNAME field carries the name.
    expect(gz.subarray(10, 19).toString()).toBe('notes.txt');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('served without the isolation headers, the page says which headers to send', async () => {
    const { page } = await openPage(ready(plain, 'the plain server').url);
    const banner = (await page.textContent(testId('isolation'))) ?? '';
    expect(banner).toMatch(/Cross-Origin-Opener-Policy: same-origin/);
    expect(banner).toMatch(/Cross-Origin-Embedder-Policy: require-corp/);
    await page.click(testId('run-workers'));
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent.includes('Error'));
    expect(await page.textContent(testId('status'))).toMatch(/^CrossOriginIsolationError: .*Cross-Origin-Opener-Policy: same-origin/);
    await page.close();
  });
});
