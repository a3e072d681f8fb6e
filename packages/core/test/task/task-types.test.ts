import { describe, expectTypeOf, it } from 'vitest';
import type { TaskInput, TaskPool, TaskResult } from '../../src/index.js';

declare const taskModule: { default: (input: { a: number; b: string }) => Promise<number[]>; other: (x: string) => boolean };
declare const taskFn: (n: number) => string;

describe('task types', () => {
  it('infers input and result from a task module type or function type', () => {
    expectTypeOf<TaskInput<typeof taskModule>>().toEqualTypeOf<{ a: number; b: string }>();
    expectTypeOf<TaskResult<typeof taskModule>>().toEqualTypeOf<number[]>();
    expectTypeOf<TaskInput<typeof taskFn>>().toEqualTypeOf<number>();
    expectTypeOf<TaskResult<typeof taskFn>>().toEqualTypeOf<string>();
    expectTypeOf<TaskResult<typeof taskModule.other>>().toEqualTypeOf<boolean>();
  });

  it('run, all and map carry them', () => {
    type Pool = TaskPool<TaskInput<typeof taskModule>, TaskResult<typeof taskModule>>;
    expectTypeOf<Pool['run']>().parameter(0).toEqualTypeOf<{ a: number; b: string }>();
    expectTypeOf<ReturnType<Pool['run']>>().toEqualTypeOf<Promise<number[]>>();
    expectTypeOf<ReturnType<Pool['all']>>().toEqualTypeOf<Promise<number[][]>>();
    expectTypeOf<ReturnType<Pool['map']>>().toEqualTypeOf<AsyncIterableIterator<number[]>>();
  });
});
