// Turns twq's slot API into one promise per job, for a BullMQ processor that
// runs several jobs at once (its `concurrency`) on one submitter thread.
import { createQueue } from '@twq/node';

/**
 * @param {{ threads?: number }} [options]
 * @returns {Promise<{ run(start: number, count: number): Promise<{ bestN: number, bestSteps: number }>, close(): Promise<void> }>}
 */
export async function createTwqRunner(options = {}) {
  const pending = new Map(); // ticket -> { resolve, reject }
  let nextTicket = 0;
  const queue = await createQueue(new URL('./collatz-ops.js', import.meta.url), {
    threads: options.threads ?? 2,
    onDone(request, error) {
      const job = pending.get(request.ticket);
      pending.delete(request.ticket);
      if (error) job?.reject(error);
      else job?.resolve({ bestN: request.bestN, bestSteps: request.bestSteps });
    },
  });

  // One drain at a time: done callbacks run there (or when a slot is reused).
  let draining = false;
  function pump() {
    if (draining) return;
    draining = true;
    queue.drain().then(
      () => {
        draining = false;
        if (pending.size > 0) pump();
      },
      (error) => {
        draining = false;
        for (const job of pending.values()) job.reject(error);
        pending.clear();
      },
    );
  }

  return {
    async run(start, count) {
      const request = queue.getRequest() ?? (await queue.getRequestAsync());
      const ticket = nextTicket;
      nextTicket = (nextTicket + 1) >>> 0;
      const result = new Promise((resolve, reject) => pending.set(ticket, { resolve, reject }));
      request.ticket = ticket;
      request.start = start;
      request.count = count;
      queue.submit(request);
      pump();
      return result;
    },
    close: () => queue.destroy(),
  };
}
