// node src/main.js: SHA-256 of a few thousand messages, on two threads.
import { digestAll } from './digest-all.js';

const messages = Array.from({ length: 5_000 }, (_, i) => new TextEncoder().encode(`message ${i}`));
const digests = await digestAll(messages);
console.log(`${digests.length} digests; sha256("message 0") = ${digests[0]}`);
