// The supervisor thread holds its early workers' events (and the main thread
// the supervisor's) until their handler exists: none may be lost or reordered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldEvents } from '../dist/held-events.js';

describe('HeldEvents', () => {
  it('runs nothing before release(), then every held event in arrival order, then each new one at once', () => {
    fc.assert(
      fc.property(fc.nat({ max: 20 }), fc.nat({ max: 20 }), (before, after) => {
        const held = new HeldEvents();
        const ran: number[] = [];
        for (let i = 0; i < before; i++) held.run(() => ran.push(i));
        expect(ran).toEqual([]);
        held.release();
        expect(ran).toEqual([...Array(before).keys()]);
        for (let i = before; i < before + after; i++) {
          held.run(() => ran.push(i));
          expect(ran.length).toBe(i + 1);
        }
        held.release();
        expect(ran).toEqual([...Array(before + after).keys()]);
      }),
    );
  });
});
