// At least a million requests through real worker threads, with checksums that
// prove each one was handled once and passed to the done callback once: every
// request carries its sequence number, the handler writes mix(seq) and its
// worker's index, the done callback marks a bitmap of the sequence numbers seen.
import { describe, expect, it } from 'vitest';
import type { PlacementPolicy } from '@twq/core';
import { SCALE, withTimeout } from '@twq/test-support/worker';
import { Checksum, createChecksumQueue, eventually, submit } from './helpers.js';

interface Config {
  threads: number;
  slotsPerThread: number;
  policy: PlacementPolicy;
  requests: number;
}

// One slot per worker means a hand-over (and usually a park and a wake-up) per
// request: slow, so those configurations get fewer requests. 4 x 40k + 4 x 210k = 1M.
const configs: Config[] = [];
for (const threads of [1, 2]) {
  for (const policy of ['batch', 'round-robin'] as const) {
    for (const slotsPerThread of [1, 64]) {
      configs.push({ threads, slotsPerThread, policy, requests: Math.round((slotsPerThread === 1 ? 40_000 : 210_000) * SCALE) });
    }
  }
}

describe('every request handled once and passed to done once, through real threads', () => {
  it('the configurations add up to at least a million requests (at TWQ_TEST_SCALE=1)', () => {
    const total = configs.reduce((n, c) => n + c.requests, 0);
    expect(total).toBe(Math.round(40_000 * SCALE) * 4 + Math.round(210_000 * SCALE) * 4);
    if (SCALE >= 1) expect(total).toBeGreaterThanOrEqual(1_000_000);
  });

  it.each(configs)(
    '$threads worker(s) x $slotsPerThread slot(s), $policy: $requests requests',
    async ({ threads, slotsPerThread, policy, requests }) => {
      const checksum = new Checksum(requests);
      const q = await createChecksumQueue({ threads, slotsPerThread, policy, onDone: checksum.onDone });
      try {
        for (let seq = 0; seq < requests; seq++) submit(q, q.getRequestBlocking(30_000), seq);
        q.waitAll(60_000);
        checksum.verify(requests);
        expect(q.stats()).toMatchObject({ submitted: requests, completed: requests, outstanding: 0 });
        // Worker counters are published per batch: they catch up at once, but not atomically with the results.
        await eventually(
          () => q.stats().workers.reduce((n, w) => n + w.handled, 0) === requests,
          10_000,
          'workers handled counters',
        );
        const workers = q.stats().workers;
        expect(workers.map((w) => [w.status, w.generation, w.failed, w.lostToDeath])).toEqual(
          workers.map(() => ['ready', 0, 0, 0]),
        );
        if (policy === 'round-robin') for (const w of workers) expect(w.handled, `worker ${w.worker} handled`).toBeGreaterThan(0);
      } finally {
        await withTimeout(q.destroy(), 20_000, 'destroy()');
      }
    },
  );
});
