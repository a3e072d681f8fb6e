// An async handler: it returns a promise (WebCrypto's digest), so the worker
// parks with Atomics.waitAsync and keeps its event loop running promises.
import { defineLayout, defineOps } from '@twq/node';

/** The longest message a request holds, in bytes. */
export const MAX_MESSAGE = 1024;
const SHA256_BYTES = 32;

export const ops = defineOps({
  layout: defineLayout({ item: 'u32', length: 'u32', message: { bytes: MAX_MESSAGE }, digest: { bytes: SHA256_BYTES } }),
  async handle(request) {
    // slice(): WebCrypto refuses views of shared memory, so hash a private copy.
    const digest = await crypto.subtle.digest('SHA-256', request.message.slice(0, request.length));
    request.digest.set(new Uint8Array(digest));
  },
});
