const KiB = 1024;

/** gzip block size of the round-trip tests. */
export const TEST_BLOCK = 128 * KiB;

/** The compress test corpus's size classes: every edge of the window and of a block. */
export const SIZE_CLASSES: readonly (readonly [string, number])[] = [
  ['empty input', 0],
  ['1 byte', 1],
  ['32 KiB - 1', 32 * KiB - 1],
  ['32 KiB', 32 * KiB],
  ['32 KiB + 1', 32 * KiB + 1],
  ['one block - 1', TEST_BLOCK - 1],
  ['exactly one block', TEST_BLOCK],
  ['one block + 1', TEST_BLOCK + 1],
  ['several blocks and a bit', 5 * TEST_BLOCK + 777],
];
