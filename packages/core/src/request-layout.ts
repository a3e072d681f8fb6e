import { describeValue } from './errors.js';

/**
 * The request layout helper: typed fields and byte regions by name.
 *
 * A layout is declared once in the ops module, so both sides agree on it:
 *
 *   const layout = defineLayout({ page: 'u32', length: 'i32', input: { bytes: 4096 } });
 *
 * Every slot gets one request object, created when the queue is created, whose
 * properties read and write the slot's shared memory directly (scalars through
 * accessors on a per-layout prototype, byte regions as `Uint8Array` views made
 * once). Nothing is allocated per request.
 *
 * Scalars are laid out first, largest alignment first; byte regions follow,
 * each starting on an 8-byte boundary.
 */

export type ScalarType = 'i32' | 'u32' | 'f32' | 'f64';

/** A layout field of raw bytes: on a request it is a `Uint8Array` view of the slot, `bytes` long. */
export interface BytesField {
  /** Length of the byte region. */
  readonly bytes: number;
}

/** One field of a request layout: a number type (`i32`, `u32`, `f32`, `f64`) or a run of bytes. */
export type FieldSpec = ScalarType | BytesField;

/** A request layout as written: field name to field type. */
export type LayoutSpec = Record<string, FieldSpec>;

/** The view a request offers for a spec: numbers for scalars, Uint8Array for regions. */
export type RequestFields<S extends LayoutSpec> = {
  -readonly [K in keyof S]: S[K] extends BytesField ? Uint8Array : number;
};

/**
 * Names a layout may not use: the request's own `slot` and `worker`, `then`
 * (a request with it would be a thenable, which `await` and promises treat as
 * a promise), and the names every JavaScript object answers to. Every other
 * identifier is free: the request's own views are keyed by names that are not identifiers (`#i32`).
 */
export const RESERVED_FIELD_NAMES: readonly string[] = Object.freeze([
  'slot',
  'worker',
  'then',
  'constructor',
  '__proto__',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
]);

/** Largest byte length of one request's data (16 MiB). */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

const SCALAR_BYTES: Record<ScalarType, number> = { i32: 4, u32: 4, f32: 4, f64: 8 };

/** Where one field of a layout sits in a slot, and its type. */
export interface FieldInfo {
  readonly name: string;
  readonly type: ScalarType | 'bytes';
  /** Byte offset within the request's data. */
  readonly offset: number;
  /** Byte length. */
  readonly length: number;
}

/** A request layout made by `defineLayout`: its fields, their offsets, and the bytes a slot needs. */
export interface Layout<S extends LayoutSpec = LayoutSpec> {
  readonly spec: S;
  readonly fields: readonly FieldInfo[];
  /** Bytes of request data (8-byte aligned). */
  readonly byteLength: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Declares a request layout; validates names and sizes. */
export function defineLayout<S extends LayoutSpec>(spec: S): Layout<S> {
  if (typeof spec !== 'object' || (spec as unknown) === null || Array.isArray(spec)) {
    throw new TypeError(`a layout must be an object of fields, got ${describeValue(spec)}`);
  }
  const scalars: { name: string; type: ScalarType }[] = [];
  const regions: { name: string; length: number }[] = [];
  for (const name of Object.keys(spec)) {
    if (!IDENTIFIER.test(name)) {
      throw new TypeError(`layout field name must be a JavaScript identifier, got ${JSON.stringify(name)}`);
    }
    if (RESERVED_FIELD_NAMES.includes(name)) {
      throw new TypeError(
        `layout field name ${JSON.stringify(name)} is reserved; reserved names: ${RESERVED_FIELD_NAMES.join(', ')}`,
      );
    }
    const field = spec[name] as unknown;
    if (typeof field === 'string' && field in SCALAR_BYTES) {
      scalars.push({ name, type: field as ScalarType });
    } else if (typeof field === 'object' && field !== null && 'bytes' in field) {
      const length = (field as BytesField).bytes;
      if (!Number.isInteger(length) || length < 1 || length > MAX_REQUEST_BYTES) {
        throw new RangeError(
          `layout field ${JSON.stringify(name)}: bytes must be an integer in [1, ${MAX_REQUEST_BYTES}], got ${describeValue(length)}`,
        );
      }
      regions.push({ name, length });
    } else {
      throw new TypeError(
        `layout field ${JSON.stringify(name)} must be 'i32', 'u32', 'f32', 'f64' or { bytes: n }, got ${describeSpec(field)}`,
      );
    }
  }
  // f64 first keeps every scalar naturally aligned without padding.
  scalars.sort((a, b) => SCALAR_BYTES[b.type] - SCALAR_BYTES[a.type]);
  const fields: FieldInfo[] = [];
  let offset = 0;
  for (const s of scalars) {
    fields.push({ name: s.name, type: s.type, offset, length: SCALAR_BYTES[s.type] });
    offset += SCALAR_BYTES[s.type];
  }
  for (const r of regions) {
    offset = align8(offset);
    fields.push({ name: r.name, type: 'bytes', offset, length: r.length });
    offset += r.length;
  }
  const byteLength = align8(offset);
  if (byteLength > MAX_REQUEST_BYTES) {
    throw new RangeError(`request size must be at most ${MAX_REQUEST_BYTES} bytes, got ${byteLength}`);
  }
  return Object.freeze({ spec, fields: Object.freeze(fields), byteLength });
}

/**
 * Builds the prototype shared by every request object of one layout: scalar
 * fields become accessors over the slot's typed views (one prototype per layout
 * keeps property access monomorphic).
 */
export function buildRequestPrototype(layout: Layout, base: object): object {
  const proto = Object.create(base) as object;
  for (const f of layout.fields) {
    if (f.type === 'bytes') continue;
    const name = f.name;
    switch (f.type) {
      case 'i32': {
        const i = f.offset >>> 2;
        Object.defineProperty(proto, name, {
          get(this: RequestViews) {
            return this[I32][i];
          },
          set(this: RequestViews, v: number) {
            this[I32][i] = v;
          },
          enumerable: true,
        });
        break;
      }
      case 'u32': {
        const i = f.offset >>> 2;
        Object.defineProperty(proto, name, {
          get(this: RequestViews) {
            return this[U32][i];
          },
          set(this: RequestViews, v: number) {
            this[U32][i] = v;
          },
          enumerable: true,
        });
        break;
      }
      case 'f32': {
        const i = f.offset >>> 2;
        Object.defineProperty(proto, name, {
          get(this: RequestViews) {
            return this[F32][i];
          },
          set(this: RequestViews, v: number) {
            this[F32][i] = v;
          },
          enumerable: true,
        });
        break;
      }
      case 'f64': {
        const i = f.offset >>> 3;
        Object.defineProperty(proto, name, {
          get(this: RequestViews) {
            return this[F64][i];
          },
          set(this: RequestViews, v: number) {
            this[F64][i] = v;
          },
          enumerable: true,
        });
        break;
      }
    }
  }
  return proto;
}

// The keys of a request's own views: names that are not identifiers, so that no
// field name (an identifier: see defineLayout) can collide with them. Strings, not
// symbols: a symbol-keyed view made every field access about 12% slower (measured
// inline, see RELIABILITY.md's architecture figures).
export const I32 = '#i32';
export const U32 = '#u32';
export const F32 = '#f32';
export const F64 = '#f64';

/** The per-slot typed views a request object carries (created once per slot). */
export interface RequestViews {
  [I32]: Int32Array;
  [U32]: Uint32Array;
  [F32]: Float32Array;
  [F64]: Float64Array;
}

/** Attaches the views and byte regions of one slot's data to `target`. */
export function attachRequestViews(target: RequestViews, layout: Layout, buffer: ArrayBufferLike, dataOffset: number): void {
  const words = layout.byteLength >>> 2;
  target[I32] = new Int32Array(buffer, dataOffset, words);
  target[U32] = new Uint32Array(buffer, dataOffset, words);
  target[F32] = new Float32Array(buffer, dataOffset, words);
  target[F64] = new Float64Array(buffer, dataOffset, layout.byteLength >>> 3);
  for (const f of layout.fields) {
    if (f.type === 'bytes') {
      (target as unknown as Record<string, Uint8Array>)[f.name] = new Uint8Array(buffer, dataOffset + f.offset, f.length);
    }
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

function describeSpec(field: unknown): string {
  try {
    const json = JSON.stringify(field) as string | undefined;
    return json ?? String(field);
  } catch {
    return String(field);
  }
}
