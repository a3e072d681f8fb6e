import { statsWithPiscina } from './with-piscina.js';
import { statsWithTwq } from './with-twq.js';

const texts = [
  'The quick brown fox jumps over the lazy dog. The dog sleeps.',
  "A lockless threaded workqueue: requests live in shared memory, and nobody's task goes through postMessage.",
];
console.log('piscina:', JSON.stringify(await statsWithPiscina(texts, { minLength: 3 })));
console.log('twq:    ', JSON.stringify(await statsWithTwq(texts, { minLength: 3 })));
