/** The task API on a page's main thread: promises, map, big values, bad input; real module workers in Chromium. */
import { describe, expect, test } from 'vitest';
import { QueueDestroyedError, ValueCloneError, createPool, createTaskQueue } from '../src/index.js';
import { MODE_OK, mix, ops as checksumOps } from './fixtures/checksum-ops.js';
import { closeAfterTest, within } from './helpers/queues.js';

type SquareTask = typeof import('./fixtures/square-task.js');

function pool(options: { inlineBytes?: number; maxValueBytes?: number } = {}) {
  return createPool<SquareTask>({
    worker: () => new Worker(new URL('./fixtures/square-task-worker.ts', import.meta.url), { type: 'module' }),
    threads: 2,
    ...options,
  }).then(closeAfterTest);
}

describe('createPool on a page', () => {
  test('run, all and map resolve with the task’s results', async () => {
    const p = await pool();
    expect(await within(p.run({ n: 7 }), 10_000, 'run')).toStrictEqual({ n: 49, sum: 0 });
    const inputs = Array.from({ length: 2000 }, (_, n) => ({ n }));
    expect(await within(p.all(inputs), 20_000, 'all')).toStrictEqual(inputs.map(({ n }) => ({ n: n * n, sum: 0 })));
    const seen: number[] = [];
    for await (const r of p.map(inputs, { ordered: true })) seen.push(r.n);
    expect(seen).toStrictEqual(inputs.map(({ n }) => n * n));
  });

  test('a value larger than the slot goes through the overflow arena', async () => {
    const p = await pool({ inlineBytes: 64 });
    const bytes = new Uint8Array(500_000).fill(3);
    expect(await within(p.run({ n: 2, bytes }), 20_000, 'big run')).toStrictEqual({ n: 4, sum: 1_500_000 });
  });

  test('bad input is named; run after destroy rejects', async () => {
    const p = await pool({ maxValueBytes: 1000 });
    await expect(p.run({ n: 1, f: () => 1 } as never)).rejects.toThrow(ValueCloneError);
    await expect(p.run({ n: 1, bytes: new Uint8Array(5000) })).rejects.toThrow(/over maxValueBytes \(1000 bytes\)/);
    expect(await within(p.run({ n: 3 }), 10_000, 'after refusals')).toStrictEqual({ n: 9, sum: 0 });
    await p.destroy();
    await expect(p.run({ n: 1 })).rejects.toThrow(QueueDestroyedError);
  });
});

describe('createTaskQueue on a page (field mode)', () => {
  test('run() writes the given fields, zeroes the rest, and resolves with every field', async () => {
    const tasks = await createTaskQueue(checksumOps, {
      worker: () => new Worker(new URL('./fixtures/checksum-worker.ts', import.meta.url), { type: 'module' }),
      threads: 2,
      slotsPerThread: 4,
    }).then(closeAfterTest);
    const seeds = Array.from({ length: 500 }, (_, i) => i + 1);
    const results = await within(tasks.all(seeds.map((seed) => ({ seed, mode: MODE_OK }))), 20_000, 'all');
    expect(results.map((r) => r.result)).toStrictEqual(seeds.map((seed) => mix(seed)));
    for (const r of results) expect([0, 1]).toContain(r.handledBy);
    await expect(tasks.run({ seed: 1, nope: 2 } as never)).rejects.toThrow(/"nope" is not a field of the layout/);
  });
});
