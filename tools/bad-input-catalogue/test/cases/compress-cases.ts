/**
 * @twq/compress, both builds (node:zlib and browser) and its ops entry points:
 * the bounds and checks, CRC and gzip framing helpers, the block compressors,
 * the queue factories, PageQueue and the parallel gzip encoder and streams.
 * Queues are inline (no threads) unless a case needs an adapter's own check.
 */
import { gunzipSync } from 'node:zlib';
import { QueueDestroyedError, TwqError, maxSharedBytes, type Ops } from '@twq/core';
import {
  BusyError,
  MAX_BLOCK_SIZE,
  MAX_PAGES_PER_REQUEST,
  MAX_PAGE_SIZE,
  MIN_BLOCK_SIZE,
  MIN_PAGE_SIZE,
  PAGE_OK,
  PageError,
  PageQueue,
  ParallelGzipEncoder,
  ParallelGzipStream,
  crc32,
  crc32Combine,
  createPageQueue,
  createParallelGzipEncoder,
  createParallelGzipStream,
  createParallelGzipTransformStream,
  deflateBound,
  inlineQueueFactory,
  nodeGzipBlockOpsUrl,
  nodePageCodec,
  nodePageOpsUrl,
  parallelGzipMemoryBytes,
  type CompressedPages,
  type CompressionFormat,
  type CompressionLevel,
  type GzipOptions,
  type ParallelGzipOptions,
  type QueueFactory,
} from '@twq/compress';
import { nodeBlockCompressor, nodeCrc32, ops as nodeGzipBlockOps } from '@twq/compress/gzip-block-ops';
import { libdeflateBlockCompressor, ops as libdeflateGzipBlockOps } from '@twq/compress/libdeflate-gzip-block-ops';
import { ops as nativeGzipBlockOps } from '@twq/compress/native-gzip-block-ops';
import { ops as nodePageOps } from '@twq/compress/page-ops';
import { createQueue as nodeCreateQueue } from '@twq/node';
import { expect } from 'vitest';
import { badIntegers, casesFor, each, type BadValue, type Case, type Sample } from '../support/case.js';
import { loadEntry } from '../support/entries.js';
import { countingFactory } from '../support/fixtures.js';

type BrowserEntry = typeof import('../../../../packages/compress/dist/browser.js');
type BrowserGzipOps = typeof import('../../../../packages/compress/dist/gzip/browser-block-ops.js');
type BrowserPageOps = typeof import('../../../../packages/compress/dist/pages/browser-page-ops.js');
const browser = (await loadEntry('@twq/compress [browser]')) as unknown as BrowserEntry;
const browserGzipEntry = (await loadEntry('@twq/compress/gzip-block-ops [browser]')) as unknown as BrowserGzipOps;
const browserPageEntry = (await loadEntry('@twq/compress/page-ops [browser]')) as unknown as BrowserPageOps;

const entry = '@twq/compress [node]';
const LEVEL_RANGE = '[0, 9]';
const BLOCK_RANGE = `[${MIN_BLOCK_SIZE}, ${MAX_BLOCK_SIZE}]`;
const PAGE_RANGE = `[${MIN_PAGE_SIZE}, ${MAX_PAGE_SIZE}]`;
const PAGES_PER_REQUEST_RANGE = `[1, ${MAX_PAGES_PER_REQUEST}]`;
/** 16 pages of 1 MiB need 32 MiB of input and output regions: past a request's 16 MiB. */
const pagesPastARequest = (call: (options: object) => unknown): BadValue => ({
  param: 'options.pagesPerRequest',
  label: "16 pages of 1 MiB (more than a request's 16 MiB)",
  value: 16,
  error: RangeError,
  call: () => call({ pageSize: MAX_PAGE_SIZE, pagesPerRequest: 16 }),
  names: ['16', '16777216'],
});
const FORMATS = "'deflate-raw', 'deflate', 'gzip'";
const WORD_RANGE = '[-2147483648, 4294967295]';

const BAD_LEVELS: Sample[] = [...badIntegers({ below: -1, above: 10 }), { label: 'a level name', value: 'best' }];
const BAD_FORMATS: Sample[] = [
  { label: 'unknown', value: 'zip' },
  { label: 'wrong case', value: 'GZIP' },
  { label: 'a number', value: 1 },
  { label: 'null', value: null },
];
const BAD_BYTE_COUNTS: Sample[] = [...badIntegers({ below: -1, positional: true }), { label: 'above 2^53', value: 2 ** 53 }];
const BAD_WORDS: Sample[] = [
  { label: 'NaN', value: Number.NaN },
  { label: 'a fraction', value: 0.5 },
  { label: '2^32 (no bit set as an Int32)', value: 2 ** 32 },
  { label: 'below -2^31', value: -(2 ** 31) - 1 },
  { label: 'a numeric string', value: '7' },
  { label: 'undefined', value: undefined },
];
const NOT_BYTES: Sample[] = [
  { label: 'a string', value: 'text' },
  { label: 'null', value: null },
  { label: 'an ArrayBuffer', value: new ArrayBuffer(8) },
  { label: 'an array of numbers', value: [1, 2, 3] },
];
const NOT_A_FUNCTION: Sample[] = [
  { label: 'a string', value: 'createQueue' },
  { label: 'null', value: null },
  { label: 'an object', value: {} },
];
const NOT_AN_OBJECT: Sample[] = [
  { label: 'a number', value: 5 },
  { label: 'a string', value: 'fast' },
  { label: 'null', value: null },
];

const bytes = new Uint8Array([1, 2, 3, 4]);

/** An inline gzip block queue factory that counts its calls: a refused encoder must not have made a queue. */
function gzipFactory(): QueueFactory & { calls: number } {
  return countingFactory(inlineQueueFactory(nodeGzipBlockOps));
}

/** Encoder options that work (no threads: every block on this thread), with `bad` spread over them. */
function encoderOptions(bad: Record<string, unknown>, factory: QueueFactory = gzipFactory()): ParallelGzipOptions {
  return { createQueue: factory, opsModule: nodeGzipBlockOpsUrl, threads: 0, inlineCompressor: { compress: nodeBlockCompressor, crc32: nodeCrc32 }, blockSize: MIN_BLOCK_SIZE, ...bad };
}

/** Every encoder option with its bad values; `make` builds whatever takes them (the class, a factory, a stream). */
function encoderOptionCases(make: (options: ParallelGzipOptions) => unknown): BadValue[] {
  const refused = (bad: Record<string, unknown>): unknown => {
    const factory = gzipFactory();
    try {
      return make(encoderOptions(bad, factory));
    } finally {
      expect(factory.calls, 'queues made by a refused constructor').toBe(0);
    }
  };
  return [
    ...each('options.createQueue', NOT_A_FUNCTION, TypeError, (v) => refused({ createQueue: v }), { range: "twq adapter's createQueue function" }),
    ...each('options.level', BAD_LEVELS, RangeError, (v) => refused({ level: v }), { range: LEVEL_RANGE }),
    ...each('options.blockSize', [...badIntegers({ below: MIN_BLOCK_SIZE - 1, above: MAX_BLOCK_SIZE + 1 }), { label: 'huge (2^40)', value: 2 ** 40 }], RangeError, (v) => refused({ blockSize: v }), { range: BLOCK_RANGE }),
    ...each('options.threads', [...badIntegers({ below: -1, above: 257 })], RangeError, (v) => refused({ threads: v }), { range: '256]' }),
    { param: 'options.threads', label: '0 without an inlineCompressor', value: 0, error: RangeError, call: () => refused({ threads: 0, inlineCompressor: undefined }), range: '0 only with an inlineCompressor' },
    ...each('options.slotsPerThread', badIntegers({ below: 0, above: 4097 }), RangeError, (v) => refused({ threads: 1, slotsPerThread: v }), { range: '[1, 4096]' }),
    ...each('options.spinBudget', badIntegers({ below: -1, above: 1_000_001 }), RangeError, (v) => refused({ threads: 1, spinBudget: v }), { range: '[0, 1000000]' }),
    ...each('options.queueName', [{ label: 'empty', value: '' }, { label: 'a number', value: 5 }, { label: '65 characters', value: 'g'.repeat(65) }], TypeError, (v) => refused({ queueName: v }), { range: '1 to 64 characters' }),
    ...each(
      'options.opsModule',
      [
        { label: 'a number', value: 42 },
        { label: 'an empty string', value: '' },
        { label: 'a plain object', value: { href: 'x' } },
        // Only what its type says: a URL object, not a string (a path, a data: URL).
        { label: 'a path string', value: '/tmp/ops.mjs' },
        { label: 'a data: URL string', value: 'data:text/javascript,export const ops = 1' },
      ],
      TypeError,
      (v) => refused({ opsModule: v }),
      { range: 'must be a URL object (the URL of a gzip block ops module' },
    ),
    ...(parallelGzipMemoryBytes({ threads: 255, blockSize: MAX_BLOCK_SIZE }) > maxSharedBytes()
      ? [
          {
            param: 'options.threads',
            label: '255 workers of 4 MiB blocks: more shared memory than one SharedArrayBuffer holds',
            value: 255,
            error: RangeError,
            call: () => refused({ threads: 255, blockSize: MAX_BLOCK_SIZE }),
            names: ['threads (255)'],
            range: `more than the ${maxSharedBytes()} bytes this engine allows in one SharedArrayBuffer`,
          },
        ]
      : []),
    ...each(
      'options.inlineCompressor',
      [
        { label: 'a function', value: nodeBlockCompressor },
        { label: 'without crc32', value: { compress: nodeBlockCompressor } },
        { label: 'a string', value: 'zlib' },
      ],
      TypeError,
      (v) => refused({ inlineCompressor: v }),
      { range: 'compress and crc32 functions', names: (v) => (typeof v === 'string' ? undefined : typeof v === 'function' ? ['function'] : ['[object Object]']) },
    ),
    ...each('options.submitterCompression', [{ label: 'unknown', value: 'always' }, { label: 'a boolean', value: true }], RangeError, (v) => refused({ submitterCompression: v }), {
      range: "'never', 'while-starting', 'when-idle'",
    }),
    ...each('options.fileName', [{ label: 'a number', value: 7 }, { label: 'an object', value: { name: 'a.txt' } }], TypeError, (v) => refused({ fileName: v }), { range: 'fileName must be a string' }),
    ...each(
      'options.mtime',
      [
        { label: 'an invalid Date', value: new Date(Number.NaN) },
        { label: 'NaN', value: Number.NaN },
        { label: 'a numeric string', value: '1700000000' },
        { label: 'a boolean', value: true },
      ],
      RangeError,
      (v) => refused({ mtime: v }),
      { range: 'valid Date or a number of seconds', names: (v) => (v instanceof Date ? ['[object Date]'] : undefined) },
    ),
    ...each('options.os', [...badIntegers({ below: -1, above: 256 })], RangeError, (v) => refused({ os: v }), { range: '[0, 255]' }),
  ];
}

/** A started encoder (no threads) and its output; a refused call must leave it able to finish a valid gzip member. */
function encoder(): { e: ParallelGzipEncoder; stillWorks: () => Promise<void> } {
  const out: Uint8Array[] = [];
  const e = new ParallelGzipEncoder(encoderOptions({}), (chunk) => out.push(chunk.slice()));
  return {
    e,
    stillWorks: async () => {
      await e.write(new TextEncoder().encode('still works'));
      await e.finish();
      expect(new TextDecoder().decode(gunzipSync(Buffer.concat(out)))).toBe('still works');
    },
  };
}

/** A page queue on inline queues over the node:zlib page ops. */
async function pages(): Promise<PageQueue> {
  return PageQueue.create(inlineQueueFactory(nodePageOps), nodePageOpsUrl, { pageSize: 1024, name: 'pages' });
}

/** A queue and a valid compressed buffer of it, for the decompress cases. */
async function packedPages(): Promise<{ q: PageQueue; packed: CompressedPages; data: Uint8Array }> {
  const q = await pages();
  const data = new TextEncoder().encode('page '.repeat(600));
  const packed = await q.compress(data);
  return { q, packed, data };
}

/** Decompress cases: `spoil` makes a bad CompressedPages from a good one; afterwards the queue still round-trips. */
function decompressCase(
  member: '#decompress' | '#decompressSync',
  label: string,
  value: unknown,
  error: typeof TypeError | typeof RangeError | typeof PageError,
  spoil: (p: CompressedPages) => unknown,
  names: readonly string[],
  range?: string,
): Case {
  return {
    entry,
    subject: 'PageQueue',
    member,
    param: 'packed',
    label,
    value,
    error,
    names,
    ...(range === undefined ? {} : { range }),
    call: async () => {
      const { q, packed, data } = await packedPages();
      try {
        const bad = spoil(packed) as CompressedPages;
        return member === '#decompress' ? await q.decompress(bad) : q.decompressSync(bad);
      } finally {
        expect(await q.decompress(packed)).toEqual(data);
        await q.destroy();
      }
    },
  };
}

const pageSpoilers: [string, unknown, typeof TypeError | typeof RangeError | typeof PageError, (p: CompressedPages) => unknown, string[], string?][] = [
  ['null', null, TypeError, () => null, ['null'], 'CompressedPages object from compress()'],
  ['a Uint8Array', new Uint8Array(4), TypeError, () => new Uint8Array(4), ['[object Uint8Array]'], 'CompressedPages object from compress()'],
  ['another format', 'gzip', RangeError, (p) => ({ ...p, format: 'gzip' }), ["'gzip'"], "this queue decompresses 'deflate-raw'"],
  ['a page size over the queue’s', 4096, RangeError, (p) => ({ ...p, pageSize: 4096 }), ['4096'], '[1, 1024]'],
  ['a byteLength that does not match the pages', 99_999, RangeError, (p) => ({ ...p, byteLength: 99_999 }), ['99999']],
  ['a page status that is not OK or INCOMPRESSIBLE', 7, PageError, (p) => ({ ...p, status: Uint8Array.from(p.status, (s, i) => (i === 1 ? 7 : s)) }), ['got 7'], 'page 1'],
  ['a page that is not bytes', 'page', PageError, (p) => ({ ...p, pages: p.pages.map((b, i) => (i === 0 ? 'page' : b)) }), ['"page"'], 'page 0'],
  ['a compressed page longer than its bound', 5000, PageError, (p) => ({ ...p, pages: p.pages.map((b, i) => (i === 0 ? new Uint8Array(5000) : b)) }), ['5000 bytes'], 'page 0'],
];


export const compressCases: Case[] = [
  // ---- sizes, levels, formats ----
  ...casesFor({ entry, subject: 'deflateBound' }, [
    ...each('length', BAD_BYTE_COUNTS, RangeError, (v) => deflateBound(v as number), { range: 'safe integer >= 0' }),
    ...each('format', BAD_FORMATS, RangeError, (v) => deflateBound(4096, v as CompressionFormat), { range: FORMATS }),
  ]),

  // ---- CRC-32 and gzip framing ----
  ...casesFor({ entry, subject: 'crc32' }, [
    ...each('data', NOT_BYTES, TypeError, (v) => crc32(v as Uint8Array), { range: 'Uint8Array' }),
    ...each('previous', BAD_WORDS.filter((s) => s.value !== undefined), RangeError, (v) => crc32(bytes, v as number), { range: WORD_RANGE }),
  ]),
  ...casesFor({ entry, subject: 'crc32Combine' }, [
    ...each('crcA', BAD_WORDS, RangeError, (v) => crc32Combine(v as number, 0, 4), { range: WORD_RANGE }),
    ...each('crcB', BAD_WORDS, RangeError, (v) => crc32Combine(0, v as number, 4), { range: WORD_RANGE }),
    ...each('lengthB', BAD_BYTE_COUNTS, RangeError, (v) => crc32Combine(0, 0, v as number), { range: 'safe integer >= 0' }),
  ]),

  // ---- block compressors and ops ----
  ...[
    { subject: 'nodeBlockCompressor', e: '@twq/compress/gzip-block-ops [node]', fn: nodeBlockCompressor },
    { subject: 'pakoBlockCompressor', e: '@twq/compress/gzip-block-ops [browser]', fn: browserGzipEntry.pakoBlockCompressor },
    { subject: 'libdeflateBlockCompressor', e: '@twq/compress/libdeflate-gzip-block-ops', fn: libdeflateBlockCompressor },
  ].flatMap(({ subject, e, fn }) =>
    casesFor({ entry: e, subject }, [
      ...each('input', NOT_BYTES, TypeError, (v) => fn(v as Uint8Array, undefined, true, 6), { range: 'Uint8Array' }),
      ...each('dictionary', [{ label: 'a string', value: 'dict' }, { label: 'null', value: null }, { label: 'a number', value: 32 }], TypeError, (v) => fn(bytes, v as Uint8Array, true, 6), { range: 'Uint8Array' }),
      ...each('last', [{ label: 'a number', value: 1 }, { label: 'a string', value: 'false' }, { label: 'undefined', value: undefined }], TypeError, (v) => fn(bytes, undefined, v as boolean, 6), { range: 'boolean' }),
      ...each('level', BAD_LEVELS, RangeError, (v) => fn(bytes, undefined, true, v as CompressionLevel), { range: LEVEL_RANGE }),
    ]),
  ),
  ...casesFor({ entry: '@twq/compress/gzip-block-ops [node]', subject: 'nodeCrc32' }, each('data', NOT_BYTES, TypeError, (v) => nodeCrc32(v as Uint8Array), { range: 'Uint8Array' })),
  ...[
    { e: '@twq/compress/gzip-block-ops [node]', subject: 'ops', fn: nodeGzipBlockOps },
    { e: '@twq/compress/gzip-block-ops [browser]', subject: 'ops', fn: browserGzipEntry.ops },
    { e: '@twq/compress/native-gzip-block-ops', subject: 'ops', fn: nativeGzipBlockOps },
    { e: '@twq/compress/libdeflate-gzip-block-ops', subject: 'ops', fn: libdeflateGzipBlockOps },
  ].flatMap(({ e, subject, fn }) =>
    casesFor({ entry: e, subject }, [
      ...each('options', NOT_AN_OBJECT, TypeError, (v) => fn(v as object), { range: 'object or undefined' }),
      ...each('options.level', BAD_LEVELS, RangeError, (v) => fn({ level: v as CompressionLevel }), { range: LEVEL_RANGE }),
      ...each('options.blockSize', badIntegers({ below: MIN_BLOCK_SIZE - 1, above: MAX_BLOCK_SIZE + 1 }), RangeError, (v) => fn({ blockSize: v as number }), { range: BLOCK_RANGE }),
    ]),
  ),
  ...[
    { e: '@twq/compress/page-ops [node]', subject: 'ops', fn: nodePageOps },
    { e: '@twq/compress/page-ops [browser]', subject: 'ops', fn: browserPageEntry.ops },
  ].flatMap(({ e, subject, fn }) =>
    casesFor({ entry: e, subject }, [
      ...each('options', NOT_AN_OBJECT, TypeError, (v) => fn(v as object), { range: 'object or undefined' }),
      ...each('options.format', BAD_FORMATS.filter((s) => s.value !== null), RangeError, (v) => fn({ format: v as CompressionFormat }), { range: FORMATS }),
      ...each('options.level', BAD_LEVELS, RangeError, (v) => fn({ level: v as CompressionLevel }), { range: LEVEL_RANGE }),
      ...each('options.pageSize', [...badIntegers({ below: MIN_PAGE_SIZE - 1, above: MAX_PAGE_SIZE + 1 }), { label: 'huge (2^40)', value: 2 ** 40 }], RangeError, (v) => fn({ pageSize: v as number }), { range: PAGE_RANGE }),
      ...each('options.pagesPerRequest', badIntegers({ below: 0, above: MAX_PAGES_PER_REQUEST + 1 }), RangeError, (v) => fn({ pagesPerRequest: v as number }), { range: PAGES_PER_REQUEST_RANGE }),
      pagesPastARequest((o) => fn(o)),
    ]),
  ),

  // ---- page codecs (the methods a handler calls per page) ----
  ...[
    { subject: 'nodePageCodec', e: entry, codec: nodePageCodec },
    { subject: 'fflatePageCodec', e: '@twq/compress [browser]', codec: browser.fflatePageCodec },
    { subject: 'libdeflatePageCodec', e: '@twq/compress [browser]', codec: browser.libdeflatePageCodec },
  ].flatMap(({ subject, e, codec }) => {
    const stream = codec.compress(new Uint8Array(64), 'deflate-raw', 1);
    const room = (): Uint8Array => new Uint8Array(256);
    return [
      ...casesFor({ entry: e, subject: `${subject}.compress` }, [
        ...each('input', NOT_BYTES, TypeError, (v) => codec.compress(v as Uint8Array, 'deflate-raw', 1), { range: 'Uint8Array' }),
        ...each('format', BAD_FORMATS, RangeError, (v) => codec.compress(bytes, v as CompressionFormat, 1), { range: FORMATS }),
        ...each('level', BAD_LEVELS, RangeError, (v) => codec.compress(bytes, 'deflate-raw', v as CompressionLevel), { range: LEVEL_RANGE }),
      ]),
      ...casesFor({ entry: e, subject: `${subject}.compressInto` }, [
        ...each('input', NOT_BYTES, TypeError, (v) => codec.compressInto(v as Uint8Array, 'deflate-raw', 1, room()), { range: 'Uint8Array' }),
        ...each('format', BAD_FORMATS, RangeError, (v) => codec.compressInto(bytes, v as CompressionFormat, 1, room()), { range: FORMATS }),
        ...each('level', BAD_LEVELS, RangeError, (v) => codec.compressInto(bytes, 'deflate-raw', v as CompressionLevel, room()), { range: LEVEL_RANGE }),
        // A string output once reached a native assertion that aborted the process.
        ...each('output', [...NOT_BYTES, { label: 'a DataView', value: new DataView(new ArrayBuffer(256)) }], TypeError, (v) => codec.compressInto(bytes, 'gzip', 1, v as Uint8Array), {
          range: 'Uint8Array',
        }),
      ]),
      ...casesFor({ entry: e, subject: `${subject}.decompress` }, [
        ...each('input', NOT_BYTES, TypeError, (v) => codec.decompress(v as Uint8Array, 'deflate-raw', 4096), { range: 'Uint8Array' }),
        ...each('format', BAD_FORMATS, RangeError, (v) => codec.decompress(stream, v as CompressionFormat, 4096), { range: FORMATS }),
        ...each('maxLength', badIntegers({ below: -5, above: 2 ** 31, positional: true }), RangeError, (v) => codec.decompress(stream, 'deflate-raw', v as number), {
          range: '[0, 2147483647]',
        }),
      ]),
    ];
  }),

  // ---- queue factories ----
  ...casesFor({ entry, subject: 'inlineQueueFactory' }, each(
    'ops',
    [{ label: 'null', value: null }, { label: 'a number', value: 3 }, { label: 'an object without handle', value: { layout: nodeGzipBlockOps().layout } }],
    TypeError,
    (v) => inlineQueueFactory(v as Ops),
    { names: (v) => (typeof v === 'object' && v !== null ? ['undefined'] : undefined) },
  )),
  ...casesFor({ entry: '@twq/compress [browser]', subject: 'browserQueueFactory' }, each('createQueue', NOT_A_FUNCTION, TypeError, (v) => browser.browserQueueFactory(v as never, 'worker.js'), { range: "twq adapter's createQueue function" })),

  // ---- PageQueue ----
  ...[
    { e: entry, subject: 'PageQueue', member: 'static create', make: (f: unknown, o: unknown) => PageQueue.create(f as QueueFactory, nodePageOpsUrl, o as object) },
    { e: entry, subject: 'createPageQueue', member: '', make: (f: unknown, o: unknown) => createPageQueue(f as QueueFactory, o as object) },
    { e: '@twq/compress [browser]', subject: 'createPageQueue', member: '', make: (f: unknown, o: unknown) => browser.createPageQueue(f as QueueFactory, o as object) },
  ].flatMap(({ e, subject, member, make }) => {
    const inline = (): QueueFactory & { calls: number } => countingFactory(inlineQueueFactory(nodePageOps));
    const refusedBeforeQueue = (o: unknown): unknown => {
      const f = inline();
      try {
        return make(f, o);
      } finally {
        expect(f.calls, 'queues made by a refused create').toBe(0);
      }
    };
    return casesFor({ entry: e, subject, member }, [
      ...each('createQueue', NOT_A_FUNCTION, TypeError, (v) => make(v, {}), { range: "twq adapter's createQueue function" }),
      ...each('options', NOT_AN_OBJECT, TypeError, (v) => refusedBeforeQueue(v), { range: 'object or undefined' }),
      ...each('options.format', BAD_FORMATS.filter((s) => s.value !== null), RangeError, (v) => refusedBeforeQueue({ format: v }), { range: FORMATS }),
      ...each('options.level', BAD_LEVELS, RangeError, (v) => refusedBeforeQueue({ level: v }), { range: LEVEL_RANGE }),
      ...each('options.pageSize', badIntegers({ below: MIN_PAGE_SIZE - 1, above: MAX_PAGE_SIZE + 1 }), RangeError, (v) => refusedBeforeQueue({ pageSize: v }), { range: PAGE_RANGE }),
      ...each('options.pagesPerRequest', badIntegers({ below: 0, above: MAX_PAGES_PER_REQUEST + 1 }), RangeError, (v) => refusedBeforeQueue({ pagesPerRequest: v }), { range: PAGES_PER_REQUEST_RANGE }),
      pagesPastARequest((o) => refusedBeforeQueue(o)),
      ...each('options.threads', badIntegers({ below: 0, above: 257 }), RangeError, (v) => make(inline(), { threads: v }), { range: '[1, 256]' }),
      ...each('options.slotsPerThread', badIntegers({ below: 0, above: 4097 }), RangeError, (v) => make(inline(), { slotsPerThread: v }), { range: '[1, 4096]' }),
      ...each('options.name', [{ label: 'empty', value: '' }, { label: 'a number', value: 9 }], TypeError, (v) => make(inline(), { name: v }), { range: '1 to 64 characters' }),
      ...each('options.policy', [{ label: 'unknown', value: 'fifo' }], RangeError, (v) => make(inline(), { policy: v }), { range: "'batch', 'round-robin'" }),
      ...each('options.spinBudget', badIntegers({ below: -1, above: 1_000_001 }), RangeError, (v) => make(inline(), { spinBudget: v }), { range: '[0, 1000000]' }),
      // A URL object only, as its type says: a string is refused here, before any queue is made.
      ...each('options.opsModule', [{ label: 'a number', value: 42 }, { label: 'an empty string', value: '' }, { label: 'a path string', value: '/tmp/ops.mjs' }], TypeError, (v) => make(nodeCreateQueue, { opsModule: v }), { range: 'must be a URL object' }),
      {
        param: 'options.pageSize',
        label: 'a queue too large for one SharedArrayBuffer (256 threads x 4096 slots of 1 MiB pages)',
        value: 4096,
        error: RangeError,
        call: () => make(inline(), { pageSize: MAX_PAGE_SIZE, slotsPerThread: 4096, threads: 256 }),
        names: ['slotsPerThread (4096)'],
        range: 'bytes of shared memory',
      },
    ]);
  }),
  ...casesFor({ entry, subject: 'PageQueue', member: 'static create' }, each('opsModule', [{ label: 'a number', value: 7 }, { label: 'null', value: null }, { label: 'a data: URL string', value: 'data:text/javascript,' }], TypeError, (v) => PageQueue.create(nodeCreateQueue, v as URL, {}), { range: 'must be a URL object' })),
  ...(['#compress', '#compressSync'] as const).flatMap((member) =>
    casesFor({ entry, subject: 'PageQueue', member }, each('data', NOT_BYTES, TypeError, async (v) => {
      const q = await pages();
      try {
        return await (member === '#compress' ? q.compress(v as Uint8Array) : q.compressSync(v as Uint8Array));
      } finally {
        const data = new Uint8Array(3000).fill(7);
        expect(await q.decompress(await q.compress(data))).toEqual(data);
        await q.destroy();
      }
    }, { range: 'data must be a Uint8Array' })),
  ),
  ...(['#decompress', '#decompressSync'] as const).flatMap((member) => pageSpoilers.map(([label, value, error, spoil, names, range]) => decompressCase(member, label, value, error, spoil, names, range))),
  ...casesFor({ entry, subject: 'PageQueue', member: '#compress' }, [
    {
      param: 'this',
      label: 'while another operation runs',
      value: 'compress()',
      error: BusyError,
      code: 'ERR_TWQ_BUSY',
      call: async () => {
        const q = await pages();
        const data = new Uint8Array(50_000).fill(1);
        const first = q.compress(data);
        try {
          return await q.compress(data);
        } finally {
          const packed = await first;
          expect(packed.status.every((s) => s === PAGE_OK)).toBe(true);
          await q.destroy();
        }
      },
      names: ['compress()'],
      range: 'busy with another operation',
    },
    {
      param: 'this',
      label: 'after destroy()',
      value: 'pages',
      error: QueueDestroyedError,
      code: 'ERR_TWQ_DESTROYED',
      call: async () => {
        const q = await pages();
        await q.destroy();
        return q.compress(new Uint8Array(10));
      },
      names: ['"pages"'],
      range: 'is not allowed after destroy()',
    },
  ]),

  // ---- parallel gzip: the encoder, its factory, the streams ----
  ...casesFor({ entry, subject: 'ParallelGzipEncoder', member: 'new' }, [
    ...each('options', NOT_AN_OBJECT, TypeError, (v) => new ParallelGzipEncoder(v as ParallelGzipOptions, () => undefined), { range: 'options must be an object' }),
    ...each('onChunk', NOT_A_FUNCTION, TypeError, (v) => new ParallelGzipEncoder(encoderOptions({}), v as () => void), { range: 'onChunk must be a function' }),
    ...encoderOptionCases((o) => new ParallelGzipEncoder(o, () => undefined)),
  ]),
  ...casesFor({ entry, subject: 'createParallelGzipEncoder' }, [
    ...each('options', NOT_AN_OBJECT, TypeError, (v) => createParallelGzipEncoder(v as GzipOptions, () => undefined), { range: 'options must be an object' }),
    ...each('onChunk', NOT_A_FUNCTION, TypeError, (v) => createParallelGzipEncoder(encoderOptions({}), v as () => void), { range: 'onChunk must be a function' }),
    ...encoderOptionCases((o) => createParallelGzipEncoder(o, () => undefined)),
  ]),
  ...casesFor({ entry, subject: 'ParallelGzipStream', member: 'new' }, [
    ...each('options', NOT_AN_OBJECT, TypeError, (v) => new ParallelGzipStream(v as ParallelGzipOptions), { range: 'options must be an object' }),
    ...encoderOptionCases((o) => new ParallelGzipStream(o)),
    ...each('options.writableHighWaterMark', [{ label: 'negative', value: -1 }, { label: 'a string', value: 'big' }, { label: 'NaN', value: Number.NaN }], TypeError, (v) => new ParallelGzipStream({ ...encoderOptions({}), writableHighWaterMark: v as number }), { range: 'writableHighWaterMark' }),
    ...each('options.readableHighWaterMark', [{ label: 'negative', value: -1 }, { label: 'a fraction', value: 1.5 }], TypeError, (v) => new ParallelGzipStream({ ...encoderOptions({}), readableHighWaterMark: v as number }), { range: 'readableHighWaterMark' }),
  ]),
  ...casesFor({ entry, subject: 'createParallelGzipStream' }, [
    ...each('options', NOT_AN_OBJECT, TypeError, (v) => createParallelGzipStream(v as GzipOptions), { range: 'options must be an object' }),
    ...encoderOptionCases((o) => createParallelGzipStream(o)),
    ...each('options.writableHighWaterMark', [{ label: 'negative', value: -1 }], TypeError, (v) => createParallelGzipStream({ ...(encoderOptions({}) as GzipOptions), writableHighWaterMark: v as number }), { range: 'writableHighWaterMark' }),
    ...each('options.readableHighWaterMark', [{ label: 'Infinity', value: Infinity }], TypeError, (v) => createParallelGzipStream({ ...(encoderOptions({}) as GzipOptions), readableHighWaterMark: v as number }), { range: 'readableHighWaterMark' }),
  ]),
  ...[
    { e: entry, make: createParallelGzipTransformStream },
    { e: '@twq/compress [browser]', make: browser.createParallelGzipTransformStream },
  ].flatMap(({ e, make }) =>
    casesFor({ entry: e, subject: 'createParallelGzipTransformStream' }, [
      ...encoderOptionCases((o) => make(o)),
      ...each('options', NOT_AN_OBJECT, TypeError, (v) => make(v as GzipOptions), { range: 'options must be an object' }),
      ...each('writableStrategy', [{ label: 'a string', value: 'big' }], TypeError, (v) => make(encoderOptions({}), v as QueuingStrategy<Uint8Array>), { names: () => ["('big')"] }),
      ...each('writableStrategy', [{ label: 'a negative highWaterMark', value: { highWaterMark: -1 } }], RangeError, (v) => make(encoderOptions({}), v as QueuingStrategy<Uint8Array>), { names: () => ['Received -1'] }),
      ...each('readableStrategy', [{ label: 'a number', value: 5 }, { label: 'a size that is not a function', value: { size: 5 } }], TypeError, (v) => make(encoderOptions({}), undefined, v as QueuingStrategy<Uint8Array>), { names: () => ['(5)'] }),
    ]),
  ),
  ...(['#write', '#writeSync'] as const).flatMap((member) =>
    casesFor({ entry, subject: 'ParallelGzipEncoder', member }, each('chunk', NOT_BYTES, TypeError, async (v) => {
      const { e, stillWorks } = encoder();
      try {
        if (member === '#write') await e.write(v as Uint8Array);
        else e.writeSync(v as Uint8Array);
      } finally {
        await stillWorks();
      }
    }, { range: 'chunk must be a Uint8Array' })),
  ),
  ...casesFor({ entry, subject: 'ParallelGzipEncoder', member: '#commit' }, each('length', [...badIntegers({ below: -1, positional: true }), { label: 'more than the view from reserve()', value: MIN_BLOCK_SIZE + 1 }], RangeError, async (v) => {
    const { e, stillWorks } = encoder();
    const view = await e.reserve();
    expect(view.length).toBe(MIN_BLOCK_SIZE);
    try {
      e.commit(v as number);
    } finally {
      await stillWorks();
    }
  }, { range: `[0, ${MIN_BLOCK_SIZE}]` })),
  ...casesFor({ entry, subject: 'ParallelGzipEncoder', member: '#writeSync' }, [
    {
      param: 'this',
      label: 'before start()',
      value: 'writeSync()',
      error: TwqError,
      code: 'ERR_TWQ_GZIP_NOT_STARTED',
      call: async () => {
        const { e, stillWorks } = encoder();
        try {
          e.writeSync(bytes);
        } finally {
          await stillWorks();
        }
      },
      names: ['writeSync()'],
      range: 'needs await start() first',
    },
  ]),
  ...casesFor({ entry, subject: 'ParallelGzipEncoder', member: '#write' }, [
    {
      param: 'this',
      label: 'after finish()',
      value: 'write()',
      error: TwqError,
      code: 'ERR_TWQ_GZIP_FINISHED',
      call: async () => {
        const { e, stillWorks } = encoder();
        await stillWorks();
        return e.write(bytes);
      },
      names: ['write()'],
      range: 'after finish()',
    },
    {
      param: 'this',
      label: 'while another write runs',
      value: 'write()',
      error: BusyError,
      code: 'ERR_TWQ_BUSY',
      call: async () => {
        const out: Uint8Array[] = [];
        const e = new ParallelGzipEncoder(encoderOptions({ threads: 1, inlineCompressor: undefined }), (c) => out.push(c.slice()));
        const big = new Uint8Array(4 * MIN_BLOCK_SIZE).fill(3);
        const first = e.write(big);
        try {
          await e.write(big);
        } finally {
          await first;
          await e.finish();
          expect(gunzipSync(Buffer.concat(out))).toEqual(Buffer.from(big));
        }
      },
      names: ['write()'],
      range: 'busy with another operation',
    },
  ]),
  // Only where the engine's limit is below 4 TiB (Node.js 20: 4 GiB; Node.js 22 and 24 allow 2^53 - 1 bytes, more than any encoder needs).
  ...(parallelGzipMemoryBytes({ threads: 256, slotsPerThread: 4096, blockSize: MAX_BLOCK_SIZE }) > maxSharedBytes()
    ? casesFor({ entry, subject: 'ParallelGzipEncoder', member: 'new' }, [
        {
          param: 'options.slotsPerThread',
          label: 'workers too many for one SharedArrayBuffer (256 threads x 4096 slots of 4 MiB blocks): refused when made, before any output',
          value: 4096,
          error: RangeError,
          call: () => new ParallelGzipEncoder(encoderOptions({ threads: 256, slotsPerThread: 4096, blockSize: MAX_BLOCK_SIZE, inlineCompressor: undefined }), () => undefined),
          names: ['slotsPerThread (4096)'],
          range: 'bytes of shared memory',
        },
      ])
    : []),
  ...casesFor({ entry, subject: 'parallelGzipMemoryBytes' }, [
    ...each('options', [{ label: 'null', value: null }, { label: 'a number', value: 5 }], TypeError, (v) => parallelGzipMemoryBytes(v as never), { range: 'object or undefined' }),
    ...each('options.threads', badIntegers({ below: -1, above: 257 }), RangeError, (v) => parallelGzipMemoryBytes({ threads: v as number }), { range: '[0, 256]' }),
    ...each('options.slotsPerThread', badIntegers({ below: 0, above: 4097 }), RangeError, (v) => parallelGzipMemoryBytes({ slotsPerThread: v as number }), { range: '[1, 4096]' }),
    ...each('options.blockSize', badIntegers({ below: MIN_BLOCK_SIZE - 1, above: MAX_BLOCK_SIZE + 1 }), RangeError, (v) => parallelGzipMemoryBytes({ blockSize: v as number }), { range: BLOCK_RANGE }),
  ]),
];
