import { describeValue } from '../errors.js';
import type { Request } from '../ops.js';
import type { BytesField, Layout, LayoutSpec, RequestFields } from '../request-layout.js';
import type { TaskCodec } from './task-queue.js';

/** What run() takes for a slot-layout ops module: any of its fields (bytes as Uint8Array or number[]). */
export type FieldsInput<S extends LayoutSpec> = {
  [K in keyof S]?: S[K] extends BytesField ? ArrayLike<number> : number;
};

/**
 * Task mode for an ops module with its own layout: run() writes the given
 * fields (unset ones keep whatever the slot held: set every field the handler
 * reads) and resolves with a copy of every field after the handler ran (byte
 * regions copied out of shared memory).
 */
export class FieldTaskCodec<S extends LayoutSpec> implements TaskCodec<FieldsInput<S>, RequestFields<S>, S> {
  private readonly names: readonly string[];
  private readonly bytes: readonly boolean[];

  constructor(layout: Layout<S>) {
    this.names = layout.fields.map((f) => f.name);
    this.bytes = layout.fields.map((f) => f.type === 'bytes');
  }

  write(request: Request<S>, input: FieldsInput<S>): void {
    if (typeof input !== 'object' || (input as unknown) === null) {
      throw new TypeError(`run(): the input must be an object of the layout's fields (${this.names.join(', ')}), got ${describeValue(input)}`);
    }
    const r = request as unknown as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      const i = this.names.indexOf(key);
      if (i < 0) throw new TypeError(`run(): the layout has no field ${JSON.stringify(key)}; its fields: ${this.names.join(', ')}`);
      const v = (input as Record<string, unknown>)[key];
      if (this.bytes[i]) {
        const region = r[key] as Uint8Array;
        if (typeof v !== 'object' || v === null || typeof (v as Partial<ArrayLike<number>>).length !== 'number' || (v as ArrayLike<number>).length > region.length) {
          throw new RangeError(`run(): field ${JSON.stringify(key)} takes at most ${region.length} bytes (an array-like of numbers), got ${describeValue(v)}`);
        }
        region.set(v as ArrayLike<number>);
      } else {
        if (typeof v !== 'number') throw new TypeError(`run(): field ${JSON.stringify(key)} must be a number, got ${describeValue(v)}`);
        r[key] = v;
      }
    }
  }

  skip(): void {
    // The handler runs on whatever the slot holds; its result is dropped.
  }

  read(request: Request<S>): RequestFields<S> {
    const out: Record<string, unknown> = {};
    const r = request as unknown as Record<string, unknown>;
    for (let i = 0; i < this.names.length; i++) {
      const k = this.names[i];
      out[k] = this.bytes[i] ? (r[k] as Uint8Array).slice() : r[k];
    }
    return out as RequestFields<S>;
  }
}
