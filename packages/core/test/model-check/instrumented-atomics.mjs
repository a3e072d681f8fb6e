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

/** Thrown at a killed thread's next gated operation: that operation never happens. */
export class ThreadDeath extends Error {
  constructor() {
    super('planted death: this thread is dead');
    this.death = true;
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

function checkAlive() {
  if (killed) throw new ThreadDeath();
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
    block();
    waitTurn();
    return 'ok';
  };
  wrapper.waitAsync = (array, index, value, timeout = Infinity) => {
    if (!gated(array)) return real.waitAsync(array, index, value, timeout);
    gate(C.OP_WAIT_ASYNC, wordIndex(array, index), value);
    if (real.load(array, index) !== value) return { async: false, value: 'not-equal' };
    block();
    return { async: true, value: waitTurnAsync().then(() => 'ok') };
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
}

/** The start of an execution: wait, without deciding, for the explorer's first step. */
export function gateStart() {
  if (real.load(control, C.GATING) === 1) {
    // An execution is under way: a thread must never start another inside it.
    const e = new Error(`thread ${self} started an execution while another was running (GO ${control[base + C.GO]}, ACK ${control[base + C.ACK]})`);
    e.harness = true; // a fault of the checker's machinery: the explorer replays the execution
    throw e;
  }
  control[base + C.OP] = C.OP_START;
  control[base + C.ADDR] = -1;
  real.store(control, base + C.STATUS, C.AT_GATE);
  real.notify(control, base + C.STATUS);
  waitTurn();
}

function block() {
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
