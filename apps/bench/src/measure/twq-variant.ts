import { InvalidArgumentError } from 'commander';
import { MAX_SLOTS_PER_THREAD, POLICIES } from '@twq/core';
import { AUTO_SPIN, type TwqSettings } from '../systems/bench-system.js';

/** twq settings as `policy/slots/spin[/napUs]`, e.g. `batch/16/64` (the library's defaults). */
export function formatVariant(s: TwqSettings): string {
  return `${s.policy}/${s.slotsPerThread}/${spinText(s.spinBudget)}${s.napUs > 0 ? `/${s.napUs}` : ''}`;
}

function spinText(spin: number): string {
  return spin === AUTO_SPIN ? 'auto' : String(spin);
}

/** How a variant is named in tables and charts. */
export function variantLabel(s: TwqSettings): string {
  return `twq (${s.policy}, ${s.slotsPerThread} slots, spin ${spinText(s.spinBudget)}${s.napUs > 0 ? `, nap ${s.napUs} us` : ''})`;
}

/**
 * A comma-separated list of twq settings, each `policy/slotsPerThread/spinBudget`
 * with an optional `/napUs` (see TwqSettings.napUs): `batch/16/64,batch/64/0/200`.
 * Duplicates are dropped, order kept.
 */
export function parseTwqVariants(text: string): TwqSettings[] {
  const variants = new Map<string, TwqSettings>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const m = /^([a-z-]+)\/(\d+)\/(\d+|auto)(?:\/(\d+))?$/.exec(part);
    const policy = m?.[1] as TwqSettings['policy'] | undefined;
    const slotsPerThread = Number(m?.[2]);
    const spinBudget = m?.[3] === 'auto' ? AUTO_SPIN : Number(m?.[3]);
    const napUs = Number(m?.[4] ?? 0);
    if (
      m === null ||
      policy === undefined ||
      !POLICIES.includes(policy) ||
      slotsPerThread < 1 ||
      slotsPerThread > MAX_SLOTS_PER_THREAD ||
      spinBudget > 1_000_000 ||
      napUs > 1_000_000
    ) {
      throw new InvalidArgumentError(
        `"${part}" in "${text}" is not a twq setting: write policy/slotsPerThread/spinBudget, policy one of ${POLICIES.join(', ')}, ` +
          `slots 1 to ${MAX_SLOTS_PER_THREAD}, spin 0 to 1000000 or auto, optionally /napUs 0 to 1000000 (e.g. batch/16/64 or batch/64/0/200)`,
      );
    }
    const settings: TwqSettings = { policy, slotsPerThread, spinBudget, napUs };
    variants.set(formatVariant(settings), settings);
  }
  return [...variants.values()];
}
