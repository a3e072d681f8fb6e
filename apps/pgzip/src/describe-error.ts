/** zlib's messages, as gzip words the same faults (so scripts and people recognise them). */
const ZLIB_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/incorrect header check|unknown compression method/, 'not in gzip format'],
  [/incorrect data check/, 'invalid compressed data--crc error'],
  [/incorrect length check/, 'invalid compressed data--length error'],
  [/unexpected end of file/, 'unexpected end of file'],
  [/invalid|too many|too far|bad|over-subscribed|incomplete/, 'invalid compressed data--format violated'],
];

/** System errors by code: short messages as the C tools print them. */
const SYSTEM_MESSAGES: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EIO: 'Input/output error',
  EEXIST: 'File exists',
  EPIPE: 'Broken pipe',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EXDEV: 'Invalid cross-device link',
};

/**
 * One line for the user: a system error as "No such file or directory", a
 * zlib error as gzip says it ("invalid compressed data--crc error", "not in
 * gzip format" once data was already read: "trailing garbage"), anything
 * else by its message.
 */
export function describeError(error: unknown, decompressing = false, producedOutput = false): string {
  const e = error as { code?: unknown; message?: unknown; errno?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (code in SYSTEM_MESSAGES) return SYSTEM_MESSAGES[code];
  if (decompressing && (code.startsWith('Z_') || typeof e.errno === 'number')) {
    for (const [pattern, text] of ZLIB_MESSAGES) {
      if (pattern.test(message)) {
        // A bad header after complete members is garbage after the data, not a non-gzip file.
        return text === 'not in gzip format' && producedOutput ? 'trailing garbage after the compressed data' : text;
      }
    }
  }
  return message;
}
