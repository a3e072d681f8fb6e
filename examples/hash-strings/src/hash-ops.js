// The ops module: imported by the submitter (for the layout) and by every
// worker (for the handler). One request carries one string, as UTF-8 bytes.
import { defineLayout, defineOps } from '@twq/node';

/** The longest string a request holds, in UTF-8 bytes. */
export const MAX_BYTES = 120;

/** FNV-1a, 32 bits, over `length` bytes of `bytes`. */
export function fnv1a(bytes, length = bytes.length) {
  let h = 0x811c9dc5;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return h >>> 0;
}

export const ops = defineOps({
  // `item` says which input string a request holds (slots are reused).
  layout: defineLayout({ item: 'u32', length: 'u32', hash: 'u32', text: { bytes: MAX_BYTES } }),
  handle(request) {
    request.hash = fnv1a(request.text, request.length);
  },
});
