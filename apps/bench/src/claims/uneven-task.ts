/** piscina's task module for the uneven-work benchmark: the same busy work as uneven-ops.ts. */
import { busyWork, wallClockMs } from './busy-work.js';

export default function unevenTask(micros: number): number {
  busyWork(micros);
  return wallClockMs();
}
