import { OpsLoadError, describeValue, type RemoteError } from './errors.js';
import type { Layout, LayoutSpec, RequestFields } from './request-layout.js';

/** What a request object offers besides its layout's fields. */
export interface RequestMeta {
  /** Index of the slot in the whole queue (worker * slotsPerThread + slot in worker). */
  readonly slot: number;
  /** Index of the worker thread that owns the slot. */
  readonly worker: number;
}

/** A request: its layout's fields plus `slot` and `worker`. Created once per slot. */
export type Request<S extends LayoutSpec = LayoutSpec> = RequestFields<S> & RequestMeta;

/** What set-up and the handler learn about the worker they run on. */
export interface WorkerEnv<O = unknown> {
  /** This worker's index, 0-based. */
  readonly worker: number;
  /** Number of worker threads in the queue. */
  readonly threads: number;
  /** Slots owned by each worker. */
  readonly slotsPerThread: number;
  /** The queue's name. */
  readonly name: string;
  /** The `opsOptions` given at creation (structured-cloned to the worker). */
  readonly options: O;
}

/**
 * The ops contract: what a request is and what to do with it. One module,
 * imported by the submitter (for `layout` and `done`) and by every worker (for
 * `setup`, `handle`, `teardown`).
 */
// Members are methods, not function-typed properties: method parameters are
// bivariant, so ops whose context type is narrower (what setup returns) still
// fit where Ops<S, unknown, O> is expected.
export interface Ops<S extends LayoutSpec = LayoutSpec, C = unknown, O = unknown> {
  /** The request layout, from `defineLayout`. */
  readonly layout: Layout<S>;
  /**
   * Runs on the owning worker once per slot, before the worker takes any
   * request (the seed's request init). Returns the slot's private context (a
   * codec stream, a scratch buffer) handed to every `handle` call for that slot.
   * It must not write the request's shared fields: after a worker is replaced,
   * a slot may still hold a result the submitter has not collected.
   */
  setup?(this: void, slot: number, env: WorkerEnv<O>): C;
  /** Runs on the owning worker once per slot when the queue is destroyed (the seed's uninit). */
  teardown?(this: void, context: C, slot: number, env: WorkerEnv<O>): void;
  /**
   * Runs on the worker: reads the request's input fields, writes its result
   * fields. May return a promise; the worker then takes no other request until
   * it settles. A throw (or rejection) completes the request as failed.
   */
  handle(this: void, request: Request<S>, context: C, env: WorkerEnv<O>): void | Promise<void>;
  /**
   * Runs on the submitter, exactly once per submitted request, lazily: when
   * its slot is about to be reused or during `waitAll` / `drain`. `error` is
   * set when the request failed (handler threw, or its worker died).
   */
  done?(this: void, request: Request<S>, error: RemoteError | undefined): void;
}

/** An ops module may export the ops themselves, or a factory taking `opsOptions`. */
export type OpsExport<S extends LayoutSpec = LayoutSpec, C = unknown, O = unknown> =
  | Ops<S, C, O>
  | ((options: O) => Ops<S, C, O>);

/** Validates an ops object and freezes it. */
export function defineOps<S extends LayoutSpec, C = undefined, O = unknown>(ops: Ops<S, C, O>): Ops<S, C, O> {
  checkOps(ops);
  return Object.freeze({ ...ops });
}

/** Throws a TypeError naming what is wrong unless `ops` satisfies the contract. */
export function checkOps(ops: unknown, where = 'ops'): asserts ops is Ops {
  if (typeof ops !== 'object' || ops === null) {
    throw new TypeError(`${where} must be an object made with defineOps(), got ${describeValue(ops)}`);
  }
  const o = ops as Record<string, unknown>;
  const layout = o.layout as Layout | undefined;
  if (typeof layout !== 'object' || (layout as unknown) === null || !Array.isArray(layout.fields) || typeof layout.byteLength !== 'number') {
    throw new TypeError(`${where}.layout must come from defineLayout(), got ${describeValue(o.layout)}`);
  }
  if (typeof o.handle !== 'function') {
    throw new TypeError(`${where}.handle must be a function, got ${describeValue(o.handle)}`);
  }
  for (const name of ['setup', 'teardown', 'done'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'function') {
      throw new TypeError(`${where}.${name} must be a function or undefined, got ${describeValue(o[name])}`);
    }
  }
}

/** Resolves an ops module export (object or factory) with the given options. */
export function resolveOps(exported: unknown, options: unknown, where = 'ops'): Ops {
  const ops: unknown = typeof exported === 'function' ? (exported as (o: unknown) => unknown)(options) : exported;
  checkOps(ops, where);
  return ops;
}

/**
 * resolveOps for a host: any failure (a factory that throws, ops that are not
 * valid) is an OpsLoadError naming `module`, where the ops came from.
 */
export function resolveOpsExport(exported: unknown, options: unknown, module: string, where = 'ops'): Ops {
  try {
    return resolveOps(exported, options, where);
  } catch (e) {
    throw new OpsLoadError(module, (e as Error).message, e);
  }
}

/** The layout spec of an ops object or factory type (for typing a queue created from a module URL). */
export type SpecOf<T> = T extends Ops<infer S, infer _C, infer _O>
  ? S
  : T extends (options: never) => Ops<infer S, infer _C, infer _O>
    ? S
    : LayoutSpec;

/** The slot context type of an ops object or factory type. */
export type ContextOf<T> = T extends Ops<infer _S, infer C, infer _O> ? C : unknown;

/** The `opsOptions` type of an ops object or factory type. */
export type OptionsOf<T> = T extends Ops<infer _S, infer _C, infer O>
  ? O
  : T extends (options: infer O) => Ops<infer _S, infer _C, infer _O>
    ? O
    : unknown;
