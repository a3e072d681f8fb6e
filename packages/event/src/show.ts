/**
 * How an error message shows a bad value: strings quoted (a "7" must not read
 * as the number 7, which may well be allowed), objects by their kind.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value);
  return String(value);
}
