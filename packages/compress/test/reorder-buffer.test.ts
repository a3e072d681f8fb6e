import { describe, expect, it } from 'vitest';
import { ReorderBuffer } from '../src/gzip/reorder-buffer.js';

const block = (seq: number) => ({ seq, bytes: new Uint8Array([seq]), crc: seq, length: 1 });

describe('ReorderBuffer', () => {
  it('hands blocks back by sequence number, whatever order they came in', () => {
    const r = new ReorderBuffer(4);
    r.put(block(3));
    r.put(block(1));
    r.put(block(2));
    expect(r.size).toBe(3);
    expect(r.take(0)).toBeUndefined();
    expect(r.take(1)?.seq).toBe(1);
    expect(r.take(2)?.seq).toBe(2);
    expect(r.take(3)?.seq).toBe(3);
    expect(r.size).toBe(0);
  });

  it('does not mistake a block for another that maps to the same entry', () => {
    const r = new ReorderBuffer(4);
    r.put(block(5));
    expect(r.take(1)).toBeUndefined();
    expect(r.take(5)?.seq).toBe(5);
  });

  it('refuses a collision instead of overwriting a held block', () => {
    const r = new ReorderBuffer(2);
    r.put(block(1));
    expect(() => {
      r.put(block(3));
    }).toThrow(/collides with block 1/);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new ReorderBuffer(0)).toThrow(RangeError);
  });
});
