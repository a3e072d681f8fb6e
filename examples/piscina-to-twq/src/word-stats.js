// A piscina task file, as written for piscina: the default export takes the
// task's input and returns its result. Nothing here knows about twq.
import { workerData } from 'node:worker_threads';

const minLength = workerData?.minLength ?? 1;

export default function wordStats({ text }) {
  const counts = new Map();
  for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) {
    if (word.length >= minLength) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
  return { words: [...counts.values()].reduce((a, b) => a + b, 0), distinct: counts.size, top };
}
