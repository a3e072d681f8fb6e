import { browserGzipBlockOpsUrl, nativeGzipBlockOpsUrl } from '@twq/compress';

/**
 * The block codecs the page offers: the browser's own deflate through
 * CompressionStream (fast; level 6 only, blocks without a dictionary), or
 * pako (zlib in JavaScript; every level, blocks primed as pigz primes them).
 */
export type Codec = 'native' | 'pako';

export const CODECS: readonly Codec[] = ['native', 'pako'];

/** The ops module the encoder asks its queue factory for, per codec. */
export function opsModuleOf(codec: Codec): URL {
  return codec === 'native' ? nativeGzipBlockOpsUrl : browserGzipBlockOpsUrl;
}
