import { describeValue } from '../errors.js';
import { maxSharedBytes } from '../memory-layout.js';
import type { Request } from '../ops.js';
import { arenaBytes, createArenaBuffer, SlotArena, type ArenaBytes } from './slot-arena.js';
import type { TaskCodec } from './task-queue.js';
import { ARENA_OPTION, MAX_VALUE_OPTION, type ValueOpsOptions } from './value-ops.js';
import { ValuePort, type ValueSpec } from './value-port.js';

/** Default inline region each way, per slot (a 1 KiB typed array and its header fit). */
export const DEFAULT_INLINE_BYTES = 1088;
/** Default largest value: 64 MiB encoded. */
export const DEFAULT_MAX_VALUE_BYTES = 64 * 1024 * 1024;
/** Default size limit of each overflow arena (reserved address space; memory is used as values need it). */
export const DEFAULT_MAX_ARENA_BYTES = 1024 * 1024 * 1024;
const MAX_INLINE_BYTES = 1024 * 1024;
/** Largest arena: 1 TiB of address space, or less where the engine's largest SharedArrayBuffer is smaller (see maxSharedBytes). */
const MAX_ARENA_BYTES = 2 ** 40;

/** The value-mode sizes a pool takes. */
export interface ValueModeOptions {
  /** Bytes of each slot's inline region, each way; larger values go through the overflow arena. Default 1088. */
  inlineBytes?: number;
  /** Largest encoded value, either way. Default 64 MiB. A larger one is a RangeError naming its size. */
  maxValueBytes?: number;
  /** Limit of each overflow arena (one for inputs, one per worker for results). Default 1 GiB of address space. */
  maxArenaBytes?: number;
}

/** Value-mode sizes after defaults and checks. */
export interface ResolvedValueMode {
  readonly inlineBytes: number;
  readonly maxValueBytes: number;
  readonly maxArenaBytes: number;
}

/** Applies the defaults to value-mode options and checks them (typed errors naming the value and range). */
export function resolveValueMode(o: ValueModeOptions): ResolvedValueMode {
  if (typeof o !== 'object' || (o as unknown) === null) throw new TypeError(`the value-mode options must be an object, got ${describeValue(o)}`);
  const inlineBytes = o.inlineBytes ?? DEFAULT_INLINE_BYTES;
  if (!Number.isInteger(inlineBytes) || inlineBytes < 16 || inlineBytes > MAX_INLINE_BYTES) {
    throw new RangeError(`inlineBytes must be an integer in [16, ${MAX_INLINE_BYTES}], got ${describeValue(inlineBytes)}`);
  }
  const maxArenaBytes = o.maxArenaBytes ?? DEFAULT_MAX_ARENA_BYTES;
  // An arena is one SharedArrayBuffer viewed whole: no larger than this engine allows.
  const maxArena = Math.min(MAX_ARENA_BYTES, maxSharedBytes());
  if (!Number.isInteger(maxArenaBytes) || maxArenaBytes < 4096 || maxArenaBytes > maxArena) {
    throw new RangeError(`maxArenaBytes must be an integer in [4096, ${maxArena}] (the largest SharedArrayBuffer this engine allows), got ${describeValue(maxArenaBytes)}`);
  }
  const maxValueBytes = o.maxValueBytes ?? Math.min(DEFAULT_MAX_VALUE_BYTES, maxArenaBytes - 64);
  if (!Number.isInteger(maxValueBytes) || maxValueBytes < 1 || maxValueBytes > maxArenaBytes - 64) {
    throw new RangeError(`maxValueBytes must be an integer in [1, maxArenaBytes - 64 = ${maxArenaBytes - 64}], got ${describeValue(maxValueBytes)}`);
  }
  return { inlineBytes, maxValueBytes, maxArenaBytes };
}

/** The workers' options of a value-mode queue: sizes and freshly made arenas. */
export function createValueOpsOptions(mode: ResolvedValueMode, threads: number): ValueOpsOptions {
  let inputArena: SharedArrayBuffer;
  const resultArenas: SharedArrayBuffer[] = [];
  try {
    inputArena = createArenaBuffer(mode.maxArenaBytes);
    for (let t = 0; t < threads; t++) resultArenas.push(createArenaBuffer(mode.maxArenaBytes));
  } catch (e) {
    throw new RangeError(`cannot reserve ${threads + 1} overflow arenas of maxArenaBytes (${mode.maxArenaBytes} bytes) each: ${(e as Error).message}`, { cause: e });
  }
  return { inlineBytes: mode.inlineBytes, maxValueBytes: mode.maxValueBytes, inputArena, resultArenas };
}

/**
 * The submitter's side of value mode: writes inputs into slots (or the input
 * arena), reads results from slots (or the worker's result arena), copying
 * typed arrays out of shared memory (the result outlives the slot).
 */
export class ValueTaskCodec<I, R> implements TaskCodec<I, R, ValueSpec> {
  private readonly port: ValuePort;
  private readonly inputs: SlotArena;
  private readonly results: readonly ArenaBytes[];

  constructor(
    options: ValueOpsOptions,
    slots: number,
    /** Which task function (index + 1) the requests run. */
    private readonly op: number,
  ) {
    this.port = new ValuePort(options.maxValueBytes, MAX_VALUE_OPTION, ARENA_OPTION);
    this.inputs = new SlotArena(options.inputArena, slots);
    this.results = options.resultArenas.map(arenaBytes);
  }

  write(request: Request<ValueSpec>, input: I): void {
    const at = this.port.put(input, request.input, this.inputs, request.slot, 'the input');
    request.inArena = at < 0 ? 0 : 1;
    request.inAt = at;
    request.op = this.op;
  }

  skip(request: Request<ValueSpec>): void {
    request.op = 0;
  }

  read(request: Request<ValueSpec>): R {
    return this.port.get(request.output, this.results[request.worker], request.outArena === 0 ? -1 : request.outAt, false) as R;
  }
}
