#!/usr/bin/env node
/**
 * twq-gzip: the command. Everything but process wiring is in main.ts.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { removePendingOutputsSync } from './atomic-output.js';
import { StdoutError, main } from './main.js';

/** Standard output's descriptor: written directly when it is a regular file (twq-gzip -c big > big.gz). */
const STDOUT_FD = 1;

/** Exit status of a process killed by a signal, as shells report it: 128 + the signal's number. */
const SIGNAL_BASE = 128;
/** The signals gzip cleans up after; their numbers on Linux. */
const CLEANUP_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 } as const;
const SIGPIPE_STATUS = SIGNAL_BASE + 13;
/** How long to wait for SIGPIPE to end the process before exiting with its status instead. */
const SIGPIPE_GRACE_MS = 1000;

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

// Interrupted, hung up or quit: no partial output file survives (SIGKILL cannot be caught: see the README).
for (const [signal, number] of Object.entries(CLEANUP_SIGNALS)) {
  process.once(signal, () => {
    removePendingOutputsSync(unlinkSync);
    process.exit(SIGNAL_BASE + number);
  });
}

/**
 * Standard output is a pipe whose reader has gone (twq-gzip -dc big | head):
 * gzip is killed by SIGPIPE there, silently, and so is this process. Node
 * ignores SIGPIPE; adding and removing a listener gives it back its default
 * action (libuv restores SIG_DFL), and the process signals itself.
 */
function dieOfSigpipe(): never {
  removePendingOutputsSync(unlinkSync);
  const ignore = (): void => undefined;
  process.on('SIGPIPE', ignore);
  process.off('SIGPIPE', ignore);
  process.kill(process.pid, 'SIGPIPE');
  setTimeout(() => process.exit(SIGPIPE_STATUS), SIGPIPE_GRACE_MS);
  // Nothing else may run meanwhile.
  return undefined as never;
}

let stdout: NodeJS.WriteStream | undefined;

// Getters: creating process.stdin or process.stdout costs a few milliseconds
// (a handle for a terminal or pipe), which a file-to-file run never needs.
try {
  process.exitCode = await main(process.argv.slice(2), {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      if (stdout === undefined) {
        stdout = process.stdout;
        // Its failures also come back through the write callbacks (StdoutError); this only keeps them from being uncaught.
        stdout.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code === 'EPIPE') dieOfSigpipe();
        });
      }
      return stdout;
    },
    stderr: process.stderr,
    stdoutFd: STDOUT_FD,
    version,
    env: process.env,
  });
} catch (e) {
  if (!(e instanceof StdoutError && e.code === 'EPIPE')) throw e;
  dieOfSigpipe();
}
