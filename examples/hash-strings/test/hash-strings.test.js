import { expect, test } from 'vitest';
import { fnv1a } from '../src/hash-ops.js';
import { hashStrings } from '../src/hash-strings.js';

const encoder = new TextEncoder();

test('every string comes back with its own hash, computed on the worker threads', async () => {
  // Many more strings than slots (2 threads x 64): every slot is reused many times.
  const strings = Array.from({ length: 20_000 }, (_, i) => `${'héllo wörld '.repeat(i % 7)}#${i}`);
  const hashes = await hashStrings(strings, { threads: 2 });
  expect(hashes).toHaveLength(strings.length);
  strings.forEach((s, i) => {
    if (hashes[i] !== fnv1a(encoder.encode(s))) expect.fail(`string ${i}: got ${hashes[i]}, want ${fnv1a(encoder.encode(s))}`);
  });
}, 60_000);

test('a string longer than a request holds is refused, and the threads stop', async () => {
  await expect(hashStrings(['fits', 'x'.repeat(121)])).rejects.toThrow('string 1 is longer than 120 bytes of UTF-8');
}, 60_000);
