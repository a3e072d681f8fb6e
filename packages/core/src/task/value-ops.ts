import { describeValue } from '../errors.js';
import { defineOps, type Ops, type Request, type WorkerEnv } from '../ops.js';
import { SlotArena, arenaBytes, type ArenaBytes } from './slot-arena.js';
import { valueLayout, ValuePort, type ValueSpec } from './value-port.js';

/** A task function: what a piscina task file exports. May return a promise. */
export type TaskFunction<I = never, R = unknown> = (input: I) => R | Promise<R>;

/** What a value-mode queue passes to its workers (structured-cloned: the buffers are shared). */
export interface ValueOpsOptions {
  readonly inlineBytes: number;
  readonly maxValueBytes: number;
  /** The submitter's overflow arena (inputs). */
  readonly inputArena: SharedArrayBuffer;
  /** One overflow arena per worker (its results). */
  readonly resultArenas: readonly SharedArrayBuffer[];
}

/** Option names the errors cite (the pool's options). */
export const MAX_VALUE_OPTION = 'maxValueBytes';
export const ARENA_OPTION = 'maxArenaBytes';

/**
 * The ops of a value-mode queue, for the worker side: decodes the input (typed
 * arrays as views of the shared memory: no copy; valid until the function
 * returns or its promise settles), calls `functions[op - 1]`, encodes the
 * result. A function that returns a promise turns the worker async (see the
 * core README's async handlers).
 */
export function valueOps(functions: readonly TaskFunction[]): (options: ValueOpsOptions) => Ops<ValueSpec, undefined, ValueOpsOptions> {
  for (const [i, f] of functions.entries()) {
    if (typeof f !== 'function') throw new TypeError(`task function ${i} must be a function, got ${describeValue(f)}`);
  }
  return (options) => {
    const port = new ValuePort(options.maxValueBytes, MAX_VALUE_OPTION, ARENA_OPTION);
    let inputs: ArenaBytes | undefined;
    let results: SlotArena | undefined;
    const finish = (request: Request<ValueSpec>, result: unknown): void => {
      const at = port.put(result, request.output, results as SlotArena, request.slot - request.worker * (results as SlotArena).slots, 'the result');
      request.outArena = at < 0 ? 0 : 1;
      request.outAt = at;
    };
    const onResult = new WeakMap<Request<ValueSpec>, (value: unknown) => void>();
    return defineOps<ValueSpec, undefined, ValueOpsOptions>({
      layout: valueLayout(options.inlineBytes),
      setup(_slot, env: WorkerEnv<ValueOpsOptions>) {
        // One arena view per worker, made on its first slot.
        inputs ??= arenaBytes(options.inputArena);
        results ??= new SlotArena(options.resultArenas[env.worker], env.slotsPerThread);
        return undefined;
      },
      handle(request) {
        const op = request.op;
        if (op === 0) return undefined;
        const fn = functions[op - 1] as TaskFunction<unknown>;
        const input = port.get(request.input, inputs, request.inArena === 0 ? -1 : request.inAt, true);
        const result = fn(input);
        if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') {
          let settle = onResult.get(request);
          if (settle === undefined) {
            settle = (value: unknown) => {
              finish(request, value);
            };
            onResult.set(request, settle);
          }
          return (result as Promise<unknown>).then(settle);
        }
        finish(request, result);
        return undefined;
      },
    });
  };
}
