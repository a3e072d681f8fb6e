// node src/main.js: compress 64 MiB of made-up guest memory page by page.
import { guestMemory } from './guest-memory.js';
import { migrate } from './migrate.js';

const memory = guestMemory(16_384);
const started = performance.now();
const { sentBytes, incompressible, restored } = await migrate(memory);
const ms = performance.now() - started;
const same = Buffer.compare(Buffer.from(restored), Buffer.from(memory)) === 0;
console.log(`${memory.length} bytes -> ${sentBytes} on the wire (${incompressible} pages sent raw); round trip ${same ? 'identical' : 'DIFFERENT'}, ${ms.toFixed(0)} ms`);
