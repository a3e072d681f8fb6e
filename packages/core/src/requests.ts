import { SLOT_HEADER_BYTES, slotOffset, type Geometry } from './memory-layout.js';
import type { Request } from './ops.js';
import { attachRequestViews, buildRequestPrototype, type Layout, type RequestViews } from './request-layout.js';

/** Key of a request's slot header view: not an identifier, so that no field name can collide with it. */
export const HEADER = '#header';

/** Internal shape of a request object: meta, typed views, then the layout's regions. */
export interface RequestObject extends RequestViews {
  slot: number;
  worker: number;
  /** Int32 view of the slot header (status, error length). */
  [HEADER]: Int32Array;
}

const requestBase = Object.freeze(Object.create(null) as object);

/**
 * Creates the request objects for slots `first` .. `first + count - 1`, all
 * sharing one prototype per layout. Done once per thread at creation.
 */
export function createRequests(
  buffer: SharedArrayBuffer,
  g: Geometry,
  layout: Layout,
  first: number,
  count: number,
): Request[] {
  const proto = buildRequestPrototype(layout, requestBase);
  const out: Request[] = [];
  for (let slot = first; slot < first + count; slot++) {
    const request = Object.create(proto) as RequestObject;
    const offset = slotOffset(g, slot);
    // Every property is assigned in the same order so all requests share a hidden class.
    request.slot = slot;
    request.worker = Math.floor(slot / g.slotsPerThread);
    request[HEADER] = new Int32Array(buffer, offset, SLOT_HEADER_BYTES >>> 2);
    attachRequestViews(request, layout, buffer, offset + SLOT_HEADER_BYTES);
    out.push(request as unknown as Request);
  }
  return out;
}
