/**
 * How an error message shows a bad value, as the user wrote it: strings quoted
 * (a "7" must not read as the number 7, which may well be allowed), BigInts with
 * their `n` (a 2n must not read as the valid 2), functions by name, objects by
 * their kind. The one copy every twq package uses: it sits in the lowest layer.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return `${String(value)}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `function ${value.name === '' ? '(anonymous)' : value.name}`;
    case 'object':
      return value === null ? 'null' : Object.prototype.toString.call(value);
    default:
      return Object.is(value, -0) ? '-0' : String(value);
  }
}
