import type { ParallelGzipOptions } from './gzip/parallel-gzip-encoder.js';

/** Gzip options at an entry point: the ops module defaults to the entry's own. */
export type GzipOptions = Omit<ParallelGzipOptions, 'opsModule'> & { opsModule?: URL };
