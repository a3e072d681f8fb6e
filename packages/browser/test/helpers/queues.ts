import { afterEach } from 'vitest';

/** Queues a test opened: each is destroyed (with force) after the test, pass or fail. */
const open: { destroy(options?: { force?: boolean }): Promise<void> }[] = [];

export function closeAfterTest<Q extends { destroy(options?: { force?: boolean }): Promise<void> }>(queue: Q): Q {
  open.push(queue);
  return queue;
}

afterEach(async () => {
  const queues = open.splice(0);
  await Promise.all(queues.map((q) => q.destroy({ force: true })));
});

/** Rejects after `ms`: keeps every wait of a test bounded with a message saying what hung. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`${what} did not settle within ${ms} ms`));
      }, ms);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
}
