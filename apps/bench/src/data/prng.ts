/**
 * A small seeded generator (xorshift32): the data sets must come out the same
 * in every process (the async-zlib child regenerates them) and on every
 * machine, so that compressed sizes can be checked against one reference.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    // xorshift has a fixed point at 0.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Next 32 bits, as an unsigned integer. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return this.next() % n;
  }
}
