/** Largest prime below 2^16: Adler-32's modulus. */
const ADLER_BASE = 65521;
/** Bytes that can be summed before the 32-bit sums could overflow (zlib's NMAX). */
const ADLER_NMAX = 5552;

/** Adler-32 of `data` (the zlib format's trailer), for codecs that do not check it themselves. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  let i = 0;
  while (i < data.length) {
    const end = Math.min(i + ADLER_NMAX, data.length);
    for (; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}
