import { workerData } from 'node:worker_threads';

/** What the peers' workers receive as workerData: the shared guest memory. */
export interface PeerWorkerData {
  readonly twqBenchMemory: SharedArrayBuffer;
}

let memory: Uint8Array | undefined;

/**
 * The guest memory inside a peer's worker, read in place (zero copy, as twq
 * gets it). piscina and workerpool hand our workerData to the thread as is;
 * tinypool wraps it as `[tinypoolPrivateData, ours]`.
 */
export function workerMemory(): Uint8Array {
  if (memory !== undefined) return memory;
  const raw: unknown = workerData;
  const data = (Array.isArray(raw) ? raw[1] : raw) as Partial<PeerWorkerData> | undefined;
  const buffer = data?.twqBenchMemory;
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError('the bench worker got no guest memory: pass { twqBenchMemory: SharedArrayBuffer } as workerData');
  }
  memory = new Uint8Array(buffer);
  return memory;
}
