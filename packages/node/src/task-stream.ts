import { Duplex } from 'node:stream';
import type { MapOptions } from '@twq/core';

interface Mappable<I, R> {
  map(source: AsyncIterable<I>, options?: MapOptions): AsyncIterableIterator<R>;
}

/**
 * A Node object-mode Duplex (a Transform in use) over `tasks.map()`: write
 * inputs, read results; `pipeline(source, taskDuplex(pool), sink)`. Node's own
 * backpressure on both sides, map()'s window in between.
 */
export function taskDuplex<I, R>(tasks: Mappable<I, R>, options: MapOptions = {}): Duplex {
  return Duplex.from(async function* (source: AsyncIterable<I>) {
    yield* tasks.map(source, options);
  });
}
