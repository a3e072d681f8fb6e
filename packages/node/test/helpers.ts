import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withTimeout } from '@twq/test-support/worker';
import { afterEach, expect } from 'vitest';
import { createQueue, type NodeQueueOptions, type Ops, type RemoteError, type Request, type Workqueue } from '../dist/index.js';


/** URL of a fixture ops module (plain .mjs: worker threads cannot load .ts on Node 20). */
export function fixture(name: string): URL {
  return new URL(`./fixtures/${name}`, import.meta.url);
}

/** The layout of fixtures/checksum.mjs. */
// A type alias (not an interface): it must be assignable to LayoutSpec.
export type ChecksumSpec = { seq: 'u32'; mode: 'i32'; arg: 'i32'; out: 'u32'; ranOn: 'i32' };
export type ChecksumQueue = Workqueue<ChecksumSpec>;
export type ChecksumRequest = Request<ChecksumSpec>;

/** Creates a queue over fixtures/checksum.mjs. */
export function createChecksumQueue(options: NodeQueueOptions<ChecksumSpec> = {}): Promise<ChecksumQueue> {
  return createQueue<Ops<ChecksumSpec>>(fixture('checksum.mjs'), options);
}

// Modes of fixtures/checksum.mjs.
export const MODE_OK = 0;
export const MODE_THROW = 1;
export const MODE_EXIT = 2;
export const MODE_OOM = 3;
export const MODE_ASYNC = 4;
export const MODE_LATE_THROW = 5;
export const MODE_SLEEP = 6;
export const MODE_UNTIL_CANCELLED = 7;
/** What submit() writes to ranOn: the handler overwrites it with env.worker (-1 when the submitter ran it). */
export const NOT_RUN = -2;
export const MODE_ASYNC_UNTIL_ABORTED = 8;

/** What the checksum handler writes for `seq` (same as mix() in fixtures/checksum.mjs). */
export function mix(seq: number): number {
  return Math.imul((seq ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0;
}

/**
 * The submitter's side of the checksum: a done callback that marks a bitmap of
 * the sequence numbers seen and counts anything wrong (cheaply: it runs for
 * every request), then `verify` proves each of `n` requests came back once.
 */
export class Checksum {
  readonly seen: Uint8Array;
  count = 0;
  duplicates = 0;
  wrong = 0;
  outOfRange = 0;
  /** Requests reported done without error whose handler never ran (ranOn still NOT_RUN). */
  neverRan = 0;
  /** Requests the submitter ran itself while it waited (help): ranOn is SUBMITTER_WORKER, -1. */
  ranOnSubmitter = 0;
  /** Requests whose handler ran on another worker than the one owning the slot (stolen). */
  ranElsewhere = 0;
  sum = 0;
  readonly failures: { seq: number; error: RemoteError }[] = [];
  readonly wrongSamples: string[] = [];

  constructor(readonly capacity: number) {
    this.seen = new Uint8Array(capacity);
  }

  readonly onDone = (r: ChecksumRequest, error: RemoteError | undefined): void => {
    const seq = r.seq;
    this.count++;
    if (seq >= this.capacity) {
      this.outOfRange++;
      return;
    }
    if (this.seen[seq] !== 0) this.duplicates++;
    this.seen[seq] = 1;
    if (error !== undefined) {
      // A worker that died before the handler ran never wrote ranOn.
      this.failures.push({ seq, error });
      return;
    }
    if (r.ranOn === NOT_RUN) this.neverRan++;
    else if (r.ranOn === -1) this.ranOnSubmitter++;
    else if (r.ranOn !== r.worker) this.ranElsewhere++;
    const out = r.out;
    if (out !== mix(seq)) {
      this.wrong++;
      if (this.wrongSamples.length < 5) this.wrongSamples.push(`seq ${seq}: out ${out}, want ${mix(seq)}`);
    }
    this.sum = (this.sum + out) % 0x1_0000_0000;
  };

  /** Every seq in [0, n) came back exactly once, with the right result, and nothing else came back. */
  verify(n: number, { failuresAllowed = false } = {}): void {
    expect(this.duplicates, 'requests passed to done more than once').toBe(0);
    expect(this.outOfRange, 'done calls for sequence numbers never submitted').toBe(0);
    expect(this.wrongSamples, 'wrong results').toEqual([]);
    expect(this.wrong).toBe(0);
    expect(this.neverRan, 'requests reported done whose handler never ran').toBe(0);
    if (!failuresAllowed) expect(this.failures.map((f) => `${f.seq}: ${f.error.message}`), 'failed requests').toEqual([]);
    expect(this.count, 'done calls').toBe(n);
    let missing = 0;
    let firstMissing = -1;
    for (let i = 0; i < n; i++) {
      if (this.seen[i] === 0) {
        if (missing === 0) firstMissing = i;
        missing++;
      }
    }
    expect(missing, `requests never passed to done (first: ${firstMissing})`).toBe(0);
    let expectedSum = 0;
    if (!failuresAllowed) {
      for (let i = 0; i < n; i++) expectedSum = (expectedSum + mix(i)) % 0x1_0000_0000;
      expect(this.sum, 'checksum of results').toBe(expectedSum);
    }
  }
}

/** How a test gives its done callback: as the queue's `onDone`, or as the ops module's own `done` (fixtures/callback-ops.mjs). */
export type CallbackVia = 'onDone' | 'ops.done';

/**
 * Creates a checksum queue whose done callback is `callback`, given as `via`
 * says. The ops' done of fixtures/callback-ops.mjs forwards to the function
 * set last: one such queue at a time.
 */
export async function createWithCallback(
  via: CallbackVia,
  callback: (request: ChecksumRequest, error: RemoteError | undefined) => void,
  options: NodeQueueOptions<ChecksumSpec> = {},
): Promise<ChecksumQueue> {
  if (via === 'onDone') return createChecksumQueue({ ...options, onDone: callback });
  const url = fixture('callback-ops.mjs');
  const module = (await import(url.href)) as typeof import('./fixtures/callback-ops.mjs');
  module.setDone(callback);
  return createQueue<Ops<ChecksumSpec>>(url, options);
}

/** Fills a request of the checksum layout and submits it. */
export function submit(q: ChecksumQueue, r: ChecksumRequest, seq: number, mode = MODE_OK, arg = 0): void {
  r.seq = seq;
  r.mode = mode;
  r.arg = arg;
  r.out = 0;
  r.ranOn = NOT_RUN;
  q.submit(r);
}

/** Something the tracker can destroy: any queue. */
interface Destroyable {
  destroy(options?: { force?: boolean }): Promise<void>;
}

/**
 * Queues of the running test, destroyed (forcefully) after it whatever
 * happened. Call once at the top of a test file: it registers the afterEach.
 */
export function trackQueues(): {
  readonly track: <Q extends Destroyable>(queue: Q) => Q;
  readonly create: (...args: Parameters<typeof createChecksumQueue>) => Promise<ChecksumQueue>;
} {
  const open: Destroyable[] = [];
  afterEach(async () => {
    const queues = open.splice(0);
    await withTimeout(Promise.all(queues.map((q) => q.destroy({ force: true }))), 20_000, 'destroying the queues after the test');
  });
  const track = <Q extends Destroyable>(queue: Q): Q => {
    open.push(queue);
    return queue;
  };
  return { track, create: async (...args) => track(await createChecksumQueue(...args)) };
}

/** Polls `condition` (without blocking the event loop) until it holds; fails naming `what` after `ms`. */
export async function eventually(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what}: still not true after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A promise with its resolve function, for callbacks a test awaits. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Seeded PRNG (mulberry32): the random interleavings are reproducible from the seed in the test name. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the child did not exit by itself in time and was killed. */
  readonly killed: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** The JSON line the child printed last, if any. */
  readonly report: Record<string, unknown> | undefined;
}

/**
 * Runs fixtures/child.mjs (or the fixture `script`) with `scenario` in a fresh
 * Node process. The child must exit by itself: after `killAfterMs` it is
 * killed and `killed` is true (a leaked worker or a handle that keeps the
 * process alive).
 */
export function runChild(scenario: string, killAfterMs: number, scriptName = 'child.mjs', nodeArgs: readonly string[] = []): Promise<ChildResult> {
  const script = fileURLToPath(fixture(scriptName));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, scenario], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'));
      const last = lines.at(-1);
      resolve({
        code,
        signal,
        killed,
        stdout,
        stderr,
        report: last === undefined ? undefined : (JSON.parse(last) as Record<string, unknown>),
      });
    });
  });
}
