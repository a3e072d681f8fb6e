// Replaces globalThis.Atomics, in one code thread, by a wrapper that stops
// before every operation on the buffer under test: each shared-memory access
// of the real code is one step. At each stop this thread, holding the baton,
// runs the scheduler (scheduler.mjs): it goes on itself or hands the baton to
// another thread and parks until it gets it back. Operations on other buffers
// pass through untouched.
//
// Waits and notifies on the buffer under test are simulated, not performed: a
// wait whose value matches parks the thread in the scheduler's books until a
// notify on that word, so the scheduler always knows who is parked.
import * as C from './control.mjs';
import { decide } from './scheduler.mjs';

const real = Atomics;
let control;
let base;
let self;
let target;
let checks = { check: () => undefined, fingerprint: () => 0 };
/** Set by kill(): the thread is dead, and its next operation on the buffer under test throws instead. */
let killed = false;
/** Where another thread terminates this one (a host's forced stop): a word of bits, ours `1 << self`. */
let terminations;
/** This thread's pending Atomics.waitAsync calls, in the order of its record's ASYNC_ADDR entries. */
let asyncWaits = [];
/** Whether a check for "every async flow of this thread is waiting" is queued. */
let idleCheckQueued = false;

/** Thrown at a killed thread's next gated operation: that operation never happens. */
export class ThreadDeath extends Error {
  constructor(terminated = false) {
    super(terminated ? 'this thread was terminated' : 'planted death: this thread is dead');
    this.death = true;
    /** True when another thread terminated this one (a forced stop), not a death of its own. */
    this.terminated = terminated;
  }
}

/** From now on this thread's operations on the buffer under test throw ThreadDeath (it died before them). */
export function kill() {
  killed = true;
}

/** Ends a kill(): the thread goes on as a new worker (its replacement). */
export function revive() {
  killed = false;
}

/** The word (of an ungated buffer) through which threads are terminated: see terminate(). */
export function setTerminationWord(array) {
  terminations = array;
}

/**
 * Terminates the threads `mask` (bit t: thread t), as a host's forced stop
 * does: each throws ThreadDeath(terminated) at its next step, so it writes the
 * buffer under test no more; a parked one is woken to die. Called by the
 * thread holding the baton, so every other thread is stopped at a gate or parked.
 */
export function terminate(mask) {
  real.or(terminations, 0, mask);
  for (let t = 0; t < control[C.THREADS]; t++) {
    if (((mask >>> t) & 1) === 0) continue;
    const b = t * C.RECORD_WORDS;
    if (control[b + C.STATUS] === C.BLOCKED) control[b + C.WOKEN] = 1;
  }
}

function checkAlive() {
  if (killed) throw new ThreadDeath();
  if (terminations !== undefined && ((real.load(terminations, 0) >>> self) & 1) !== 0) throw new ThreadDeath(true);
}

export function installGate(controlBuffer, threadIndex) {
  control = new Int32Array(controlBuffer);
  self = threadIndex;
  base = threadIndex * C.RECORD_WORDS;
  const wrapper = Object.create(null);
  for (const name of Object.getOwnPropertyNames(real)) {
    const value = real[name];
    wrapper[name] = typeof value === 'function' ? value.bind(real) : value;
  }
  const rmw = ['load', 'store', 'exchange', 'compareExchange', 'add', 'sub', 'and', 'or', 'xor'];
  rmw.forEach((name, k) => {
    const op = real[name].bind(real);
    wrapper[name] = (array, index, ...rest) => {
      if (gated(array)) {
        checkAlive();
        gate(k + 1, wordIndex(array, index), 0);
      }
      return op(array, index, ...rest);
    };
  });
  wrapper.wait = (array, index, value, timeout = Infinity) => {
    if (!gated(array)) return real.wait(array, index, value, timeout);
    checkAlive();
    gate(C.OP_WAIT, wordIndex(array, index), value);
    if (real.load(array, index) !== value) return 'not-equal';
    block(wordIndex(array, index));
    waitTurn();
    checkAlive();
    collectWoken();
    return 'ok';
  };
  // Registers the wait and returns at once, as the real one does: this
  // thread's other async flows go on. It parks only once every flow waits
  // (see parkIdle); a notify meanwhile marks the wait woken all the same.
  wrapper.waitAsync = (array, index, value, timeout = Infinity) => {
    if (!gated(array)) return real.waitAsync(array, index, value, timeout);
    checkAlive();
    gate(C.OP_WAIT_ASYNC, wordIndex(array, index), value);
    if (real.load(array, index) !== value) return { async: false, value: 'not-equal' };
    const j = control[base + C.ASYNC_COUNT];
    if (j === C.MAX_ASYNC) throw Object.assign(new Error(`more than ${C.MAX_ASYNC} async waits at once in thread ${self}`), { harness: true });
    control[base + C.ASYNC_ADDR + j] = wordIndex(array, index);
    control[base + C.ASYNC_COUNT] = j + 1;
    const promise = new Promise((resolve, reject) => {
      asyncWaits.push({ resolve, reject });
    });
    queueIdleCheck();
    return { async: true, value: promise };
  };
  wrapper.notify = (array, index, count = Infinity) => {
    if (!gated(array)) return real.notify(array, index, count);
    checkAlive();
    gate(C.OP_NOTIFY, wordIndex(array, index), count === Infinity ? -1 : count);
    // The scheduler woke the parked threads when it chose this step.
    return control[base + C.RESULT];
  };
  globalThis.Atomics = wrapper;
}

/** Operations on `buffer` are steps from now on (while the explorer's GATING is 1). */
export function setTarget(buffer, threadChecks) {
  target = buffer;
  if (threadChecks !== undefined) checks = threadChecks;
}

/** The real Atomics, for checks that must not be steps. */
export const realAtomics = real;

function gated(array) {
  return target !== undefined && array.buffer === target && control[C.GATING] === 1;
}

function wordIndex(array, index) {
  return (array.byteOffset >>> 2) + index * Math.max(1, array.BYTES_PER_ELEMENT >>> 2);
}

/** Stops before an operation: announces it, decides who goes next, waits if not us. */
function gate(op, addr, value) {
  control[base + C.OP] = op;
  control[base + C.ADDR] = addr;
  control[base + C.VALUE] = value;
  control[base + C.STATUS] = C.AT_GATE;
  if (decide(control, self, checks.check, checks.fingerprint) !== self) waitTurn();
  // Terminated while it waited for its turn: the operation never happens.
  checkAlive();
  collectWoken();
}

/** Resolves the async waits that a notify woke (this thread holds the baton); their flows go on as microtasks. */
function collectWoken() {
  const woken = control[base + C.ASYNC_WOKEN];
  if (woken === 0) return;
  const n = control[base + C.ASYNC_COUNT];
  const kept = [];
  let k = 0;
  for (let j = 0; j < n; j++) {
    if (((woken >>> j) & 1) !== 0) {
      asyncWaits[j].resolve('ok');
    } else {
      control[base + C.ASYNC_ADDR + k++] = control[base + C.ASYNC_ADDR + j];
      kept.push(asyncWaits[j]);
    }
  }
  asyncWaits = kept;
  control[base + C.ASYNC_COUNT] = k;
  control[base + C.ASYNC_WOKEN] = 0;
  // The woken flows run next; if they all wait again, the thread parks again.
  queueIdleCheck();
}

/** After the microtasks of this turn: if this thread's flows all wait (none runs), it parks. */
function queueIdleCheck() {
  if (idleCheckQueued) return;
  idleCheckQueued = true;
  setImmediate(parkIdle);
}

/**
 * Every async flow of this thread waits: it parks on all its async waits at
 * once (ADDR -1: no sync wait) and hands the baton on, until a notify of one
 * of their words (or its termination) makes it runnable again.
 */
function parkIdle() {
  idleCheckQueued = false;
  if (asyncWaits.length === 0 || control[C.GATING] !== 1 || control[base + C.STATUS] !== C.RUNNING) return;
  if (control[base + C.ASYNC_WOKEN] !== 0) {
    collectWoken();
    return;
  }
  control[base + C.OP] = C.OP_WAIT_ASYNC;
  block(-1);
  void waitTurnAsync().then(() => {
    try {
      checkAlive();
    } catch (e) {
      const waits = asyncWaits;
      clearAsyncWaits();
      for (const w of waits) w.reject(e);
      return;
    }
    collectWoken();
  });
}

/** Forgets this thread's async waits (an execution ends, or the thread dies). */
function clearAsyncWaits() {
  asyncWaits = [];
  control[base + C.ASYNC_COUNT] = 0;
  control[base + C.ASYNC_WOKEN] = 0;
}

/** The start of an execution: wait, without deciding, for the explorer's first step. */
export function gateStart() {
  if (real.load(control, C.GATING) === 1) {
    // An execution is under way: a thread must never start another inside it.
    const e = new Error(`thread ${self} started an execution while another was running (GO ${control[base + C.GO]}, ACK ${control[base + C.ACK]})`);
    e.harness = true; // a fault of the checker's machinery: the explorer replays the execution
    throw e;
  }
  asyncWaits = [];
  control[base + C.OP] = C.OP_START;
  control[base + C.ADDR] = -1;
  real.store(control, base + C.STATUS, C.AT_GATE);
  real.notify(control, base + C.STATUS);
  waitTurn();
}

function block(addr) {
  control[base + C.ADDR] = addr;
  control[base + C.STATUS] = C.BLOCKED;
  control[base + C.WOKEN] = 0;
  decide(control, self, checks.check, checks.fingerprint);
}

/** Polls this many times before parking: a handoff is usually a few microseconds away. */
const SPINS = 2000;

function waitTurn() {
  for (let i = 0; i < SPINS && real.load(control, base + C.TURN) === 0; i++);
  while (real.load(control, base + C.TURN) === 0) real.wait(control, base + C.TURN, 0);
  real.store(control, base + C.TURN, 0);
}

async function waitTurnAsync() {
  while (real.load(control, base + C.TURN) === 0) await real.waitAsync(control, base + C.TURN, 0, 20).value;
  real.store(control, base + C.TURN, 0);
}

/** Ends this thread's part of an execution (DONE or FAILED) and passes the baton on. */
export function finish(status) {
  clearAsyncWaits();
  control[base + C.STATUS] = status;
  if (status === C.FAILED || control[C.GATING] === 0) {
    // Failing (or still in set-up): the explorer takes it from here.
    real.store(control, base + C.STATUS, status);
    real.notify(control, base + C.STATUS);
    if (control[C.GATING] === 1) {
      control[C.FAILED_BY] = self;
      real.store(control, C.OUTCOME, C.OUTCOME_FAILED);
      real.notify(control, C.OUTCOME);
    }
    return;
  }
  decide(control, self, checks.check, checks.fingerprint);
}
