// The page half of codec-bench.mjs: runs in Chromium, one thread.
import { generateSample } from './sample.js';
import { Deflate, Z_FINISH, Z_SYNC_FLUSH } from './pako.js';

const MiB = 1 << 20;
const WINDOW = 32 * 1024;

/** All of a stream's bytes, read in this thread (as the native block codec reads them). */
async function bytesOf(stream) {
  const reader = stream.getReader();
  const chunks = [];
  let length = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value);
    length += r.value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** `data` through one CompressionStream, written and read as the native block codec does. */
function native(format, data) {
  const cs = new CompressionStream(format);
  const writer = cs.writable.getWriter();
  void writer.write(data).then(() => writer.close());
  return bytesOf(cs.readable);
}

async function nativeOneStream(input) {
  const cs = new CompressionStream('gzip');
  const writer = cs.writable.getWriter();
  const out = bytesOf(cs.readable);
  for (let at = 0; at < input.length; at += MiB) await writer.write(input.slice(at, at + MiB));
  await writer.close();
  return (await out).length;
}

async function nativeBlocks(input, block) {
  let out = 0;
  // deflate-raw per block, plus the gzip header and trailer the encoder adds once (18 bytes) and 5 bytes of sync flush per block.
  for (let at = 0; at < input.length; at += block) out += (await native('deflate-raw', input.subarray(at, at + block))).length + 5;
  return out + 18;
}

function pakoBlocks(input, level, block) {
  let out = 0;
  for (let at = 0; at < input.length; at += block) {
    const last = at + block >= input.length;
    const d = new Deflate({ raw: true, level, chunkSize: 65536, ...(at > 0 ? { dictionary: input.subarray(at - WINDOW, at) } : {}) });
    d.onData = (c) => {
      out += c.length;
    };
    d.push(input.subarray(at, at + block), last ? Z_FINISH : Z_SYNC_FLUSH);
  }
  return out + 18;
}

window.runCodecBench = async (rounds, withWasm) => {
  const input = generateSample(32 * MiB);
  const candidates = {
    'native gzip, one stream': () => nativeOneStream(input),
    'native deflate-raw per 128 KiB block': () => nativeBlocks(input, 128 * 1024),
    'native deflate-raw per 1 MiB block': () => nativeBlocks(input, MiB),
    'pako -6 per 128 KiB block (dictionary, sync flush)': () => pakoBlocks(input, 6, 128 * 1024),
    'pako -1 per 128 KiB block (dictionary, sync flush)': () => pakoBlocks(input, 1, 128 * 1024),
  };
  if (withWasm) {
    const wasm = await import('./wasm_gzip.js');
    await wasm.default(new URL('./wasm_gzip.wasm', import.meta.url));
    candidates['wasm-gzip (libflate, fixed level) per 128 KiB block, one member each'] = () => {
      let out = 0;
      for (let at = 0; at < input.length; at += 128 * 1024) out += wasm.compress(input.subarray(at, at + 128 * 1024)).length;
      return out;
    };
  }
  const results = Object.fromEntries(Object.keys(candidates).map((k) => [k, { ms: [], bytes: 0 }]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(candidates)) {
      const t = performance.now();
      results[name].bytes = await run();
      results[name].ms.push(performance.now() - t);
    }
  }
  const members = [];
  for (let at = 0; at < 4 * MiB; at += MiB) members.push(await native('gzip', input.subarray(at, at + MiB)));
  let multiMember;
  try {
    const ds = new DecompressionStream('gzip');
    const writer = ds.writable.getWriter();
    void writer.write(new Uint8Array(await new Blob(members).arrayBuffer())).then(() => writer.close()).catch(() => undefined);
    const back = await bytesOf(ds.readable);
    multiMember = back.length === 4 * MiB ? 'reads every member' : `reads ${back.length} of ${4 * MiB} bytes`;
  } catch (e) {
    multiMember = `fails: ${e}`;
  }
  return { mib: 32, results, multiMember };
};
