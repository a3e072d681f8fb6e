/** A fault in the compressed data (as opposed to an I/O error): the message says what, as gzip would. */
export class CorruptInputError extends Error {
  override name = 'CorruptInputError';
}
