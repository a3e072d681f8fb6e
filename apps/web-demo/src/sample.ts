/**
 * The built-in sample: text-like bytes (words of varying frequency, lines of
 * varying length), made from a fixed seed so that every run, and the
 * end-to-end test, sees the same bytes. Text compresses about 3:1, as real
 * logs and documents do; random bytes would measure copying, not deflate.
 */

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they ' +
  'you were her she there been one all we their has would when if so no will more can out up about who its into ' +
  'queue worker thread slot request submit drain bitmap atomic shared memory buffer event park wake spin lockless ' +
  'compress deflate gzip block window dictionary stream chunk browser page isolation header origin policy embedder ' +
  'latency throughput benchmark parallel serial core cache line prefetch false sharing ownership protocol handler ' +
  'callback promise timeout error replacement generation reclaim status ready stopped destroyed failed partition'
).split(' ');

export const SAMPLE_SIZES_MIB: readonly number[] = [8, 32, 64];
export const DEFAULT_SAMPLE_MIB = 32;

/** `bytes` bytes of the sample (the first `bytes` of the same endless text, whatever the size). */
export function generateSample(bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  const encoder = new TextEncoder();
  const encoded = WORDS.map((w) => encoder.encode(w));
  // xorshift32: fast, and the same sequence on every engine.
  let state = 0x2545f491;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  let at = 0;
  let lineLength = 0;
  while (at < bytes) {
    // Squaring skews the choice toward the first words, as word frequencies are skewed.
    const r = next() / 0x1_0000_0000;
    const word = encoded[Math.floor(r * r * encoded.length)];
    for (let i = 0; i < word.length && at < bytes; i++) out[at++] = word[i];
    lineLength += word.length + 1;
    if (at >= bytes) break;
    if (lineLength > 40 + (next() & 63)) {
      out[at++] = 0x0a;
      lineLength = 0;
    } else {
      out[at++] = (next() & 15) === 0 ? 0x2c : 0x20;
    }
  }
  return out;
}
