/**
 * `twq-bench tasks`: the task API (promises, values, map) beside piscina, and
 * beside twq's own slot API, in one run. Each figure is the median of
 * interleaved rounds (round 1 of every system, then round 2, ...), with its
 * spread; ratios compare figures of the same run only.
 */
import { serialize, deserialize } from 'node:v8';
import { Packr } from 'msgpackr';
import { Piscina } from 'piscina';
import type { TaskPool } from '@twq/core';
import { ValueTaskCodec, createValueOpsOptions, resolveValueMode } from '@twq/core/host';
import { createPool, createQueue } from '@twq/node';
import { formatRate, formatRatio, formatPercent } from '../report/format.js';
import { median, spread } from '../measure/stats.js';
import { runWindow } from '../systems/task-window.js';

const VALUE_TASK = new URL('../peers/value-task.js', import.meta.url);
const PAGE_TASK = new URL('../peers/page-task.js', import.meta.url);
const NOOP_OPS = new URL('../ops/noop-ops.js', import.meta.url);

export interface TasksOptions {
  readonly threads: readonly number[];
  readonly rounds: number;
  /** Tasks per round for piscina (postMessage per task: slow, so fewer). */
  readonly peerTasks: number;
  /** Tasks per round for twq's run(). */
  readonly runTasks: number;
  /** Items of the map() workload (the brief's: 1,000,000). */
  readonly mapItems: number;
  /** Items of the memory run (the brief's: 10,000,000); 0 skips it. */
  readonly rssItems: number;
  /** Which parts to run. */
  readonly parts: readonly TasksPart[];
}

export const TASKS_PARTS = ['run', 'map', 'peer-file', 'rss', 'codec'] as const;
export type TasksPart = (typeof TASKS_PARTS)[number];

export const TASKS_DEFAULTS: Omit<TasksOptions, 'threads'> = {
  rounds: 5,
  peerTasks: 20_000,
  runTasks: 300_000,
  mapItems: 1_000_000,
  rssItems: 10_000_000,
  parts: TASKS_PARTS,
};

/** The small values of the run() workloads. */
const VALUES: Record<string, () => unknown> = {
  number: () => 12345.5,
  object: () => ({ id: 17, name: 'lockless', ok: true, score: 0.75, tags: ['a', 'b'] }),
  '1 KiB Uint8Array': () => new Uint8Array(1024).fill(7),
};

interface Measured {
  readonly label: string;
  readonly rates: number[];
}

function rate(tasks: number, ms: number): number {
  return (tasks / ms) * 1000;
}

/** Runs every measure once per round, interleaved, and returns each one's rates. */
async function interleave(rounds: number, measures: readonly { label: string; once: () => Promise<number> }[]): Promise<Measured[]> {
  const out = measures.map((m) => ({ label: m.label, rates: [] as number[] }));
  for (const m of measures) await m.once(); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [i, m] of measures.entries()) out[i].rates.push(await m.once());
  }
  return out;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(print: (line: string) => void, title: string, results: readonly Measured[], baseline: string, reference?: string): void {
  const base = median(results.find((r) => r.label === baseline)?.rates ?? [NaN]);
  const ref = reference === undefined ? undefined : median(results.find((r) => r.label === reference)?.rates ?? [NaN]);
  print('');
  print(`### ${title}`);
  print('');
  print(row(['system', 'tasks/s (median)', 'spread', `x ${baseline}`, ...(ref === undefined ? [] : [`/ ${reference ?? ''}`])]));
  print(row(['---', '---:', '---:', '---:', ...(ref === undefined ? [] : ['---:'])]));
  for (const r of results) {
    const m = median(r.rates);
    print(row([r.label, formatRate(m), formatPercent(spread(r.rates)), formatRatio(m / base), ...(ref === undefined ? [] : [formatRatio(ref / m)])]));
  }
}

async function piscinaWindow(pool: Piscina, tasks: number, window: number, input: () => unknown, options?: { name: string }): Promise<number> {
  let sink = 0;
  const t0 = performance.now();
  await runWindow(tasks, window, () => pool.run(input(), options) as Promise<number>, () => {
    sink++;
  });
  if (sink !== tasks) throw new Error(`piscina returned ${sink} of ${tasks} results`);
  return rate(tasks, performance.now() - t0);
}

async function twqWindow(pool: TaskPool<unknown, unknown>, tasks: number, window: number, input: () => unknown): Promise<number> {
  let sink = 0;
  const t0 = performance.now();
  await runWindow(tasks, window, () => pool.run(input()) as Promise<number>, () => {
    sink++;
  });
  if (sink !== tasks) throw new Error(`twq returned ${sink} of ${tasks} results`);
  return rate(tasks, performance.now() - t0);
}

/** The slot API's no-op rate: getRequestBlocking, fill, submit; waitAll. The reference of the 5x bar. */
async function slotNoop(threads: number, tasks: number): Promise<{ once: () => Promise<number>; close: () => Promise<void> }> {
  let seen = 0;
  const queue = await createQueue(NOOP_OPS, {
    threads,
    onDone() {
      seen++;
    },
  });
  return {
    once: () => {
      seen = 0;
      const t0 = performance.now();
      for (let i = 0; i < tasks; i++) {
        const r = queue.getRequestBlocking() as unknown as { value: number };
        r.value = i & 0xffff;
        queue.submit(r as never);
      }
      queue.waitAll();
      if (seen !== tasks) throw new Error(`slot API: ${seen} of ${tasks} done`);
      return Promise.resolve(rate(tasks, performance.now() - t0));
    },
    close: () => queue.destroy(),
  };
}

async function runPart(o: TasksOptions, threads: number, print: (line: string) => void): Promise<void> {
  const piscina = new Piscina({ filename: VALUE_TASK.href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  const pool = await createPool({ filename: VALUE_TASK, threads });
  const slots = await slotNoop(threads, o.runTasks * 4);
  const peerWindow = 64 * threads;
  const twqWindowSize = pool.queue.slotsPerThread * threads;
  try {
    for (const [kind, make] of Object.entries(VALUES)) {
      const value = make();
      const input = (): unknown => value;
      const results = await interleave(o.rounds, [
        { label: `piscina run(), window ${peerWindow}`, once: () => piscinaWindow(piscina, o.peerTasks, peerWindow, input) },
        { label: `twq createPool run(), window ${twqWindowSize}`, once: () => twqWindow(pool, o.runTasks, twqWindowSize, input) },
        { label: 'twq slot API, no-op', once: slots.once },
      ]);
      table(print, `run() with a ${kind}, ${threads} worker${threads > 1 ? 's' : ''}`, results, `piscina run(), window ${peerWindow}`, 'twq slot API, no-op');
    }
  } finally {
    await Promise.all([piscina.destroy(), pool.destroy(), slots.close()]);
  }
}

async function mapPart(o: TasksOptions, threads: number, print: (line: string) => void): Promise<void> {
  const piscina = new Piscina({ filename: VALUE_TASK.href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  const pool = await createPool({ filename: VALUE_TASK, threads });
  const peerWindow = 64 * threads;
  try {
    let next = 0;
    const results = await interleave(o.rounds, [
      { label: `piscina, sliding window of ${peerWindow} promises (${o.peerTasks} numbers)`, once: () => piscinaWindow(piscina, o.peerTasks, peerWindow, () => next++) },
      {
        label: `twq map(), ordered (${o.mapItems} numbers)`,
        once: async () => {
          const n = o.mapItems;
          function* numbers(): Generator<number> {
            for (let i = 0; i < n; i++) yield i;
          }
          let expect = 0;
          const t0 = performance.now();
          for await (const r of pool.map(numbers())) {
            if (r !== expect++) throw new Error(`map() gave ${String(r)} at ${expect - 1}`);
          }
          if (expect !== n) throw new Error(`map() gave ${expect} of ${n}`);
          return rate(n, performance.now() - t0);
        },
      },
    ]);
    table(print, `map() over numbers, ${threads} worker${threads > 1 ? 's' : ''}`, results, results[0].label);
  } finally {
    await Promise.all([piscina.destroy(), pool.destroy()]);
  }
}

/** apps/bench's peer task file (page-task.ts), its `noop` export, unchanged through both. */
async function peerFilePart(o: TasksOptions, threads: number, print: (line: string) => void): Promise<void> {
  const piscina = new Piscina({ filename: PAGE_TASK.href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  const pool = await createPool({ filename: PAGE_TASK, name: 'noop', threads });
  const peerWindow = 64 * threads;
  const twqWindowSize = pool.queue.slotsPerThread * threads;
  let i = 0;
  const input = (): number => i++ & 0xffff;
  try {
    const results = await interleave(o.rounds, [
      { label: `piscina, page-task.js "noop", window ${peerWindow}`, once: () => piscinaWindow(piscina, o.peerTasks, peerWindow, input, { name: 'noop' }) },
      { label: `twq createPool, page-task.js "noop", window ${twqWindowSize}`, once: () => twqWindow(pool, o.runTasks, twqWindowSize, input) },
    ]);
    table(print, `the peers' task file unchanged, ${threads} worker${threads > 1 ? 's' : ''}`, results, results[0].label);
  } finally {
    await Promise.all([piscina.destroy(), pool.destroy()]);
  }
}

/** map() over an endless-looking async source: resident memory from start to end. */
async function rssPart(o: TasksOptions, threads: number, print: (line: string) => void): Promise<void> {
  const pool = await createPool({ filename: VALUE_TASK, threads });
  try {
    const n = o.rssItems;
    async function* source(): AsyncGenerator<number> {
      for (let i = 0; i < n; i++) yield await Promise.resolve(i);
    }
    globalThis.gc?.();
    const start = process.memoryUsage.rss();
    let max = start;
    let count = 0;
    const t0 = performance.now();
    for await (const r of pool.map(source())) {
      if (r !== count) throw new Error(`map() gave ${String(r)} at ${count}`);
      count++;
      if ((count & 0xffff) === 0) max = Math.max(max, process.memoryUsage.rss());
    }
    const ms = performance.now() - t0;
    const end = process.memoryUsage.rss();
    max = Math.max(max, end);
    const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
    print('');
    print(`### map() over ${n.toLocaleString('en-US')} items from an async generator, ${threads} worker${threads > 1 ? 's' : ''}`);
    print('');
    print(`RSS at start ${mib(start)} MiB, highest ${mib(max)} MiB, at end ${mib(end)} MiB: grew at most ${mib(max - start)} MiB (bar: 64 MiB); ${formatRate(rate(n, ms))} items/s`);
  } finally {
    await pool.destroy();
  }
}

/** Encode + decode of each small value through each codec, into and out of shared memory as a slot would. */
function codecPart(o: TasksOptions, print: (line: string) => void): void {
  const sab = new SharedArrayBuffer(1 << 20);
  const u8 = new Uint8Array(sab);
  // twq's submitter-side codec over a stand-in slot whose result region is its
  // input region, and whose worker's result arena is the input arena: what it
  // writes, it reads back (both copies a real round trip makes on this side).
  const inline = new Uint8Array(sab, 0, 1088);
  const options = createValueOpsOptions(resolveValueMode({ maxArenaBytes: 1 << 24 }), 1);
  const twq = new ValueTaskCodec<unknown, unknown>({ ...options, resultArenas: [options.inputArena] }, 1, 1);
  const slot = { slot: 0, worker: 0, input: inline, output: inline, inArena: 0, inAt: 0, outArena: 0, outAt: 0, op: 0 };
  const packr = new Packr({ structuredClone: true, moreTypes: true });
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const iterations = 100_000;
  const values: Record<string, unknown> = { ...Object.fromEntries(Object.entries(VALUES).map(([k, f]) => [k, f()])), '64 KiB Float64Array': new Float64Array(8192) };
  const codecs: Record<string, (v: unknown) => unknown> = {
    'twq (hand-written, in place)': (v) => {
      twq.write(slot, v);
      slot.outArena = slot.inArena;
      slot.outAt = slot.inAt;
      return twq.read(slot);
    },
    'msgpackr (structuredClone)': (v) => {
      const bytes = packr.pack(v);
      u8.set(bytes, 0);
      return packr.unpack(u8.slice(0, bytes.length)) as unknown;
    },
    'v8.serialize (Node only)': (v) => {
      const bytes = serialize(v);
      u8.set(bytes, 0);
      return deserialize(u8.slice(0, bytes.length)) as unknown;
    },
    'JSON + TextEncoder': (v) => {
      const text = JSON.stringify(v, (_k, x: unknown) => (ArrayBuffer.isView(x) ? Array.from(x as Uint8Array) : x));
      const bytes = encoder.encode(text);
      u8.set(bytes, 0);
      return JSON.parse(decoder.decode(u8.slice(0, bytes.length))) as unknown;
    },
  };
  for (const [kind, value] of Object.entries(values)) {
    const n = kind.startsWith('64') ? iterations / 50 : iterations;
    const rates = new Map<string, number[]>(Object.keys(codecs).map((k) => [k, []]));
    for (let r = 0; r <= o.rounds; r++) {
      for (const [name, codec] of Object.entries(codecs)) {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) codec(value);
        if (r > 0) rates.get(name)?.push(rate(n, performance.now() - t0));
      }
    }
    table(print, `codec: encode + decode a ${kind} through shared memory`, [...rates].map(([label, r]) => ({ label, rates: r })), 'twq (hand-written, in place)');
  }
}

export async function runTasks(o: TasksOptions, print: (line: string) => void): Promise<void> {
  print(`twq-bench tasks: ${o.rounds} interleaved rounds after a warm-up; median and spread ((max - min) / median); Node ${process.version}`);
  if (o.parts.includes('codec')) codecPart(o, print);
  for (const threads of o.threads) {
    if (o.parts.includes('run')) await runPart(o, threads, print);
    if (o.parts.includes('map')) await mapPart(o, threads, print);
    if (o.parts.includes('peer-file')) await peerFilePart(o, threads, print);
  }
  if (o.parts.includes('rss') && o.rssItems > 0) await rssPart(o, o.threads[o.threads.length - 1], print);
}
