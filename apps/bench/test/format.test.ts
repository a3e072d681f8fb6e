import { describe, expect, it } from 'vitest';
import { formatMib, formatPercent, formatRate, formatRatio } from '../src/report/format.js';
import { formatVariant, parseTwqVariants, variantLabel } from '../src/measure/twq-variant.js';
import { median, spread } from '../src/measure/stats.js';

describe('formats', () => {
  it('ratios keep the digits that matter', () => {
    expect(formatRatio(null)).toBe('-');
    expect(formatRatio(1.6449)).toBe('x1.64');
    expect(formatRatio(12.34)).toBe('x12.3');
    expect(formatRatio(213.4)).toBe('x213');
    expect(formatRatio(0.0016)).toBe('x0.0016');
  });
  it('rates and percentages', () => {
    expect(formatRate(1234567.8)).toBe('1,234,568');
    expect(formatMib(412.4)).toBe('412');
    expect(formatMib(61.04)).toBe('61.0');
    expect(formatMib(3.681)).toBe('3.68');
    expect(formatPercent(0.123)).toBe('12%');
  });
});

describe('stats', () => {
  it('median and spread', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spread([90, 100, 110])).toBeCloseTo(0.2);
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('twq variants', () => {
  it('parse and print policy/slots/spin[/nap]', () => {
    const v = parseTwqVariants('batch/16/64, round-robin/256/64,batch/256/0/200,batch/16/64');
    expect(v).toEqual([
      { policy: 'batch', slotsPerThread: 16, spinBudget: 64, napUs: 0 },
      { policy: 'round-robin', slotsPerThread: 256, spinBudget: 64, napUs: 0 },
      { policy: 'batch', slotsPerThread: 256, spinBudget: 0, napUs: 200 },
    ]);
    expect(v.map(formatVariant)).toEqual(['batch/16/64', 'round-robin/256/64', 'batch/256/0/200']);
    expect(parseTwqVariants('batch/64/auto').map(formatVariant)).toEqual(['batch/64/auto']);
    expect(variantLabel(v[2])).toBe('twq (batch, 256 slots, spin 0, nap 200 us)');
  });
  it.each(['batch', 'batch/16', 'lifo/16/64', 'batch/0/64', 'batch/5000/64', 'batch/16/-1', 'batch/16/64/x'])('rejects %j', (text) => {
    expect(() => parseTwqVariants(text)).toThrow(/is not a twq setting/);
  });
});
