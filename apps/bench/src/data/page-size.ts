/**
 * The seed's unit of work: one 4 KiB page of guest memory, compressed with raw
 * deflate at level 1 (QEMU's migration compression defaults).
 */
export const PAGE_SIZE = 4096;

/** zlib level 1: the fastest, what the seed's benchmark used. */
export const COMPRESSION_LEVEL = 1;

/** Bytes in a mebibyte, for MiB/s. */
export const MIB = 1024 * 1024;
