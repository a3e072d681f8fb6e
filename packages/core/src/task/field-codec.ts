import { describeValue } from '../errors.js';
import type { Request } from '../ops.js';
import type { BytesField, FieldInfo, Layout, LayoutSpec } from '../request-layout.js';
import type { TaskCodec } from './task-queue.js';

/**
 * The input of a field-mode `run()`: any of the layout's fields, numbers for
 * scalars, bytes (a typed array or an array of numbers, at most the field's
 * length) for byte regions. Fields left out are zero.
 */
export type FieldInput<S extends LayoutSpec> = {
  [K in keyof S]?: S[K] extends BytesField ? ArrayLike<number> : number;
};

/** The result of a field-mode `run()`: every field as the handler left it (byte regions copied out). */
export type FieldResult<S extends LayoutSpec> = {
  [K in keyof S]: S[K] extends BytesField ? Uint8Array : number;
};

/**
 * The task codec of a slot queue's own layout (field mode): `run(fields)`
 * writes the given fields into the slot, zeroes the others (a slot keeps the
 * previous request's values otherwise), and resolves with every field as the
 * handler left it. The input is checked whole before a slot is taken, so a bad
 * one never reaches a handler.
 */
export class FieldTaskCodec<S extends LayoutSpec> implements TaskCodec<FieldInput<S>, FieldResult<S>, S> {
  private readonly fields: readonly FieldInfo[];
  private readonly byName: ReadonlyMap<string, FieldInfo>;

  constructor(layout: Layout<S>) {
    const byName = new Map(layout.fields.map((f) => [f.name, f]));
    // In the order the layout was written (its fields are in slot order).
    this.fields = Object.keys(layout.spec).map((name) => byName.get(name) as FieldInfo);
    this.byName = byName;
  }

  /** Throws a TypeError / RangeError naming the field and value when `input` cannot be written. */
  validate(input: FieldInput<S>): void {
    if (typeof input !== 'object' || (input as unknown) === null || Array.isArray(input)) {
      throw new TypeError(`run(): the input must be an object of the layout's fields (${this.names()}), got ${describeValue(input)}`);
    }
    for (const name of Object.keys(input)) {
      const field = this.byName.get(name);
      if (field === undefined) throw new TypeError(`run(): ${JSON.stringify(name)} is not a field of the layout (${this.names()})`);
      const value = (input as Record<string, unknown>)[name];
      if (field.type !== 'bytes') {
        if (typeof value !== 'number') throw new TypeError(`run(): field ${JSON.stringify(name)} (${field.type}) must be a number, got ${describeValue(value)}`);
        continue;
      }
      const length = (value as Partial<ArrayLike<number>> | null)?.length;
      if (typeof value !== 'object' || typeof length !== 'number') {
        throw new TypeError(`run(): field ${JSON.stringify(name)} (bytes) must be a typed array or an array of numbers, got ${describeValue(value)}`);
      }
      if (length > field.length) {
        throw new RangeError(`run(): field ${JSON.stringify(name)} holds at most ${field.length} bytes, got ${length}`);
      }
    }
  }

  write(request: Request<S>, input: FieldInput<S>): void {
    const target = request as unknown as Record<string, unknown>;
    const source = input as Record<string, unknown>;
    for (const field of this.fields) {
      const value = source[field.name];
      if (field.type !== 'bytes') {
        target[field.name] = value ?? 0;
        continue;
      }
      const bytes = target[field.name] as Uint8Array;
      if (value === undefined) {
        bytes.fill(0);
      } else {
        const given = value as ArrayLike<number>;
        bytes.set(given);
        bytes.fill(0, given.length);
      }
    }
  }

  /** Never reached: validate() refuses a bad input before a slot is taken. Zeroes the slot all the same. */
  skip(request: Request<S>): void {
    this.write(request, {});
  }

  read(request: Request<S>): FieldResult<S> {
    const source = request as unknown as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const field of this.fields) {
      const value = source[field.name];
      result[field.name] = field.type === 'bytes' ? (value as Uint8Array).slice() : value;
    }
    return result as FieldResult<S>;
  }

  private names(): string {
    return this.fields.map((f) => f.name).join(', ');
  }
}
