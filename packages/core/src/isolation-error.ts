import { ERR_TWQ_NOT_ISOLATED } from './error-codes.js';
import { TwqError } from './errors.js';

/** The headers that make a page cross-origin isolated, as a server must send them. */
export const ISOLATION_HEADERS = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

/**
 * Creating a queue where SharedArrayBuffer is missing: a page (or its worker)
 * that is not cross-origin isolated. Browsers only
 * give SharedArrayBuffer (and the right to post one to a worker) to isolated
 * pages, and a twq queue is one SharedArrayBuffer, so nothing can work there;
 * the message says which headers to send.
 */
export class CrossOriginIsolationError extends TwqError {
  override name = 'CrossOriginIsolationError';
  constructor(detail: string) {
    super(
      ERR_TWQ_NOT_ISOLATED,
      `twq needs SharedArrayBuffer, which browsers only offer to cross-origin isolated pages (${detail}). ` +
        'Serve the page and its worker scripts with the headers "Cross-Origin-Opener-Policy: same-origin" and ' +
        '"Cross-Origin-Embedder-Policy: require-corp" (or "credentialless"), over HTTPS or from localhost.',
    );
  }
}
