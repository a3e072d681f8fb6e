import { describeValue } from '@twq/core';

/** Smallest page: one disk sector. */
export const MIN_PAGE_SIZE = 512;
/** Largest page: 1 MiB (two pages and their bounds stay far below a slot's 16 MiB). */
export const MAX_PAGE_SIZE = 1024 * 1024;
/** The seed's page: 4 KiB. */
export const DEFAULT_PAGE_SIZE = 4096;

/** Throws a RangeError naming the value unless it is an integer page size in [512, 1 MiB]. */
export function checkPageSize(pageSize: unknown, name = 'pageSize'): number {
  if (!Number.isInteger(pageSize) || (pageSize as number) < MIN_PAGE_SIZE || (pageSize as number) > MAX_PAGE_SIZE) {
    throw new RangeError(`${name} must be an integer in [${MIN_PAGE_SIZE}, ${MAX_PAGE_SIZE}], got ${describeValue(pageSize)}`);
  }
  return pageSize as number;
}
