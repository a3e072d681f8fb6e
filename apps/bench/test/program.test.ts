import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';

/**
 * The command line, parsed in-process (nothing runs: a bad value stops the
 * parse before any action). What commander would print goes to `errors`.
 */
function parse(args: string[]): { error: CommanderError | undefined; errors: string } {
  let errors = '';
  const program = createProgram({ print: () => undefined, fail: () => undefined });
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => (errors += s), writeOut: () => undefined });
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput({ writeErr: (s) => (errors += s), writeOut: () => undefined });
  }
  try {
    program.parse(args, { from: 'user' });
    return { error: undefined, errors };
  } catch (e) {
    if (e instanceof CommanderError) return { error: e, errors };
    throw e;
  }
}

describe('twq-bench options', () => {
  it.each([
    [['seed', '-m', '3X'], /option '-m, --memory <size>' argument '3X' is invalid\. "3X" is not a memory size/],
    [['seed', '-m', '1K'], /not a whole number of 4096-byte pages/],
    [['seed', '-t', '0'], /option '-t, --threads <n>' argument '0' is invalid\. 0 is out of range: use a whole number from 1 to 256/],
    [['seed', '-r', '5000'], /from 1 to 4096/],
    [['seed', '-c', 'two'], /"two" is not an integer/],
    [['seed', '-p', 'random'], /argument 'random' is invalid\. Allowed choices are batch, round-robin/],
    [['seed', '-d', 'zeros'], /"zeros" is not allowed: use one of seed, text, random/],
    [['compare', '-t', '1,x'], /"x" in "1,x" is not a thread count/],
    [['compare', '--systems', 'twq,bullmq'], /"bullmq" in "twq,bullmq" is not allowed/],
    [['compare', '--workloads', 'zip'], /"zip" in "zip" is not allowed/],
    [['compare', '--runs', '0'], /from 1 to 1000/],
    [['compare', '--twq', 'batch/16'], /"batch\/16" in "batch\/16" is not a twq setting: write policy\/slotsPerThread\/spinBudget/],
    [['compare', '--twq', 'fifo/16/64'], /"fifo\/16\/64" in "fifo\/16\/64" is not a twq setting/],
    [['compare', '--twq', 'batch/0/64'], /slots 1 to 4096/],
    [['sweep', '--spins', '1,-1'], /"-1" in "1,-1" is not allowed/],
    [['sweep', '--policies', 'fifo'], /"fifo" in "fifo" is not allowed/],
    [['bogus'], /unknown command 'bogus'/],
    [['seed', '--frobnicate'], /unknown option '--frobnicate'/],
  ])('%j fails with a clear error and a non-zero exit code', (args, message) => {
    const { error, errors } = parse(args);
    expect(error).toBeInstanceOf(CommanderError);
    expect(error?.exitCode).not.toBe(0);
    expect(errors).toMatch(message);
  });
});
