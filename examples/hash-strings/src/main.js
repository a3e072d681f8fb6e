// node src/main.js [count]: hashes `count` generated strings and prints a few.
import { hashStrings } from './hash-strings.js';

const count = Number(process.argv[2] ?? 100_000);
const strings = Array.from({ length: count }, (_, i) => `string number ${i} (${(i * 2654435761) >>> 0})`);
const started = performance.now();
const hashes = await hashStrings(strings, { threads: 2 });
const ms = performance.now() - started;
console.log(`${count} strings hashed on 2 threads in ${ms.toFixed(0)} ms`);
for (const i of [0, 1, count - 1]) console.log(`${JSON.stringify(strings[i])} -> ${hashes[i].toString(16)}`);
