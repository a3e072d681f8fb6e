#!/usr/bin/env node
/**
 * twq-bench: `seed` (the original benchmark, ported), `compare` (twq beside
 * the other pools; what `pnpm start` runs), `sweep` (twq's settings).
 * Bad options: commander prints the error and exits 1. A failed check or any
 * other error: a message on stderr and exit code 1.
 */
import { createProgram } from './program.js';

const program = createProgram({
  print: (line) => {
    process.stdout.write(`${line}\n`);
  },
  fail: (message) => {
    process.stderr.write(`twq-bench: ${message}\n`);
    process.exitCode = 1;
  },
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`twq-bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
