import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Feeds `data` to `transform` in `chunkSize` pieces and collects its output. */
export async function throughNodeStream(transform: NodeJS.ReadWriteStream, data: Uint8Array, chunkSize = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  function* source(): Generator<Uint8Array> {
    for (let at = 0; at < data.length; at += chunkSize) yield data.subarray(at, at + chunkSize);
  }
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await pipeline(Readable.from(source(), { objectMode: false }), transform, sink);
  return Buffer.concat(chunks);
}

/** Feeds `data` through a WHATWG TransformStream in `chunkSize` pieces and collects its output. */
export async function throughWebStream(stream: TransformStream<Uint8Array, Uint8Array>, data: Uint8Array, chunkSize = 64 * 1024): Promise<Buffer> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < data.length; at += chunkSize) controller.enqueue(data.slice(at, at + chunkSize));
      controller.close();
    },
  });
  const chunks: Uint8Array[] = [];
  const reader = source.pipeThrough(stream).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
