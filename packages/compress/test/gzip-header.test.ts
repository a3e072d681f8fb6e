import * as zlib from 'node:zlib';
import { compressibleText } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/gzip/crc32.js';
import { GZIP_FLAG_NAME, GZIP_OS_UNIX, gzipHeader, gzipMtime, gzipTrailer } from '../src/gzip/gzip-header.js';
import { runGzip } from './helpers/gzip-tool.js';

describe('gzipHeader', () => {
  it('writes the fixed header: magic, deflate, no flags, mtime 0, OS unknown', () => {
    expect([...gzipHeader(6)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
  });

  it('sets XFL as zlib does: 2 at level 9, 4 at levels 0 and 1, else 0', () => {
    expect(gzipHeader(9)[8]).toBe(2);
    expect(gzipHeader(1)[8]).toBe(4);
    expect(gzipHeader(0)[8]).toBe(4);
    expect(gzipHeader(5)[8]).toBe(0);
  });

  it('stores the base name, zero-terminated, with FNAME set, and the mtime in seconds', () => {
    const h = gzipHeader(6, { fileName: '/some/dir/report.txt', mtime: new Date(1_700_000_000_500), os: GZIP_OS_UNIX });
    expect(h[3]).toBe(GZIP_FLAG_NAME);
    expect(new DataView(h.buffer).getUint32(4, true)).toBe(1_700_000_000);
    expect(h[9]).toBe(GZIP_OS_UNIX);
    expect(new TextDecoder().decode(h.subarray(10, h.length - 1))).toBe('report.txt');
    expect(h[h.length - 1]).toBe(0);
  });

  it('makes a member that gzip lists with its name and gunzip reads', () => {
    const data = compressibleText(5000);
    const member = Buffer.concat([
      gzipHeader(6, { fileName: 'hello.txt', mtime: 1_600_000_000 }),
      zlib.deflateRawSync(data),
      gzipTrailer(crc32(data), data.length),
    ]);
    expect(zlib.gunzipSync(member)).toEqual(Buffer.from(data));
    const listing = runGzip(['-l', '-N', '-v'], member);
    expect(listing.status).toBe(0);
    expect(listing.stdout.toString()).toMatch(/hello\.txt/);
  });

  it('omits an empty name and maps out-of-range times to 0', () => {
    expect(gzipHeader(6, { fileName: '' })[3]).toBe(0);
    expect(gzipMtime(-5)).toBe(0);
    expect(gzipMtime(2 ** 33)).toBe(0);
    expect(gzipMtime(undefined)).toBe(0);
    expect(() => gzipMtime(new Date(Number.NaN))).toThrow(/mtime/);
    expect(() => gzipHeader(6, { os: 256 })).toThrow(/os must be/);
  });

  it('writes ISIZE modulo 2^32', () => {
    const t = gzipTrailer(0xdeadbeef, 2 ** 32 + 5);
    expect(new DataView(t.buffer).getUint32(0, true)).toBe(0xdeadbeef);
    expect(new DataView(t.buffer).getUint32(4, true)).toBe(5);
  });
});
