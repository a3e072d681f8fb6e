/**
 * Headless Chromium for tests: Debian's package, never a browser that
 * playwright downloads (the network is closed, and `playwright install` is not
 * part of the setup). One list of launch flags for every suite that opens a
 * browser, whether through playwright-core directly or vitest's browser mode.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

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
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's Chromium with "apt-get update && apt-get install -y chromium"`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
}
