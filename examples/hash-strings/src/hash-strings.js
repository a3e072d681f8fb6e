// Hashes an array of strings on worker threads: the slot API, end to end.
import { createQueue } from '@twq/node';
import { MAX_BYTES } from './hash-ops.js';

const encoder = new TextEncoder();

/**
 * @param {readonly string[]} strings each at most MAX_BYTES bytes of UTF-8
 * @param {{ threads?: number }} [options]
 * @returns {Promise<Uint32Array>} the FNV-1a hash of each string, in order
 */
export async function hashStrings(strings, options = {}) {
  const hashes = new Uint32Array(strings.length);
  const queue = await createQueue(new URL('./hash-ops.js', import.meta.url), {
    threads: options.threads ?? 2,
    onDone(request, error) {
      if (error) throw error;
      hashes[request.item] = request.hash;
    },
  });
  try {
    for (let i = 0; i < strings.length; i++) {
      // Blocks (spin, then park) while every slot is in flight; reusing a slot runs its done callback first.
      const request = queue.getRequestBlocking();
      const { read, written } = encoder.encodeInto(strings[i], request.text);
      if (read !== strings[i].length) throw new RangeError(`string ${i} is longer than ${MAX_BYTES} bytes of UTF-8`);
      request.item = i;
      request.length = written;
      queue.submit(request);
    }
    queue.waitAll(); // every request handled, every done callback run
  } finally {
    await queue.destroy();
  }
  return hashes;
}
