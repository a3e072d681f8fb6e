/**
 * Entry of the supervisor thread: the parent of every worker of one queue.
 *
 * Why a thread of its own: while the submitter parks in `Atomics.wait`
 * (waitAll, getRequestBlocking) its event loop is frozen, so it cannot hear a
 * worker's `exit` event. The supervisor's event loop never blocks: it hears
 * every exit (process.exit in a handler, out of memory under resourceLimits,
 * an uncaught error) and hands it to core's Supervisor (supervise.ts), which
 * applies the death policy through the shared memory (a recorded death wakes
 * the submitter) and starts a replacement when it should.
 *
 * Start-up order, so that each thread's boot (tens of ms) overlaps another's
 * work rather than following it:
 * 1. The submitter's thread starts this thread as createQueue() begins, then
 *    loads the ops module and builds the queue.
 * 2. Meanwhile this thread boots and loads core (supervise.ts, a dynamic
 *    import: this module imports only node:worker_threads statically).
 * 3. On `init` (the queue's shared memory), it spawns the first workers at
 *    once, before waiting for core if that is still loading.
 * What an early worker says (a message, an error, its exit), and what the
 * submitter says after `init`, is held in order until core's Supervisor
 * exists and has adopted the early threads (its spawn of partition t takes
 * the early thread, or rethrows what spawning it threw), then replayed: the
 * Supervisor hears the same events in the same order as if it had spawned the
 * threads itself, and nothing is lost.
 */
import { Worker, parentPort } from 'node:worker_threads';
import { HeldEvents } from './held-events.js';
import type { SupervisorData, ToSupervisor, WorkerData } from './protocol.js';
import type { Supervision } from './supervise.js';

if (parentPort === null) throw new Error('@twq/node supervisor entry must run in a worker thread');
const port = parentPort;

const loading = import('./supervise.js');
// A failure to load is thrown where it is awaited (on init), as the thread's error.
loading.catch(() => undefined);

// Every event runs through `held`: none runs before release(), in begin(), when `supervision` exists.
const held = new HeldEvents();
let supervision: Supervision | undefined;

port.on('message', (m: ToSupervisor) => {
  if (m.type === 'init') {
    void begin(m.data);
    return;
  }
  held.run(() => supervision?.control(m));
});

async function begin(data: SupervisorData): Promise<void> {
  const spawnWorker = (t: number): Worker => {
    const wd: WorkerData = { init: data.init, opsModule: data.opsModule, exportName: data.exportName, worker: t };
    const w = new Worker(new URL(data.workerEntry), {
      workerData: wd,
      name: `${data.init.name}#${t}`,
      ...(data.resourceLimits === undefined ? {} : { resourceLimits: data.resourceLimits }),
    });
    w.on('message', (m: unknown) => {
      held.run(() => supervision?.workers.message(t, w, m));
    });
    w.on('error', (e: Error) => {
      held.run(() => supervision?.workers.error(t, w, e));
    });
    w.on('exit', (exitCode: number) => {
      held.run(() => supervision?.workers.exited(t, w, exitCode));
    });
    return w;
  };

  /** Partition -> its early thread, or what spawning it threw (the Supervisor's own spawns would have stopped there too). */
  const early = new Map<number, { readonly worker: Worker } | { readonly thrown: unknown }>();
  for (let t = 0; t < data.initialWorkers; t++) {
    try {
      early.set(t, { worker: spawnWorker(t) });
    } catch (e) {
      early.set(t, { thrown: e });
      break;
    }
  }

  const { supervise } = await loading;
  supervision = supervise(data, port, (t) => {
    const first = early.get(t);
    if (first === undefined) return spawnWorker(t);
    early.delete(t);
    if ('thrown' in first) throw first.thrown;
    return first.worker;
  });
  // An early thread the Supervisor did not adopt (its start stopped at a failed spawn) must not run on.
  for (const rest of early.values()) if ('worker' in rest) void rest.worker.terminate();
  early.clear();
  held.release();
}
