// What the code threads run, and the checks they make on the way. Audit
// counters live in a separate buffer, so touching them is never a step.
//
// Audit layout (Int32): [0] requests submitted (written at the end),
// [1] violations, then per request sequence number: handled count, done count;
// and, from AUDIT_CANCELLED / AUDIT_DIED / AUDIT_CANCEL_WON / AUDIT_DESTROYED
// on, one word per sequence number: done with ERR_TWQ_CANCELLED, done with
// ERR_TWQ_WORKER_DIED, cancel() returned true, done with ERR_TWQ_DESTROYED.
// AUDIT_WORKER_OK: handlers that succeeded on a worker (what the workers'
// handled counters must add up to); AUDIT_TERMINATED: the bits of the threads
// a forced stop terminated (see instrumented-atomics.mjs terminate()).
// AUDIT_THROWN: planted throws of done callbacks; AUDIT_SURFACED: those the
// submitter's calls reported back.
import { kill, realAtomics } from './instrumented-atomics.mjs';

export const AUDIT_SUBMITTED = 0;
export const AUDIT_VIOLATIONS = 1;
export const auditHandled = (seq) => 2 + 2 * seq;
export const auditDone = (seq) => 3 + 2 * seq;
export const AUDIT_CANCELLED = 64;
export const AUDIT_DIED = 96;
export const AUDIT_CANCEL_WON = 128;
export const AUDIT_DESTROYED = 160;
export const AUDIT_WORKER_OK = 192;
export const AUDIT_TERMINATED = 193;
export const AUDIT_THROWN = 194;
export const AUDIT_SURFACED = 195;
export const AUDIT_BYTES = 4 * 224;

/**
 * The ops under test: the handler and the done callback check ownership and
 * count. The handler also checks that the slot's CLAIM word reads RUNNING. With `dieOnSeq`, the thread that runs that request dies in its
 * handler (once per execution): its next gated operation throws ThreadDeath.
 * With `asyncHandler`, the handler returns a promise that writes the result
 * (a microtask later: the worker must not complete the slot before it settles).
 * `reenter(request)`, the submitter's, runs at the end of a successful done
 * callback: the calls back into the queue that a scenario makes from there.
 */
export function makeOps(core, audit, memoryOf, dieOnSeq = -1, died = { done: false }, asyncHandler = false, reenter = undefined) {
  const a = new Int32Array(audit);
  return core.defineOps({
    layout: core.defineLayout({ seq: 'i32', result: 'i32' }),
    handle(request, _context, env) {
      // Counted first: a second run of one request must show as such, whatever else it trips.
      if (realAtomics.add(a, auditHandled(request.seq), 1) !== 0) violation(a, `request ${request.seq} handled 2 times`);
      assertOwner(memoryOf(), request.slot, env.worker < 0 ? 'helping submitter' : 'worker', false, a);
      // Only the state: a claim by plain store (the planted bug) also reads RUNNING, and must be caught as a double run.
      const claim = realAtomics.load(memoryOf().i32, claimIndex(core, memoryOf(), request.slot));
      if ((claim & core.CLAIM_STATE_MASK) !== core.CLAIM_RUNNING) {
        violation(a, `worker ${env.worker} runs request ${request.seq} but its claim word reads ${claim.toString(16)}`);
      }
      // Only a worker dies here: the submitter helping runs on the test's harness thread.
      if (request.seq === dieOnSeq && !died.done && env.worker >= 0) {
        died.done = true;
        kill();
        throw new Error('planted death');
      }
      const ranOnWorker = env.worker >= 0;
      if (asyncHandler) {
        return Promise.resolve().then(() => {
          request.result = request.seq * 3 + 1;
          if (ranOnWorker) realAtomics.add(a, AUDIT_WORKER_OK, 1);
        });
      }
      request.result = request.seq * 3 + 1;
      if (ranOnWorker) realAtomics.add(a, AUDIT_WORKER_OK, 1);
      return undefined;
    },
    done(request, error) {
      // Counted first: a second report of one request must show as such (before a re-entering callback recurses on it).
      if (realAtomics.add(a, auditDone(request.seq), 1) !== 0) violation(a, `request ${request.seq} passed to done 2 times`);
      assertOwner(memoryOf(), request.slot, 'submitter (done callback)', true, a);
      if (error?.code === core.CANCELLED) {
        realAtomics.add(a, AUDIT_CANCELLED + request.seq, 1);
        return;
      }
      if (error?.code === core.WORKER_DIED && request.seq === dieOnSeq) {
        realAtomics.add(a, AUDIT_DIED + request.seq, 1);
        return;
      }
      if (error?.code === core.ERR_TWQ_DESTROYED) {
        realAtomics.add(a, AUDIT_DESTROYED + request.seq, 1);
        return;
      }
      if (error !== undefined) violation(a, `request ${request.seq} failed: ${error.message}`);
      if (request.result !== request.seq * 3 + 1) {
        violation(a, `done callback of request ${request.seq} read result ${request.result}, expected ${request.seq * 3 + 1}`);
      }
      reenter?.(request);
    },
  });
}

/** Int32 index, in the whole buffer, of a slot's CLAIM word. */
function claimIndex(core, memory, slot) {
  const g = memory.geometry;
  return ((g.slotsBase + slot * g.slotStride) >>> 2) + core.S_CLAIM;
}

/**
 * Throws (and counts a violation) unless the slot belongs to `who`: the
 * submitter owns a slot whose fill and done bits are equal, the worker one whose
 * bits differ. Reads with the real Atomics: a check, not a step.
 */
export function assertOwner(memory, slot, who, submitterSide, audit) {
  const spt = memory.geometry.slotsPerThread;
  // Ownership by the bits: fill == done is the submitter's; a worker (owner or thief) runs only in-flight slots.
  const t = Math.floor(slot / spt);
  const s = slot % spt;
  const block = memory.blocks[t];
  const fill = (realAtomics.load(block.fill.words, s >>> 5) >>> (s & 31)) & 1;
  const done = (realAtomics.load(block.done.words, s >>> 5) >>> (s & 31)) & 1;
  if ((fill === done) !== submitterSide) {
    violation(audit, `${who} touched slot ${slot}, which it does not own (fill bit ${fill}, done bit ${done})`);
  }
}

function violation(audit, message) {
  realAtomics.add(audit, AUDIT_VIOLATIONS, 1);
  throw new Error(`protocol violation: ${message}`);
}

/**
 * Plants a known bug in the real code (test only), to show the checker finds it.
 *   'no-recheck'          the worker parks without re-checking for work after the reset
 *   'done-before-result'  the worker flips the done bit before the handler writes the result
 *   'claim-store'         a claim by plain store instead of compare-and-swap
 *   'set-without-notify'  SharedEvent.set never notifies a parked waiter
 *   'counter-reset'       a replacement worker starts its counters from 0 (the partition's totals are lost)
 *   'destroy-fail-early'  a forced destroy reports the slots in flight failed before the workers are
 *                         stopped, leaving them in the book (a completion meanwhile is reported too)
 *   'async-early-done'    a handler's promise is taken as a sync return: the slot completes before it settles
 *   'notify-one'          SharedEvent.set wakes one waiter, not all (two async waiters on one event)
 *   'leave-store'         a retiring worker leaves its partition by plain store after reading GO,
 *                         not by CAS GO -> LEFT: growth's CAS GO -> SERVING in between is lost
 */
export function plantBug(core, event, bug, layout) {
  if (bug === undefined || bug === 'none') return;
  const proto = core.WorkerRuntime.prototype;
  if (bug === 'reported-after-callback') {
    // The submitter marks a slot reported (clears its pending bit) only after
    // its done callback returned, instead of before: a callback that re-enters
    // the queue finds the slot still to report. Both reporting paths.
    const queue = core.Workqueue.prototype;
    const clearPending = (book, t, s) => {
      const i = t * book.wordsPerThread + (s >>> 5);
      book.pending[i] = book.pending[i] & ~(1 << (s & 31));
    };
    queue.reportReady = function reportReadyThenMark() {
      let errors;
      for (let slot = this.book.nextReady(0, false); slot >= 0; slot = this.book.nextReady(slot + 1, false)) {
        const t = Math.floor(slot / this.slotsPerThread);
        try {
          this.reap(slot);
        } catch (e) {
          (errors ??= []).push(e);
        }
        clearPending(this.book, t, slot - t * this.slotsPerThread);
      }
      return errors;
    };
    queue.claim = function claimThenMark(t, s) {
      const slot = t * this.slotsPerThread + s;
      if (this.book.isPending(t, s)) {
        this.reap(slot);
        clearPending(this.book, t, s);
      }
      this.book.claim(t, s);
      return this.requests[slot];
    };
  } else if (bug === 'leave-store') {
    proto.leaveIfRetired = function leaveByStore() {
      const run = this.block.submitter32;
      if (Atomics.load(run, layout.U_RUN) !== layout.RUN_GO) return false;
      Atomics.store(run, layout.U_RUN, layout.RUN_LEFT);
      this.left = true;
      return true;
    };
  } else if (bug === 'no-recheck') {
    proto.prepareToPark = function prepareToParkWithoutRecheck() {
      this.block.wake.reset();
      return !this.isDestroyed();
    };
  } else if (bug === 'done-before-result') {
    proto.runHandler = function runHandlerDoneFirst(t, s) {
      const request = (t === this.worker ? this.requests : this.foreignRequests[t])[s];
      this.complete(t, s, false, undefined);
      this.ops.handle(request, t === this.worker ? this.contexts[s] : this.spareContext, this.env);
      return 1;
    };
  } else if (bug === 'async-early-done') {
    proto.runHandler = function runHandlerNeverAsync(t, s) {
      const request = (t === this.worker ? this.requests : this.foreignRequests[t])[s];
      // The promise is dropped: the slot goes back before the handler wrote its result.
      void this.ops.handle(request, t === this.worker ? this.contexts[s] : this.spareContext, this.env);
      this.complete(t, s, false, undefined);
      return 1;
    };
  } else if (bug === 'counter-reset') {
    proto.markReady = function markReadyFromZero() {
      Atomics.store(this.block.state32, layout.W_STATUS, layout.WORKER_READY);
    };
  } else if (bug === 'destroy-fail-early') {
    core.Workqueue.prototype.destroyOnce = async function destroyFailingEarly(force) {
      this.lifecycle = 4; // DESTROYING
      this.destroyForced = force;
      Atomics.store(this.memory.i32, layout.C_DESTROYED, 1);
      for (const block of this.blocks) block.wake.set();
      // Too early, and straight to the done callback (the slots stay in the
      // book): the workers still run, and a completion that lands meanwhile is
      // reported again below.
      for (let t = 0; t < this.threads; t++) {
        for (let s = this.book.nextInFlight(t, 0); s >= 0; s = this.book.nextInFlight(t, s + 1)) {
          const slot = t * this.slotsPerThread + s;
          this.done(this.requests[slot], this.outstandingError(t, slot));
        }
      }
      await this.host.stop(true, 0);
      this.lifecycle = 5; // DESTROYED
      this.reapAll();
    };
  } else if (bug === 'notify-one') {
    event.SharedEvent.prototype.set = function setNotifyingOne() {
      const a = this.array;
      const i = this.index;
      if (Atomics.load(a, i) !== event.EVENT_SET && Atomics.exchange(a, i, event.EVENT_SET) === event.EVENT_BUSY) {
        Atomics.notify(a, i, 1);
        return true;
      }
      return false;
    };
  } else if (bug === 'claim-store') {
    // The claim by a plain store instead of a compare-and-swap: two parties that
    // both read QUEUED both believe they took the request.
    proto.claimSlot = function claimByStore(header) {
      const c = Atomics.load(header, core.S_CLAIM);
      if ((c & core.CLAIM_STATE_MASK) !== core.CLAIM_QUEUED) return false;
      Atomics.store(header, core.S_CLAIM, (c & core.CLAIM_SEQ_MASK) | (this.worker << core.CLAIM_BY_SHIFT) | core.CLAIM_RUNNING);
      return true;
    };
  } else if (bug === 'set-without-notify') {
    event.SharedEvent.prototype.set = function setWithoutNotify() {
      const a = this.array;
      const i = this.index;
      if (Atomics.load(a, i) !== event.EVENT_SET) Atomics.exchange(a, i, event.EVENT_SET);
      return false;
    };
  } else {
    throw new Error(`unknown planted bug ${bug}`);
  }
}

const EVENT_STATES = new Set([-1, 0, 1]);

/**
 * The invariant checked after every step, and the state fingerprint, for the
 * thread that holds the baton. Queue: every wake and completion event word is
 * in one of its three states; the fingerprint covers the protocol's words
 * (header, control, worker blocks), not the slots. Event: the event word.
 */
export function makeChecks(scenario, buffer) {
  const words = new Int32Array(buffer, 0, Math.min(buffer.byteLength >>> 2, scenario.stateWords ?? 32));
  const eventIndices = scenario.kind === 'queue' ? scenario.eventWordIndices : [0];
  const all = new Int32Array(buffer);
  return {
    check() {
      if (scenario.kind === 'queue' && all[0] === 0) return undefined; // header not written yet
      for (const i of eventIndices) {
        const v = all[i];
        if (!EVENT_STATES.has(v)) return `event word ${i} holds ${v}`;
      }
      return undefined;
    },
    fingerprint() {
      let h = 2166136261;
      for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 16777619);
      return h >>> 0;
    },
  };
}
