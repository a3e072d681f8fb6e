/**
 * Knowing that a worker is gone, with Web Locks.
 *
 * A browser gives a page no 'exit' event for a dedicated worker: a worker that
 * calls self.close(), is terminated by other code, or crashes just goes quiet.
 * But a Web Lock held by a worker is released by the browser when the worker's
 * context is destroyed, however that happens, and not before. So each worker
 * takes a lock of its own and never lets it go; the page asks for the same
 * lock, and the grant tells it that the worker is gone and will run no more
 * code (which is what makes it safe to report its death and reclaim its slots).
 *
 * Web Locks exist wherever a page can be cross-origin isolated (they need a
 * secure context too); where they are missing, only the deaths that a worker
 * reports itself are seen.
 */

function lockManager(): LockManager | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  return nav?.locks;
}

/** Whether Web Locks are available on this thread. */
export function hasLifeLocks(): boolean {
  return lockManager() !== undefined;
}

/** A lock name unique to this page and queue (locks are shared by every tab of the origin). */
export function lifeLockPrefix(queueName: string): string {
  const id = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  return `twq:${queueName}:${id}`;
}

/** Worker side: takes the lock for the rest of this worker's life. Resolves once it is held. */
export function holdLifeLock(name: string): Promise<void> {
  const locks = lockManager();
  if (locks === undefined) return Promise.resolve();
  return new Promise<void>((held, failed) => {
    locks
      .request(name, () => {
        held();
        // Never settles: the lock goes only with this worker's context.
        return new Promise<never>(() => undefined);
      })
      .catch(failed);
  });
}

/**
 * Page side: calls `onGone` once the holder of lock `name` is gone. Returns a
 * function that stops watching (on destroy, when the page itself terminates
 * the worker and nothing is to be reported).
 */
export function watchLifeLock(name: string, onGone: () => void): () => void {
  const locks = lockManager();
  if (locks === undefined) return () => undefined;
  const controller = new AbortController();
  locks
    .request(name, { signal: controller.signal }, () => {
      if (!controller.signal.aborted) onGone();
    })
    .catch(() => {
      // AbortError after unwatch(): nothing to report.
    });
  return () => {
    controller.abort();
  };
}
