import { InlineQueue, describeValue, type CreateQueueOptions, type LayoutSpec, type Ops, type Workqueue } from '@twq/core';
import { checkOps, resolveOps } from '@twq/core/host';

/**
 * How the helpers of this package get a queue: a twq adapter's `createQueue`
 * (@twq/node's, @twq/browser's), or `inlineQueueFactory` for a single-thread
 * run. Injected rather than imported so that this package depends on
 * @twq/core only and serves every adapter.
 *
 * Typed over any layout: the layout of a queue made from a module URL is only
 * known at run time (the adapters' own `createQueue<T>` is typed the same way
 * unless told the module's type), and each helper knows which ops module it
 * asked for.
 */
export type QueueFactory = (opsModule: URL, options: CreateQueueOptions<LayoutSpec, unknown>) => Promise<Workqueue>;

/** A queue made by a QueueFactory from one of this package's ops modules, typed with that module's layout. */
export async function createTypedQueue<S extends LayoutSpec, O>(
  createQueue: QueueFactory,
  opsModule: URL,
  options: CreateQueueOptions<S, O>,
): Promise<Workqueue<S, O>> {
  if (typeof createQueue !== 'function') {
    throw new TypeError(`createQueue must be a twq adapter's createQueue function, got ${describeValue(createQueue)}`);
  }
  checkOpsModuleUrl(opsModule, 'opsModule', "one of this package's ops modules");
  const queue = await createQueue(opsModule, options as CreateQueueOptions<LayoutSpec, unknown>);
  return queue as unknown as Workqueue<S, O>;
}

/**
 * Throws a TypeError unless `value` is a URL object, as the `opsModule`
 * options' type says. A string (a path, a data: URL) is refused rather than
 * passed on: what a string means is the adapter's to decide, and this
 * package names its own modules by URL. `what` says which module is expected.
 */
export function checkOpsModuleUrl(value: unknown, name: string, what: string): asserts value is URL {
  if (!(value instanceof URL)) throw new TypeError(`${name} must be a URL object (the URL of ${what}), got ${describeValue(value)}`);
}

/**
 * A factory for `InlineQueue`s over an ops export (object or factory of
 * `opsOptions`): everything runs on the calling thread. For tests, and for
 * hosts without threads. The module URL is ignored: the ops are given here.
 */
export function inlineQueueFactory<S extends LayoutSpec, O>(
  ops: Ops<S, unknown, O> | ((options: O) => Ops<S, unknown, O>),
): QueueFactory {
  // Ops are checked now; a factory of ops, when it is called with the queue's opsOptions.
  if (typeof ops !== 'function') checkOps(ops);
  return async (_opsModule, options) => {
    // Checked before the ops factory sees opsOptions: a null would otherwise fail as a property read.
    const given: unknown = options;
    if (given !== undefined && (typeof given !== 'object' || given === null)) {
      throw new TypeError(`options must be an object or undefined, got ${describeValue(given)}`);
    }
    const o = (given ?? {}) as CreateQueueOptions<LayoutSpec, unknown>;
    const resolved = resolveOps(ops, o.opsOptions);
    return InlineQueue.create(resolved, o);
  };
}
