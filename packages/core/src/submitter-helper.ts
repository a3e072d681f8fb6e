import { claimHighestQueued, mostLoaded } from './claims.js';
import { TwqError } from './errors.js';
import { CLAIM_BY_SUBMITTER, CLAIM_CANCEL_REQUESTED, CLAIM_RUNNING, S_CLAIM, S_ERROR_LENGTH, S_STATUS, SLOT_HANDLER_FAILED, SLOT_OK } from './memory-layout.js';
import type { Ops, Request, WorkerEnv } from './ops.js';
import { toErrorInfo, writeErrorRecord } from './error-record.js';
import type { QueueMemory } from './queue-memory.js';
import { HEADER, type RequestObject } from './requests.js';

/** The worker index handlers see in `env.worker` when the submitter runs them. */
export const SUBMITTER_WORKER = -1;

/**
 * The submitter's side of helping: while a blocking wait would park, it takes
 * a queued request (one CAS of its CLAIM word, QUEUED -> RUNNING by
 * CLAIM_BY_SUBMITTER), runs the handler with its own context (setup(-1, env),
 * made at start), writes the status, and hands the slot back by flipping its
 * own FILL bit back, as cancel does: DONE stays untouched, so no worker and no
 * thief ever sees a helped slot as theirs to complete.
 */
export class SubmitterHelper {
  readonly env: WorkerEnv;
  private context: unknown;
  private setUp = false;
  /** Header of the slot whose handler runs now on the submitter (env.cancelled reads it). */
  private current: Int32Array | undefined;
  helped = 0;

  constructor(
    private readonly ops: Ops,
    private readonly memory: QueueMemory,
    private readonly requests: readonly Request[],
    env: { threads: number; slotsPerThread: number; name: string; options: unknown },
  ) {
    const out = { ...env, worker: SUBMITTER_WORKER } as Record<string, unknown>;
    Object.defineProperty(out, 'cancelled', { enumerable: true, get: () => this.isCancelRequested() });
    Object.defineProperty(out, 'signal', {
      enumerable: false,
      get: () => {
        // A handler run by the submitter is synchronous (see run()): a signal can only be read, not awaited.
        const controller = new AbortController();
        if (this.isCancelRequested()) controller.abort();
        return controller.signal;
      },
    });
    this.env = Object.freeze(out) as unknown as WorkerEnv;
  }

  /** setup(-1, env) on the submitter: its own context. */
  setup(): void {
    if (this.ops.setup !== undefined) this.context = this.ops.setup(-1, this.env);
    this.setUp = true;
  }

  teardown(): void {
    if (!this.setUp) return;
    this.setUp = false;
    this.ops.teardown?.(this.context, -1, this.env);
  }

  private isCancelRequested(): boolean {
    const header = this.current;
    return header !== undefined && (Atomics.load(header, S_CLAIM) & CLAIM_CANCEL_REQUESTED) !== 0;
  }

  /**
   * Takes and runs one queued request of the partition with the most in flight,
   * from its highest slot down (its owner scans upwards). Returns the global
   * slot it ran (already handed back by `handBack`), or -1 when nothing was
   * queued. A handler that returns a promise completes (and is handed back)
   * when it settles; in a `blocking` wait, which cannot let it settle, this
   * then throws ERR_TWQ_HELP_ASYNC (use drain(), or help: 'never', with async
   * handlers). An async wait goes on waiting for it.
   */
  runOne(handBack: (t: number, word: number, mask: number) => void, blocking: boolean): number {
    const blocks = this.memory.blocks;
    const victim = mostLoaded(blocks, -1, 1);
    if (victim < 0) return -1;
    const first = victim * this.memory.geometry.slotsPerThread;
    const s = claimHighestQueued(blocks[victim], this.requests, first, CLAIM_BY_SUBMITTER, CLAIM_RUNNING);
    if (s < 0) return -1;
    const request = this.requests[first + s];
    this.run(request, (request as unknown as RequestObject)[HEADER], victim, s >>> 5, 1 << (s & 31), handBack, blocking);
    return first + s;
  }

  private run(
    request: Request,
    header: Int32Array,
    t: number,
    w: number,
    mask: number,
    handBack: (t: number, word: number, mask: number) => void,
    blocking: boolean,
  ): void {
    this.current = header;
    let result: void | Promise<void>;
    try {
      result = this.ops.handle(request, this.context, this.env);
    } catch (e) {
      this.current = undefined;
      this.fail(request, e);
      handBack(t, w, mask);
      this.helped++;
      return;
    }
    if (result !== undefined && typeof (result as { then?: unknown }).then === 'function') {
      // Completes when it settles, on the submitter's event loop; the blocking wait cannot wait for it.
      Promise.resolve(result).then(
        () => {
          this.current = undefined;
          header[S_STATUS] = SLOT_OK;
          handBack(t, w, mask);
        },
        (e: unknown) => {
          this.current = undefined;
          this.fail(request, e === undefined ? new Error('handler rejected with no reason') : e);
          handBack(t, w, mask);
        },
      );
      this.helped++;
      if (!blocking) return;
      throw new TwqError(
        'ERR_TWQ_HELP_ASYNC',
        'the submitter ran a queued request while it waited (help), and its handler returned a promise, which a blocking wait cannot await: the request completes when the promise settles; use drain() / getRequestAsync(), or help: "never", with async handlers',
      );
    }
    this.current = undefined;
    header[S_STATUS] = SLOT_OK;
    handBack(t, w, mask);
    this.helped++;
  }

  private fail(request: Request, error: unknown): void {
    const r = request as unknown as RequestObject;
    writeErrorRecord(this.memory.errorRecord(r.slot), toErrorInfo(error));
    r[HEADER][S_ERROR_LENGTH] = 1;
    r[HEADER][S_STATUS] = SLOT_HANDLER_FAILED;
  }
}

/** Whether a handler is declared async (an AsyncFunction): 'auto' does not help with those in blocking waits. */
export function isAsyncFunction(f: unknown): boolean {
  return typeof f === 'function' && f.constructor.name === 'AsyncFunction';
}
