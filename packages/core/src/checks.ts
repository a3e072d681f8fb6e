import { describeValue } from './errors.js';

/**
 * The argument checks of the host seam's classes (Supervisor, WorkerMain,
 * StartOutcome): each throws a TypeError / RangeError naming the argument,
 * the value as given and what is allowed.
 */

export function checkFunction(value: unknown, name: string, optional = false): void {
  if (typeof value === 'function' || (optional && value === undefined)) return;
  throw new TypeError(`${name} must be a function${optional ? ' or undefined' : ''}, got ${describeValue(value)}`);
}

export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}

/** An object whose `methods` are functions (the seams an adapter passes in). */
export function checkMethods(value: unknown, name: string, methods: readonly string[], optional: readonly string[] = []): void {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${name} must be an object with ${methods.join(', ')}, got ${describeValue(value)}`);
  }
  const o = value as Record<string, unknown>;
  for (const m of methods) checkFunction(o[m], `${name}.${m}`);
  for (const m of optional) checkFunction(o[m], `${name}.${m}`, true);
}

/** A duration in milliseconds: a finite number, > 0 (or >= 0 with `zero`). */
export function checkMs(value: unknown, name: string, zero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zero && value === 0)) {
    throw new RangeError(`${name} must be a finite number of milliseconds ${zero ? '>= 0' : '> 0'}, got ${describeValue(value)}`);
  }
  return value;
}

/** An integer in [min, max]. */
export function checkInt(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${describeValue(value)}`);
  }
  return value;
}

/**
 * What is wrong with destroy()'s options (Workqueue and TaskQueue take the
 * same ones), or undefined: callers reject with it before anything happens.
 */
export function destroyOptionsError(options: { force?: boolean; timeoutMs?: number }): TypeError | RangeError | undefined {
  if (typeof options !== 'object' || (options as unknown) === null) {
    return new TypeError(`destroy(): options must be an object or undefined, got ${describeValue(options)}`);
  }
  if (options.force !== undefined && typeof options.force !== 'boolean') {
    return new TypeError(`destroy(): options.force must be a boolean, got ${describeValue(options.force)}`);
  }
  // Finite: destroy() is bounded (a handler that never returns must not keep it pending).
  const t = options.timeoutMs;
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t < 0)) {
    return new RangeError(`destroy(): options.timeoutMs must be a finite number of milliseconds >= 0, got ${describeValue(t)}`);
  }
  return undefined;
}
