import { TwqError } from '@twq/core';

/** A page that could not be compressed or decompressed (corrupt data, wrong length, handler failure). */
export class PageError extends TwqError {
  override name = 'PageError';
  /** Index of the page in its buffer. */
  readonly page: number;
  constructor(page: number, message: string, options?: { cause?: unknown }) {
    super('ERR_TWQ_PAGE', `page ${page}: ${message}`, options);
    this.page = page;
  }
}

/** A block of a parallel gzip stream failed on its worker. */
export class GzipBlockError extends TwqError {
  override name = 'GzipBlockError';
  /** Sequence number of the block (0-based). */
  readonly block: number;
  constructor(block: number, message: string, options?: { cause?: unknown }) {
    super('ERR_TWQ_GZIP_BLOCK', `gzip block ${block}: ${message}`, options);
    this.block = block;
  }
}

/** An object used by two operations at once (a page queue, an encoder), which would mix their slots. */
export class BusyError extends TwqError {
  override name = 'BusyError';
  constructor(what: string, call: string) {
    super('ERR_TWQ_BUSY', `${what} is busy with another operation: await it before calling ${call}`);
  }
}
