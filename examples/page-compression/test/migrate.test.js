import { expect, test } from 'vitest';
import { PAGE_INCOMPRESSIBLE, PAGE_OK } from '@twq/compress';
import { PAGE_SIZE, guestMemory, pageKind } from '../src/guest-memory.js';
import { migrate } from '../src/migrate.js';

test('pages compress on the threads and come back byte for byte; random pages are sent raw', async () => {
  const pages = 1_000;
  const memory = guestMemory(pages);
  const { packed, restored, sentBytes, incompressible } = await migrate(memory);
  expect(Buffer.compare(Buffer.from(restored), Buffer.from(memory))).toBe(0);
  expect(packed.pages).toHaveLength(pages);
  for (let i = 0; i < pages; i++) {
    const want = pageKind(i) === 'random' ? PAGE_INCOMPRESSIBLE : PAGE_OK;
    if (packed.status[i] !== want) expect.fail(`page ${i} (${pageKind(i)}): status ${packed.status[i]}, want ${want}`);
    if (pageKind(i) === 'zero' && packed.pages[i].length > 64) expect.fail(`zero page ${i} took ${packed.pages[i].length} bytes`);
  }
  expect(incompressible).toBe(Math.ceil(pages / 8));
  expect(sentBytes).toBeLessThan(memory.length / 4);
  expect(PAGE_SIZE).toBe(4096);
}, 60_000);
