/**
 * twq-bench: every option of every command (seed, compare, sweep) with values
 * it refuses, flags it does not know, and an output directory it cannot
 * create. Each refused flag must stop the command before it measures
 * anything or creates its results directory (every compare / sweep case
 * points -o into the scratch directory, which must stay as it was).
 */
import type { CliCase } from '../support/cli.js';

const cli = 'twq-bench';

/** commander's words for a refused value: the option as defined, the value, and the parser's reason. */
function refused(command: 'seed' | 'compare' | 'sweep' | 'tasks', option: string, flags: string, value: string, reason: string, extra: readonly string[] = []): CliCase {
  const out = command === 'seed' || command === 'tasks' ? [] : ['-o', 'results'];
  return {
    cli,
    flag: `${command} ${option}`,
    label: value === '' ? 'empty' : value,
    args: [command, ...out, ...extra, `${option}=${value}`],
    stderr: [`error: option '${flags}' argument '${value}' is invalid.`, reason],
  };
}

/** An option given without its value. */
function missing(command: 'seed' | 'compare' | 'sweep' | 'tasks', option: string, flags: string): CliCase {
  return { cli, flag: `${command} ${option}`, label: 'missing its value', args: [command, option], stderr: [`error: option '${flags}' argument missing`] };
}

/** A flag with a value it does not take (commander reads `--flag=1` as an unknown option, named). */
function noValue(command: 'seed' | 'compare' | 'sweep' | 'tasks', option: string): CliCase {
  return { cli, flag: `${command} ${option}`, label: `${option}=1 (takes no value)`, args: [command, `${option}=1`], stderr: [`error: unknown option '${option}=1'`] };
}

const MINIMAL_RUN = ['-t', '1', '-w', 'noop', '-m', '4K', '--runs', '1', '--warmup', '0', '--run-ms', '1', '--no-progress'];

export const benchCliCases: CliCase[] = [
  // ---- seed ----
  refused('seed', '--threads', '-t, --threads <n>', 'x', '"x" is not an integer: use a whole number from 1 to 256'),
  refused('seed', '--threads', '-t, --threads <n>', '0', '0 is out of range: use a whole number from 1 to 256'),
  refused('seed', '--threads', '-t, --threads <n>', '257', '257 is out of range'),
  refused('seed', '--threads', '-t, --threads <n>', '1.5', '"1.5" is not an integer'),
  refused('seed', '--threads', '-t, --threads <n>', '', '"" is not an integer'),
  missing('seed', '--threads', '-t, --threads <n>'),
  refused('seed', '--requests', '-r, --requests <n>', '0', '0 is out of range: use a whole number from 1 to 4096'),
  refused('seed', '--requests', '-r, --requests <n>', '4097', '4097 is out of range'),
  refused('seed', '--memory', '-m, --memory <size>', '3K', '"3K" is not a whole number of 4096-byte pages'),
  refused('seed', '--memory', '-m, --memory <size>', '0', '"0" is out of range: from 4K (one page) to 64G'),
  refused('seed', '--memory', '-m, --memory <size>', '65G', '"65G" is out of range'),
  refused('seed', '--memory', '-m, --memory <size>', 'lots', '"lots" is not a memory size'),
  refused('seed', '--memory', '-m, --memory <size>', '1e400', '"1e400" is not a memory size'),
  refused('seed', '--count', '-c, --count <n>', '0', '0 is out of range: use a whole number from 1 to 10000'),
  refused('seed', '--count', '-c, --count <n>', '10001', '10001 is out of range'),
  { cli, flag: 'seed --policy', label: 'fifo', args: ['seed', '--policy', 'fifo'], stderr: ["error: option '-p, --policy <policy>' argument 'fifo' is invalid.", 'Allowed choices are batch, round-robin'] },
  refused('seed', '--spin', '-s, --spin <n>', '1000001', '1000001 is out of range: use a whole number from 0 to 1000000'),
  refused('seed', '--spin', '-s, --spin <n>', 'auto', '"auto" is not an integer'),
  refused('seed', '--data', '-d, --data <set>', 'zeros', '"zeros" is not allowed: use one of seed, text, random'),
  noValue('seed', '--help'),

  // ---- compare ----
  refused('compare', '--threads', '-t, --threads <list>', '0', '"0" in "0" is not a thread count'),
  refused('compare', '--threads', '-t, --threads <list>', '4-2', '"4-2" is an empty range'),
  refused('compare', '--threads', '-t, --threads <list>', '1,x', '"x" in "1,x" is not a thread count'),
  refused('compare', '--workloads', '-w, --workloads <list>', 'seed,nope', '"nope" in "seed,nope" is not allowed'),
  refused('compare', '--systems', '--systems <list>', 'twq,bogus', '"bogus" in "twq,bogus" is not allowed'),
  refused('compare', '--memory', '-m, --memory <size>', '1.5K', '"1.5K" is not a whole number of 4096-byte pages'),
  refused('compare', '--runs', '--runs <n>', '0', '0 is out of range: use a whole number from 1 to 1000'),
  refused('compare', '--warmup', '--warmup <n>', '1001', '1001 is out of range: use a whole number from 0 to 1000'),
  refused('compare', '--run-ms', '--run-ms <ms>', '0', '0 is out of range: use a whole number from 1 to 600000'),
  refused('compare', '--window', '--window <n>', '0', '0 is out of range: use a whole number from 1 to 1000000'),
  refused('compare', '--twq', '--twq <variants>', 'batch/0/0', '"batch/0/0" in "batch/0/0" is not a twq setting'),
  refused('compare', '--twq', '--twq <variants>', 'fifo/16/64', '"fifo/16/64" in "fifo/16/64" is not a twq setting'),
  missing('compare', '--out', '-o, --out <dir>'),
  {
    cli,
    flag: 'compare --out',
    label: 'a file where the results directory should be',
    args: ['compare', ...MINIMAL_RUN, '--systems', 'inline', '--twq', 'batch/4/0', '-o', 'taken'],
    files: { taken: 'not a directory' },
    stderr: ["twq-bench: EEXIST: file already exists, mkdir '", "taken'"],
    quietStdout: false,
    timeoutMs: 60_000,
  },
  noValue('compare', '--no-progress'),
  noValue('compare', '--help'),

  // ---- sweep ----
  refused('sweep', '--threads', '-t, --threads <list>', 'max-1', '"max-1" in "max-1" is not a thread count'),
  refused('sweep', '--policies', '--policies <list>', 'lifo', '"lifo" in "lifo" is not allowed'),
  refused('sweep', '--slots', '--slots <list>', '4,4097', '"4097" in "4,4097" is not allowed: use whole numbers from 1 to 4096'),
  refused('sweep', '--spins', '--spins <list>', '1000001', '"1000001" in "1000001" is not allowed'),
  refused('sweep', '--naps', '--naps <list>', '-1', '"-1" in "-1" is not allowed: use whole numbers from 0 to 1000000'),
  refused('sweep', '--workload', '-w, --workload <id>', 'all', '"all" is not allowed: use one of seed, text, random, noop'),
  refused('sweep', '--memory', '-m, --memory <size>', '100T', '"100T" is out of range'),
  refused('sweep', '--runs', '--runs <n>', '1001', '1001 is out of range'),
  refused('sweep', '--warmup', '--warmup <n>', 'x', '"x" is not an integer'),
  refused('sweep', '--run-ms', '--run-ms <ms>', '600001', '600001 is out of range'),
  {
    cli,
    flag: 'sweep --out',
    label: 'a file where the results directory should be',
    args: ['sweep', ...MINIMAL_RUN, '--policies', 'batch', '--slots', '4', '--spins', '0', '-o', 'taken'],
    files: { taken: 'not a directory' },
    stderr: ["twq-bench: EEXIST: file already exists, mkdir '", "taken'"],
    quietStdout: false,
    timeoutMs: 60_000,
  },
  noValue('sweep', '--no-progress'),
  noValue('sweep', '--help'),

  // ---- tasks ----
  refused('tasks', '--threads', '-t, --threads <list>', 'max-1', '"max-1" in "max-1" is not a thread count'),
  refused('tasks', '--parts', '--parts <list>', 'gpu', '"gpu" in "gpu" is not allowed'),
  refused('tasks', '--rounds', '--rounds <n>', '0', '0 is out of range'),
  refused('tasks', '--peer-tasks', '--peer-tasks <n>', 'x', '"x" is not an integer'),
  refused('tasks', '--run-tasks', '--run-tasks <n>', '-5', '"-5" is not an integer'),
  refused('tasks', '--map-items', '--map-items <n>', '1.5', '"1.5" is not an integer'),
  refused('tasks', '--rss-items', '--rss-items <n>', '-1', '"-1" is not an integer'),
  noValue('tasks', '--help'),

  // ---- the program ----
  { cli, flag: '--help', label: '--help=1 (takes no value)', args: ['--help=1'], stderr: ["error: unknown option '--help=1'"] },
  { cli, flag: 'COMMAND', label: 'a command it does not have', args: ['bench'], stderr: ["error: unknown command 'bench'"] },
  { cli, flag: 'COMMAND', label: 'an argument a command does not take', args: ['seed', 'extra'], stderr: ["error: too many arguments for 'seed'"] },
  { cli, flag: 'COMMAND', label: 'an option no command defines', args: ['compare', '--fast'], stderr: ["error: unknown option '--fast'"] },
];
