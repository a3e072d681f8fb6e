/** The suffix twq-gzip adds, and the ones it recognises when decompressing (as gzip does). */
export const GZ_SUFFIX = '.gz';

/** Compressed suffix -> what replaces it on decompression. */
const DECOMPRESS_SUFFIXES: readonly (readonly [string, string])[] = [
  ['.gz', ''],
  ['.tgz', '.tar'],
  ['.taz', '.tar'],
  ['-gz', ''],
  ['_gz', ''],
  ['.z', ''],
  ['-z', ''],
  ['_z', ''],
];

/** Whether `file` already ends in a compressed suffix (gzip leaves such files alone unless forced). */
export function hasCompressedSuffix(file: string): boolean {
  return decompressedName(file) !== undefined;
}

/** The name `file` decompresses to, or undefined when its suffix is not one gzip knows. */
export function decompressedName(file: string): string | undefined {
  const name: unknown = file;
  if (typeof name !== 'string') {
    throw new TypeError(`file must be a string, got ${typeof name === 'object' && name !== null ? Object.prototype.toString.call(name) : String(name)}`);
  }
  const lower = file.toLowerCase();
  for (const [suffix, replacement] of DECOMPRESS_SUFFIXES) {
    const base = file.slice(0, file.length - suffix.length);
    // A bare suffix ('.gz') names no file; keep the directory separator out of the base too.
    if (lower.endsWith(suffix) && base.length > 0 && !base.endsWith('/')) return base + replacement;
  }
  return undefined;
}
