import { createHash, randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { digestAll } from '../src/digest-all.js';

test('every digest from the async handler matches node:crypto', async () => {
  const messages = Array.from({ length: 3_000 }, (_, i) => randomBytes(i % 1025));
  const digests = await digestAll(messages, { threads: 2 });
  const mismatches = messages.filter((m, i) => digests[i] !== createHash('sha256').update(m).digest('hex'));
  expect(mismatches).toEqual([]);
}, 60_000);

test('a message too long for a request is refused', async () => {
  await expect(digestAll([new Uint8Array(1025)])).rejects.toThrow('message 0 has 1025 bytes, more than 1024');
}, 60_000);
