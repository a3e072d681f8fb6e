// Shared by the page and the workers of scaling-bench.mjs (vite bundles it
// with libdeflate and the demo's sample generator).
import { deflate } from 'libdeflate';
import { Deflate, Z_FINISH, Z_SYNC_FLUSH } from 'pako';
import { generateSample } from '../src/sample.ts';

const MiB = 1 << 20;

/** `data` through one CompressionStream('gzip'), fed in 1 MiB pieces as the demo feeds it; resolves to the output length. */
async function nativeStream(data) {
  const cs = new CompressionStream('gzip');
  const writer = cs.writable.getWriter();
  const reader = cs.readable.getReader();
  const read = (async () => {
    let n = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) n += r.value.length;
    return n;
  })();
  for (let at = 0; at < data.length; at += MiB) await writer.write(data.slice(at, at + MiB));
  await writer.close();
  return read;
}

/** `data` through libdeflate -6 in 1 MiB blocks; the output length. */
function libdeflateBlocks(data) {
  let n = 0;
  for (let at = 0; at < data.length; at += MiB) n += deflate(data.subarray(at, at + MiB), 6).length;
  return n;
}

/** `data` through pako -6 in 128 KiB blocks, each primed with the 32 KiB before it and sync-flushed (the pako codec's work); the output length. */
function pakoBlocks(data) {
  const block = 128 * 1024;
  let n = 0;
  for (let at = 0; at < data.length; at += block) {
    const d = new Deflate({ raw: true, level: 6, chunkSize: 65536, ...(at > 0 ? { dictionary: data.subarray(at - 32768, at) } : {}) });
    d.onData = (c) => {
      n += c.length;
    };
    d.push(data.subarray(at, at + block), at + block >= data.length ? Z_FINISH : Z_SYNC_FLUSH);
  }
  return n;
}

export const RUNS = { native: nativeStream, libdeflate: async (data) => libdeflateBlocks(data), pako: async (data) => pakoBlocks(data) };
export { generateSample };
