/**
 * The catalogue covers everything callers can reach:
 * - every function and class exported by every entry point of every package
 *   (each "exports" entry, each condition), found by importing it: covered
 *   when a case calls it (or, for an error class, when a case expects it), or
 *   listed below with the reason it takes no caller input;
 * - every parameter and option of each, read from the packages' declarations;
 * - every flag of twq-gzip (its parseArgs definitions) and of every twq-bench
 *   command (its commander definitions).
 * Constants (numbers, strings, URLs, frozen lists) take no input and are not counted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_OPTIONS } from '@twq/pgzip';
import { createProgram } from '@twq/bench/dist/program.js';
import { API_TABLES } from './cases/index.js';
import { CLI_TABLES } from './cases/cli-index.js';
import type { Case } from './support/case.js';
import { listEntries, loadEntry } from './support/entries.js';
import { writePart } from './support/results.js';
import { readParamItems, type ParamItem } from './support/signatures.js';

/** Exports that take no caller input the catalogue could refuse: key `entry id:name`, value the reason. Keep it short. */
const NO_CALLER_INPUT: Readonly<Record<string, string>> = {
  '@twq/event:canBlock': 'takes no arguments',
  '@twq/event:nativeWaitAsync': "the platform's own Atomics.waitAsync, re-exported bound: the platform checks its arguments",
  '@twq/event:nativePause': "the platform's own Atomics.pause (Node >= 24), re-exported bound: the platform checks its argument",
  '@twq/event:BlockingWaitForbiddenError': "an error class thrown only on a browser's main thread: asserted in Chromium by packages/browser/test/bad-input.test.ts",
  '@twq/core:RemoteError': 'an error class reported to done callbacks (handler failures, dead workers), never thrown at a caller',
  '@twq/core:DoneCallbackError': "an error class that carries what the caller's own done callbacks threw (after every request was reported), not a refusal of caller input: asserted in packages/core/test/reentrant-callbacks.test.ts",
  '@twq/core:describeValue': 'takes any value: it is what shows bad values in messages',
  '@twq/core:maxSharedBytes': 'takes no arguments',
  '@twq/core:isRemoteError': 'a type guard: every value is valid input (it answers false)',
  '@twq/core/host:isWorkerMessage': 'a type guard: every value is valid input (it answers false)',
  '@twq/core/host:isWorkerStart': 'a type guard: every value is valid input (it answers false)',
  '@twq/bitmap:lowestSetBitUnchecked': "unchecked by design, for a protocol's hot loops over Int32Array words; lowestSetBit is the checked form",
  '@twq/core/host:toErrorInfo': 'takes whatever a handler threw, by design',
  '@twq/core/host:defaultThreads': "a host's parallelism hint (navigator.hardwareConcurrency may be missing): anything but a positive integer counts as 1, by design",
  '@twq/compress [node]:GzipBlockError': 'an error class for a block that failed on its worker, not a refusal of caller input',
  '@twq/pgzip:describeError': 'formats whatever was thrown, by design',
  '@twq/core:TaskAbortedError': "an error class for a run() whose signal aborted or timeout ran out: an outcome the caller asked for, asserted in packages/node's task-pool tests",
  '@twq/core/host:ValueTaskCodec': "the adapters' value-mode seam (createPool's internals), built from createValueOpsOptions' output; its inputs are checked through createPool's cases",
  '@twq/core/host:FieldTaskCodec':
    "the adapters' field-mode seam (createTaskQueue's internals), built from the ops' checked layout; what run() is given is refused by its validate(), asserted on real threads in packages/node/test/field-tasks.threads.test.ts and in Chromium in packages/browser/test/task-pool.test.ts",
  '@twq/core/host:createValueOpsOptions': "the adapters' value-mode seam: takes resolveValueMode's checked output and a thread count createPool checked",
  '@twq/core/host:preparePool': "the adapters' seam: createPool's first half (thread counts, value sizes), reached through the createPool cases of @twq/node and @twq/browser",
  '@twq/core/host:valueOps': "the adapters' value-mode seam: wraps the task function a worker imported (createPool's options.filename / serveTask cases refuse what is not one)",
};

/** Parameters exempt from needing a case: key `entry id:subject:member:param` ('' member for a function). */
const PARAMS_WITHOUT_CASES: Readonly<Record<string, string>> = {
  '@twq/core/host:checkOps::where': 'a label the message starts with',
  '@twq/core/host:resolveOps::where': 'a label the message starts with',
  '@twq/core/host:resolveOpsExport::where': 'a label the message starts with',
  '@twq/core/host:resolveOpsExport::module': 'a label the OpsLoadError names: where the ops came from',
  '@twq/core/host:resolveOpsExport::options': 'handed to an ops factory as is',
  '@twq/core/host:Supervisor:#message:handle': "the adapter's own thread object, compared by identity: a handle of a thread it does not know is ignored",
  '@twq/core/host:Supervisor:#error:handle': "the adapter's own thread object, compared by identity: a handle of a thread it does not know is ignored",
  '@twq/core/host:Supervisor:#exited:handle': "the adapter's own thread object, compared by identity: a handle of a thread it does not know is ignored",
  '@twq/core/host:resolveOps::options': 'handed to an ops factory as is',
  '@twq/core/host:resolveOptions::parallelism': 'a parallelism hint, as defaultThreads takes it',
  '@twq/core:Workqueue:new:parallelism': 'a parallelism hint, as defaultThreads takes it',
  '@twq/core/host:resolveOptions::options.opsOptions': 'any value: handed to the ops as is (adapters that post it to threads check it can be cloned)',
  '@twq/core:Workqueue:new:options.opsOptions': 'any value: handed to the ops as is',
  '@twq/core:InlineQueue:new:options.opsOptions': 'any value: handed to the ops as is, on this thread',
  '@twq/core:InlineQueue:static create:options.opsOptions': 'any value: handed to the ops as is, on this thread',
  '@twq/compress [node]:ParallelGzipEncoder:#abort:reason': 'any value: the reason an abort records',
  '@twq/compress [browser]:browserQueueFactory::worker': "handed to the adapter as options.worker, which checks it (@twq/browser createQueue's options.worker cases)",
  '@twq/node:createPool::options.idleTimeoutMs': "the queue option of the same name, passed to createQueue as is (a pool's threads are a fixed count: minThreads / maxThreads are piscina's): its cases are createQueue's options.idleTimeoutMs cases",
  '@twq/browser:createPool::options.idleTimeoutMs': "the queue option of the same name, passed to createQueue as is (a pool's threads are a fixed count: minThreads / maxThreads are piscina's): its cases are createQueue's options.idleTimeoutMs cases",
  '@twq/node:createPool::options.steal': "the queue option of the same name, passed to createQueue as is: its cases are createQueue's options.steal cases",
  '@twq/node:createPool::options.help': "the queue option of the same name, passed to createQueue as is: its cases are createQueue's options.help cases",
  '@twq/browser:createPool::options.steal': "the queue option of the same name, passed to createQueue as is: its cases are createQueue's options.steal cases",
  '@twq/browser:createPool::options.help': "the queue option of the same name, passed to createQueue as is: its cases are createQueue's options.help cases",
  '@twq/node:createPool::options.timeoutGraceMs': "the queue option of the same name, passed to createQueue as is: its cases are createQueue's options.timeoutGraceMs cases",
  '@twq/browser:createPool::options.timeoutGraceMs': "the queue option of the same name, passed to createQueue as is: its cases are createQueue's options.timeoutGraceMs cases",
  '@twq/node:createPool::options.requestTimeoutMs': "the queue option of the same name, passed to createQueue as is: its cases are createQueue's options.requestTimeoutMs cases",
  '@twq/browser:createPool::options.requestTimeoutMs': "the queue option of the same name, passed to createQueue as is: its cases are createQueue's options.requestTimeoutMs cases",
  '@twq/core:TaskQueue:new:codec': "the adapters' seam: createPool builds the task queue with its own codec",
  '@twq/core:TaskQueue:new:name': "the adapters' seam: the queue's name, checked by createQueue (options.name cases)",
  '@twq/core:TaskQueue:#onDone:request': 'the done callback createPool hands to the queue: the queue calls it with its own requests',
  '@twq/core:TaskQueue:#onDone:error': 'the done callback createPool hands to the queue: the queue calls it with its own errors',
  '@twq/core:TaskQueue:#attach:queue': "the adapters' seam: createPool attaches the queue it created",
  '@twq/core:TaskPool:new:codec': "the adapters' seam: createPool builds the pool with its own codec",
  '@twq/core:TaskPool:new:name': "the adapters' seam: the queue's name, checked by createQueue (options.name cases)",
  '@twq/core:TaskPool:new:exportName': "the adapters' seam: createPool's options.name, checked there",
  '@twq/browser/worker:serveOps::ops':
    "checked in the worker when the page's init message arrives, and reported to createQueue as OpsLoadError: asserted in Chromium (packages/browser/test/faults.test.ts)",
};


const entries = listEntries();
const allCases: readonly Case[] = API_TABLES.flatMap((t) => t.cases);

/** One id per distinct runtime value: re-exports of one function share it. */
const ids = new Map<unknown, number>();
function idOf(value: unknown): number {
  let id = ids.get(value);
  if (id === undefined) {
    id = ids.size + 1;
    ids.set(value, id);
  }
  return id;
}

interface Export {
  readonly entry: string;
  readonly name: string;
  readonly value: unknown;
  readonly kind: 'function' | 'class' | 'error class' | 'method of an exported object';
}

/** Functions and classes each entry exports, and the methods of exported objects (codecs, compressors). */
async function exportsOf(): Promise<Export[]> {
  const out: Export[] = [];
  for (const entry of entries) {
    const mod = await loadEntry(entry.id);
    for (const name of Object.keys(mod)) {
      const value = mod[name];
      if (typeof value === 'function') {
        const source = Function.prototype.toString.call(value);
        const kind = source.startsWith('class') ? ((value as { prototype?: unknown }).prototype instanceof Error ? 'error class' : 'class') : 'function';
        out.push({ entry: entry.id, name, value, kind });
      } else if (typeof value === 'object' && value !== null && !(value instanceof URL) && !Array.isArray(value)) {
        for (const [member, method] of Object.entries(value)) {
          if (typeof method === 'function') out.push({ entry: entry.id, name: `${name}.${member}`, value: method, kind: 'method of an exported object' });
        }
      }
    }
  }
  return out;
}

async function valueOf(entry: string, subject: string): Promise<unknown> {
  const mod = await loadEntry(entry);
  return subject.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], mod);
}

const figures: Record<string, unknown> = {};
afterAll(() => {
  writePart('coverage', figures);
});

describe('coverage of the exports', () => {
  it('every case names an export that exists, and expects a typed error (never a plain Error)', async () => {
    for (const c of allCases) {
      const value = await valueOf(c.entry, c.subject);
      expect(typeof value, `${c.entry} ${c.subject}`).toBe('function');
      expect(c.error, `${c.entry} ${c.subject} ${c.param} ${c.label}`).not.toBe(Error);
    }
  });

  it('every exported function and class is in the catalogue, or listed as taking no caller input', async () => {
    const all = await exportsOf();
    const called = new Set<number>();
    const expected = new Set<number>();
    for (const c of allCases) {
      called.add(idOf(await valueOf(c.entry, c.subject)));
      expected.add(idOf(c.error));
    }
    const exempt = new Set<number>();
    for (const key of Object.keys(NO_CALLER_INPUT)) {
      const [entry, name] = key.split(':');
      const value = await valueOf(entry, name);
      // nativePause exists only where the platform has Atomics.pause.
      if (value === undefined && name === 'nativePause') continue;
      expect(typeof value, `${key} is listed, but no such export`).toBe('function');
      exempt.add(idOf(value));
    }
    const uncovered = all.filter((e) => {
      const id = idOf(e.value);
      return !called.has(id) && !(e.kind === 'error class' && expected.has(id)) && !exempt.has(id);
    });
    expect(uncovered.map((e) => `${e.entry}:${e.name} (${e.kind})`), 'exports without a case').toEqual([]);
    const stale = Object.keys(NO_CALLER_INPUT).filter((key) => {
      const [entry, name] = key.split(':');
      const e = all.find((x) => x.entry === entry && x.name === name);
      return e !== undefined && called.has(idOf(e.value));
    });
    expect(stale, 'listed as taking no caller input, yet a case calls it').toEqual([]);

    const distinct = new Map<number, Export>();
    for (const e of all) if (!distinct.has(idOf(e.value))) distinct.set(idOf(e.value), e);
    const covered = [...distinct.keys()].filter((id) => called.has(id) || expected.has(id));
    figures.entries = entries.map((e) => e.id);
    figures.exportsTotal = distinct.size;
    figures.exportsCovered = covered.length;
    const noInput = new Set<number>();
    for (const key of Object.keys(NO_CALLER_INPUT)) {
      const [entry, name] = key.split(':');
      const value = await valueOf(entry, name);
      if (value !== undefined) noInput.add(idOf(value));
    }
    figures.exempt = [...distinct.keys()].filter((id) => noInput.has(id)).length;
    figures.perEntry = entries.map((entry) => {
      const own = all.filter((e) => e.entry === entry.id);
      return { entry: entry.id, functionsAndClasses: own.length, covered: own.filter((e) => called.has(idOf(e.value)) || expected.has(idOf(e.value))).length };
    });
  });

  it('every parameter and option of every exported function, constructor and method has a case (or a stated exemption)', async () => {
    const items = readParamItems(entries);
    const errorClasses = new Set((await exportsOf()).filter((e) => e.kind === 'error class').map((e) => idOf(e.value)));
    const exemptFunctions = new Set<number>();
    for (const key of Object.keys(NO_CALLER_INPUT)) {
      const [entry, name] = key.split(':');
      const value = await valueOf(entry, name);
      if (value !== undefined) exemptFunctions.add(idOf(value));
    }
    const keyOf = async (entry: string, subject: string, member: string, param: string): Promise<string> => `${idOf(await valueOf(entry, subject))}|${member}|${param}`;
    const caseKeys = new Set<string>();
    for (const c of allCases) caseKeys.add(await keyOf(c.entry, c.subject, c.member, c.param));
    const exemptKeys = new Set<string>();
    for (const key of Object.keys(PARAMS_WITHOUT_CASES)) {
      const [entry, subject, member, param] = key.split(':');
      expect(typeof (await valueOf(entry, subject)), `${key} is listed, but no such export`).toBe('function');
      exemptKeys.add(await keyOf(entry, subject, member, param));
    }
    const required = new Map<string, ParamItem>();
    for (const item of items) {
      const id = idOf(await valueOf(item.entry, item.subject));
      if (errorClasses.has(id) || exemptFunctions.has(id)) continue;
      const key = `${id}|${item.member}|${item.param}`;
      if (!required.has(key)) required.set(key, item);
    }
    const missing = [...required].filter(([key]) => !caseKeys.has(key) && !exemptKeys.has(key)).map(([, i]) => `${i.entry} ${i.subject} ${i.member || '()'} ${i.param}`);
    expect(missing, 'parameters and options without a case').toEqual([]);
    const redundant = [...exemptKeys].filter((key) => caseKeys.has(key));
    expect(redundant, 'exempt, yet a case covers it').toEqual([]);
    figures.paramsTotal = required.size;
    figures.paramsCovered = [...required.keys()].filter((key) => caseKeys.has(key)).length;
    figures.paramsExempt = [...required.keys()].filter((key) => exemptKeys.has(key)).length;
  });
});

describe('coverage of the command-line flags', () => {
  const casesOf = (cli: string): readonly { flag: string }[] => CLI_TABLES.flatMap((t) => t.cases).filter((c) => (c as { cli: string }).cli === cli);

  it('every flag twq-gzip defines has a case', () => {
    const flags = Object.keys(CLI_OPTIONS);
    expect(flags.length).toBeGreaterThan(20);
    const withCases = new Set(casesOf('twq-gzip').map((c) => c.flag));
    expect(flags.filter((f) => !withCases.has(f)), 'twq-gzip flags without a case').toEqual([]);
    figures.gzipFlags = flags.length;
  });

  it('every option of every twq-bench command has a case', () => {
    const program = createProgram({ print: () => undefined, fail: () => undefined });
    const flags = [
      ...program.createHelp().visibleOptions(program).map((o) => o.long ?? o.flags),
      ...program.commands.flatMap((command) => command.createHelp().visibleOptions(command).map((o) => `${command.name()} ${o.long ?? o.flags}`)),
    ];
    expect(flags.length).toBeGreaterThan(30);
    const withCases = new Set(casesOf('twq-bench').map((c) => c.flag));
    expect(flags.filter((f) => !withCases.has(f)), 'twq-bench options without a case').toEqual([]);
    figures.benchFlags = flags.length;
  });
});
