import { describe, expect, it } from 'vitest';
import { ERROR_BYTES, computeGeometry, readErrorRecord, readGeometry, toErrorInfo, writeErrorRecord } from '../src/host-entry.js';
import { BLOCKS_OFFSET, LINE } from '../src/memory-layout.js';

describe('geometry: nothing written by two threads shares a 128-byte line', () => {
  it.each([
    [1, 1, 0],
    [1, 31, 8],
    [2, 32, 24],
    [3, 33, 120],
    [4, 64, 136],
    [2, 65, 4096],
    [256, 4096, 8],
  ])('%i threads x %i slots x %i-byte requests', (threads, slots, bytes) => {
    const g = computeGeometry(threads, slots, bytes);
    expect(LINE).toBe(128);
    // Within a block: FILL and DONE bitmaps, then WAKE, COMPLETION, STATE, SUBMITTER lines.
    for (const offset of [g.fillOffset, g.doneOffset, g.wakeOffset, g.completionOffset, g.stateOffset, g.submitterOffset, g.blockStride]) {
      expect(offset % LINE, `offset ${offset}`).toBe(0);
    }
    expect(g.bitmapBytes % LINE).toBe(0);
    expect(g.bitmapBytes * 8).toBeGreaterThanOrEqual(slots);
    expect(g.doneOffset - g.fillOffset).toBeGreaterThanOrEqual(g.bitmapBytes);
    expect(g.wakeOffset - g.doneOffset).toBeGreaterThanOrEqual(g.bitmapBytes);
    expect(BLOCKS_OFFSET % LINE).toBe(0);
    // Slots: each starts on a line, whole lines, room for the 16-byte header and the data.
    expect(g.slotsBase % LINE).toBe(0);
    expect(g.slotStride % LINE).toBe(0);
    expect(g.slotStride).toBeGreaterThanOrEqual(16 + bytes);
    expect(g.slotStride - (16 + bytes)).toBeLessThan(LINE);
    expect(g.errorsBase).toBe(g.slotsBase + threads * slots * g.slotStride);
    expect(g.deathsBase).toBe(g.errorsBase + threads * slots * ERROR_BYTES);
    expect(g.failureBase).toBe(g.deathsBase + threads * ERROR_BYTES);
    expect(g.totalBytes).toBe(g.failureBase + ERROR_BYTES);
  });

  it('readGeometry refuses a buffer that is not a queue', () => {
    expect(() => readGeometry(new SharedArrayBuffer(1024))).toThrow(/not a twq queue buffer/);
    expect(() => readGeometry(new ArrayBuffer(1024) as unknown as SharedArrayBuffer)).toThrow(TypeError);
  });
});

describe('error records', () => {
  const record = (): Uint8Array => new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));

  it('round-trip name, message and a short stack (UTF-8 included)', () => {
    const r = record();
    writeErrorRecord(r, { name: 'TypeError', message: 'ünïcødé ✓', stack: 'TypeError: x\n    at f (a.js:1:1)' });
    expect(readErrorRecord(r)).toEqual({ name: 'TypeError', message: 'ünïcødé ✓', stack: 'TypeError: x\n    at f (a.js:1:1)' });
  });

  it('a long stack is cut by whole frames to fit, keeping its head', () => {
    const r = record();
    const frames = Array.from({ length: 40 }, (_, i) => `    at frame${i} (/some/long/path/to/module-${i}.js:${i}:1)`);
    const stack = ['Error: boom', ...frames].join('\n');
    writeErrorRecord(r, { name: 'Error', message: 'boom', stack });
    const back = readErrorRecord(r);
    expect(back.name).toBe('Error');
    expect(back.message).toBe('boom');
    expect(back.stack?.startsWith('Error: boom\n    at frame0 ')).toBe(true);
    expect(stack.startsWith(back.stack ?? '')).toBe(true);
    expect(back.stack?.endsWith(')')).toBe(true); // whole frames only
  });

  it('a message too long is cut with an ellipsis; a blank record reads as unknown', () => {
    const r = record();
    writeErrorRecord(r, { name: 'RangeError', message: 'é'.repeat(2000) });
    const back = readErrorRecord(r);
    expect(back.name).toBe('RangeError');
    expect(back.message.endsWith('…')).toBe(true);
    expect(back.message.length).toBeGreaterThan(10);
    expect(readErrorRecord(record())).toEqual({ name: 'Error', message: 'unknown error' });
  });

  it('toErrorInfo keeps an Error and names a thrown non-Error', () => {
    const e = new SyntaxError('bad');
    expect(toErrorInfo(e)).toEqual({ name: 'SyntaxError', message: 'bad', stack: e.stack });
    expect(toErrorInfo(42)).toEqual({ name: 'Error', message: 'non-Error value thrown: 42' });
  });
});
