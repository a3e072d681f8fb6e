import { describeValue } from '../errors.js';
import { TaskQueue, type RunOptions } from './task-queue.js';
import type { ValueSpec } from './value-port.js';

/** run()'s options in a pool: piscina's names, where they have a meaning here. */
export interface PoolRunOptions extends RunOptions {
  /**
   * Accepted for piscina compatibility and ignored: values are copied through
   * shared memory, never transferred (the caller keeps its buffers).
   */
  transferList?: readonly unknown[];
  /** Must be absent or the pool's own `name`: one pool runs one export (create a pool per export). */
  name?: string;
}

/** The input type of a task function, or of a module type whose default export is one. */
export type TaskInput<T> = T extends {
  /** The module's default export: the task function. */
  default: (input: infer I) => unknown;
}
  ? I
  : T extends (input: infer I) => unknown
    ? I
    : unknown;
/** The result type (awaited) of a task function, or of a module type whose default export is one. */
export type TaskResult<T> = T extends {
  /** The module's default export: the task function. */
  default: (input: never) => infer R;
}
  ? Awaited<R>
  : T extends (input: never) => infer R
    ? Awaited<R>
    : unknown;

/**
 * A value-mode task queue made from a task file (piscina's convention: a
 * module whose default export, or the export `name`, is `(input) => output`).
 */
export class TaskPool<I, R> extends TaskQueue<I, R, ValueSpec> {
  /** The export this pool runs. */
  readonly exportName: string;

  constructor(codec: ConstructorParameters<typeof TaskQueue<I, R, ValueSpec>>[0], name: string, exportName: string) {
    super(codec, name);
    this.exportName = exportName;
  }

  override run(input: I, options?: PoolRunOptions): Promise<R> {
    if (options !== undefined && typeof options === 'object' && (options as unknown) !== null) {
      const name = options.name;
      if (name !== undefined && name !== this.exportName) {
        return Promise.reject(
          new TypeError(
            `run(): options.name ${describeValue(name)} is not this pool's export ("${this.exportName}"): a twq pool runs one export; create a pool per export with createPool({ filename, name })`,
          ),
        );
      }
      if (options.transferList !== undefined && !Array.isArray(options.transferList)) {
        return Promise.reject(new TypeError(`run(): options.transferList must be an array or undefined, got ${describeValue(options.transferList)}`));
      }
      if (options.signal === undefined && options.timeoutMs === undefined) return super.run(input);
    }
    return super.run(input, options);
  }
}
