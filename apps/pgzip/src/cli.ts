#!/usr/bin/env node
/**
 * twq-gzip: the command. Everything but process wiring is in main.ts.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { removePendingOutputsSync } from './atomic-output.js';
import { main } from './main.js';

/** Exit statuses of a process ended by SIGINT and SIGTERM (128 + signal number), as shells report them. */
const EXIT_SIGINT = 130;
const EXIT_SIGTERM = 143;

/** Standard output's descriptor: written directly when it is a regular file (twq-gzip -c big > big.gz). */
const STDOUT_FD = 1;

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

// Interrupted: no partial output file survives.
for (const [signal, code] of [['SIGINT', EXIT_SIGINT], ['SIGTERM', EXIT_SIGTERM]] as const) {
  process.once(signal, () => {
    removePendingOutputsSync(unlinkSync);
    process.exit(code);
  });
}

// Getters: creating process.stdin or process.stdout costs a few milliseconds
// (a handle for a terminal or pipe), which a file-to-file run never needs.
process.exitCode = await main(process.argv.slice(2), {
  get stdin() {
    return process.stdin;
  },
  get stdout() {
    return process.stdout;
  },
  stderr: process.stderr,
  stdoutFd: STDOUT_FD,
  version,
});
