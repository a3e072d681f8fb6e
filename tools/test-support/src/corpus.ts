/**
 * Test data made fast: text that compresses like prose (about 3:1), random
 * bytes that do not compress, and mixes. Deterministic (seeded).
 */

/** xorshift32: a tiny seeded generator, enough for test data. */
export function prng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'to', 'ri', 'ne', 'sa', 'mo', 'lu', 'pe', 'di', 'an', 'er', 'in', 'on', 'th', 'st', 'qu', 'ex', 'or', 'al', 've'];
const POOL_BYTES = 1 << 20;
let pool: Uint8Array | undefined;

/** 1 MiB of word salad, made once. */
function textPool(): Uint8Array {
  if (pool !== undefined) return pool;
  const random = prng(12345);
  const words: string[] = [];
  for (let i = 0; i < 4000; i++) {
    let w = '';
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.push(w);
  }
  let text = '';
  while (text.length < POOL_BYTES) {
    // Squaring skews towards the first words, roughly as word frequencies do.
    const r = random();
    text += words[Math.floor(r * r * words.length)];
    text += random() < 0.1 ? '.\n' : ' ';
  }
  pool = new TextEncoder().encode(text.slice(0, POOL_BYTES));
  return pool;
}

/** `length` bytes of compressible text: pool slices at seeded offsets (fast enough for 100 MiB). */
export function compressibleText(length: number, seed = 1): Uint8Array {
  const source = textPool();
  const random = prng(seed);
  const out = new Uint8Array(length);
  const piece = 64 * 1024;
  for (let at = 0; at < length; at += piece) {
    const n = Math.min(piece, length - at);
    const from = Math.floor(random() * (source.length - n));
    out.set(source.subarray(from, from + n), at);
  }
  return out;
}

/** `length` bytes that do not compress. */
export function randomBytes(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  const random = prng(seed);
  const words = new Uint32Array(out.buffer, 0, length >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = random() * 4294967296;
  for (let i = words.length * 4; i < length; i++) out[i] = random() * 256;
  return out;
}
