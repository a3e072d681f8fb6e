import { EXIT_CODE_UNKNOWN, recordQueueFailure, reportWorkerGone, type WorkerExitEvent } from './death-report.js';
import { checkBoolean, checkInt, checkMethods, checkMs } from './checks.js';
import { toRecordedInfo, type ErrorInfo } from './error-record.js';
import { WorkerStartError, describeValue } from './errors.js';
import { QueueMemory } from './queue-memory.js';
import { StartOutcome } from './start-outcome.js';
import { isWorkerMessage, type WorkerMessage } from './worker-main.js';

/** How a host starts and ends one thread: all an adapter provides to the supervisor. */
export interface SpawnSeam<H> {
  /** Starts the thread of partition `worker` (a first worker or a replacement); throws when it cannot. */
  spawn(worker: number): H;
  /** Ends a thread (harmless on one that is gone). */
  terminate(handle: H): unknown;
}

/** What the supervisor tells its host. */
export interface SupervisorEvents {
  /** Every first worker said READY (the start outcome, if any, is resolved). */
  started?(): void;
  /** A first worker could not start, and every other one is terminated (the start outcome, if any, is rejected). */
  startFailed?(worker: number, error: ErrorInfo): void;
  /**
   * While the queue ran, a worker died (replaced or not) or a replacement
   * failed to start (the queue has failed); already recorded in shared memory.
   */
  workerExit(event: WorkerExitEvent): void;
  /** Elastic threads: worker `worker` has been idle for idleTimeoutMs and asks to retire (the host tells the queue). */
  workerIdle?(worker: number): void;
}

interface Instance<H> {
  readonly handle: H;
  ready: boolean;
  gone: boolean;
  /** The last error the host heard from this thread. */
  lastError: ErrorInfo | undefined;
  /** Settles when the worker said it left its loop, or is gone. */
  readonly stopped: Promise<void>;
  markStopped: () => void;
}

/**
 * Starts, watches, replaces and stops the worker threads of one queue, on the
 * thread of the host that hears their ends (Node's supervisor thread, a
 * browser page). The host reports what it hears (a message, an error, an
 * exit); the death policy (death-report.ts) decides what a death means.
 */
export class Supervisor<H> {
  private readonly seam: SpawnSeam<H>;
  private readonly memory: QueueMemory;
  private readonly replaceDeadWorkers: boolean;
  private readonly events: SupervisorEvents;
  private readonly instances: (Instance<H> | undefined)[];
  /** Workers that start with the queue (minThreads); the other partitions start on startWorker(). */
  private readonly initial: number;
  /** Per partition: a start asked for while its previous thread was still leaving (it spawns when that one is gone). */
  private readonly startPending: boolean[];
  private readyCount = 0;
  private started = false;
  private stopping = false;
  private failed = false;
  private outcome: StartOutcome | undefined;
  /** The stop under way (every later stop() returns it). */
  private stopped: Promise<void> | undefined;
  /** Ends a graceful stop's wait for the workers at once (a forced stop() meanwhile). */
  private hurry: (() => void) | undefined;

  constructor(seam: SpawnSeam<H>, memory: QueueMemory, replaceDeadWorkers: boolean, events: SupervisorEvents) {
    checkMethods(seam, 'seam', ['spawn', 'terminate']);
    if (!(memory instanceof QueueMemory)) throw new TypeError(`memory must be a QueueMemory, got ${describeValue(memory)}`);
    checkBoolean(replaceDeadWorkers, 'replaceDeadWorkers');
    checkMethods(events, 'events', ['workerExit'], ['started', 'startFailed', 'workerIdle']);
    this.seam = seam;
    this.memory = memory;
    this.replaceDeadWorkers = replaceDeadWorkers;
    this.events = events;
    this.instances = new Array<Instance<H> | undefined>(memory.blocks.length).fill(undefined);
    this.initial = memory.minThreads();
    this.startPending = new Array<boolean>(memory.blocks.length).fill(false);
  }

  /** Starts one worker per partition of the first minThreads (all of a fixed-size queue); settles `outcome` (resolved once all are ready; else rejected with a WorkerStartError). */
  start(outcome?: StartOutcome): void {
    if (outcome !== undefined && !(outcome instanceof StartOutcome)) {
      throw new TypeError(`outcome must be a StartOutcome or undefined, got ${describeValue(outcome)}`);
    }
    this.outcome = outcome;
    for (let t = 0; t < this.initial && !this.stopping; t++) this.spawn(t);
  }

  /**
   * Elastic threads: starts a worker for partition `worker` (the queue grew).
   * If the partition's retired thread has not yet said so, the new one is
   * spawned once it has (or is gone). Nothing happens once stopping.
   */
  startWorker(worker: number): void {
    checkInt(worker, 'worker', 0, this.instances.length - 1);
    if (this.stopping) return;
    if (this.instances[worker] !== undefined) {
      this.startPending[worker] = true;
      return;
    }
    this.spawn(worker);
  }

  /** A message from worker `worker`'s thread `handle`. */
  message(worker: number, handle: H, m: WorkerMessage): void {
    if (!isWorkerMessage(m)) throw new TypeError(`m must be a WorkerMessage (from a twq worker), got ${describeValue(m)}`);
    const inst = this.current(worker, handle);
    if (inst === undefined) return;
    switch (m.type) {
      case 'ready':
        inst.ready = true;
        if (!this.started && ++this.readyCount === this.initial) {
          this.started = true;
          this.outcome?.succeed();
          this.events.started?.();
        }
        break;
      case 'start-failed':
        this.startFailed(worker, inst, m.error);
        break;
      case 'died':
        this.exited(worker, handle, EXIT_CODE_UNKNOWN);
        break;
      case 'stopped':
        inst.markStopped();
        break;
      case 'idle':
        this.events.workerIdle?.(worker);
        break;
      case 'retired':
        // Its last write (RETIRED) is made: the thread is done with the memory, not a death.
        this.retire(worker, inst);
        this.spawnPending(worker);
        break;
    }
  }

  /** An error event of the thread: the reason of its coming end; before READY, a failed start. */
  error(worker: number, handle: H, error: ErrorInfo): void {
    error = toRecordedInfo(error, 'error');
    const inst = this.current(worker, handle);
    if (inst === undefined) return;
    inst.lastError = error;
    if (!inst.ready) this.startFailed(worker, inst, error);
  }

  /**
   * The thread is gone (Node's exit event; a browser worker's 'died', or its
   * life lock granted). `reason`: what the host knows of why, where the thread
   * said nothing (no error event, no death record of its own).
   */
  exited(worker: number, handle: H, exitCode: number, reason?: ErrorInfo): void {
    checkInt(exitCode, 'exitCode', -0x8000_0000, 0x7fff_ffff);
    if (reason !== undefined) reason = toRecordedInfo(reason, 'reason');
    const inst = this.current(worker, handle);
    if (inst === undefined) return;
    this.retire(worker, inst);
    if (this.stopping) return;
    const why = inst.lastError ?? reason ?? { name: 'WorkerExit', message: `the worker thread exited with code ${exitCode}` };
    if (!inst.ready) {
      this.startFailed(worker, undefined, why);
      return;
    }
    const report = reportWorkerGone(this.memory, worker, exitCode, why, this.replaceDeadWorkers && !this.failed);
    if (report.stopped) {
      this.spawnPending(worker);
      return;
    }
    if (report.replaced) this.spawn(worker);
    else this.failed = true;
    this.events.workerExit({
      worker,
      exitCode,
      error: { name: report.reason.name, message: report.reason.message },
      replaced: report.replaced,
    });
  }

  /**
   * Ends worker `worker` now (its request ran past its deadline and grace):
   * its exit is then a death like any other, reported with `reason` and
   * replaced as the death policy says. Nothing happens if it is not running.
   */
  terminateWorker(worker: number, reason: ErrorInfo): void {
    checkInt(worker, 'worker', 0, this.instances.length - 1);
    const info = toRecordedInfo(reason, 'reason');
    const inst = this.instances[worker];
    if (inst === undefined || inst.gone || this.stopping) return;
    inst.lastError = info;
    void this.seam.terminate(inst.handle);
  }

  /**
   * Called once the queue's destroy flag and every wake event are set: workers
   * leave their loops, tear their slots down and say so; past `stopTimeoutMs`
   * (at once with `force`) they are terminated. Resolves when all are gone.
   * A second call returns the same promise; a forced one hurries a graceful
   * stop under way (its wait ends now: every worker is terminated).
   */
  stop(force: boolean, stopTimeoutMs: number): Promise<void> {
    checkBoolean(force, 'force');
    checkMs(stopTimeoutMs, 'stopTimeoutMs', true);
    if (this.stopped !== undefined) {
      if (force) this.hurry?.();
      return this.stopped;
    }
    this.stopping = true;
    this.stopped = this.stopAll(force, stopTimeoutMs);
    return this.stopped;
  }

  private async stopAll(force: boolean, stopTimeoutMs: number): Promise<void> {
    const live = this.instances.filter((i): i is Instance<H> => i !== undefined);
    if (!force && live.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(live.map((i) => i.stopped)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, stopTimeoutMs);
          this.hurry = resolve;
        }),
      ]);
      clearTimeout(timer);
      this.hurry = undefined;
    }
    // One that exited by itself meanwhile was terminated when it was retired.
    await Promise.all(live.filter((inst) => !inst.gone).map((inst) => Promise.resolve(this.seam.terminate(inst.handle))));
    this.instances.fill(undefined);
  }

  /** A start asked for while partition `worker`'s previous thread was leaving: now. */
  private spawnPending(worker: number): void {
    if (!this.startPending[worker] || this.stopping) return;
    this.startPending[worker] = false;
    this.spawn(worker);
  }

  private current(worker: number, handle: H): Instance<H> | undefined {
    checkInt(worker, 'worker', 0, this.instances.length - 1);
    const inst = this.instances[worker];
    return inst !== undefined && inst.handle === handle && !inst.gone ? inst : undefined;
  }

  private spawn(worker: number): void {
    let handle: H;
    try {
      handle = this.seam.spawn(worker);
    } catch (e) {
      const error = e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : { name: 'Error', message: String(e) };
      this.startFailed(worker, undefined, error);
      return;
    }
    let markStopped = (): void => undefined;
    const stopped = new Promise<void>((resolve) => {
      markStopped = resolve;
    });
    this.instances[worker] = { handle, ready: false, gone: false, lastError: undefined, stopped, markStopped };
  }

  /** Worker `worker` could not start: the queue's creation fails, or (a replacement) the queue fails. */
  private startFailed(worker: number, inst: Instance<H> | undefined, error: ErrorInfo): void {
    if (inst !== undefined) this.retire(worker, inst);
    if (this.stopping) return;
    if (!this.started) {
      this.stopping = true;
      for (let t = 0; t < this.instances.length; t++) {
        const other = this.instances[t];
        if (other !== undefined) this.retire(t, other);
      }
      this.outcome?.fail(new WorkerStartError(worker, `${error.name}: ${error.message}`, error));
      this.events.startFailed?.(worker, error);
      return;
    }
    this.failed = true;
    // The queue was running: fail it through shared memory, which a blocked submitter hears.
    recordQueueFailure(this.memory, worker, error);
    this.events.workerExit({ worker, exitCode: EXIT_CODE_UNKNOWN, error: { name: error.name, message: error.message }, replaced: false });
  }

  /** Forgets an instance and makes sure it runs no more. */
  private retire(worker: number, inst: Instance<H>): void {
    inst.gone = true;
    inst.markStopped();
    void this.seam.terminate(inst.handle);
    if (this.instances[worker] === inst) this.instances[worker] = undefined;
  }
}
