/** Strings longer than this are shown by their first MAX_SHOWN_CHARS characters and their length. */
export const MAX_SHOWN_CHARS = 80;

/**
 * How an error message shows a bad value, as the user wrote it: strings quoted
 * (a "7" must not read as the number 7, which may well be allowed) and cut
 * short past MAX_SHOWN_CHARS characters (with their length), BigInts with
 * their `n` (a 2n must not read as the valid 2), -0 as -0, symbols with their
 * description, functions and classes by name, boxed primitives with their
 * value (`new Number(2)`), arrays with their length, other objects by their
 * kind. Never throws, whatever the value (a revoked Proxy, a throwing
 * `Symbol.toStringTag` getter): it runs while an error is being built. The one
 * copy every twq package uses: it sits in the lowest layer.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return describeString(value);
    case 'bigint':
      return `${String(value)}n`;
    case 'symbol':
      return describeSymbol(value);
    case 'function':
      return describeFunction(value);
    case 'object':
      return value === null ? 'null' : describeObject(value);
    default:
      return Object.is(value, -0) ? '-0' : String(value);
  }
}

function describeString(value: string): string {
  if (value.length <= MAX_SHOWN_CHARS) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, MAX_SHOWN_CHARS))}... (a string of ${value.length} characters)`;
}

function describeSymbol(value: symbol): string {
  const d = value.description;
  return d === undefined ? 'Symbol()' : `Symbol(${describeString(d).slice(1, -1)})`;
}

function describeFunction(value: unknown): string {
  let name = '';
  let isClass = false;
  try {
    const n = (value as { name?: unknown }).name;
    name = typeof n === 'string' ? n : '';
    isClass = /^class[\s{]/.test(Function.prototype.toString.call(value));
  } catch {
    // A Proxy of a function may throw on any of these: it is still a function.
  }
  const shown = name === '' ? '(anonymous)' : describeString(name).slice(1, -1);
  return `${isClass ? 'class' : 'function'} ${shown}`;
}

/** The constructors whose boxed values are shown with the value inside (as `new Number(2)`). */
const BOXES: readonly [string, (v: object) => unknown][] = [
  ['Number', (v) => Number.prototype.valueOf.call(v)],
  ['String', (v) => String.prototype.valueOf.call(v)],
  ['Boolean', (v) => Boolean.prototype.valueOf.call(v)],
  ['BigInt', (v) => BigInt.prototype.valueOf.call(v)],
  ['Symbol', (v) => Symbol.prototype.valueOf.call(v)],
];

function describeObject(value: object): string {
  let tag: string;
  try {
    tag = Object.prototype.toString.call(value);
  } catch {
    // A revoked Proxy, or a Symbol.toStringTag getter that throws.
    return '[object (unreadable)]';
  }
  try {
    if (Array.isArray(value)) return `${tag} (length ${value.length})`;
  } catch {
    return tag;
  }
  for (const [kind, unbox] of BOXES) {
    if (tag !== `[object ${kind}]`) continue;
    try {
      const inner = describeValue(unbox(value));
      return kind === 'Number' || kind === 'String' || kind === 'Boolean' ? `new ${kind}(${inner})` : `Object(${inner})`;
    } catch {
      // Not a real box: an object that only claims the tag.
      return tag;
    }
  }
  return tag;
}
