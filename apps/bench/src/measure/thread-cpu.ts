import { readFileSync } from 'node:fs';

/**
 * CPU time of the calling thread in milliseconds, from Linux's
 * /proc/thread-self/schedstat (nanoseconds on a CPU); undefined elsewhere.
 * For the submitter's share of a run: a submitter that spins while the
 * workers need the cores shows here.
 */
export function threadCpuMs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/** CPU time of the whole process (every thread), in milliseconds. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
