import { expect, test } from 'vitest';
import { statsWithPiscina } from '../src/with-piscina.js';
import { statsWithTwq } from '../src/with-twq.js';

function corpus(n) {
  const words = ['shared', 'memory', 'atomics', 'worker', 'queue', 'slot', 'lock', 'free', "don't", 'a'];
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  return Array.from({ length: n }, () => Array.from({ length: 20 + (next() % 200) }, () => words[next() % words.length]).join(' '));
}

test('the piscina task file gives the same results through createPool as through new Piscina', async () => {
  const texts = corpus(500);
  const [before, after] = [await statsWithPiscina(texts), await statsWithTwq(texts)];
  expect(after).toEqual(before);
  expect(after[0].words).toBeGreaterThan(0);
}, 60_000);

test('workerData reaches the task file the same way', async () => {
  const texts = corpus(50);
  const after = await statsWithTwq(texts, { minLength: 5 });
  expect(after).toEqual(await statsWithPiscina(texts, { minLength: 5 }));
  expect(after.every((s) => s.top.every(([word]) => word.length >= 5))).toBe(true);
}, 60_000);
