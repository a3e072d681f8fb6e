import { describeValue } from '../errors.js';
import type { MapOptions, TaskQueue } from './task-queue.js';

/** Anything with a task queue's map() (structural, so streams work over any TaskQueue or TaskPool). */
export interface Mappable<I, R> {
  /** Results of `source`'s inputs, as TaskQueue.map() yields them. */
  map(source: AsyncIterable<I>, options?: MapOptions): AsyncIterableIterator<R>;
}

/**
 * A WHATWG TransformStream-shaped pair over `tasks.map()`: write inputs to
 * `writable`, read results from `readable`. Backpressure runs end to end: the
 * readable is pulled only as its reader asks, map() reads inputs only as
 * results are taken, and the writable's writes wait for that.
 */
export function taskTransformStream<I, R>(tasks: Mappable<I, R> | TaskQueue<I, R>, options: MapOptions = {}): { readonly writable: WritableStream<I>; readonly readable: ReadableStream<R> } {
  if (typeof (tasks as Partial<Mappable<I, R>> | null)?.map !== 'function') {
    throw new TypeError(`taskTransformStream(): tasks must be a task queue or pool (an object with map()), got ${describeValue(tasks)}`);
  }
  // map() checks the options now, before any stream exists.
  void (tasks as Mappable<I, R>).map(EMPTY, options);
  const pipe = new TransformStream<I, I>(undefined, { highWaterMark: 1 }, { highWaterMark: 0 });
  const inputs = pipe.readable;
  const results = (tasks as Mappable<I, R>).map(readableIterable(inputs), options);
  const readable = new ReadableStream<R>(
    {
      async pull(controller) {
        const step = await results.next();
        if (step.done === true) controller.close();
        else controller.enqueue(step.value);
      },
      async cancel(reason) {
        await results.return?.(undefined);
        await inputs.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
  return { writable: pipe.writable, readable };
}

const EMPTY: AsyncIterable<never> = {
  [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ value: undefined, done: true as const }) }),
};

/** A ReadableStream as an async iterable (Safari lacks ReadableStream's own). */
async function* readableIterable<T>(stream: ReadableStream<T>): AsyncGenerator<T, void, undefined> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
