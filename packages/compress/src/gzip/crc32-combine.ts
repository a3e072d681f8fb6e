import { describeValue } from '@twq/core';
import { checkWord32 } from '../check.js';
import { CRC32_POLYNOMIAL } from './crc32.js';

/**
 * Combining CRC-32s of consecutive pieces without their data (Mark Adler's
 * method, as in zlib's crc32_combine): CRC(A + B) = CRC(A) * x^(8 * len(B)) + CRC(B)
 * in GF(2)[x] modulo the CRC polynomial. Workers compute each block's CRC in
 * parallel; the submitter only combines, 32 shift-and-xor steps per block.
 *
 * Polynomials are 32-bit words in reflected order: bit 31 is x^0.
 */

/** x^0 (the polynomial 1) in reflected order. */
const X0 = 0x80000000;
/** x^1 in reflected order. */
const X1 = 0x40000000;
const BITS = 32;

/** a * b modulo the CRC polynomial. */
export function multiplyModP(a: number, b: number): number {
  // The loop stops after a's lowest set bit: a zero a has none.
  if (a === 0) return 0;
  let m = X0;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ CRC32_POLYNOMIAL : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo the polynomial; x^(2^32) repeats with period dividing 2^32 - 1, so 32 entries cover every exponent. */
const X2N: Uint32Array = (() => {
  const table = new Uint32Array(BITS);
  let p = X1;
  table[0] = p;
  for (let k = 1; k < BITS; k++) {
    p = multiplyModP(p, p);
    table[k] = p;
  }
  return table;
})();

/**
 * The operator that shifts a CRC past `length` zero bytes: x^(8 * length)
 * modulo the polynomial. Precompute it once for a fixed block length.
 */
export function crc32ShiftOperator(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`length must be a safe integer >= 0, got ${describeValue(length)}`);
  }
  let p = X0;
  // Multiplying by 8 is adding 3 to the exponent of 2.
  let k = 3;
  let n = length;
  while (n > 0) {
    if (n % 2 === 1) p = multiplyModP(X2N[k % BITS], p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** CRC of A followed by B, from CRC(A), CRC(B) and the shift operator of len(B). */
export function crc32CombineWith(crcA: number, crcB: number, shiftOperator: number): number {
  // Checked: multiplyModP loops until the operator's lowest set bit, so a value with
  // no bit set as an Int32 (NaN, 0.5, 2^32) would never end.
  checkWord32(crcA, 'crcA');
  checkWord32(crcB, 'crcB');
  checkWord32(shiftOperator, 'shiftOperator');
  return (multiplyModP(shiftOperator, crcA) ^ crcB) >>> 0;
}

/** CRC of A followed by B, from CRC(A), CRC(B) and len(B) (zlib's crc32_combine). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return crc32CombineWith(crcA, crcB, crc32ShiftOperator(lengthB));
}
