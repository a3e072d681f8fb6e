import { describe, expectTypeOf, it } from 'vitest';
import type { TaskInput, TaskPool, TaskResult } from '../../src/index.js';

interface TaskModuleShape {
  default: (input: { a: number; b: string }) => Promise<number[]>;
  other: (x: string) => boolean;
}
type TaskFn = (n: number) => string;

describe('task types', () => {
  it('infers input and result from a task module type or function type', () => {
    expectTypeOf<TaskInput<TaskModuleShape>>().toEqualTypeOf<{ a: number; b: string }>();
    expectTypeOf<TaskResult<TaskModuleShape>>().toEqualTypeOf<number[]>();
    expectTypeOf<TaskInput<TaskFn>>().toEqualTypeOf<number>();
    expectTypeOf<TaskResult<TaskFn>>().toEqualTypeOf<string>();
    expectTypeOf<TaskResult<TaskModuleShape['other']>>().toEqualTypeOf<boolean>();
  });

  it('run, all and map carry them', () => {
    type Pool = TaskPool<TaskInput<TaskModuleShape>, TaskResult<TaskModuleShape>>;
    expectTypeOf<Pool['run']>().parameter(0).toEqualTypeOf<{ a: number; b: string }>();
    expectTypeOf<ReturnType<Pool['run']>>().toEqualTypeOf<Promise<number[]>>();
    expectTypeOf<ReturnType<Pool['all']>>().toEqualTypeOf<Promise<number[][]>>();
    expectTypeOf<ReturnType<Pool['map']>>().toEqualTypeOf<AsyncIterableIterator<number[]>>();
  });
});
