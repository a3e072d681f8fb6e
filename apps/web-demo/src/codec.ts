import { browserGzipBlockOpsUrl, libdeflateGzipBlockOpsUrl, nativeGzipBlockOpsUrl } from '@twq/compress';

/**
 * The block codecs the page offers: libdeflate in WebAssembly (the fastest;
 * every level, blocks without a dictionary), the browser's own deflate
 * through CompressionStream (level 6 only, blocks without a dictionary), or
 * pako (zlib in JavaScript; every level, blocks primed as pigz primes them).
 */
export type Codec = 'libdeflate' | 'native' | 'pako';

export const CODECS: readonly Codec[] = ['libdeflate', 'native', 'pako'];

/** What the page's codec menu says of each. */
export const CODEC_LABELS: Record<Codec, string> = {
  libdeflate: 'libdeflate (WebAssembly per block)',
  native: 'native (CompressionStream per block)',
  pako: 'pako (zlib in JavaScript)',
};

/** The ops module the encoder asks its queue factory for, per codec. */
export function opsModuleOf(codec: Codec): URL {
  return codec === 'libdeflate' ? libdeflateGzipBlockOpsUrl : codec === 'native' ? nativeGzipBlockOpsUrl : browserGzipBlockOpsUrl;
}
