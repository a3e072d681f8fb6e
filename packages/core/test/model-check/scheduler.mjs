// The scheduling decision, taken by whichever thread holds the baton when it
// stops (at a gate, parked, done): which thread takes the next step. The same
// code runs in every code thread and, for the first step, in the explorer.
// Depth-first search by re-execution over the choice points, with at most
// PREEMPTION_BOUND preemptions (switching away from a thread that could have
// gone on) per execution; past FAIR_AFTER steps, round-robin without branching.
import * as C from './control.mjs';

/**
 * Decides and hands the baton over. Returns the chosen thread (possibly `self`,
 * who then simply goes on), or -1 when the execution is over (OUTCOME set).
 * `check()` returns a message when an invariant is broken; `fingerprint()` a
 * 32-bit hash of the state.
 */
export function decide(ctl, self, check, fingerprint) {
  const n = ctl[C.THREADS];
  const broken = check();
  if (broken !== undefined) return end(ctl, C.OUTCOME_INVARIANT, -1, broken);
  let h = fingerprint();
  for (let t = 0; t < n; t++) {
    const b = t * C.RECORD_WORDS;
    h = Math.imul(h ^ (ctl[b + C.STATUS] * 4096 + ctl[b + C.OP] * 64 + ctl[b + C.WOKEN]), 16777619);
    h = Math.imul(h ^ ctl[b + C.ADDR], 16777619);
    for (let j = 0; j < ctl[b + C.ASYNC_COUNT]; j++) h = Math.imul(h ^ (ctl[b + C.ASYNC_ADDR + j] * 2 + ((ctl[b + C.ASYNC_WOKEN] >>> j) & 1)), 16777619);
  }
  remember(ctl, h);
  let enabled = 0;
  let done = 0;
  for (let t = 0; t < n; t++) {
    const b = t * C.RECORD_WORDS;
    const st = ctl[b + C.STATUS];
    if (st === C.AT_GATE || (st === C.BLOCKED && ctl[b + C.WOKEN] === 1)) enabled |= 1 << t;
    else if (st === C.DONE) done++;
    else if (st === C.FAILED) return end(ctl, C.OUTCOME_FAILED, t);
  }
  if (done === n) return end(ctl, C.OUTCOME_DONE, -1);
  if (enabled === 0) return end(ctl, C.OUTCOME_DEADLOCK, -1);
  const steps = ctl[C.STEPS];
  if (steps >= ctl[C.MAX_STEPS]) return end(ctl, C.OUTCOME_LIVELOCK, -1);
  const last = ctl[C.LAST];
  const lastEnabled = last >= 0 && (enabled & (1 << last)) !== 0;
  let options = enabled;
  if (steps >= ctl[C.FAIR_AFTER]) options = 1 << nextAfter(enabled, last, n);
  else if (ctl[C.PREEMPTIONS] >= ctl[C.PREEMPTION_BOUND] && lastEnabled) options = 1 << last;
  let choice;
  if ((options & (options - 1)) === 0) {
    choice = 31 - Math.clz32(options);
  } else {
    const depth = ctl[C.DEPTH];
    if (depth >= C.MAX_DEPTH) return end(ctl, C.OUTCOME_LIVELOCK, -1);
    if (depth === ctl[C.STACK_LEN]) {
      ctl[C.STACK + 2 * depth] = options;
      ctl[C.STACK + 2 * depth + 1] = 0;
      ctl[C.STACK_LEN] = depth + 1;
    }
    choice = nthBit(ctl[C.STACK + 2 * depth], ctl[C.STACK + 2 * depth + 1]);
    ctl[C.DEPTH] = depth + 1;
  }
  if (lastEnabled && choice !== last) ctl[C.PREEMPTIONS]++;
  ctl[C.LAST] = choice;
  ctl[C.STEPS] = steps + 1;
  const b = choice * C.RECORD_WORDS;
  trace(ctl, choice, ctl[b + C.STATUS] === C.BLOCKED ? -1 : ctl[b + C.OP], ctl[b + C.ADDR]);
  if (ctl[b + C.STATUS] === C.BLOCKED) {
    ctl[b + C.WOKEN] = 0;
    ctl[b + C.RESULT] = C.WAKE_OK;
  } else if (ctl[b + C.OP] === C.OP_NOTIFY) {
    // The notify happens now: threads parked on that word wake.
    const addr = ctl[b + C.ADDR];
    const limit = ctl[b + C.VALUE] === -1 ? Infinity : ctl[b + C.VALUE];
    let count = 0;
    for (let u = 0; u < n && count < limit; u++) {
      const ub = u * C.RECORD_WORDS;
      if (u !== choice && ctl[ub + C.STATUS] === C.BLOCKED && ctl[ub + C.WOKEN] === 0 && ctl[ub + C.ADDR] === addr) {
        ctl[ub + C.WOKEN] = 1;
        count++;
      }
      // Async waiters, the notifier's own included: woken whatever their thread does now.
      for (let j = 0; j < ctl[ub + C.ASYNC_COUNT] && count < limit; j++) {
        if (((ctl[ub + C.ASYNC_WOKEN] >>> j) & 1) === 0 && ctl[ub + C.ASYNC_ADDR + j] === addr) {
          ctl[ub + C.ASYNC_WOKEN] |= 1 << j;
          count++;
          // A thread parked on its async waits only (ADDR -1) can run again.
          if (u !== choice && ctl[ub + C.STATUS] === C.BLOCKED && ctl[ub + C.ADDR] === -1) ctl[ub + C.WOKEN] = 1;
        }
      }
    }
    ctl[b + C.RESULT] = count;
  }
  ctl[b + C.STATUS] = C.RUNNING;
  if (choice !== self) {
    Atomics.store(ctl, b + C.TURN, 1);
    Atomics.notify(ctl, b + C.TURN);
  }
  return choice;
}

function end(ctl, outcome, failedBy) {
  ctl[C.FAILED_BY] = failedBy;
  Atomics.store(ctl, C.OUTCOME, outcome);
  Atomics.notify(ctl, C.OUTCOME);
  return -1;
}

function nextAfter(mask, last, n) {
  for (let k = 1; k <= n; k++) {
    const t = (last + k + n) % n;
    if ((mask & (1 << t)) !== 0) return t;
  }
  return 31 - Math.clz32(mask);
}

function nthBit(mask, n) {
  let m = mask;
  for (let i = 0; i < n; i++) m &= m - 1;
  return 31 - Math.clz32(m & -m);
}

function trace(ctl, thread, op, addr) {
  const pos = ctl[C.TRACE_POS];
  const i = C.TRACE + 2 * (pos % C.TRACE_KEPT);
  ctl[i] = thread * 256 + (op & 255);
  ctl[i + 1] = addr;
  ctl[C.TRACE_POS] = pos + 1;
}

function remember(ctl, hash) {
  const mask = C.SEEN_SIZE - 1;
  const h = hash === 0 ? 1 : hash | 0;
  for (let i = h & mask, probes = 0; probes < 64; i = (i + 1) & mask, probes++) {
    const v = ctl[C.SEEN + i];
    if (v === h) return;
    if (v === 0) {
      ctl[C.SEEN + i] = h;
      ctl[C.STATES]++;
      return;
    }
  }
}

/** The last steps, oldest first, as text. */
export function readTrace(ctl) {
  const pos = ctl[C.TRACE_POS];
  const out = [];
  for (let k = Math.max(0, pos - C.TRACE_KEPT); k < pos; k++) {
    const i = C.TRACE + 2 * (k % C.TRACE_KEPT);
    const thread = ctl[i] >> 8;
    const op = ctl[i] & 255;
    out.push(op === 255 ? `${thread}:wakes` : `${thread}:${C.OP_NAMES[op]}@${ctl[i + 1]}`);
  }
  return out;
}
