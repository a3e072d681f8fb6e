// The scheduler of the model checker: owns the code threads, lets exactly one
// of them run at a time from one gated operation to the next, and explores the
// tree of choices depth-first by re-execution (stateless model checking, as in
// CHESS). Search bound: at most `preemptionBound` preemptions per execution (a
// switch away from a thread that could have gone on); within that bound every
// interleaving of gated operations is run. Parked threads are tracked here (a
// wait parks, a notify on the same word wakes), so "every thread parked and
// the work not done" is seen at once: that is a lost wake-up (or a hang).
import { Worker } from 'node:worker_threads';
import * as C from './control.mjs';

const THREAD_URL = new URL('./code-thread.mjs', import.meta.url);
/** Longest a thread may run between two gates before it is declared stuck. */
const STEP_TIMEOUT_MS = 10_000;
/** Steps after which an execution is scheduled round-robin, without branching (see runOne). */
const FAIR_AFTER = 200;
/** Steps after which an execution is declared a livelock. */
const MAX_STEPS = 20_000;
/** Steps of the trace kept for a failure report. */
const TRACE_KEPT = 200;
/** Polls before parking while a thread runs one step (usually microseconds). */
const HANDOFF_SPINS = 20_000;

export class Explorer {
  /**
   * @param roles roles of the code threads, e.g. ['submitter', 'worker', 'worker']
   * @param scenario what they run (see code-thread.mjs)
   * @param bufferBytes size of the buffer under test (the queue's, or the event's)
   * @param auditBytes size of the audit buffer
   * @param invariant (buffers) => string | undefined, checked after every step
   * @param finalCheck (buffers) => string | undefined, checked at the end of each execution
   */
  constructor({ roles, scenario, bufferBytes, auditBytes = 1024, invariant, finalCheck }) {
    this.roles = roles;
    this.scenario = scenario;
    this.invariant = invariant ?? (() => undefined);
    this.finalCheck = finalCheck ?? (() => undefined);
    this.controlBuffer = new SharedArrayBuffer(C.CONTROL_WORDS * 4);
    this.control = new Int32Array(this.controlBuffer);
    this.buffers = { buffer: new SharedArrayBuffer(bufferBytes), audit: new SharedArrayBuffer(auditBytes) };
    this.messages = [];
    this.threads = roles.map((role, index) => {
      const w = new Worker(THREAD_URL, {
        workerData: { role, index, control: this.controlBuffer, scenario, buffer: this.buffers.buffer, audit: this.buffers.audit },
      });
      w.on('message', (m) => this.messages.push(m));
      w.on('error', (e) => this.messages.push({ type: 'failed', index, message: `thread error: ${e.message}` }));
      return w;
    });
  }

  async close() {
    await Promise.all(this.threads.map((w) => w.terminate()));
  }

  /**
   * Explores until the tree is exhausted or `maxExecutions` ran. Returns the
   * counts, or the first failing execution with its trace.
   */
  async explore({ maxExecutions = Infinity, preemptionBound = 2, onProgress } = {}) {
    const stack = []; // choice points: { options: number[], index: number }
    let executions = 0;
    let steps = 0;
    let maxDepth = 0;
    const states = new Set();
    for (;;) {
      const result = await this.runOne(stack, preemptionBound, states);
      executions++;
      steps += result.steps;
      maxDepth = Math.max(maxDepth, result.steps);
      if (result.failure !== undefined) {
        return { executions, steps, maxDepth, states: states.size, failure: result.failure, trace: result.trace };
      }
      onProgress?.(executions);
      // Backtrack: drop exhausted choice points, advance the deepest open one.
      while (stack.length > 0 && stack[stack.length - 1].index + 1 >= stack[stack.length - 1].options.length) stack.pop();
      if (stack.length === 0 || executions >= maxExecutions) {
        return { executions, steps, maxDepth, states: states.size, exhausted: stack.length === 0 };
      }
      stack[stack.length - 1].index++;
    }
  }

  async runOne(stack, preemptionBound, states) {
    const ctl = this.control;
    const n = this.threads.length;
    const buffers = this.buffers;
    Atomics.store(ctl, C.GATING, 0);
    for (let t = 0; t < n; t++) {
      const b = t * C.RECORD_WORDS;
      const go = ctl[b + C.GO];
      ctl.fill(0, b, b + C.RECORD_WORDS);
      ctl[b + C.GO] = go;
    }
    new Uint8Array(buffers.buffer).fill(0);
    new Uint8Array(buffers.audit).fill(0);
    this.messages.length = 0;
    // Set-up, ungated: the submitter first (it creates the queue in the buffer),
    // then the others; each runs to its START gate.
    const order = this.roles.map((_, t) => t).sort((a, b) => (this.roles[a] === 'submitter' ? -1 : this.roles[b] === 'submitter' ? 1 : a - b));
    for (const t of order) {
      const b = t * C.RECORD_WORDS;
      Atomics.add(ctl, b + C.GO, 1);
      Atomics.notify(ctl, b + C.GO);
      this.awaitGate(t);
      if (this.anyFailed()) return { steps: 0, failure: await this.failureMessage(), trace: [] };
    }
    Atomics.store(ctl, C.GATING, 1);

    const woken = new Array(n).fill(false);
    const trace = [];
    let depth = 0; // choice points used
    let last = -1;
    let preemptions = 0;
    let steps = 0;
    for (;;) {
      if (this.anyFailed()) return { steps, failure: await this.failureMessage(), trace };
      const enabled = [];
      let doneCount = 0;
      for (let t = 0; t < n; t++) {
        const st = Atomics.load(ctl, t * C.RECORD_WORDS + C.STATUS);
        if (st === C.AT_GATE || (st === C.BLOCKED && woken[t])) enabled.push(t);
        else if (st === C.DONE) doneCount++;
      }
      if (doneCount === n) break;
      if (enabled.length === 0) {
        return { steps, failure: `every thread is parked and the work is not done (lost wake-up or hang):\n${this.describeParked()}`, trace };
      }
      // Within the preemption bound, any enabled thread; past it, the last one if
      // it can go on. Past FAIR_AFTER steps (a thread spinning on a flag that
      // only another can raise, under an unfair schedule), round-robin with no
      // further branching, so every execution ends if the code ends under a fair
      // scheduler; past MAX_STEPS it is a livelock.
      if (steps >= MAX_STEPS) return { steps, failure: `execution did not end within ${MAX_STEPS} steps (livelock)`, trace };
      let options = enabled;
      if (steps >= FAIR_AFTER) options = [enabled.find((t) => t > last) ?? enabled[0]];
      else if (preemptions >= preemptionBound && enabled.includes(last)) options = [last];
      let choice;
      if (options.length === 1) {
        choice = options[0];
      } else {
        if (depth === stack.length) stack.push({ options, index: 0 });
        const point = stack[depth++];
        choice = point.options[point.index];
      }
      if (last !== -1 && choice !== last && enabled.includes(last)) preemptions++;
      last = choice;
      trace.push(this.describeOp(choice, woken[choice]));
      if (trace.length > TRACE_KEPT) trace.shift();
      this.grant(choice, woken);
      steps++;
      const broken = this.invariant(buffers);
      if (broken !== undefined) return { steps, failure: `invariant broken: ${broken}`, trace };
      states.add(this.fingerprint(buffers));
    }
    // Let the threads post their final messages (async submitter finishing).
    await new Promise((r) => setImmediate(r));
    if (this.anyFailed() || this.messages.some((x) => x.type === 'failed')) return { steps, failure: await this.failureMessage(), trace };
    const broken = this.finalCheck(buffers);
    if (broken !== undefined) return { steps, failure: broken, trace };
    return { steps, trace };
  }

  /** Lets thread t perform its pending operation and run to its next gate. */
  grant(t, woken) {
    const ctl = this.control;
    const b = t * C.RECORD_WORDS;
    if (Atomics.load(ctl, b + C.STATUS) === C.BLOCKED) {
      woken[t] = false;
      ctl[b + C.RESULT] = C.WOKEN;
    } else if (ctl[b + C.OP] === C.OP_NOTIFY) {
      // The notify happens now: every thread parked on that word wakes.
      const addr = ctl[b + C.ADDR];
      const limit = ctl[b + C.VALUE] === -1 ? Infinity : ctl[b + C.VALUE];
      let count = 0;
      for (let u = 0; u < this.threads.length && count < limit; u++) {
        const ub = u * C.RECORD_WORDS;
        if (u !== t && Atomics.load(ctl, ub + C.STATUS) === C.BLOCKED && !woken[u] && ctl[ub + C.ADDR] === addr) {
          woken[u] = true;
          count++;
        }
      }
      ctl[b + C.RESULT] = count;
    }
    Atomics.store(ctl, b + C.STATUS, C.RUNNING);
    Atomics.store(ctl, b + C.TURN, 1);
    Atomics.notify(ctl, b + C.TURN);
    this.awaitGate(t);
  }

  /** Blocks until thread t stops at a gate, parks, finishes or fails. */
  awaitGate(t) {
    const ctl = this.control;
    const at = t * C.RECORD_WORDS + C.STATUS;
    for (let i = 0; i < HANDOFF_SPINS; i++) {
      const st = Atomics.load(ctl, at);
      if (st !== C.RUNNING && st !== C.IDLE) return;
    }
    const deadline = performance.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const st = Atomics.load(ctl, at);
      if (st !== C.RUNNING && st !== C.IDLE) return;
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(`model checker: thread ${t} (${this.roles[t]}) ran ${STEP_TIMEOUT_MS} ms without reaching a gate`);
      }
      Atomics.wait(ctl, at, st, left);
    }
  }

  anyFailed() {
    for (let t = 0; t < this.threads.length; t++) {
      if (Atomics.load(this.control, t * C.RECORD_WORDS + C.STATUS) === C.FAILED) return true;
    }
    return false;
  }

  async failureMessage() {
    const m = await this.nextMessage((x) => x.type === 'failed');
    return `thread ${m.index} (${this.roles[m.index]}) failed: ${m.message}`;
  }

  describeOp(t, wakingUp) {
    const b = t * C.RECORD_WORDS;
    if (wakingUp) return `${t}:wakes`;
    return `${t}:${C.OP_NAMES[this.control[b + C.OP]]}@${this.control[b + C.ADDR]}`;
  }

  describeParked() {
    return this.roles
      .map((role, t) => {
        const b = t * C.RECORD_WORDS;
        const st = this.control[b + C.STATUS];
        const what = st === C.BLOCKED ? `parked on word ${this.control[b + C.ADDR]}` : st === C.DONE ? 'done' : `status ${st}`;
        return `  thread ${t} (${role}): ${what}`;
      })
      .join('\n');
  }

  /** A cheap fingerprint of the shared state and the threads' positions, to count distinct states. */
  fingerprint(buffers) {
    let h = 2166136261;
    const words = new Int32Array(buffers.buffer);
    const limit = Math.min(words.length, 4096);
    for (let i = 0; i < limit; i++) h = Math.imul(h ^ words[i], 16777619);
    for (let t = 0; t < this.threads.length; t++) {
      const b = t * C.RECORD_WORDS;
      h = Math.imul(h ^ this.control[b + C.STATUS], 16777619);
      h = Math.imul(h ^ this.control[b + C.OP], 16777619);
      h = Math.imul(h ^ this.control[b + C.ADDR], 16777619);
    }
    return h >>> 0;
  }

  async nextMessage(match) {
    const deadline = performance.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const i = this.messages.findIndex(match);
      if (i !== -1) return this.messages.splice(i, 1)[0];
      if (performance.now() > deadline) throw new Error('model checker: no message from the code threads in time');
      await new Promise((r) => setImmediate(r));
    }
  }
}
