// The production build (vite build), served by vite preview with the isolation
// headers, opened in headless Chromium: the page must render the same image
// as this thread does. Chromium is found, or installed as root with apt, by
// the repository's system-program finder (CHROME_PATH wins).
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ensureSystemTool } from '../../../tools/release/src/system-deps.mjs';
import { HEIGHT, WIDTH, checksum, renderRow } from '../src/mandelbrot.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let server;
let browser;

beforeAll(async () => {
  await build({ root, logLevel: 'warn' });
  server = await preview({ root, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
  browser = await chromium.launch({ executablePath: ensureSystemTool('chromium'), args: CHROMIUM_ARGS });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('the page renders the image on 4 workers, the same as one thread does', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.resolvedUrls.local[0]);
  await page.waitForFunction(() => window.mandelbrot !== undefined || document.getElementById('status').textContent !== 'rendering…', null, { timeout: 120_000 });
  expect(errors).toEqual([]);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const result = await page.evaluate(() => window.mandelbrot);

  const image = new Uint8Array(WIDTH * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) renderRow(y, image.subarray(y * WIDTH, (y + 1) * WIDTH));
  expect(result).toMatchObject({ width: WIDTH, height: HEIGHT, checksum: checksum(image) });
}, 180_000);
