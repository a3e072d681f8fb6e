// Ping-pong round trips per second between the main thread and one worker:
// SharedEvent + spinThenPark (default spin budget, and spins = 0: park every
// time) beside MessageChannel/postMessage, between the same two threads, in the
// same run.
//
//   pnpm --filter @twq/event build && pnpm --filter @twq/event bench
//   node bench/event-bench.mjs --sweep      # also try other spin budgets
//
// Each figure is the median of RUNS timed runs after one warm-up run; the modes
// take turns run by run, so that a change in machine load hits them alike.
import console from 'node:console';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL } from 'node:url';
import { MessageChannel, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_SPINS, SharedEvent, spinThenPark } from '../dist/index.js';

const RUNS = 7;
const TIMEOUT_MS = 10_000;

// Layout: event of the main thread at 0, of the worker at 128; mailboxes at 256
// (to main) and 384 (to worker). Each word on its own 128-byte line.
function attach(buffer) {
  return {
    toMain: SharedEvent.attach(buffer, 0),
    toWorker: SharedEvent.attach(buffer, 128),
    mainBox: new Int32Array(buffer, 256, 1),
    workerBox: new Int32Array(buffer, 384, 1),
  };
}

if (!isMainThread) {
  // ---------------------------------------------------------------- worker
  const s = attach(workerData.buffer);
  const echoPort = workerData.port;
  echoPort.on('message', (m) => {
    echoPort.postMessage(m);
  });
  parentPort.on('message', ({ first, rounds, spins }) => {
    for (let r = first; r < first + rounds; r++) {
      if (!spinThenPark(s.toWorker, () => Atomics.load(s.workerBox, 0) >= r, { spins, timeoutMs: TIMEOUT_MS })) {
        throw new Error(`worker: round ${r} never came`);
      }
      Atomics.store(s.mainBox, 0, r);
      s.toMain.set();
    }
    parentPort.postMessage('done');
  });
} else {
  // ---------------------------------------------------------------- main
  const buffer = new SharedArrayBuffer(512);
  const s = attach(buffer);
  s.toMain.initUnsynchronized();
  s.toWorker.initUnsynchronized();
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL(import.meta.url), { workerData: { buffer, port: port2 }, transferList: [port2] });
  worker.on('error', (e) => {
    console.error('worker failed:', e);
    process.exit(1);
  });
  const nextMessage = (target) => new Promise((resolve) => target.once('message', resolve));

  let seq = 0;
  /** Event ping-pong: main sends round r, waits for the worker's r. Returns round trips/s. */
  async function eventTrial(rounds, spins) {
    const first = seq + 1;
    seq += rounds;
    const done = nextMessage(worker);
    worker.postMessage({ first, rounds, spins });
    const t0 = performance.now();
    for (let r = first; r < first + rounds; r++) {
      Atomics.store(s.workerBox, 0, r);
      s.toWorker.set();
      if (!spinThenPark(s.toMain, () => Atomics.load(s.mainBox, 0) >= r, { spins, timeoutMs: TIMEOUT_MS })) {
        throw new Error(`main: round ${r} never came back`);
      }
    }
    const ms = performance.now() - t0;
    await done;
    return (rounds * 1000) / ms;
  }

  /** MessageChannel ping-pong between the same two threads. Returns round trips/s. */
  function messageTrial(rounds) {
    return new Promise((resolve) => {
      let n = 0;
      const t0 = performance.now();
      const onMessage = () => {
        if (++n === rounds) {
          port1.off('message', onMessage);
          resolve((rounds * 1000) / (performance.now() - t0));
        } else port1.postMessage(n);
      };
      port1.on('message', onMessage);
      port1.postMessage(n);
    });
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

  const modes = [
    { name: 'MessageChannel postMessage (peer)', trial: () => messageTrial(20_000) },
    { name: `SharedEvent spinThenPark, spins = ${DEFAULT_SPINS} (default)`, trial: () => eventTrial(200_000, DEFAULT_SPINS) },
    { name: 'SharedEvent spinThenPark, spins = 0 (park every time)', trial: () => eventTrial(30_000, 0) },
  ];
  if (process.argv.includes('--sweep')) {
    for (const spins of [1, 4, 16, 256, 1024]) {
      modes.push({ name: `SharedEvent spinThenPark, spins = ${spins}`, trial: () => eventTrial(spins < 64 ? 30_000 : 200_000, spins) });
    }
  }

  console.log(
    `@twq/event ping-pong, main thread <-> 1 worker: Node ${process.version}, ${os.cpus().length} CPUs ` +
      `(${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
  );
  console.log(`median of ${RUNS} runs after a warm-up, modes interleaved run by run; round trips per second\n`);

  // Interleaved: run i of every mode happens at about the same time, so a change
  // in machine load (other processes on the same cores) hits every mode alike.
  for (const mode of modes) await mode.trial(); // warm-up
  const samples = modes.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [m, mode] of modes.entries()) samples[m].push(await mode.trial());
  }

  const width = Math.max(...modes.map((m) => m.name.length));
  const peer = median(samples[0]);
  for (const [m, mode] of modes.entries()) {
    const rate = median(samples[m]);
    const fmt = (x) => Math.round(x).toLocaleString('en-US');
    console.log(
      `${mode.name.padEnd(width)}  ${fmt(rate).padStart(11)} /s  (${(1e6 / rate).toFixed(2).padStart(7)} µs)  ` +
        `x${(rate / peer).toFixed(1).padStart(6)} vs MessageChannel   [min ${fmt(Math.min(...samples[m]))}, max ${fmt(Math.max(...samples[m]))}]`,
    );
  }
  console.log(`\nload average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  await worker.terminate();
}
