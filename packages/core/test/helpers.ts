/** The result a test handler writes for input `seq`: a cheap 32-bit mix, so a mixed-up slot shows. */
export function mix(seq: number): number {
  return Math.imul((seq ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0;
}
