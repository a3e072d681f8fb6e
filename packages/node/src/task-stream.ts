import { Duplex } from 'node:stream';
import { describeValue, type Mappable, type MapOptions } from '@twq/core';

const EMPTY: AsyncIterable<never> = {
  [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ value: undefined, done: true as const }) }),
};

/**
 * A Node object-mode Duplex (a Transform in use) over `tasks.map()`: write
 * inputs, read results; `pipeline(source, taskDuplex(pool), sink)`. Node's own
 * backpressure on both sides, map()'s window in between.
 */
export function taskDuplex<I, R>(tasks: Mappable<I, R>, options: MapOptions = {}): Duplex {
  if (typeof (tasks as Partial<Mappable<I, R>> | null)?.map !== 'function') {
    throw new TypeError(`taskDuplex(): tasks must be a task queue or pool (an object with map()), got ${describeValue(tasks)}`);
  }
  // map() checks the options now, not when the stream first flows.
  void tasks.map(EMPTY, options);
  return Duplex.from(async function* (source: AsyncIterable<I>) {
    yield* tasks.map(source, options);
  });
}
