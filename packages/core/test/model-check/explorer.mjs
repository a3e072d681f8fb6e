// The explorer of the model checker: owns the code threads, starts each
// execution (set-up ungated, then the first scheduling decision), waits for its
// outcome, and backtracks the depth-first search kept in the control block.
// The decisions themselves are taken in the code threads (scheduler.mjs), so a
// step that lets the same thread go on costs no thread switch.
//
// Search bound: at most `preemptionBound` preemptions per execution (a switch
// away from a thread that could have gone on); within it, every interleaving
// of the gated operations is run, up to `maxExecutions`.
import { Worker } from 'node:worker_threads';
import * as C from './control.mjs';
import { makeChecks } from './scenario.mjs';
import { decide, readTrace } from './scheduler.mjs';

const THREAD_URL = new URL('./code-thread.mjs', import.meta.url);
/** Longest one execution may take before it is declared stuck. */
const EXECUTION_TIMEOUT_MS = 30_000;
/** Longest the first start may take: spawning the threads and loading the code (slow on a busy machine). */
const FIRST_START_TIMEOUT_MS = 180_000;
/** Slice of the explorer's wait for an execution's outcome. */
const OUTCOME_SLICE_MS = 100;
/** Longest a thread may take to come back from an execution (it only has to return). */
const ACK_TIMEOUT_MS = 5_000;
/** Times one execution is replayed on fresh threads after a fault of the harness. */
const MAX_RESTARTS = 3;

/** A fault of the model checker's own machinery, not of the code under test. */
class HarnessFault extends Error {}

/** Steps after which an execution is scheduled round-robin, without branching. */
const FAIR_AFTER = 200;
/** Steps after which an execution is declared a livelock. */
const MAX_STEPS = 20_000;

export class Explorer {
  /**
   * @param roles roles of the code threads, e.g. ['submitter', 'worker', 'worker']
   * @param scenario what they run (see code-thread.mjs, scenario.mjs)
   * @param bufferBytes size of the buffer under test (the queue's, or the event's)
   * @param auditBytes size of the audit buffer
   * @param finalCheck (buffers) => string | undefined, checked at the end of each execution
   * @param fairAfter steps after which an execution is scheduled round-robin (default FAIR_AFTER): a
   *   scenario whose race comes later needs more
   */
  constructor({ roles, scenario, bufferBytes, auditBytes = 1024, finalCheck, fairAfter = FAIR_AFTER }) {
    this.fairAfter = fairAfter;
    this.roles = roles;
    this.scenario = scenario;
    this.finalCheck = finalCheck ?? (() => undefined);
    this.controlBuffer = new SharedArrayBuffer(C.CONTROL_WORDS * 4);
    this.control = new Int32Array(this.controlBuffer);
    this.buffers = { buffer: new SharedArrayBuffer(bufferBytes), audit: new SharedArrayBuffer(auditBytes) };
    this.checks = makeChecks(scenario, this.buffers.buffer);
    this.messages = [];
    this.restarts = 0;
    this.spawn();
  }

  /** Starts (or restarts) the code threads on a fresh control block. */
  spawn() {
    this.started = false;
    this.control.fill(0, 0, C.STACK);
    this.threads = this.roles.map((role, index) => {
      const w = new Worker(THREAD_URL, {
        workerData: { role, index, control: this.controlBuffer, scenario: this.scenario, buffer: this.buffers.buffer, audit: this.buffers.audit },
      });
      w.on('message', (m) => this.messages.push(m));
      w.on('error', (e) => this.messages.push({ type: 'failed', index, harness: true, message: `thread error: ${e.message}` }));
      return w;
    });
  }

  async close() {
    await Promise.all(this.threads.map((w) => w.terminate()));
  }

  /** Explores until the tree is exhausted or `maxExecutions` ran; stops at the first failure. */
  async explore({ maxExecutions = Infinity, preemptionBound = 2 } = {}) {
    const ctl = this.control;
    ctl[C.STACK_LEN] = 0;
    ctl[C.STATES] = 0;
    ctl.fill(0, C.SEEN, C.SEEN + C.SEEN_SIZE);
    let executions = 0;
    let steps = 0;
    let maxDepth = 0;
    for (;;) {
      let failure = await this.runOne(preemptionBound);
      // A fault of the harness itself (a code thread that lost track of the
      // executions): restart the threads and replay the same execution; the
      // schedule is on the stack, so the replay is the same interleaving.
      for (let retry = 0; failure instanceof HarnessFault && retry < MAX_RESTARTS; retry++) {
        this.restarts++;
        await this.close();
        this.messages.length = 0;
        const len = ctl[C.STACK_LEN];
        const states = ctl[C.STATES];
        const saved = ctl.slice(C.STACK, C.STACK + 2 * len);
        this.spawn();
        ctl[C.STACK_LEN] = len;
        ctl[C.STATES] = states;
        ctl.set(saved, C.STACK);
        failure = await this.runOne(preemptionBound);
      }
      if (failure instanceof HarnessFault) failure = `model checker harness: ${failure.message}`;
      executions++;
      steps += ctl[C.STEPS];
      maxDepth = Math.max(maxDepth, ctl[C.STEPS]);
      const summary = () => ({ executions, steps, maxDepth, states: ctl[C.STATES], harnessRestarts: this.restarts });
      if (failure !== undefined) return { ...summary(), failure, trace: readTrace(ctl) };
      // Backtrack: drop exhausted choice points, advance the deepest open one.
      let len = ctl[C.STACK_LEN];
      while (len > 0 && ctl[C.STACK + 2 * (len - 1) + 1] + 1 >= popcount(ctl[C.STACK + 2 * (len - 1)])) len--;
      ctl[C.STACK_LEN] = len;
      if (len === 0 || executions >= maxExecutions) return { ...summary(), exhausted: len === 0 };
      ctl[C.STACK + 2 * (len - 1) + 1]++;
    }
  }

  /** Runs one execution along the stack's choices; returns a failure message or undefined. */
  async runOne(preemptionBound) {
    const ctl = this.control;
    const n = this.threads.length;
    // Every thread must be completely out of the previous execution (async
    // tails included) before anything is reset.
    for (let t = 0; t < n; t++) {
      if (!this.awaitAck(t)) return new HarnessFault(`thread ${t} (${this.roles[t]}) did not finish its previous execution`);
    }
    Atomics.store(ctl, C.GATING, 0);
    for (let t = 0; t < n; t++) {
      // Everything but GO and ACK: an idle thread polls GO, and must never see
      // it change except when an execution starts.
      const b = t * C.RECORD_WORDS;
      ctl.fill(0, b, b + C.GO);
      ctl.fill(0, b + C.ACK + 1, b + C.RECORD_WORDS);
    }
    ctl[C.THREADS] = n;
    ctl[C.OUTCOME] = 0;
    ctl[C.STEPS] = 0;
    ctl[C.LAST] = -1;
    ctl[C.PREEMPTIONS] = 0;
    ctl[C.PREEMPTION_BOUND] = preemptionBound;
    ctl[C.DEPTH] = 0;
    ctl[C.TRACE_POS] = 0;
    ctl[C.FAILED_BY] = -1;
    ctl[C.FAIR_AFTER] = this.fairAfter;
    ctl[C.MAX_STEPS] = MAX_STEPS;
    new Uint8Array(this.buffers.buffer).fill(0);
    new Uint8Array(this.buffers.audit).fill(0);
    this.messages.length = 0;
    // Set-up, ungated: the submitter first (it creates the queue in the buffer),
    // then the others; each runs to its start gate.
    const order = [...this.roles.keys()].sort((a, b) => Number(this.roles[b] === 'submitter') - Number(this.roles[a] === 'submitter') || a - b);
    for (const t of order) {
      const b = t * C.RECORD_WORDS;
      Atomics.add(ctl, b + C.GO, 1);
      Atomics.notify(ctl, b + C.GO);
      const limit = this.started ? EXECUTION_TIMEOUT_MS : FIRST_START_TIMEOUT_MS;
      if (!this.awaitStart(t, limit)) return new HarnessFault(`thread ${t} (${this.roles[t]}) did not reach its start in ${limit} ms`);
      if (ctl[b + C.STATUS] === C.FAILED) return await this.failureMessage(t);
      if (this.harnessError(t)) return new HarnessFault(`thread ${t} (${this.roles[t]}): ${this.harnessError(t)}`);
    }
    this.started = true;
    Atomics.store(ctl, C.GATING, 1);
    // The explorer holds the baton now: it takes the first decision.
    decide(ctl, -1, this.checks.check, this.checks.fingerprint);
    const deadline = performance.now() + EXECUTION_TIMEOUT_MS;
    while (Atomics.load(ctl, C.OUTCOME) === 0) {
      const left = deadline - performance.now();
      if (left <= 0) return `execution did not end in ${EXECUTION_TIMEOUT_MS} ms (a thread ran without reaching a gate)`;
      // Async, in slices: a code thread's crash reaches us as an event.
      const r = Atomics.waitAsync(ctl, C.OUTCOME, 0, Math.min(left, OUTCOME_SLICE_MS));
      if (r.async) await r.value;
      const crashed = this.roles.findIndex((_, t) => this.harnessError(t) !== undefined);
      if (crashed !== -1) return new HarnessFault(`thread ${crashed} (${this.roles[crashed]}): ${this.harnessError(crashed)}`);
    }
    switch (Atomics.load(ctl, C.OUTCOME)) {
      case C.OUTCOME_DONE: {
        const broken = this.finalCheck(this.buffers);
        return broken;
      }
      case C.OUTCOME_DEADLOCK:
        return `every thread is parked and the work is not done (lost wake-up or hang):\n${this.describeParked()}`;
      case C.OUTCOME_LIVELOCK:
        return `execution did not end within ${MAX_STEPS} steps (livelock)`;
      case C.OUTCOME_INVARIANT:
        return `invariant broken: ${this.checks.check() ?? 'see trace'}`;
      default:
        return await this.failureMessage(ctl[C.FAILED_BY]);
    }
  }

  /** The error of thread t's crash, if the harness saw one. */
  harnessError(t) {
    return this.messages.find((m) => m.harness === true && m.index === t)?.message;
  }

  /** Blocks until thread t has acknowledged the end of its last execution (false: it crashed or timed out). */
  awaitAck(t) {
    const b = t * C.RECORD_WORDS;
    const deadline = performance.now() + ACK_TIMEOUT_MS;
    while (Atomics.load(this.control, b + C.ACK) !== Atomics.load(this.control, b + C.GO)) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.control, b + C.ACK, Atomics.load(this.control, b + C.ACK), Math.min(left, 100));
    }
    return true;
  }

  /** Blocks until thread t stops at its start gate (or fails). */
  awaitStart(t, limitMs) {
    const at = t * C.RECORD_WORDS + C.STATUS;
    const deadline = performance.now() + limitMs;
    for (;;) {
      const st = Atomics.load(this.control, at);
      if (st === C.AT_GATE || st === C.FAILED) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.control, at, st, Math.min(left, 100));
    }
  }

  /** The failure of thread t (any thread if t < 0): its message, or a HarnessFault if the harness failed. */
  async failureMessage(t) {
    const deadline = performance.now() + 5000;
    for (;;) {
      const m = this.messages.find((x) => x.type === 'failed' && (t < 0 || x.index === t));
      if (m !== undefined && m.harness === true) return new HarnessFault(`thread ${m.index} (${this.roles[m.index]}): ${m.message}`);
      if (m !== undefined) return `thread ${m.index} (${this.roles[m.index]}) failed: ${m.message}`;
      if (performance.now() > deadline) return `thread ${t} failed (no message)`;
      await new Promise((r) => setTimeout(r, 1));
    }
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
}

function popcount(mask) {
  let m = mask;
  let c = 0;
  while (m !== 0) {
    m &= m - 1;
    c++;
  }
  return c;
}
