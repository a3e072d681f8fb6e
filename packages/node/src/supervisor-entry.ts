/**
 * Entry of the supervisor thread: the parent of every worker of one queue.
 *
 * Why a thread of its own: while the submitter parks in `Atomics.wait`
 * (waitAll, getRequestBlocking) its event loop is frozen, so it cannot hear a
 * worker's `exit` event. The supervisor's event loop never blocks: it hears
 * every exit (process.exit in a handler, out of memory under resourceLimits,
 * an uncaught error) and reports the death through the shared memory
 * (`recordWorkerDeath` sets the worker's completion event, which wakes the
 * submitter), then starts a replacement that waits for the submitter to
 * reclaim the dead worker's slots.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import type { ErrorInfo, QueueMemory } from '@twq/core';
import type { FromSupervisor, FromWorker, SupervisorData, ToSupervisor, WorkerData } from './protocol.js';

const data = workerData as SupervisorData;
const port = parentPort;
if (port === null) throw new Error('@twq/node supervisor entry must run in a worker thread');
const threads = data.init.threads;

const workers: (Worker | undefined)[] = new Array<Worker | undefined>(threads).fill(undefined);
const lastError: (ErrorInfo | undefined)[] = new Array<ErrorInfo | undefined>(threads).fill(undefined);
const ready: boolean[] = new Array<boolean>(threads).fill(false);
let readyCount = 0;
let started = false;
let stopping = false;
let stoppedSent = false;
let failed = false;

/** Read through a call: a 'stop' message can set it while an exit is handled across an await. */
function isStopping(): boolean {
  return stopping;
}

function send(m: FromSupervisor): void {
  port?.postMessage(m);
}

function spawn(t: number, replacement: boolean): void {
  const wd: WorkerData = { init: data.init, opsModule: data.opsModule, exportName: data.exportName, worker: t };
  const w = new Worker(new URL(data.workerEntry), {
    workerData: wd,
    name: `${data.init.name}#${t}`,
    ...(data.resourceLimits === undefined ? {} : { resourceLimits: data.resourceLimits }),
  });
  workers[t] = w;
  ready[t] = false;
  lastError[t] = undefined;
  w.on('message', (m: FromWorker) => {
    if (m.type === 'ready') {
      ready[t] = true;
      if (!started && ++readyCount === threads) {
        started = true;
        send({ type: 'ready' });
        void loadShared();
      }
    } else {
      lastError[t] = m.error;
      void startFailed(t, m.error, replacement);
    }
  });
  w.on('error', (e: Error) => {
    lastError[t] = { name: e.name, message: e.message, stack: e.stack };
  });
  w.on('exit', (exitCode: number) => {
    if (workers[t] !== w) return;
    workers[t] = undefined;
    void workerExited(t, exitCode, replacement);
  });
}

async function workerExited(t: number, exitCode: number, replacement: boolean): Promise<void> {
  if (stopping) {
    maybeStopped();
    return;
  }
  const { core, memory } = await loadShared();
  // A worker leaves its loop by itself once the destroy flag is set, which
  // may be before the 'stop' message arrives here: that is no death. (A stop
  // may also have come in during the await.)
  if (isStopping() || memory.isDestroyed()) {
    stopping = true;
    maybeStopped();
    return;
  }
  const error = lastError[t] ?? { name: 'WorkerExit', message: `the worker thread exited with code ${exitCode}` };
  if (!ready[t]) {
    await startFailed(t, error, replacement);
    return;
  }
  core.recordWorkerDeath(memory, t, exitCode, error);
  const replace = data.replaceDeadWorkers && !failed;
  send({ type: 'worker-died', worker: t, exitCode, error, replaced: replace });
  if (replace) {
    memory.blocks[t].bumpGeneration();
    spawn(t, true);
  } else {
    core.recordQueueFailure(memory, t, error);
  }
}

async function startFailed(t: number, error: ErrorInfo, replacement: boolean): Promise<void> {
  if (failed || stopping) return;
  failed = true;
  if (replacement) {
    // The queue was running: fail it through shared memory (a blocked submitter must hear it).
    const { core, memory } = await loadShared();
    core.recordQueueFailure(memory, t, error);
    send({ type: 'replacement-failed', worker: t, error });
    return;
  }
  send({ type: 'start-failed', worker: t, error });
  stopping = true;
  await Promise.all(workers.filter((w) => w !== undefined).map((w) => w.terminate()));
  maybeStopped();
}

function maybeStopped(): void {
  if (!stoppedSent && workers.every((w) => w === undefined)) {
    stoppedSent = true;
    send({ type: 'stopped' });
    port?.close();
  }
}

port.on('message', (m: ToSupervisor) => {
  stopping = true;
  if (m.force) {
    for (const w of workers) void w?.terminate();
  } else {
    // The destroy flag is set and every wake event too: workers leave their
    // loops, tear their slots down and exit. Past the timeout, terminate.
    setTimeout(() => {
      for (const w of workers) void w?.terminate();
    }, data.stopTimeoutMs).unref();
  }
  maybeStopped();
});

type Shared = { readonly core: typeof import('@twq/core'); readonly memory: QueueMemory };
let shared: Promise<Shared> | undefined;

/**
 * @twq/core and the queue's memory, loaded on first need. Start-up is on the
 * queue's critical path and on a small machine the workers' boots compete
 * for the cores: this thread loads nothing but node:worker_threads before
 * they are all ready, then loads this at once (a worker that dies before
 * that waits for it).
 */
function loadShared(): Promise<Shared> {
  shared ??= import('@twq/core').then((core) => ({
    core,
    memory: new core.QueueMemory(data.init.buffer, core.readGeometry(data.init.buffer)),
  }));
  return shared;
}

for (let t = 0; t < threads; t++) spawn(t, false);
