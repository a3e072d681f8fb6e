// Shared by the consumer projects (each tsconfig lists the files it checks).
import { AtomicBitmap, bytesForBits } from '@twq/bitmap';
import { SharedEvent, spinThenParkAsync } from '@twq/event';
import { InlineQueue, defineLayout, defineOps } from '@twq/core';
import { createPageQueue, PAGE_INCOMPRESSIBLE } from '@twq/compress';
import * as pageOps from '@twq/compress/page-ops';
import * as blockOps from '@twq/compress/gzip-block-ops';

const bitmap: AtomicBitmap = AtomicBitmap.allocate(64, { shared: true });
const line: number = bytesForBits(64);
const event: SharedEvent = SharedEvent.attach(new SharedArrayBuffer(128), 0);
const woke: Promise<boolean> = spinThenParkAsync(event, () => bitmap.test(0), { timeoutMs: 10 });

export const ops = defineOps({
  layout: defineLayout({ x: 'f64', y: 'f64' }),
  handle(request) {
    request.y = request.x * request.x;
  },
});

export async function square(x: number): Promise<number> {
  let y = Number.NaN;
  const queue = await InlineQueue.create(ops, { onDone: (request) => { y = request.y; } });
  const request = queue.getRequest();
  if (request === null) throw new Error('no free request');
  request.x = x;
  queue.submit(request);
  await queue.drain({ signal: AbortSignal.timeout(1_000) });
  await queue.destroy();
  return y;
}

export async function pages(factory: Parameters<typeof createPageQueue>[0], memory: Uint8Array): Promise<number> {
  const queue = await createPageQueue(factory, { pageSize: 4096, level: 1 });
  const packed = await queue.compress(memory);
  await queue.destroy();
  return [...packed.status].filter((s) => s === PAGE_INCOMPRESSIBLE).length;
}

export const loaded = [line, woke, pageOps, blockOps] as const;
