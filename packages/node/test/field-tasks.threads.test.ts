// createTaskQueue: promises over a slot queue's own layout (field mode), on real threads.
import { withTimeout } from '@twq/test-support/worker';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { createTaskQueue } from '../dist/index.js';
import { fixture } from './helpers.js';

type WordOps = typeof import('./fixtures/word-fields.mjs')['ops'];
const T = 20_000;
const queues: { destroy(options: { force: boolean }): Promise<void> }[] = [];
afterEach(async () => {
  await withTimeout(Promise.all(queues.splice(0).map((q) => q.destroy({ force: true }))), T, 'destroying the task queues');
});

function fnv(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619);
  return h >>> 0;
}

async function open(options: { threads?: number } = {}) {
  const tasks = await createTaskQueue<WordOps>(fixture('word-fields.mjs'), { threads: 2, slotsPerThread: 4, ...options });
  queues.push(tasks);
  return tasks;
}

describe('createTaskQueue: run() with the layout’s fields', () => {
  it('resolves with every field as the handler left it; fields left out are zero, not the slot’s last values', async () => {
    const tasks = await open();
    const words = Array.from({ length: 200 }, (_, i) => new TextEncoder().encode(`word-${i}`));
    const results = await withTimeout(
      Promise.all(words.map((text, i) => tasks.run(i % 2 === 0 ? { text, length: text.length, scale: 1.5 } : { text, length: text.length }))),
      T,
      'the runs',
    );
    results.forEach((r, i) => {
      const text = words[i] as Uint8Array;
      expect(r.hash).toBe(fnv(text));
      expect(r.scaled).toBe(i % 2 === 0 ? text.length * 1.5 : 0);
      const reversed = new Uint8Array(16);
      reversed.set(text);
      reversed.reverse();
      expect(r.text).toStrictEqual(reversed);
    });
    expectTypeOf(results[0]).toEqualTypeOf<{ length: number; hash: number; scale: number; scaled: number; text: Uint8Array }>();
    const all = await withTimeout(tasks.all([{ length: 0 }, { length: 1, text: [7] }]), T, 'all()');
    expect(all.map((r) => r.hash)).toStrictEqual([0x811c9dc5, fnv(new Uint8Array([7]))]);
  });

  it('a bad input rejects its promise with a typed error naming the field, before any slot is taken', async () => {
    const tasks = await open();
    await expect(tasks.run({ nope: 1 } as never)).rejects.toThrow(/"nope" is not a field of the layout \(length, hash, scale, scaled, text\)/);
    await expect(tasks.run({ length: '3' } as never)).rejects.toThrow(TypeError);
    await expect(tasks.run({ text: new Uint8Array(17) })).rejects.toThrow(/"text" holds at most 16 bytes, got 17/);
    await expect(tasks.run(null as never)).rejects.toThrow(/must be an object of the layout's fields/);
    expect(tasks.queue.stats().submitted).toBe(0);
    expect((await tasks.run({ length: 1, text: [1] })).hash).toBe(fnv(new Uint8Array([1])));
  });

  it('onDone is the task queue’s own: refused', async () => {
    await expect(createTaskQueue(fixture('word-fields.mjs'), { onDone: () => {} })).rejects.toThrow(/onDone must be absent/);
  });
});
