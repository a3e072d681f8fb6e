// Replaces globalThis.Atomics, in one code thread, by a wrapper that stops
// before every operation on the target buffer (the queue's shared memory) and
// waits for the scheduler's turn: each shared-memory access of the real code is
// one step that the scheduler orders. Operations on other buffers pass through.
//
// Waits and notifies are simulated, not performed: a wait whose value matches
// parks the thread in the scheduler's books (BLOCKED on an address) until a
// notify on that address, so the scheduler knows exactly who is parked.
import * as C from './control.mjs';

const real = Atomics;
let control; // Int32Array over the control block
let base; // this thread's record
let target; // the buffer under test, or undefined (no gating yet)

export function installGate(controlBuffer, threadIndex) {
  control = new Int32Array(controlBuffer);
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
      if (gated(array)) gate(k + 1, wordIndex(array, index), 0, 0);
      return op(array, index, ...rest);
    };
  });
  wrapper.wait = (array, index, value, timeout = Infinity) => {
    if (!gated(array)) return real.wait(array, index, value, timeout);
    const addr = wordIndex(array, index);
    gate(C.OP_WAIT, addr, value, timeout === Infinity ? 0 : 1);
    if (real.load(array, index) !== value) return 'not-equal';
    block(addr, value, timeout);
    waitTurn();
    return real.load(control, base + C.RESULT) === C.WOKEN ? 'ok' : 'timed-out';
  };
  wrapper.waitAsync = (array, index, value, timeout = Infinity) => {
    if (!gated(array)) return real.waitAsync(array, index, value, timeout);
    const addr = wordIndex(array, index);
    gate(C.OP_WAIT_ASYNC, addr, value, timeout === Infinity ? 0 : 1);
    if (real.load(array, index) !== value) return { async: false, value: 'not-equal' };
    block(addr, value, timeout);
    return { async: true, value: waitTurnAsync().then(() => (real.load(control, base + C.RESULT) === C.WOKEN ? 'ok' : 'timed-out')) };
  };
  wrapper.notify = (array, index, count = Infinity) => {
    if (!gated(array)) return real.notify(array, index, count);
    gate(C.OP_NOTIFY, wordIndex(array, index), count === Infinity ? -1 : count, 0);
    // The scheduler woke the parked threads when it granted this step.
    return real.load(control, base + C.RESULT);
  };
  globalThis.Atomics = wrapper;
}

/** Operations on `buffer` are gated from now on (undefined: none). */
export function setTarget(buffer) {
  target = buffer;
}

/** The real Atomics, for assertions that must not be steps. */
export const realAtomics = real;

function gated(array) {
  return target !== undefined && array.buffer === target && real.load(control, C.GATING) === 1;
}

function wordIndex(array, index) {
  return (array.byteOffset >>> 2) + index * (array.BYTES_PER_ELEMENT >>> 2 || 1);
}

/** Announces the next operation and waits until the scheduler lets it run. */
export function gate(op, addr, value, timed) {
  control[base + C.OP] = op;
  control[base + C.ADDR] = addr;
  control[base + C.VALUE] = value;
  control[base + C.TIMED] = timed;
  real.store(control, base + C.STATUS, C.AT_GATE);
  real.notify(control, base + C.STATUS);
  waitTurn();
}

function block(addr, value, timeout) {
  control[base + C.ADDR] = addr;
  control[base + C.VALUE] = value;
  control[base + C.TIMED] = timeout === Infinity ? 0 : 1;
  real.store(control, base + C.STATUS, C.BLOCKED);
  real.notify(control, base + C.STATUS);
}

/** Polls this many times before parking: a handoff is usually a few microseconds away. */
const SPINS = 4000;

function waitTurn() {
  for (let i = 0; i < SPINS && real.load(control, base + C.TURN) === 0; i++);
  while (real.load(control, base + C.TURN) === 0) real.wait(control, base + C.TURN, 0);
  real.store(control, base + C.TURN, 0);
}

async function waitTurnAsync() {
  while (real.load(control, base + C.TURN) === 0) await real.waitAsync(control, base + C.TURN, 0).value;
  real.store(control, base + C.TURN, 0);
}

/** Reports the end of this thread's part of an execution. */
export function finish(status) {
  real.store(control, base + C.STATUS, status);
  real.notify(control, base + C.STATUS);
}
