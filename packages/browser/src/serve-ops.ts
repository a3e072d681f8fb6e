import type { LayoutSpec, OpsExport } from '@twq/core';
import { WorkerMain, isWorkerStart, resolveOpsExport, type WorkerScopeEvents } from '@twq/core/host';
import { holdLifeLock } from './life-lock.js';

/** The parts of a dedicated worker's global scope used here (the DOM lib has no worker types). */
interface WorkerScope extends WorkerScopeEvents {
  readonly location: { readonly href: string };
  postMessage(message: unknown): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

let called = false;

/**
 * Serves a queue's requests in this Web Worker with `ops` (the same ops
 * object, or factory, that the page passes to createQueue). Call it once, at
 * the top level of the worker module, so that it hears the page's first message:
 *
 *   import { serveOps } from '@twq/browser/worker';
 *   import { ops } from './my-ops.js';
 *   serveOps(ops);
 *
 * The worker then loads nothing by URL: a bundler sees both imports and
 * builds the worker with the ops inside.
 */
export function serveOps<S extends LayoutSpec, C, O>(ops: OpsExport<S, C, O>): void {
  const scope = dedicatedWorkerScope();
  if (called) throw new Error('serveOps() may be called only once per worker');
  called = true;
  const onMessage = (event: Event): void => {
    const m = (event as MessageEvent).data as unknown;
    if (!isWorkerStart(m)) return;
    scope.removeEventListener('message', onMessage);
    // A worker has no exit event its page could hear: it reports its own death (see WorkerMain).
    const main = new WorkerMain(
      {
        post: scope.postMessage.bind(scope),
        // Bound now: watch() below replaces scope.close with the worker's end.
        close: scope.close.bind(scope),
      },
      {
        init: m.init,
        worker: m.worker,
        loadOps: () => resolveOpsExport(ops, m.init.opsOptions, scope.location.href, 'the ops passed to serveOps()'),
        beforeReady: async () => {
          if (m.lock === null) return false;
          await holdLifeLock(m.lock);
          return true;
        },
        reportsOwnDeath: true,
        failQueueOnDeath: m.failQueueOnDeath,
      },
    );
    // Uncaught errors, unhandled rejections and self.close() are this worker's end.
    main.watch(scope);
    void main.serve();
  };
  scope.addEventListener('message', onMessage);
}

function dedicatedWorkerScope(): WorkerScope {
  const g = globalThis as unknown as { DedicatedWorkerGlobalScope?: new () => unknown };
  if (typeof g.DedicatedWorkerGlobalScope !== 'function' || !(globalThis instanceof g.DedicatedWorkerGlobalScope)) {
    throw new TypeError(
      "serveOps() must run in a module Web Worker started by createQueue() of '@twq/browser', not on a page or in a shared or service worker",
    );
  }
  return globalThis;
}
