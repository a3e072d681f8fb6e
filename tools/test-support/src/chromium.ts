/**
 * Headless Chromium for tests: Debian's package, never a browser that
 * playwright downloads (the network is closed, and `playwright install` is not
 * part of the setup). One list of launch flags for every suite that opens a
 * browser, whether through playwright-core directly or vitest's browser mode.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * The Chromium to launch: CHROME_PATH, which the root `pnpm test` sets to the
 * one it found or installed (tools/release/src/system-deps.mjs), else Debian's.
 */
export const CHROMIUM_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/**
 * Flags that keep a headless Chromium off the (closed) network and off the GPU:
 * without them its background connections fail noisily and slow start-up.
 * `--no-sandbox`: Chromium's sandbox cannot start as root, nor in most containers.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Debian's Chromium headless; says how to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's Chromium with "apt-get update && apt-get install -y chromium", or set CHROME_PATH (the root \`pnpm test\` finds or installs one)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
}
