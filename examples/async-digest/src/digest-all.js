// SHA-256 of many messages on worker threads, never blocking this thread.
import { createQueue } from '@twq/node';
import { MAX_MESSAGE } from './digest-ops.js';

/**
 * @param {readonly Uint8Array[]} messages each at most MAX_MESSAGE bytes
 * @param {{ threads?: number }} [options]
 * @returns {Promise<string[]>} each message's SHA-256, in hex, in order
 */
export async function digestAll(messages, options = {}) {
  const digests = new Array(messages.length);
  const queue = await createQueue(new URL('./digest-ops.js', import.meta.url), {
    threads: options.threads ?? 2,
    onDone(request, error) {
      if (error) throw error;
      digests[request.item] = Buffer.from(request.digest).toString('hex');
    },
  });
  try {
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      if (message.length > MAX_MESSAGE) throw new RangeError(`message ${i} has ${message.length} bytes, more than ${MAX_MESSAGE}`);
      const request = queue.getRequest() ?? (await queue.getRequestAsync());
      request.item = i;
      request.length = message.length;
      request.message.set(message);
      queue.submit(request);
    }
    await queue.drain();
  } finally {
    await queue.destroy();
  }
  return digests;
}
