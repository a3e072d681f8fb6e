// A code thread of the model checker: runs the REAL @twq/core submitter or
// worker code (or @twq/event's SharedEvent), with every operation on the buffer
// under test gated by the scheduler (see instrumented-atomics.mjs). One thread
// serves many executions: each starts with a message carrying fresh buffers.
import { parentPort, workerData } from 'node:worker_threads';
import * as C from './control.mjs';
import { finish, gateStart, installGate, realAtomics, revive, setTarget, setTerminationWord, terminate } from './instrumented-atomics.mjs';
import { AUDIT_CANCEL_WON, AUDIT_SUBMITTED, AUDIT_TERMINATED, assertOwner, makeChecks, makeOps, plantBug } from './scenario.mjs';

const { role, index, control, scenario } = workerData;
installGate(control, index);
// Imported only now: @twq/event captures Atomics.waitAsync when it loads.
const core = { ...(await import('../../dist/index.js')), ...(await import('../../dist/host-entry.js')) };
const event = await import('@twq/event');
plantBug(core, event, scenario.bug, await import('../../dist/memory-layout.js'));
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
    try {
      runtime = new core.WorkerRuntime(m.buffer, index - 1, ops, env, scenario.spinBudget ?? 0);
      runtime.setupSlots();
      runtime.markReady();
    } catch (e) {
      fail(e);
      return;
    }
    gateStart();
    try {
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

async function runSubmitter(audit) {
  let memory;
  const ops = makeOps(core, audit, () => memory, scenario.dieOnSeq ?? -1, { done: false }, scenario.asyncHandler === true);
  // Threads 1..threads are the workers: a forced stop terminates them all.
  const workers = ((1 << (scenario.threads + 1)) - 1) & ~1;
  const host = {
    // Far past any execution: the checker explores orders, not timeouts.
    stopTimeoutMs: 600_000,
    start(init) {
      setTarget(init.buffer, makeChecks(scenario, init.buffer));
      return Promise.resolve();
    },
    // Graceful: the workers leave their loops by themselves. Forced: they are
    // terminated now, as worker.terminate() ends a thread: none writes again.
    stop(force) {
      if (force) terminate(workers);
      return Promise.resolve();
    },
  };
  const options = { threads: scenario.threads, slotsPerThread: scenario.slots, policy: scenario.policy, spinBudget: 0, name: 'mc', help: scenario.help ?? 'never' };
  const queue = new core.Workqueue(ops, options, host, 2);
  memory = core.memoryOf(queue);
  await queue.start();
  gateStart();
  const a = new Int32Array(audit);
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
      const request = queue.getRequest();
      if (request !== null) fillOne(request);
    } else if (step === 'getBlocking') {
      fillOne(queue.getRequestBlocking());
    } else if (step === 'getAsync') {
      fillOne(await queue.getRequestAsync());
    } else if (step === 'getAsyncPair') {
      // Two async waiters at once (both park on the doorbell while the queue is full).
      await Promise.all([queue.getRequestAsync().then(fillOne), queue.getRequestAsync().then(fillOne)]);
    } else if (step === 'getAsyncAndDrain') {
      // A getRequestAsync and a drain waiting at once (the doorbell and a completion event).
      await Promise.all([queue.getRequestAsync().then(fillOne), queue.drain()]);
    } else if (step === 'destroyForce') {
      await queue.destroy({ force: true });
    } else if (step === 'waitAll') {
      queue.waitAll();
    } else if (step === 'drain') {
      await queue.drain();
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
  await queue.destroy();
  realAtomics.store(a, AUDIT_SUBMITTED, next);
}
