/**
 * Real CPU work of a given length: spins on the clock. The uneven-work
 * benchmark's requests (20 us and 2 ms, or 25 ms) are made of it, on twq and
 * on piscina alike, so that both do exactly the same work per task.
 */
export function busyWork(micros: number): number {
  const end = performance.now() + micros / 1000;
  let spins = 0;
  while (performance.now() < end) spins++;
  return spins;
}

/** A clock both threads agree on (performance.now() starts at each thread's own origin). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
