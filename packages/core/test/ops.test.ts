import { expectError } from '@twq/test-support/expect-error';
import { describe, expect, it } from 'vitest';
import { defineLayout, defineOps, type Ops } from '../src/index.js';
import { checkOps, resolveOps } from '../src/host-entry.js';

const layout = defineLayout({ a: 'i32' });
const handle = (): void => undefined;

/** Calls defineOps with what the types would refuse. */
function define(ops: unknown): unknown {
  return defineOps(ops as Ops);
}

describe('defineOps', () => {
  it('returns a frozen copy of valid ops', () => {
    const setup = (): number => 1;
    const input = { layout, handle, setup };
    const ops = defineOps(input);
    expect(ops).not.toBe(input);
    expect(Object.isFrozen(ops)).toBe(true);
    expect(ops.layout).toBe(layout);
    expect(ops.handle).toBe(handle);
    expect(ops.setup).toBe(setup);
  });

  it.each([[null], [undefined], [5], ['ops']])('ops %j that is not an object is a TypeError', (value) => {
    expectError(() => define(value), TypeError, 'ops must be an object made with defineOps()', `got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  });

  it('a missing layout, or one not from defineLayout, is a TypeError', () => {
    expectError(() => define({ handle }), TypeError, 'ops.layout must come from defineLayout()', 'got undefined');
    expectError(() => define({ layout: { a: 'i32' }, handle }), TypeError, 'ops.layout must come from defineLayout()');
    expectError(() => define({ layout: 5, handle }), TypeError, 'ops.layout must come from defineLayout()', 'got 5');
  });

  it.each([[undefined, 'undefined'], [5, '5'], ['f', '"f"'], [{}, '[object Object]']])(
    'handle %j is a TypeError naming it',
    (value, type) => {
      expectError(() => define({ layout, handle: value }), TypeError, 'ops.handle must be a function', `got ${type}`);
    },
  );

  it.each(['setup', 'teardown', 'done'])('%s that is not a function is a TypeError naming it; undefined is fine', (name) => {
    expectError(() => define({ layout, handle, [name]: 42 }), TypeError, `ops.${name} must be a function or undefined`, 'got 42');
    expectError(() => define({ layout, handle, [name]: null }), TypeError, `ops.${name} must be a function or undefined`, 'got null');
    expect(() => define({ layout, handle, [name]: undefined })).not.toThrow();
  });
});

describe('checkOps / resolveOps', () => {
  it('checkOps names the place it checks', () => {
    expectError(() => {
      checkOps({ layout }, 'export "myOps"');
    }, TypeError, 'export "myOps".handle must be a function');
  });

  it('resolveOps takes ops as they are, or calls a factory with the options', () => {
    const ops = defineOps({ layout, handle });
    expect(resolveOps(ops, { x: 1 })).toBe(ops);
    const seen: unknown[] = [];
    const factory = (options: unknown): typeof ops => {
      seen.push(options);
      return ops;
    };
    expect(resolveOps(factory, { x: 2 })).toBe(ops);
    expect(seen).toEqual([{ x: 2 }]);
  });

  it('a factory that returns something else is a TypeError naming the export', () => {
    expectError(() => resolveOps(() => ({ handle }), undefined, 'export "ops"'), TypeError, 'export "ops".layout must come from defineLayout()');
    expectError(() => resolveOps(() => null, undefined, 'export "ops"'), TypeError, 'export "ops" must be an object', 'got null');
  });
});
