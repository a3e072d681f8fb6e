/**
 * End to end, on the production build (dist/, what `vite build` made of the
 * bundler pattern): Chromium opens the page served with the isolation
 * headers, compresses the built-in sample in 2 workers and on the main
 * thread, downloads the .gz and checks that it gunzips to the sample. It
 * records the speed-up the page reports, and a screenshot, under test-results/.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { launchChromium } from '@twq/test-support/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateSample } from '../src/sample.js';
import { serveStatic } from './static-server.js';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const results = fileURLToPath(new URL('../test-results/', import.meta.url));
/** How many times the comparison runs: the figure recorded is their median (the machine is shared). */
const ROUNDS = 3;

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
      const idle = !(document.querySelector('[data-testid="run-both"]') as HTMLButtonElement).disabled;
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

describe('web demo, production build', () => {
  test('2 workers and the main thread compress the sample to the same .gz, which gunzips to the sample', async () => {
    const { page, errors } = await openPage(ready(isolated, 'the isolated server').url);
    expect(await page.textContent(testId('isolation'))).toMatch(/cross-origin isolated/);
    await page.selectOption(testId('sample-size'), '32');
    await page.fill(testId('threads'), '2');
    const rounds: { speedup: number; workersMs: number; mainMs: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await run(page, 'run-both');
      expect(await page.textContent(testId('identical'))).toBe('same output bytes ✓');
      const speedup = Number.parseFloat((await page.textContent(testId('speedup'))) ?? '');
      const workersMs = Number.parseFloat((await page.textContent(testId('workers-ms'))) ?? '');
      const mainMs = Number.parseFloat((await page.textContent(testId('main-ms'))) ?? '');
      expect(speedup).toBeGreaterThan(0);
      rounds.push({ speedup, workersMs, mainMs });
    }
    const gz = await downloadGz(page, 'sample-32MiB.txt.gz');
    const sample = generateSample(32 << 20);
    expect(gunzipSync(gz).equals(Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength))).toBe(true);
    // Both workers served blocks.
    const handled = await page.$$eval(`${testId('worker-stats')} tbody tr td:nth-child(3)`, (tds) => tds.map((td) => Number(td.textContent)));
    expect(handled).toHaveLength(2);
    expect(handled.every((n) => n > 0)).toBe(true);
    await page.screenshot({ path: `${results}web-demo.png`, fullPage: true });
    const sorted = rounds.map((r) => r.speedup).sort((a, b) => a - b);
    const record = {
      what: 'speed-up the page reports: main-thread time / 2-worker time, 32 MiB built-in sample, level 6, 128 KiB blocks',
      median: sorted[Math.floor(sorted.length / 2)],
      rounds,
      chromium: ready(browser, 'Chromium').version(),
      cores: (await page.evaluate(() => navigator.hardwareConcurrency)),
      date: new Date().toISOString(),
    };
    await writeFile(`${results}speedup.json`, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`web demo speed-up (2 workers vs main thread): median ${record.median}x, rounds ${sorted.join(', ')}`);
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
