// One worker process: a BullMQ Worker whose processor hands each job to this
// process's own twq queue. Start as many as you like, on as many machines.
//   REDIS_PORT=6379 QUEUE_NAME=collatz node src/worker-process.js
import { Worker } from 'bullmq';
import { createTwqRunner } from './twq-runner.js';

const connection = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379), maxRetriesPerRequest: null };
const queueName = process.env.QUEUE_NAME ?? 'collatz';
const runner = await createTwqRunner({ threads: Number(process.env.TWQ_THREADS ?? 2) });

const worker = new Worker(
  queueName,
  async (job) => {
    const { start, count } = job.data;
    if (!Number.isInteger(start) || start < 1 || !Number.isInteger(count) || count < 1) {
      throw new RangeError(`job ${job.id}: start and count must be integers >= 1, got ${JSON.stringify(job.data)}`);
    }
    return { ...(await runner.run(start, count)), pid: process.pid };
  },
  { connection, concurrency: 16 },
);
worker.on('error', (error) => console.error(`worker ${process.pid}: ${error.message}`));
await worker.waitUntilReady();
process.send?.({ ready: process.pid });

async function shutdown() {
  await worker.close(); // finishes the jobs in hand, takes no more
  await runner.close();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
