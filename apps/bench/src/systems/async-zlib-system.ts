import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromZlibChild, ToZlibChild } from './async-zlib-protocol.js';
import type { BenchSystem, RunOutcome, SystemSetup } from './bench-system.js';

const CHILD = fileURLToPath(new URL('./async-zlib-child.js', import.meta.url));

/**
 * Node's async zlib (`zlib.deflateRaw(page, cb)`), `threads` libuv pool
 * threads, in a child process started with UV_THREADPOOL_SIZE = threads (the
 * pool reads it once; the parent's pool may already be running).
 */
export async function startAsyncZlib(setup: SystemSetup): Promise<BenchSystem> {
  const { workload, threads, memory, window } = setup;
  if (workload.kind !== 'pages' || memory === undefined) throw new TypeError('async-zlib runs page workloads only');
  const child = fork(CHILD, [], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(threads) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const channel = new ChildChannel(child);
  try {
    const ready = await channel.ask({ type: 'setup', dataSet: workload.dataSet, memoryBytes: memory.bytes.length, window });
    if (ready.type !== 'ready' || ready.threadPoolSize !== String(threads)) {
      throw new Error(`async-zlib child did not start with UV_THREADPOOL_SIZE=${threads}`);
    }
  } catch (e) {
    child.kill();
    throw e;
  }
  return {
    id: 'async-zlib',
    threads,
    async run(tasks: number): Promise<RunOutcome> {
      const reply = await channel.ask({ type: 'run', tasks });
      if (reply.type !== 'result') throw new Error(`async-zlib child: unexpected reply ${reply.type}`);
      return { tasks: reply.tasks, ms: reply.ms, total: reply.total, problem: reply.problem };
    },
    close: () => channel.close(),
  };
}

/** One question at a time to the child; a child that dies or fails rejects the question. */
class ChildChannel {
  private pending: { resolve: (m: FromZlibChild) => void; reject: (e: Error) => void } | undefined;
  private exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (message: FromZlibChild) => {
      const p = this.pending;
      this.pending = undefined;
      if (message.type === 'failed') p?.reject(new Error(`async-zlib child: ${message.message}`));
      else p?.resolve(message);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.pending?.reject(new Error(`async-zlib child exited (code ${code}, signal ${signal})`));
        this.pending = undefined;
        resolve();
      });
    });
  }

  ask(message: ToZlibChild): Promise<FromZlibChild> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send(message);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.send({ type: 'close' } satisfies ToZlibChild);
      const timer = setTimeout(() => this.child.kill(), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}
