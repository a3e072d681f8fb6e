// A code thread of the model checker: runs the REAL @twq/core submitter or
// worker code (or @twq/event's SharedEvent), with every operation on the buffer
// under test gated by the scheduler (see instrumented-atomics.mjs). One thread
// serves many executions: each starts with a message carrying fresh buffers.
import { parentPort, workerData } from 'node:worker_threads';
import * as C from './control.mjs';
import { finish, gateStart, installGate, realAtomics, revive, setTarget, setTerminationWord, terminate } from './instrumented-atomics.mjs';
import { AUDIT_CANCEL_WON, AUDIT_SUBMITTED, AUDIT_SURFACED, AUDIT_TERMINATED, AUDIT_THROWN, assertOwner, makeChecks, makeOps, plantBug } from './scenario.mjs';

const { role, index, control, scenario } = workerData;
installGate(control, index);
// Imported only now: @twq/event captures Atomics.waitAsync when it loads.
const core = { ...(await import('../../dist/index.js')), ...(await import('../../dist/host-entry.js')) };
const event = await import('@twq/event');
const layout = await import('../../dist/memory-layout.js');
plantBug(core, event, scenario.bug, layout);
setTerminationWord(new Int32Array(workerData.audit, AUDIT_TERMINATED * 4, 1));

function fail(error) {
  const harness = error instanceof Error && error.harness === true;
  parentPort.postMessage({ type: 'failed', role, index, harness, message: error instanceof Error ? error.message : String(error) });
  finish(C.FAILED);
}

const roles = {
  // A worker thread: attach, set up, then the real worker loop until destroy
  // (sync, or async once a handler returns a promise, as WorkerMain runs it).
  // With scenario.dieOnSeq, the thread that runs that request dies in its
  // handler; this thread then does what the adapter's supervisor does (records
  // the death) and goes on as the replacement, which waits until the submitter
  // has reclaimed the dead worker's slots, as @twq/node's worker entry does.
  // Terminated by a forced stop, it simply ends (no teardown, no STOPPED).
  async worker(m) {
    setTarget(m.buffer, makeChecks(scenario, m.buffer));
    let runtime;
    const died = { done: false };
    const memory = () => runtime.memory;
    const ops = makeOps(core, m.audit, memory, scenario.dieOnSeq ?? -1, died, scenario.asyncHandler === true);
    const env = { threads: scenario.threads, slotsPerThread: scenario.slots, name: 'mc', options: undefined };
    const elastic = scenario.minThreads !== undefined && scenario.minThreads < scenario.threads;
    try {
      runtime = new core.WorkerRuntime(m.buffer, index - 1, ops, env, scenario.spinBudget ?? 0);
      runtime.setupSlots();
      if (!elastic || index - 1 < scenario.minThreads) runtime.markReady();
    } catch (e) {
      fail(e);
      return;
    }
    gateStart();
    try {
      if (elastic) {
        // undefined: destroyed while waiting for a start (no thread would have been started: nothing to stop).
        runtime = await serveElastic(runtime, () => new core.WorkerRuntime(m.buffer, index - 1, ops, env, scenario.spinBudget ?? 0));
        runtime?.teardownSlots();
        runtime?.markStopped();
        finish(C.DONE);
        return;
      }
      try {
        await runtime.run();
      } catch (e) {
        if (e?.death !== true || e.terminated === true) throw e;
        revive();
        core.recordWorkerDeath(runtime.memory, index - 1, 1, { name: 'Error', message: 'planted death' });
        runtime = new core.WorkerRuntime(m.buffer, index - 1, ops, env, scenario.spinBudget ?? 0);
        runtime.setupSlots();
        while (!runtime.isStartable() && !runtime.isDestroyed()) runtime.waitStatusChange(100);
        runtime.markReady();
        await runtime.run();
      }
      runtime.teardownSlots();
      runtime.markStopped();
      finish(C.DONE);
    } catch (e) {
      if (e?.terminated === true) {
        finish(C.DONE);
        return;
      }
      revive();
      fail(e);
    }
  },

  // The submitter: creates the queue (its buffer goes to the workers through
  // the test), then runs the scenario's script, then destroy().
  submitter(m) {
    return runSubmitter(m.audit).then(() => finish(C.DONE), fail);
  },

  // Event scenarios. A resetting waiter (the event's one resetter) waits for
  // the flag to reach each round in turn: reset, check, wait.
  'event-waiter'(m) {
    eventRole(m, (words, ev) => {
      for (let round = 1; round <= scenario.rounds; round++) {
        for (;;) {
          ev.reset();
          if (Atomics.load(words, 1) >= round) break;
          ev.wait();
        }
      }
    });
  },

  // A latch waiter never resets: check, wait, until the flag reaches the end.
  'event-latch-waiter'(m) {
    eventRole(m, (words, ev) => {
      while (Atomics.load(words, 1) < scenario.rounds) ev.wait();
    });
  },

  // A setter raises the flag, then sets the event.
  'event-setter'(m) {
    eventRole(m, (words, ev) => {
      for (let round = 0; round < scenario.setsPerSetter; round++) {
        Atomics.add(words, 1, 1);
        ev.set();
      }
    });
  },
};

/**
 * Elastic threads: this thread plays every thread its partition gets. One
 * beyond minThreads first waits for a start: the model's spawn is the
 * submitter's host.startWorker(), which sets this partition's wake event
 * (after growth stored RUN SERVING); destroy sets it too. Then, as a new
 * thread does, it waits for RETIRED or STARTING, says READY and serves. The
 * model has no clock: the timed park's timeout is taken at the first park of
 * each start (it asks to retire there, then parks for good). A worker that
 * left publishes RETIRED and waits for the next start, as a fresh runtime.
 */
async function serveElastic(first, fresh) {
  const t = index - 1;
  let runtime = first;
  let started = t < scenario.minThreads;
  for (;;) {
    if (!started) {
      const block = runtime.memory.blocks[t];
      for (;;) {
        block.wake.reset();
        if (runtime.isDestroyed() || Atomics.load(block.submitter32, layout.U_RUN) !== layout.RUN_LEFT) break;
        block.wake.wait();
      }
      if (runtime.isDestroyed()) return undefined;
      while (!runtime.isStartable() && !runtime.isDestroyed()) runtime.waitStatusChange(100);
      runtime.markReady();
    }
    started = false;
    const park = runtime.parkSync;
    let timedOut = false;
    runtime.parkSync = function parkTimingOutOnce() {
      if (timedOut) return park.call(this);
      timedOut = true;
      this.askToRetire();
    };
    await runtime.run();
    if (!runtime.retired) return runtime;
    runtime.teardownSlots();
    runtime.markRetired();
    runtime = fresh();
    runtime.setupSlots();
  }
}

function eventRole(m, body) {
  setTarget(m.buffer, makeChecks(scenario, m.buffer));
  const words = new Int32Array(m.buffer);
  // Set-up (ungated, before anyone runs): the event starts FREE.
  if (index === 0) words[0] = event.EVENT_FREE;
  gateStart();
  try {
    body(words, new event.SharedEvent(words, 0));
    finish(C.DONE);
  } catch (e) {
    fail(e);
  }
}

// Executions start without messages (a message costs a trip through the event
// loop): the buffers are shared once, at spawn, and reset by the scheduler; a
// thread parks on its GO word until the scheduler raises it.
const record = new Int32Array(control, index * C.RECORD_WORDS * 4, C.RECORD_WORDS);
const { buffer: queueBuffer, audit } = workerData;
if (role === 'submitter') {
  // The queue allocates its buffer itself: hand it the shared one (same size).
  globalThis.SharedArrayBuffer = new Proxy(SharedArrayBuffer, {
    construct(Real, args) {
      return args[0] === queueBuffer.byteLength ? queueBuffer : new Real(...args);
    },
  });
}
let seen = 0;
const WAIT_SLICE_MS = 20;
// A pending waitAsync does not keep a thread alive; this listener does.
parentPort.on('message', () => undefined);
async function serve() {
  for (;;) {
    // Parks in slices: a lost notify would cost a slice, not the exploration.
    while (realAtomics.load(record, C.GO) === seen) await realAtomics.waitAsync(record, C.GO, seen, WAIT_SLICE_MS).value;
    seen = realAtomics.load(record, C.GO);
    // The submitter's part is async: this execution ends when its promise does.
    await roles[role]({ buffer: queueBuffer, audit });
    // Only now may the explorer start the next execution (it waits for this).
    realAtomics.store(record, C.ACK, seen);
    realAtomics.notify(record, C.ACK);
  }
}
void serve();

/** What a done callback throws when the scenario says 'throw'. */
const PLANTED_THROW = 'planted throw of a done callback';

/**
 * How many planted throws `e` carries (a DoneCallbackError may hold several,
 * nested when a callback's own call reported others); -1 when it carries
 * anything else, which is a failure of the code under test.
 */
function plantedThrows(core, e) {
  if (e instanceof Error && e.message === PLANTED_THROW) return 1;
  if (!(e instanceof core.DoneCallbackError)) return -1;
  let n = 0;
  for (const inner of e.errors) {
    const k = plantedThrows(core, inner);
    if (k < 0) return -1;
    n += k;
  }
  return n;
}

async function runSubmitter(audit) {
  let memory;
  const a = new Int32Array(audit);
  // Runs a call; a planted throw (or a DoneCallbackError of only those) that it reports back is counted, anything else fails.
  const surfacing = (call) => {
    try {
      const r = call();
      if (r instanceof Promise) return r.catch((e) => {
        const n = plantedThrows(core, e);
        if (n < 0) throw e;
        realAtomics.add(a, AUDIT_SURFACED, n);
      });
      return r;
    } catch (e) {
      const n = plantedThrows(core, e);
      if (n < 0) throw e;
      realAtomics.add(a, AUDIT_SURFACED, n);
      return undefined;
    }
  };
  // Requests claimed by getRequest() from inside done callbacks, submitted by a later 'submit'.
  const held = [];
  const reenter = (request) => {
    const seq = request.seq;
    const actions = scenario.reenter?.[seq];
    if (actions === undefined) return;
    for (const action of actions) {
      // A callback run by destroy() finds every call but drain() refused (QueueDestroyedError): documented, not a failure.
      if (queue.destroyed && action !== 'throw') continue;
      if (action === 'get') {
        const r = surfacing(() => queue.getRequest());
        if (r != null) held.push(r);
      } else if (action === 'getBlocking') {
        // Never waits inside a callback: a free slot, or ReentrantCallError.
        try {
          held.push(queue.getRequestBlocking());
        } catch (e) {
          if (!(e instanceof core.ReentrantCallError)) throw e;
        }
      } else if (action === 'submit') {
        const r = held.pop();
        if (r !== undefined) fillOne(r);
      } else if (action === 'waitAll') {
        surfacing(() => queue.waitAll());
      } else if (action === 'drain') {
        pendingDrains.push(surfacing(() => queue.drain()));
      } else if (action === 'throw') {
        realAtomics.add(a, AUDIT_THROWN, 1);
        throw new Error(PLANTED_THROW);
      } else {
        throw new Error(`unknown re-entrant action ${action}`);
      }
    }
    // The request is the callback's until it returns: no call it made handed its slot out again.
    if (request.seq !== seq || request.result !== seq * 3 + 1) {
      realAtomics.add(a, 1, 1);
      throw new Error(`protocol violation: the done callback of request ${seq} found its request changed (seq ${request.seq}, result ${request.result}) after calling the queue`);
    }
  };
  const pendingDrains = [];
  const ops = makeOps(core, audit, () => memory, scenario.dieOnSeq ?? -1, { done: false }, scenario.asyncHandler === true, reenter);
  // Threads 1..threads are the workers: a forced stop terminates them all.
  const workers = ((1 << (scenario.threads + 1)) - 1) & ~1;
  // What the queue gave the host to hear of its workers (the script's 'idle' step delivers a worker's ask).
  let hostEvents;
  const host = {
    // Far past any execution: the checker explores orders, not timeouts.
    stopTimeoutMs: 600_000,
    start(init, events) {
      hostEvents = events;
      setTarget(init.buffer, makeChecks(scenario, init.buffer));
      return Promise.resolve();
    },
    // Graceful: the workers leave their loops by themselves. Forced: they are
    // terminated now, as worker.terminate() ends a thread: none writes again.
    stop(force) {
      if (force) terminate(workers);
      return Promise.resolve();
    },
    // Elastic threads: the model's spawn (see serveElastic).
    startWorker(t) {
      memory.blocks[t].wake.set();
    },
  };
  const sizes = scenario.minThreads === undefined ? { threads: scenario.threads } : { minThreads: scenario.minThreads, maxThreads: scenario.threads, idleTimeoutMs: 1 };
  const options = { ...sizes, steal: scenario.steal ?? true, slotsPerThread: scenario.slots, policy: scenario.policy, spinBudget: 0, name: 'mc', help: scenario.help ?? 'never' };
  const queue = new core.Workqueue(ops, options, host, 2);
  memory = core.memoryOf(queue);
  await queue.start();
  gateStart();
  let next = 0;
  // The request each sequence number went out in, and the sequence number each slot holds now.
  const bySeq = [];
  const seqOfSlot = new Map();
  const fillOne = (request) => {
    // The submitter may write only a slot it owns: fill bit == done bit.
    assertOwner(memory, request.slot, 'submitter', true, a);
    bySeq.push(request);
    seqOfSlot.set(request.slot, next);
    request.seq = next++;
    request.result = -1;
    queue.submit(request);
  };
  for (const step of scenario.script) {
    if (step === 'get') {
      const request = surfacing(() => queue.getRequest());
      if (request != null) fillOne(request);
    } else if (step === 'getBlocking') {
      const request = surfacing(() => queue.getRequestBlocking());
      if (request !== undefined) fillOne(request);
    } else if (step === 'getAsync') {
      const request = await surfacing(() => queue.getRequestAsync());
      if (request !== undefined) fillOne(request);
    } else if (step === 'getAsyncPair') {
      // Two async waiters at once (both park on the doorbell while the queue is full).
      await Promise.all([queue.getRequestAsync().then(fillOne), queue.getRequestAsync().then(fillOne)]);
    } else if (step === 'getAsyncAndDrain') {
      // A getRequestAsync and a drain waiting at once (the doorbell and a completion event).
      await Promise.all([queue.getRequestAsync().then(fillOne), queue.drain()]);
    } else if (step === 'idle') {
      // Elastic threads: a retiring worker's message reaches the submitter's event loop now.
      hostEvents.workerIdle(scenario.threads - 1);
    } else if (step === 'destroyForce') {
      await queue.destroy({ force: true });
    } else if (step === 'waitAll') {
      surfacing(() => queue.waitAll());
    } else if (step === 'drain') {
      await surfacing(() => queue.drain());
    } else if (step.startsWith('cancel:')) {
      // Cancels request N if its slot still holds it (it may be queued, running or back).
      const seq = Number(step.slice('cancel:'.length));
      const request = bySeq[seq];
      if (request !== undefined && seqOfSlot.get(request.slot) === seq && queue.cancel(request)) {
        realAtomics.add(a, AUDIT_CANCEL_WON + seq, 1);
      }
    } else {
      throw new Error(`unknown script step ${step}`);
    }
  }
  await Promise.all(pendingDrains);
  await surfacing(() => queue.destroy());
  realAtomics.store(a, AUDIT_SUBMITTED, next);
}
