/**
 * The task file of the task-API benchmarks, in piscina's convention: the
 * default export is `(input) => output`. piscina loads it with
 * `new Piscina({ filename })`, twq with `createPool({ filename })`, unchanged.
 * It returns its input: the value crosses to the worker and back.
 */
export default function echo(input: unknown): unknown {
  return input;
}
