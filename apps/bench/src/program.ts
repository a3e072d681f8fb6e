import { Command, Option } from 'commander';
import { DEFAULT_POLICY, MAX_SLOTS_PER_THREAD, POLICIES, type PlacementPolicy } from '@twq/core';
import { COMPARE_DEFAULTS, runCompare } from './commands/compare-command.js';
import { DATA_SETS, type DataSet } from './data/data-sets.js';
import { MIB } from './data/page-size.js';
import {
  defaultThreadCounts,
  integerIn,
  integerListIn,
  listOf,
  oneOf,
  parseMemorySize,
  parseThreadList,
} from './commands/parse-options.js';
import { DEFAULT_RESULTS_DIR } from './report/results-dir.js';
import { runSeed } from './commands/seed-command.js';
import { runSweep } from './commands/sweep-command.js';
import { TASKS_DEFAULTS, TASKS_PARTS, runTasks, type TasksPart } from './commands/tasks-command.js';
import { AUTO_SPIN, SYSTEM_IDS, type SystemId, type TwqSettings } from './systems/bench-system.js';
import { formatVariant, parseTwqVariants } from './measure/twq-variant.js';
import { WORKLOAD_IDS, type WorkloadId } from './data/workloads.js';

/** Where the commands write: stdout for the report, and how a failed check sets the exit code. */
export interface ProgramIo {
  readonly print: (line: string) => void;
  readonly fail: (message: string) => void;
}

const MAX_SPIN = 1_000_000;

/** The twq-bench command line (a function, so that tests can parse without running). */
export function createProgram(io: ProgramIo): Command {
  const program = new Command('twq-bench')
    .description('The QEMU threaded-workqueue benchmark, ported to twq, and twq beside inline, piscina, tinypool, workerpool and async zlib.')
    .showHelpAfterError('(run with --help for the options)');

  program
    .command('seed')
    .description("the original threaded-workqueue-bench: compress every page of the guest memory through one twq queue, -c times")
    .addOption(new Option('-t, --threads <n>', 'worker threads').argParser(integerIn(1, 256)).default(2))
    .addOption(new Option('-r, --requests <n>', 'requests (slots) per thread').argParser(integerIn(1, MAX_SLOTS_PER_THREAD)).default(4))
    .addOption(new Option('-m, --memory <size>', 'guest memory: 256M, 2G, ... (a plain number is GiB, as in the original)').argParser(parseMemorySize).default(2 ** 30, '1G'))
    .addOption(new Option('-c, --count <n>', 'runs').argParser(integerIn(1, 10_000)).default(3))
    .addOption(new Option('-p, --policy <policy>', 'placement policy').choices(POLICIES).default(DEFAULT_POLICY))
    .addOption(new Option('-s, --spin <n>', "polls before a thread parks (twq's spinBudget)").argParser(integerIn(0, MAX_SPIN)).default(AUTO_SPIN, "the library's: 64, or 0 when threads + 1 > cores"))
    .addOption(new Option('-d, --data <set>', "what the pages hold: seed (the original's: zero pages + 0x10), text, random").argParser(oneOf(DATA_SETS)).default('seed'))
    .action(async (o: { threads: number; requests: number; memory: number; count: number; policy: PlacementPolicy; spin: number; data: DataSet }) => {
      const runs = await runSeed(
        { threads: o.threads, requests: o.requests, memory: o.memory, count: o.count, policy: o.policy, spinBudget: o.spin, data: o.data },
        io.print,
      );
      const failed = runs.filter((r) => r.problem !== undefined).length;
      if (failed > 0) io.fail(`${failed} of ${runs.length} runs failed the page check`);
    });

  const threadsHelp = `worker thread counts: 1,2,4 or 1-8 or max (default: ${defaultThreadCounts().join(',')}, powers of two up to this host's parallelism)`;
  program
    .command('compare')
    .description('twq against inline, piscina, tinypool, workerpool and async zlib on page compression and no-op requests; table, JSON and SVG chart')
    .addOption(new Option('-t, --threads <list>', threadsHelp).argParser((v) => parseThreadList(v)))
    .addOption(new Option('-w, --workloads <list>', `workloads among ${WORKLOAD_IDS.join(', ')}`).argParser(listOf(WORKLOAD_IDS)).default(COMPARE_DEFAULTS.workloads, COMPARE_DEFAULTS.workloads.join(',')))
    .addOption(new Option('--systems <list>', `systems among ${SYSTEM_IDS.join(', ')}`).argParser(listOf(SYSTEM_IDS)).default([...SYSTEM_IDS], 'all'))
    .addOption(new Option('-m, --memory <size>', 'guest memory per page data set').argParser(parseMemorySize).default(COMPARE_DEFAULTS.memory, `${COMPARE_DEFAULTS.memory / MIB}M`))
    .addOption(new Option('--runs <n>', 'measured runs per system (median and spread reported)').argParser(integerIn(1, 1000)).default(COMPARE_DEFAULTS.runs))
    .addOption(new Option('--warmup <n>', 'warm-up runs per system, after calibration').argParser(integerIn(0, 1000)).default(COMPARE_DEFAULTS.warmup))
    .addOption(new Option('--run-ms <ms>', 'target length of one run').argParser(integerIn(1, 600_000)).default(COMPARE_DEFAULTS.runMs))
    .addOption(new Option('--window <n>', 'tasks each promise-based peer keeps in flight (default: 64 per thread)').argParser(integerIn(1, 1_000_000)))
    .addOption(
      new Option('--twq <variants>', 'twq settings to run, each policy/slotsPerThread/spinBudget, comma-separated; one line each')
        .argParser(parseTwqVariants)
        .default(COMPARE_DEFAULTS.twq, COMPARE_DEFAULTS.twq.map(formatVariant).join(',')),
    )
    .addOption(new Option('-o, --out <dir>', 'where compare.json and compare.svg go').default(DEFAULT_RESULTS_DIR, 'apps/bench/results'))
    .option('--no-progress', 'no progress bar')
    .action(async (o: CompareCli) => {
      await runCompare({ ...o, threads: o.threads ?? defaultThreadCounts() }, io.print);
    });

  program
    .command('sweep')
    .description('twq alone over threads x policy x slots per thread x spin budget, beside inline: the data behind the defaults')
    .addOption(new Option('-t, --threads <list>', threadsHelp).argParser((v) => parseThreadList(v)))
    .addOption(new Option('--policies <list>', `placement policies among ${POLICIES.join(', ')}`).argParser(listOf(POLICIES)).default([...POLICIES], POLICIES.join(',')))
    .addOption(new Option('--slots <list>', 'slots per thread').argParser(integerListIn(1, MAX_SLOTS_PER_THREAD)).default([4, 16, 64, 256], '4,16,64,256'))
    .addOption(new Option('--spins <list>', 'spin budgets').argParser(integerListIn(0, MAX_SPIN)).default([0, 64, 1024], '0,64,1024'))
    .addOption(
      new Option('--naps <list>', 'microseconds the submitter sleeps when no request is free before it blocks (0: it blocks at once); not a library option')
        .argParser(integerListIn(0, 1_000_000))
        .default([0], '0'),
    )
    .addOption(new Option('-w, --workload <id>', `one of ${WORKLOAD_IDS.join(', ')}`).argParser(oneOf(WORKLOAD_IDS)).default('seed'))
    .addOption(new Option('-m, --memory <size>', 'guest memory').argParser(parseMemorySize).default(COMPARE_DEFAULTS.memory, `${COMPARE_DEFAULTS.memory / MIB}M`))
    .addOption(new Option('--runs <n>', 'measured runs per configuration').argParser(integerIn(1, 1000)).default(COMPARE_DEFAULTS.runs))
    .addOption(new Option('--warmup <n>', 'warm-up runs per configuration').argParser(integerIn(0, 1000)).default(COMPARE_DEFAULTS.warmup))
    .addOption(new Option('--run-ms <ms>', 'target length of one run').argParser(integerIn(1, 600_000)).default(COMPARE_DEFAULTS.runMs))
    .addOption(new Option('-o, --out <dir>', 'where sweep.json and sweep.svg go').default(DEFAULT_RESULTS_DIR, 'apps/bench/results'))
    .option('--no-progress', 'no progress bar')
    .action(async (o: SweepCli) => {
      await runSweep({ ...o, threads: o.threads ?? defaultThreadCounts() }, io.print);
    });

  program
    .command('tasks')
    .description("the task API (createPool run(), map()) beside piscina on the same task file, and beside twq's slot API; plus the value codecs and map()'s memory")
    .addOption(new Option('-t, --threads <list>', 'worker thread counts').argParser((v) => parseThreadList(v)).default([1, 2], '1,2'))
    .addOption(new Option('--parts <list>', `parts among ${TASKS_PARTS.join(', ')}`).argParser(listOf(TASKS_PARTS)).default([...TASKS_PARTS], 'all'))
    .addOption(new Option('--rounds <n>', 'interleaved measured rounds').argParser(integerIn(1, 1000)).default(TASKS_DEFAULTS.rounds))
    .addOption(new Option('--peer-tasks <n>', 'tasks per round for piscina').argParser(integerIn(1, 100_000_000)).default(TASKS_DEFAULTS.peerTasks))
    .addOption(new Option('--run-tasks <n>', "tasks per round for twq's run()").argParser(integerIn(1, 100_000_000)).default(TASKS_DEFAULTS.runTasks))
    .addOption(new Option('--map-items <n>', 'numbers per map() round').argParser(integerIn(1, 1_000_000_000)).default(TASKS_DEFAULTS.mapItems))
    .addOption(new Option('--rss-items <n>', 'items of the memory run (0: skip)').argParser(integerIn(0, 1_000_000_000)).default(TASKS_DEFAULTS.rssItems))
    .action(async (o: { threads: number[]; parts: TasksPart[]; rounds: number; peerTasks: number; runTasks: number; mapItems: number; rssItems: number }) => {
      await runTasks(o, io.print);
    });

  return program;
}

interface CompareCli {
  threads: number[] | undefined;
  workloads: WorkloadId[];
  systems: SystemId[];
  memory: number;
  runs: number;
  warmup: number;
  runMs: number;
  window: number | undefined;
  twq: TwqSettings[];
  out: string;
  progress: boolean;
}

interface SweepCli {
  threads: number[] | undefined;
  policies: PlacementPolicy[];
  slots: number[];
  spins: number[];
  naps: number[];
  workload: WorkloadId;
  memory: number;
  runs: number;
  warmup: number;
  runMs: number;
  out: string;
  progress: boolean;
}
