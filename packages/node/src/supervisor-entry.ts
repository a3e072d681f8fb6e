/**
 * Entry of the supervisor thread: the parent of every worker of one queue.
 *
 * Why a thread of its own: while the submitter parks in `Atomics.wait`
 * (waitAll, getRequestBlocking) its event loop is frozen, so it cannot hear a
 * worker's `exit` event. The supervisor's event loop never blocks: it hears
 * every exit (process.exit in a handler, out of memory under resourceLimits,
 * an uncaught error) and hands it to core's Supervisor, which applies the
 * death policy through the shared memory (a recorded death wakes the
 * submitter) and starts a replacement when it should.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { QueueMemory, Supervisor, isWorkerMessage, readGeometry, toErrorInfo } from '@twq/core/host';
import type { FromSupervisor, SupervisorData, ToSupervisor, WorkerData } from './protocol.js';

const data = workerData as SupervisorData;
const port = parentPort;
if (port === null) throw new Error('@twq/node supervisor entry must run in a worker thread');

function send(m: FromSupervisor): void {
  port?.postMessage(m);
}

const supervisor: Supervisor<Worker> = new Supervisor<Worker>(
  {
    spawn(t: number): Worker {
      const wd: WorkerData = { init: data.init, opsModule: data.opsModule, exportName: data.exportName, worker: t };
      const w = new Worker(new URL(data.workerEntry), {
        workerData: wd,
        name: `${data.init.name}#${t}`,
        ...(data.resourceLimits === undefined ? {} : { resourceLimits: data.resourceLimits }),
      });
      w.on('message', (m: unknown) => {
        if (isWorkerMessage(m)) supervisor.message(t, w, m);
      });
      w.on('error', (e: Error) => {
        supervisor.error(t, w, toErrorInfo(e));
      });
      w.on('exit', (exitCode: number) => {
        supervisor.exited(t, w, exitCode);
      });
      return w;
    },
    terminate: (w) => w.terminate(),
  },
  new QueueMemory(data.init.buffer, readGeometry(data.init.buffer)),
  data.replaceDeadWorkers,
  {
    started: () => {
      send({ type: 'ready' });
    },
    startFailed: (worker, error) => {
      send({ type: 'start-failed', worker, error });
    },
    workerExit: (event) => {
      send({ type: 'worker-exit', event });
    },
    workerIdle: (worker) => {
      send({ type: 'worker-idle', worker });
    },
  },
);

let stopping = false;
port.on('message', (m: ToSupervisor) => {
  if (m.type === 'terminate') {
    supervisor.terminateWorker(m.worker, m.reason);
    return;
  }
  if (m.type === 'start') {
    supervisor.startWorker(m.worker);
    return;
  }
  // A second message (a forced stop during a graceful one) only hurries the first.
  const stopped = supervisor.stop(m.force, m.timeoutMs);
  if (stopping) return;
  stopping = true;
  void stopped.then(() => {
    send({ type: 'stopped' });
    port.close();
  });
});

supervisor.start();
