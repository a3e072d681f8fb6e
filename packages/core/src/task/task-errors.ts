import { TwqError, describeValue } from '../errors.js';

/**
 * A value the task layer cannot send between threads (a function, a symbol, a
 * WeakMap, a value nested deeper than the codec allows). Named after
 * structuredClone's DataCloneError; `path` says where in the value it sits.
 */
export class ValueCloneError extends TwqError {
  override name = 'ValueCloneError';
  /** Where the value sits, e.g. `input.items[2]`. */
  readonly path: string;
  constructor(path: string, value: unknown, reason: string) {
    super('ERR_TWQ_NOT_CLONEABLE', `${path} is ${describeBad(value)}: ${reason}`);
    this.path = path;
  }
}

/** A task's promise rejected because its signal aborted or its timeout ran out; the request itself may still run. */
export class TaskAbortedError extends TwqError {
  override name = 'AbortError';
  constructor(message: string, cause?: unknown) {
    super('ERR_TWQ_ABORTED', message, { cause });
  }
}

function describeBad(value: unknown): string {
  if (typeof value === 'symbol') return `a symbol (${String(value)})`;
  if (typeof value === 'function') return `a ${describeValue(value)}`;
  return describeValue(value);
}
