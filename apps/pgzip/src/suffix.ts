import { describeValue } from '@twq/node';

/** The suffix twq-gzip adds by default, as gzip. */
export const GZ_SUFFIX = '.gz';

/** Compressed suffix -> what replaces it on decompression (gzip's list; matched ignoring case, as gzip). */
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

/** The suffixes gzip tries, in its order, when asked to decompress a name that does not exist (after the -S one). */
export const SEARCHED_SUFFIXES: readonly string[] = ['.gz', '.z', '.taz', '.tgz', '-gz', '-z', '_z'];

function checkName(file: unknown): asserts file is string {
  if (typeof file !== 'string') {
    throw new TypeError(`file must be a string, got ${describeValue(file)}`);
  }
}

/** gzip's longest suffix (MAX_SUFFIX). */
export const MAX_SUFFIX_BYTES = 30;

/** A suffix as -S takes it: 1 to 30 bytes, no '/' (it would name another directory). */
function checkSuffix(suffix: unknown): asserts suffix is string {
  if (typeof suffix !== 'string' || suffix.length === 0 || Buffer.byteLength(suffix) > MAX_SUFFIX_BYTES || suffix.includes('/')) {
    throw new TypeError(`suffix must be a string of 1 to ${MAX_SUFFIX_BYTES} bytes without '/', got ${describeValue(suffix)}`);
  }
}

/** The compressed suffix `file` ends with (the user's -S suffix first), or undefined. gzip leaves such files alone unless forced. */
export function compressedSuffixOf(file: string, suffix = GZ_SUFFIX): string | undefined {
  checkName(file);
  checkSuffix(suffix);
  const lower = file.toLowerCase();
  for (const s of [suffix, ...DECOMPRESS_SUFFIXES.map(([known]) => known)]) {
    const base = file.slice(0, file.length - s.length);
    // A bare suffix ('.gz') names no file; keep the directory separator out of the base too.
    if (lower.endsWith(s.toLowerCase()) && base.length > 0 && !base.endsWith('/')) return file.slice(base.length);
  }
  return undefined;
}

/** Whether `file` already ends in a compressed suffix. */
export function hasCompressedSuffix(file: string, suffix = GZ_SUFFIX): boolean {
  return compressedSuffixOf(file, suffix) !== undefined;
}

/** The name `file` decompresses to, or undefined when its suffix is not one gzip knows (nor the -S suffix). */
export function decompressedName(file: string, suffix = GZ_SUFFIX): string | undefined {
  const found = compressedSuffixOf(file, suffix);
  if (found === undefined) return undefined;
  const replacement = DECOMPRESS_SUFFIXES.find(([known]) => known === found.toLowerCase() && known !== suffix.toLowerCase())?.[1] ?? '';
  return file.slice(0, file.length - found.length) + replacement;
}
