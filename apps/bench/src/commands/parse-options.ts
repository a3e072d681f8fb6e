import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { PAGE_SIZE } from '../data/page-size.js';

/**
 * Parsers for the command-line values. Each throws commander's
 * InvalidArgumentError with a message that names the bad value and what is
 * allowed; commander prints it after the option's name and exits non-zero.
 */

const UNIT_SHIFT: Record<string, number> = { '': 30, k: 10, m: 20, g: 30, t: 40 };

/** Largest guest memory accepted: past this the allocation is a typo rather than a benchmark. */
export const MAX_MEMORY_BYTES = 64 * 2 ** 30;

/**
 * A memory size: `256M`, `2G`, `512K`, `1.5G`, `64MiB`, `1GB` (binary units,
 * any case), or a plain number of GiB as the original's `-m 2`. It must be a
 * whole number of 4 KiB pages, from one page to MAX_MEMORY_BYTES.
 */
export function parseMemorySize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (m === null) {
    throw new InvalidArgumentError(
      `"${text}" is not a memory size: use a number with a unit K, M, G or T (binary: 256M, 2G, 64MiB), or a plain number of GiB`,
    );
  }
  const value = Number(m[1]);
  const bytes = value * 2 ** UNIT_SHIFT[m[2].toLowerCase()];
  if (!Number.isSafeInteger(bytes) || bytes % PAGE_SIZE !== 0) {
    throw new InvalidArgumentError(`"${text}" is not a whole number of ${PAGE_SIZE}-byte pages`);
  }
  if (bytes < PAGE_SIZE || bytes > MAX_MEMORY_BYTES) {
    throw new InvalidArgumentError(`"${text}" is out of range: from 4K (one page) to ${MAX_MEMORY_BYTES / 2 ** 30}G`);
  }
  return bytes;
}

/** A parser of integers in [min, max] (decimal digits only: "4", not "4.0" or "0x4"). */
export function integerIn(min: number, max: number): (text: string) => number {
  return (text: string): number => {
    if (!/^\s*\d+\s*$/.test(text)) {
      throw new InvalidArgumentError(`"${text}" is not an integer: use a whole number from ${min} to ${max}`);
    }
    const value = Number(text);
    if (value < min || value > max) {
      throw new InvalidArgumentError(`${value} is out of range: use a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

/**
 * A list of thread counts: `1,2,4`, a range `1-8`, or `max` (the host's
 * parallelism); duplicates are dropped and the list is sorted.
 */
export function parseThreadList(text: string, parallelism = availableParallelism()): number[] {
  const counts = new Set<number>();
  const one = integerIn(1, 256);
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const range = /^(\d+)\s*-\s*(\d+|max)$/.exec(part);
    if (part === 'max') {
      counts.add(parallelism);
    } else if (range !== null) {
      const from = one(range[1]);
      const to = range[2] === 'max' ? parallelism : one(range[2]);
      if (from > to) throw new InvalidArgumentError(`"${part}" is an empty range: write the smaller count first`);
      for (let n = from; n <= to; n++) counts.add(n);
    } else {
      try {
        counts.add(one(part));
      } catch {
        throw new InvalidArgumentError(
          `"${part}" in "${text}" is not a thread count: use counts from 1 to 256, ranges like 1-4, or max (${parallelism} here), separated by commas`,
        );
      }
    }
  }
  return [...counts].sort((a, b) => a - b);
}

/** A parser of one value out of a fixed set. */
export function oneOf<T extends string>(allowed: readonly T[]): (text: string) => T {
  return (text: string): T => {
    const value = text.trim() as T;
    if (!allowed.includes(value)) {
      throw new InvalidArgumentError(`"${text}" is not allowed: use one of ${allowed.join(', ')}`);
    }
    return value;
  };
}

/** A parser of a comma-separated list of values out of a fixed set (duplicates dropped, order kept). */
export function listOf<T extends string>(allowed: readonly T[]): (text: string) => T[] {
  const one = oneOf(allowed);
  return (text: string): T[] => {
    const values = text.split(',').map((part) => {
      try {
        return one(part);
      } catch {
        throw new InvalidArgumentError(`"${part.trim()}" in "${text}" is not allowed: use one or more of ${allowed.join(', ')}, separated by commas`);
      }
    });
    return [...new Set(values)];
  };
}

/** A parser of a comma-separated list of integers in [min, max], sorted, duplicates dropped. */
export function integerListIn(min: number, max: number): (text: string) => number[] {
  const one = integerIn(min, max);
  return (text: string): number[] => {
    const values = text.split(',').map((part) => {
      try {
        return one(part);
      } catch {
        throw new InvalidArgumentError(`"${part.trim()}" in "${text}" is not allowed: use whole numbers from ${min} to ${max}, separated by commas`);
      }
    });
    return [...new Set(values)].sort((a, b) => a - b);
  };
}

/**
 * The default thread counts: 1, 2, 4, ... up to the host's parallelism, and
 * the parallelism itself (1 and 2 on a 2-core machine; 1, 2, 4, 8, 12 on 12).
 */
export function defaultThreadCounts(parallelism = availableParallelism()): number[] {
  const counts: number[] = [];
  for (let n = 1; n < parallelism; n *= 2) counts.push(n);
  counts.push(Math.max(1, parallelism));
  return counts;
}
