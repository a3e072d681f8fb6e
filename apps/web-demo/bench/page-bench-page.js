// The page half of page-bench.mjs: the browser entry's page codecs, one
// thread, one page at a time into one output region (as a worker's handler
// runs them). vite bundles this file with @twq/compress's browser build.
import { fflatePageCodec, libdeflatePageCodec } from '@twq/compress';

const codecs = { libdeflate: libdeflatePageCodec, fflate: fflatePageCodec };

/** Microseconds per page of one pass of `codec` over `pages` (compress, then decompress), and the compressed bytes. */
window.runPageRound = (name, pages, pageSize, level) => {
  const codec = codecs[name];
  const output = new Uint8Array(pageSize * 2 + 64);
  const count = pages.length / pageSize;
  const packed = [];
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const n = codec.compressInto(pages.subarray(i * pageSize, (i + 1) * pageSize), 'deflate-raw', level, output);
    bytes += n;
    if (i < 1000) packed.push(output.slice(0, n));
  }
  const t1 = performance.now();
  for (const p of packed) codec.decompress(p, 'deflate-raw', pageSize);
  const t2 = performance.now();
  return { compressUs: ((t1 - t0) * 1000) / count, decompressUs: ((t2 - t1) * 1000) / packed.length, bytes };
};
window.pageBenchReady = true;
