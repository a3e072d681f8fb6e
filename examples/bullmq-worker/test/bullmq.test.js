// Bounds are generous (minutes): a loaded 2-core CI machine takes tens of
// seconds just to load the modules of three processes.
// Debian's redis-server on 127.0.0.1 (a free port, nothing written to disk),
// three worker processes each with its own twq queue, and 300 jobs: every
// job's result is checked against the same computation here. redis-server is
// found (REDIS_SERVER_PATH, or on PATH), or installed as root with apt, by the
// repository's system-program finder; otherwise the test fails saying what to install.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ensureSystemTool } from '../../../tools/release/src/system-deps.mjs';
import { longestInRange } from '../src/collatz.js';

const WORKERS = 3;
const JOBS = 300;
const RANGE = 2_000;
const QUEUE_NAME = 'collatz-test';
const workerEntry = fileURLToPath(new URL('../src/worker-process.js', import.meta.url));
let redis;
let port;
const workers = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
}

/** Resolves when `check` is true; rejects naming `what` after `timeoutMs`. */
async function until(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  const redisServer = ensureSystemTool('redis-server');
  port = await freePort();
  redis = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {}); // refused until redis-server listens: until() retries
  await until(async () => probe.connect().then(() => true, () => false), `redis-server on 127.0.0.1:${port}`, 60_000);
  probe.disconnect();
  for (let i = 0; i < WORKERS; i++) {
    const child = fork(workerEntry, [], { env: { ...process.env, REDIS_PORT: String(port), QUEUE_NAME, TWQ_THREADS: '1' }, stdio: 'inherit' });
    workers.push(child);
  }
  await Promise.all(
    workers.map((child) =>
      Promise.race([
        once(child, 'message'),
        once(child, 'exit').then(([code]) => Promise.reject(new Error(`a worker process exited (${code}) before it was ready`))),
        new Promise((_, reject) => setTimeout(() => reject(new Error('a worker process was not ready within 120 s')), 120_000)),
      ]),
    ),
  );
}, 180_000);

afterAll(async () => {
  for (const child of workers) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(workers.map((child) => (child.exitCode === null ? Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 10_000))]) : undefined)));
  for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
  redis?.kill();
});

test('300 jobs across 3 worker processes, each on its own twq queue: every result is right', async () => {
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port } });
  try {
    const jobs = await queue.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: 'range', data: { start: 1 + i * RANGE, count: RANGE } })));
    await until(async () => {
      const counts = await queue.getJobCounts('completed', 'failed');
      if (counts.failed > 0) throw new Error(`${counts.failed} jobs failed`);
      return counts.completed === JOBS;
    }, `${JOBS} completed jobs`, 120_000);
    const pids = new Set();
    for (const added of jobs) {
      const job = await queue.getJob(added.id);
      const { start, count } = job.data;
      expect({ id: job.id, ...job.returnvalue, pid: undefined }).toEqual({ id: job.id, ...longestInRange(start, count), pid: undefined });
      pids.add(job.returnvalue.pid);
    }
    // The jobs spread over the processes (each took some while the others were busy).
    expect(pids.size).toBeGreaterThan(1);
  } finally {
    await queue.close();
  }
}, 240_000);
