import { startAsyncZlib } from './async-zlib-system.js';
import type { BenchSystem, SystemId, SystemSetup } from './bench-system.js';
import { startInline } from './inline-system.js';
import { startPiscina } from './piscina-system.js';
import { startTinypool } from './tinypool-system.js';
import { startTwq } from './twq-system.js';
import { startWorkerpool } from './workerpool-system.js';

const STARTERS: Record<SystemId, (setup: SystemSetup) => Promise<BenchSystem>> = {
  inline: startInline,
  twq: startTwq,
  piscina: startPiscina,
  tinypool: startTinypool,
  workerpool: startWorkerpool,
  'async-zlib': startAsyncZlib,
};

/** Starts system `id` for `setup` (its threads or pool are up when this resolves, or at its first run). */
export function startSystem(id: SystemId, setup: SystemSetup): Promise<BenchSystem> {
  return STARTERS[id](setup);
}

/** Whether a system can run a workload (async zlib has no no-op to offer). */
export function supports(id: SystemId, kind: 'pages' | 'noop'): boolean {
  return !(id === 'async-zlib' && kind === 'noop');
}
