import { describeValue } from '../errors.js';
import { ValueCloneError } from './task-errors.js';

/**
 * The task layer's value codec: a structured-clone subset written straight
 * into shared memory, the same in Node and in browsers.
 *
 * Why hand-written (see the bench's `codec` figures in the node README): the
 * common task values are a number, a short string, a small object or one typed
 * array. Writing them in place costs a few stores; a general library encodes
 * into its own buffer first (one more copy), and `TextEncoder.encodeInto` /
 * `TextDecoder` refuse shared memory in browsers. v8.serialize is Node-only.
 *
 * Supported: undefined, null, booleans, numbers (incl. -0, NaN), bigints,
 * strings, arrays (holes read back as undefined), plain objects (own
 * enumerable string keys, like structuredClone: prototypes are not kept),
 * Date, RegExp, Map, Set, Error (name, message, stack), ArrayBuffer, every
 * typed array and DataView. Not supported: functions, symbols, WeakMap/WeakSet,
 * Promise, cycles and shared references (a value reached twice is sent twice;
 * a cycle hits the nesting limit). Anything else throws ValueCloneError.
 *
 * Format: a tag byte, then the payload, little-endian. Typed-array bytes start
 * on an 8-byte boundary of the buffer, so the reader can view them in place.
 */

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_INT32 = 4;
const T_FLOAT64 = 5;
const T_STRING8 = 6;
const T_STRING16 = 7;
const T_BIGINT = 8;
const T_ARRAY = 9;
const T_OBJECT = 10;
const T_DATE = 11;
const T_REGEXP = 12;
const T_MAP = 13;
const T_SET = 14;
const T_ERROR = 15;
const T_ARRAY_BUFFER = 16;
const T_TYPED_ARRAY = 17;
const T_DATA_VIEW = 18;

/** Deepest nesting the codec follows (a cycle ends here). */
export const MAX_VALUE_DEPTH = 1000;

type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

const TYPED_ARRAYS: readonly TypedArrayConstructor[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];

type AnyTypedArray = InstanceType<TypedArrayConstructor>;

const typedArrayProto = Object.getPrototypeOf(Int8Array.prototype) as object;
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(value) below
const toStringTag = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag)?.get as (this: unknown) => string | undefined;

/** Index of a typed array's kind in TYPED_ARRAYS, or -1 when `value` is none. */
function typedArrayKind(value: object): number {
  const tag = toStringTag.call(value);
  if (tag === undefined) return -1;
  switch (tag) {
    case 'Int8Array':
      return 0;
    case 'Uint8Array':
      return 1;
    case 'Uint8ClampedArray':
      return 2;
    case 'Int16Array':
      return 3;
    case 'Uint16Array':
      return 4;
    case 'Int32Array':
      return 5;
    case 'Uint32Array':
      return 6;
    case 'Float32Array':
      return 7;
    case 'Float64Array':
      return 8;
    case 'BigInt64Array':
      return 9;
    case 'BigUint64Array':
      return 10;
    default:
      return -1;
  }
}

/** Thrown (never allocated per call) when the target region is too small; the caller retries on a larger one. */
export const OVERFLOW = new RangeError('twq value codec: the region is full (internal: the caller retries on a larger one)');

/** A value the codec refuses, with the offending part; the caller names where it sits. */
export class Unsupported extends Error {
  constructor(
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Header bytes of a top-level typed array or ArrayBuffer, padding for alignment included (an upper bound). */
const BYTES_HEADER_BOUND = 16;

/**
 * The exact-or-larger size a value needs when it is a typed array, DataView or
 * ArrayBuffer (the values worth placing straight into the overflow arena),
 * else -1.
 */
export function bytesValueBound(value: unknown): number {
  if (typeof value !== 'object' || value === null) return -1;
  if (ArrayBuffer.isView(value)) return value.byteLength + BYTES_HEADER_BOUND;
  if (value instanceof ArrayBuffer) return value.byteLength + BYTES_HEADER_BOUND;
  return -1;
}

/** Encodes values into a region [pos, end) of a buffer; throws OVERFLOW when the value does not fit. */
export class ValueWriter {
  u8: Uint8Array = new Uint8Array(0);
  dv: DataView = new DataView(new ArrayBuffer(0));
  pos = 0;
  end = 0;
  private depth = 0;

  /** Targets `[start, end)` of the buffer behind `u8` / `dv` (views of the whole buffer). */
  target(u8: Uint8Array, dv: DataView, start: number, end: number): void {
    this.u8 = u8;
    this.dv = dv;
    this.pos = start;
    this.end = end;
    this.depth = 0;
  }

  private room(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw OVERFLOW;
    this.pos = p + n;
    return p;
  }

  write(value: unknown): void {
    switch (typeof value) {
      case 'number': {
        if ((value | 0) === value && (value !== 0 || 1 / value > 0)) {
          const p = this.room(5);
          this.u8[p] = T_INT32;
          this.dv.setInt32(p + 1, value, true);
        } else {
          const p = this.room(9);
          this.u8[p] = T_FLOAT64;
          this.dv.setFloat64(p + 1, value, true);
        }
        return;
      }
      case 'string':
        this.writeString(value);
        return;
      case 'boolean':
        this.u8[this.room(1)] = value ? T_TRUE : T_FALSE;
        return;
      case 'undefined':
        this.u8[this.room(1)] = T_UNDEFINED;
        return;
      case 'bigint':
        this.writeBigInt(value);
        return;
      case 'object':
        if (value === null) {
          this.u8[this.room(1)] = T_NULL;
          return;
        }
        if (++this.depth > MAX_VALUE_DEPTH) {
          throw new Unsupported(value, `values may nest at most ${MAX_VALUE_DEPTH} levels deep (is it a cycle? cycles and shared references are not supported)`);
        }
        this.writeObject(value);
        this.depth--;
        return;
      default:
        throw new Unsupported(value, 'functions and symbols cannot be sent to a worker (values must be structured-cloneable)');
    }
  }

  private writeString(s: string): void {
    const n = s.length;
    const start = this.pos;
    let p = this.room(5 + n);
    const u8 = this.u8;
    u8[p] = T_STRING8;
    this.dv.setUint32(p + 1, n, true);
    p += 5;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) {
        this.pos = start;
        this.writeString16(s);
        return;
      }
      u8[p + i] = c;
    }
  }

  private writeString16(s: string): void {
    const n = s.length;
    let p = this.room(5 + 2 * n);
    const u8 = this.u8;
    u8[p] = T_STRING16;
    this.dv.setUint32(p + 1, n, true);
    p += 5;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      u8[p] = c & 0xff;
      u8[p + 1] = c >>> 8;
      p += 2;
    }
  }

  private writeBigInt(v: bigint): void {
    const negative = v < 0n;
    let m = negative ? -v : v;
    let words = 0;
    for (let x = m; x > 0n; x >>= 64n) words++;
    let p = this.room(6 + 8 * words);
    this.u8[p] = T_BIGINT;
    this.u8[p + 1] = negative ? 1 : 0;
    this.dv.setUint32(p + 2, words, true);
    p += 6;
    for (let i = 0; i < words; i++) {
      this.dv.setBigUint64(p, m & 0xffffffffffffffffn, true);
      m >>= 64n;
      p += 8;
    }
  }

  private writeObject(value: object): void {
    if (Array.isArray(value)) {
      const a = value as unknown[];
      const n = a.length;
      const p = this.room(5);
      this.u8[p] = T_ARRAY;
      this.dv.setUint32(p + 1, n, true);
      for (let i = 0; i < n; i++) this.write(a[i]);
      return;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null) {
      this.writePlain(value as Record<string, unknown>);
      return;
    }
    if (ArrayBuffer.isView(value)) {
      this.writeView(value);
      return;
    }
    if (value instanceof Date) {
      const p = this.room(9);
      this.u8[p] = T_DATE;
      this.dv.setFloat64(p + 1, value.getTime(), true);
      return;
    }
    if (value instanceof Map) {
      const p = this.room(5);
      this.u8[p] = T_MAP;
      this.dv.setUint32(p + 1, value.size, true);
      for (const [k, v] of value as Map<unknown, unknown>) {
        this.write(k);
        this.write(v);
      }
      return;
    }
    if (value instanceof Set) {
      const p = this.room(5);
      this.u8[p] = T_SET;
      this.dv.setUint32(p + 1, value.size, true);
      for (const v of value as Set<unknown>) this.write(v);
      return;
    }
    if (value instanceof ArrayBuffer) {
      this.writeBytes(T_ARRAY_BUFFER, 0, new Uint8Array(value));
      return;
    }
    if (value instanceof RegExp) {
      this.u8[this.room(1)] = T_REGEXP;
      this.writeString(value.source);
      this.writeString(value.flags);
      return;
    }
    if (value instanceof Error) {
      this.u8[this.room(1)] = T_ERROR;
      this.writeString(value.name);
      this.writeString(value.message);
      this.write(value.stack);
      return;
    }
    if (value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef || value instanceof Promise) {
      throw new Unsupported(value, 'it cannot be sent to a worker (values must be structured-cloneable)');
    }
    if (value instanceof SharedArrayBuffer) {
      throw new Unsupported(value, 'a SharedArrayBuffer cannot go into a task value: pass it once in the pool options (workerData / opsOptions)');
    }
    // Any other class instance: its own enumerable properties, as structuredClone does.
    this.writePlain(value as Record<string, unknown>);
  }

  private writePlain(o: Record<string, unknown>): void {
    const keys = Object.keys(o);
    const n = keys.length;
    const p = this.room(5);
    this.u8[p] = T_OBJECT;
    this.dv.setUint32(p + 1, n, true);
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      this.writeString(k);
      this.write(o[k]);
    }
  }

  private writeView(view: ArrayBufferView): void {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    if (view instanceof DataView) {
      this.writeBytes(T_DATA_VIEW, 0, bytes);
      return;
    }
    const kind = typedArrayKind(view);
    if (kind < 0) throw new Unsupported(view, 'an unknown kind of ArrayBufferView');
    this.writeBytes(T_TYPED_ARRAY, kind, bytes);
  }

  /** Tag, kind, u32 byte length, padding to 8 (absolute), bytes. */
  private writeBytes(tag: number, kind: number, bytes: Uint8Array): void {
    const n = bytes.length;
    const p = this.room(6);
    this.u8[p] = tag;
    this.u8[p + 1] = kind;
    this.dv.setUint32(p + 2, n, true);
    const at = (p + 6 + 7) & ~7;
    if (at + n > this.end) throw OVERFLOW;
    this.pos = at + n;
    this.u8.set(bytes, at);
  }
}

/** Decodes what a ValueWriter wrote. `share`: typed arrays are views of the buffer (no copy), else copies. */
export class ValueReader {
  private u8: Uint8Array = new Uint8Array(0);
  private dv: DataView = new DataView(new ArrayBuffer(0));
  private pos = 0;
  private share = false;

  read(u8: Uint8Array, dv: DataView, start: number, share: boolean): unknown {
    this.u8 = u8;
    this.dv = dv;
    this.pos = start;
    this.share = share;
    const v = this.next();
    // Drop the references: a reader kept between calls must not pin an arena view's old length.
    this.u8 = EMPTY_U8;
    this.dv = EMPTY_DV;
    return v;
  }

  private next(): unknown {
    const u8 = this.u8;
    const dv = this.dv;
    const p = this.pos;
    const tag = u8[p];
    switch (tag) {
      case T_INT32:
        this.pos = p + 5;
        return dv.getInt32(p + 1, true);
      case T_FLOAT64:
        this.pos = p + 9;
        return dv.getFloat64(p + 1, true);
      case T_STRING8:
      case T_STRING16:
        return this.readString();
      case T_UNDEFINED:
        this.pos = p + 1;
        return undefined;
      case T_NULL:
        this.pos = p + 1;
        return null;
      case T_FALSE:
        this.pos = p + 1;
        return false;
      case T_TRUE:
        this.pos = p + 1;
        return true;
      case T_BIGINT: {
        const negative = u8[p + 1] === 1;
        const words = dv.getUint32(p + 2, true);
        let v = 0n;
        for (let i = words - 1; i >= 0; i--) v = (v << 64n) | dv.getBigUint64(p + 6 + 8 * i, true);
        this.pos = p + 6 + 8 * words;
        return negative ? -v : v;
      }
      case T_ARRAY: {
        const n = dv.getUint32(p + 1, true);
        this.pos = p + 5;
        const a = new Array<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = this.next();
        return a;
      }
      case T_OBJECT: {
        const n = dv.getUint32(p + 1, true);
        this.pos = p + 5;
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.readString();
          const v = this.next();
          if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
          else o[k] = v;
        }
        return o;
      }
      case T_DATE:
        this.pos = p + 9;
        return new Date(dv.getFloat64(p + 1, true));
      case T_MAP: {
        const n = dv.getUint32(p + 1, true);
        this.pos = p + 5;
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const k = this.next();
          m.set(k, this.next());
        }
        return m;
      }
      case T_SET: {
        const n = dv.getUint32(p + 1, true);
        this.pos = p + 5;
        const s = new Set<unknown>();
        for (let i = 0; i < n; i++) s.add(this.next());
        return s;
      }
      case T_REGEXP: {
        this.pos = p + 1;
        const source = this.readString();
        return new RegExp(source, this.readString());
      }
      case T_ERROR: {
        this.pos = p + 1;
        const name = this.readString();
        const message = this.readString();
        const stack = this.next();
        const e = new (ERROR_CLASSES[name] ?? Error)(message);
        if (e.name !== name) e.name = name;
        if (typeof stack === 'string') e.stack = stack;
        return e;
      }
      case T_ARRAY_BUFFER:
      case T_TYPED_ARRAY:
      case T_DATA_VIEW:
        return this.readBytes(tag);
      default:
        throw new RangeError(`twq value codec: unknown tag ${tag} at byte ${p} (the shared memory was overwritten?)`);
    }
  }

  private readString(): string {
    const u8 = this.u8;
    const p = this.pos;
    const wide = u8[p] === T_STRING16;
    const n = this.dv.getUint32(p + 1, true);
    const q = p + 5;
    this.pos = q + (wide ? 2 * n : n);
    if (!wide) {
      if (n <= SHORT_STRING) return this.shortString(u8, q, n);
      let s = '';
      for (let i = 0; i < n; i += STRING_CHUNK) {
        s += String.fromCharCode.apply(null, u8.subarray(q + i, q + Math.min(n, i + STRING_CHUNK)) as unknown as number[]);
      }
      return s;
    }
    const units = new Uint16Array(Math.min(n, STRING_CHUNK));
    let s = '';
    for (let i = 0; i < n; i += STRING_CHUNK) {
      const m = Math.min(STRING_CHUNK, n - i);
      for (let j = 0; j < m; j++) {
        const at = q + 2 * (i + j);
        units[j] = u8[at] | (u8[at + 1] << 8);
      }
      s += String.fromCharCode.apply(null, (m === units.length ? units : units.subarray(0, m)) as unknown as number[]);
    }
    return s;
  }

  /**
   * Short one-byte strings (object keys, mostly) through a small cache: the
   * same keys come back in every value, and comparing bytes is cheaper than
   * building a string.
   */
  private shortString(u8: Uint8Array, q: number, n: number): string {
    let h = n;
    for (let i = 0; i < n; i++) h = (h * 31 + u8[q + i]) | 0;
    const slot = h & (STRING_CACHE_SIZE - 1);
    const cached = this.cache[slot];
    if (cached !== undefined && cached.length === n) {
      let same = true;
      for (let i = 0; i < n; i++) {
        if (cached.charCodeAt(i) !== u8[q + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(u8[q + i]);
    this.cache[slot] = s;
    return s;
  }

  private readonly cache: (string | undefined)[] = new Array<string | undefined>(STRING_CACHE_SIZE).fill(undefined);

  private readBytes(tag: number): unknown {
    const p = this.pos;
    const kind = this.u8[p + 1];
    const n = this.dv.getUint32(p + 2, true);
    const at = (p + 6 + 7) & ~7;
    this.pos = at + n;
    const buffer = this.u8.buffer;
    if (tag === T_ARRAY_BUFFER) return copyOut(this.u8, at, n);
    if (tag === T_DATA_VIEW) return this.share ? new DataView(buffer, at, n) : new DataView(copyOut(this.u8, at, n));
    const Ctor = TYPED_ARRAYS[kind];
    if (kind >= TYPED_ARRAYS.length) throw new RangeError(`twq value codec: unknown typed array kind ${kind} at byte ${p}`);
    const length = n / Ctor.BYTES_PER_ELEMENT;
    if (this.share) return new Ctor(buffer as ArrayBuffer, at, length);
    if (kind === UINT8_KIND) return this.u8.slice(at, at + n);
    return new Ctor(copyOut(this.u8, at, n), 0, length);
  }
}

const EMPTY_U8 = new Uint8Array(0);
const UINT8_KIND = 1;
const EMPTY_DV = new DataView(new ArrayBuffer(0));
const SHORT_STRING = 24;
const STRING_CACHE_SIZE = 512;
const STRING_CHUNK = 4096;

const ERROR_CLASSES: Record<string, ErrorConstructor | undefined> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

function copyOut(u8: Uint8Array, at: number, n: number): ArrayBuffer {
  // slice() of a shared view copies into a fresh, unshared ArrayBuffer.
  return u8.slice(at, at + n).buffer;
}

/**
 * Turns an Unsupported thrown while encoding `root` into a ValueCloneError
 * naming where the value sits (`input.items[2]`). The slow path only: searches
 * the value again.
 */
export function cloneError(root: unknown, bad: Unsupported, rootName: string): ValueCloneError {
  return new ValueCloneError(findPath(root, bad.value, rootName, 0) ?? rootName, bad.value, bad.reason);
}

function findPath(v: unknown, target: unknown, path: string, depth: number): string | undefined {
  if (v === target) return path;
  if (typeof v !== 'object' || v === null || depth > MAX_VALUE_DEPTH || ArrayBuffer.isView(v)) return undefined;
  if (v instanceof Map) {
    let i = 0;
    for (const [k, x] of v as Map<unknown, unknown>) {
      const found = findPath(k, target, `${path}.<map key ${i}>`, depth + 1) ?? findPath(x, target, `${path}.get(${describeKey(k)})`, depth + 1);
      if (found !== undefined) return found;
      i++;
    }
    return undefined;
  }
  if (v instanceof Set) {
    let i = 0;
    for (const x of v as Set<unknown>) {
      const found = findPath(x, target, `${path}.<set item ${i}>`, depth + 1);
      if (found !== undefined) return found;
      i++;
    }
    return undefined;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = findPath((v as unknown[])[i], target, `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const k of Object.keys(v)) {
    const key = /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
    const found = findPath((v as Record<string, unknown>)[k], target, path + key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function describeKey(k: unknown): string {
  return describeValue(k);
}

/** Whether `value` is a typed array (any kind); a DataView is not. */
export function isTypedArray(value: unknown): value is AnyTypedArray {
  return typeof value === 'object' && value !== null && ArrayBuffer.isView(value) && !(value instanceof DataView);
}
