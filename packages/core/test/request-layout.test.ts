import { expectError } from '@twq/test-support/expect-error';
import { describe, expect, it } from 'vitest';
import { InlineQueue, MAX_REQUEST_BYTES, RESERVED_FIELD_NAMES, defineLayout, defineOps, type LayoutSpec } from '../src/index.js';

/** Calls defineLayout with a spec the types would refuse. */
function define(spec: unknown): unknown {
  return defineLayout(spec as LayoutSpec);
}

describe('defineLayout: field types and offsets', () => {
  it('lays out every scalar type and byte regions: f64 first, then 4-byte scalars in order, regions 8-aligned', () => {
    const layout = defineLayout({
      a: 'i32',
      b: 'f64',
      c: 'u32',
      d: 'f32',
      e: { bytes: 3 },
      g: { bytes: 5 },
      h: 'f64',
    });
    expect(layout.fields.map((f) => [f.name, f.type, f.offset, f.length])).toEqual([
      ['b', 'f64', 0, 8],
      ['h', 'f64', 8, 8],
      ['a', 'i32', 16, 4],
      ['c', 'u32', 20, 4],
      ['d', 'f32', 24, 4],
      ['e', 'bytes', 32, 3],
      ['g', 'bytes', 40, 5],
    ]);
    expect(layout.byteLength).toBe(48);
    expect(Object.isFrozen(layout)).toBe(true);
    expect(Object.isFrozen(layout.fields)).toBe(true);
  });

  it('keeps every scalar naturally aligned and the total a multiple of 8', () => {
    const specs: LayoutSpec[] = [
      { x: 'i32' },
      { x: 'f32', y: 'f64' },
      { x: { bytes: 1 } },
      { x: { bytes: 1 }, y: 'i32', z: { bytes: 9 }, w: 'f64' },
      {},
    ];
    for (const spec of specs) {
      const layout = defineLayout(spec);
      expect(layout.byteLength % 8).toBe(0);
      let end = 0;
      for (const f of layout.fields) {
        const align = f.type === 'f64' || f.type === 'bytes' ? 8 : 4;
        expect(f.offset % align, `${f.name} at ${f.offset}`).toBe(0);
        expect(f.offset).toBeGreaterThanOrEqual(end); // no overlap
        end = f.offset + f.length;
      }
      expect(layout.byteLength).toBeGreaterThanOrEqual(end);
      expect(layout.byteLength - end).toBeLessThan(8);
    }
  });

  it('an empty layout is 0 bytes and still makes a working queue', async () => {
    expect(defineLayout({}).byteLength).toBe(0);
    let handled = 0;
    let done = 0;
    const q = await InlineQueue.create(
      defineOps({
        layout: defineLayout({}),
        handle() {
          handled++;
        },
        done() {
          done++;
        },
      }),
      { slotsPerThread: 2 },
    );
    for (let i = 0; i < 5; i++) {
      const r = q.getRequest();
      expect(r).not.toBeNull();
      if (r !== null) q.submit(r);
    }
    q.waitAll(5_000);
    expect([handled, done]).toEqual([5, 5]);
    await q.destroy();
  });

  it('a request round-trips each type through shared memory with its JavaScript conversion', async () => {
    const layout = defineLayout({ i: 'i32', u: 'u32', f: 'f32', d: 'f64', raw: { bytes: 7 }, oi: 'i32', ou: 'u32', of: 'f32', od: 'f64', out: { bytes: 7 } });
    const seen: number[][] = [];
    const q = await InlineQueue.create(
      defineOps({
        layout,
        handle(r) {
          // The worker side sees what the submitter wrote, through its own request objects.
          seen.push([r.i, r.u, r.f, r.d, r.raw.length, ...r.raw]);
          r.oi = r.i;
          r.ou = r.u;
          r.of = r.f;
          r.od = r.d;
          for (let k = 0; k < r.raw.length; k++) r.out[k] = r.raw[k] ^ 0xff;
        },
      }),
      { slotsPerThread: 1 },
    );
    const r = q.getRequest();
    if (r === null) throw new Error('no request');
    expect(r.raw).toBeInstanceOf(Uint8Array);
    expect(r.raw.length).toBe(7);
    r.i = 2 ** 31; // wraps
    r.u = -1; // wraps
    r.f = 0.1; // rounds to float32
    r.d = Math.PI;
    r.raw.set([1, 2, 3, 4, 5, 6, 7]);
    q.submit(r);
    q.waitAll(5_000);
    expect(seen).toEqual([[-(2 ** 31), 2 ** 32 - 1, Math.fround(0.1), Math.PI, 7, 1, 2, 3, 4, 5, 6, 7]]);
    expect([r.oi, r.ou, r.of, r.od]).toEqual([-(2 ** 31), 2 ** 32 - 1, Math.fround(0.1), Math.PI]);
    expect([...r.out]).toEqual([0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8]);
    expect(r.slot).toBe(0);
    expect(r.worker).toBe(0);
    await q.destroy();
  });

  it('fields of different slots do not overlap (each slot is its own memory)', async () => {
    const q = await InlineQueue.create(
      defineOps({
        layout: defineLayout({ a: 'f64', b: 'i32', buf: { bytes: 13 } }),
        handle() {
          /* nothing */
        },
      }),
      { threads: 2, slotsPerThread: 3 },
    );
    const all = [];
    for (let i = 0; i < 6; i++) {
      const r = q.getRequest();
      if (r === null) throw new Error('queue full too early');
      r.a = i + 0.5;
      r.b = -i - 1;
      r.buf.fill(i);
      all.push(r);
    }
    expect(q.getRequest()).toBeNull();
    for (const [i, r] of all.entries()) {
      expect([r.a, r.b, [...new Set(r.buf)]]).toEqual([i + 0.5, -i - 1, [i]]);
      q.submit(r);
    }
    q.waitAll(5_000);
    expect(new Set(all.map((r) => r.slot)).size).toBe(6);
    await q.destroy();
  });
});

describe('defineLayout: bad specs', () => {
  it.each(RESERVED_FIELD_NAMES.map((n) => [n]))('reserved name %s is a TypeError naming it and the reserved list', (name) => {
    const spec = JSON.parse(`{${JSON.stringify(name)}: "i32"}`) as unknown;
    expect(Object.keys(spec as object)).toEqual([name]);
    expectError(() => define(spec), TypeError, JSON.stringify(name), 'is reserved', 'slot, worker');
  });

  it.each([['1a'], ['a-b'], [''], ['a b'], ['é']])('field name %j is not an identifier: TypeError naming it', (name) => {
    expectError(() => define({ [name]: 'i32' }), TypeError, JSON.stringify(name), 'JavaScript identifier');
  });

  it.each([
    ['i64', '"i64"'],
    ['int', '"int"'],
    [5, '5'],
    [null, 'null'],
    [{}, '{}'],
    [{ byte: 4 }, '{"byte":4}'],
    [undefined, 'undefined'],
  ])('field type %j is a TypeError naming it and listing the allowed types', (field, shown) => {
    expectError(() => define({ x: field }), TypeError, '"x"', `got ${shown}`, "'i32', 'u32', 'f32', 'f64' or { bytes: n }");
  });

  it.each([
    [0, '0'],
    [-1, '-1'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [Infinity, 'Infinity'],
    ['4', '"4"'],
    [MAX_REQUEST_BYTES + 1, String(MAX_REQUEST_BYTES + 1)],
  ])('bytes %j is a RangeError naming it and [1, 16 MiB]', (bytes, shown) => {
    expectError(() => define({ buf: { bytes } }), RangeError, '"buf"', `got ${shown}`, `[1, ${MAX_REQUEST_BYTES}]`);
  });

  it('a region of exactly 16 MiB is allowed; a request over 16 MiB in total is a RangeError naming its size', () => {
    expect(defineLayout({ buf: { bytes: MAX_REQUEST_BYTES } }).byteLength).toBe(MAX_REQUEST_BYTES);
    expect(defineLayout({ a: { bytes: MAX_REQUEST_BYTES / 2 }, b: { bytes: MAX_REQUEST_BYTES / 2 } }).byteLength).toBe(
      MAX_REQUEST_BYTES,
    );
    expectError(
      () => defineLayout({ n: 'i32', a: { bytes: MAX_REQUEST_BYTES / 2 }, b: { bytes: MAX_REQUEST_BYTES / 2 } }),
      RangeError,
      `at most ${MAX_REQUEST_BYTES} bytes`,
      `got ${MAX_REQUEST_BYTES + 8}`,
    );
  });

  it.each([[null], [[]], ['i32'], [5], [undefined]])('a layout spec %j that is not an object of fields is a TypeError', (spec) => {
    expectError(() => define(spec), TypeError, 'a layout must be an object of fields', `got ${typeof spec === 'string' ? JSON.stringify(spec) : Array.isArray(spec) ? '[object Array]' : String(spec)}`);
  });
});

describe('field names: every name but the reserved few is free (issue 12)', () => {
  it('refuses each reserved name, and only those', () => {
    expect([...RESERVED_FIELD_NAMES].sort()).toEqual(
      ['__proto__', 'constructor', 'hasOwnProperty', 'prototype', 'slot', 'then', 'toString', 'valueOf', 'worker'].sort(),
    );
    for (const name of RESERVED_FIELD_NAMES) {
      expect(() => define({ [name]: 'u32' }), name).toThrow(TypeError);
    }
  });

  it('the names a request once used for its own views are plain fields, each with its own storage', async () => {
    const spec = { header: 'i32', i32: { bytes: 8 }, u32: 'f64', f32: 'u32', f64: 'u32', x: 'i32', y: 'f64', index: 'i32', queue: 'f32', error: 'u32' } as const;
    const ops = defineOps({
      layout: defineLayout(spec),
      handle(r) {
        r.header = r.x + 1;
        r.u32 = r.y * 2;
        r.f32 = r.f64 + 3;
        r.i32.set([r.index, r.error]);
      },
    });
    const seen: number[][] = [];
    const q = await InlineQueue.create(ops, {
      slotsPerThread: 2,
      onDone(r) {
        seen.push([r.header, r.u32, r.f32, r.i32[0], r.i32[1], r.queue]);
      },
    });
    const r = q.getRequest();
    if (r === null) throw new Error('no free request');
    r.x = 41;
    r.y = 1.25;
    r.f64 = 7;
    r.index = 5;
    r.error = 6;
    r.queue = 0.5;
    q.submit(r);
    q.waitAll();
    await q.destroy();
    expect(seen).toEqual([[42, 2.5, 10, 5, 6, 0.5]]);
  });
});

describe('Workqueue.destroyed and state (issue 12)', () => {
  it('is false before start(), true from destroy() on; state names each step', async () => {
    const ops = defineOps({ layout: defineLayout({ v: 'u32' }), handle() {} });
    const q = new InlineQueue(ops);
    expect(q.destroyed).toBe(false);
    expect(q.state).toBe('new');
    await q.start();
    expect(q.state).toBe('open');
    const destroying = q.destroy();
    expect(q.destroyed).toBe(true);
    await destroying;
    expect(q.state).toBe('destroyed');
  });
});
