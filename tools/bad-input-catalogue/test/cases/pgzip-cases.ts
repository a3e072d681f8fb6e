/** @twq/pgzip, the command's parts for embedding: parseCli, main and the suffix helpers. */
import { PassThrough, Readable } from 'node:stream';
import { UsageError, decompressedName, hasCompressedSuffix, main, parseCli, type Io } from '@twq/pgzip';
import { expect } from 'vitest';
import { casesFor, each, type Case, type Sample } from '../support/case.js';

const entry = '@twq/pgzip';

/** Streams that record what the command writes: nothing may be written by a refused call. */
function io(): Io & { written: () => string } {
  const out: string[] = [];
  const stdout = new PassThrough();
  stdout.on('data', (b: Buffer) => out.push(b.toString()));
  return { stdin: Readable.from([]), stdout, stderr: { write: (text: string) => out.push(text) > 0 }, version: '0.0.0', written: () => out.join('') };
}

const NOT_ARGV: Sample[] = [
  { label: 'a string (would be spread into characters)', value: '-9 file' },
  { label: 'null', value: null },
  { label: 'an array holding a number', value: ['-p', 2] },
  { label: 'an arguments-like object', value: { length: 0 } },
];
const NOT_A_NAME: Sample[] = [
  { label: 'a number', value: 5 },
  { label: 'null', value: null },
  { label: 'a URL', value: new URL('file:///tmp/a.gz') },
];

/** -S's suffix as the helpers take it: 1 to 30 bytes, no '/'. */
const BAD_SUFFIXES: Sample[] = [
  { label: 'empty', value: '' },
  { label: 'longer than 30 bytes', value: '.1234567890123456789012345678901' },
  { label: 'with a slash', value: '.g/z' },
  { label: 'null', value: null },
  { label: 'a number', value: 5 },
];

export const pgzipCases: Case[] = [
  ...casesFor({ entry, subject: 'parseCli' }, [
    ...each('argv', NOT_ARGV, TypeError, (v) => parseCli(v as string[]), {
      range: 'argv must be an array of strings',
      names: (v) => (Array.isArray(v) ? ['holding 2'] : typeof v === 'object' && v !== null ? ['[object Object]'] : undefined),
    }),
    // getopt's words, as gzip prints them (main() adds "Try 'twq-gzip --help' for more information.").
    ...each('argv', [{ label: 'an unknown flag', value: '--fastest' }, { label: 'a value where none is taken', value: '--keep=1' }], UsageError, (v) => parseCli([v as string]), {
      names: (v) => [v === '--keep=1' ? "'--keep'" : "'--fastest'"],
      range: 'option',
    }),
    ...each('argv', [{ label: 'an unknown short flag', value: '-0' }], UsageError, (v) => parseCli([v as string]), { names: () => ["'0'"], range: 'invalid option' }),
    ...each('argv', [{ label: 'an empty suffix', value: '' }, { label: 'a suffix with a slash', value: '.g/z' }], UsageError, (v) => parseCli(['-S', v as string]), {
      names: (v) => [`'${String(v)}'`],
      range: 'invalid suffix',
    }),
    ...each('env', [{ label: 'GZIP=-c (not allowed there)', value: '-c' }, { label: 'GZIP=file (an operand)', value: 'file' }], UsageError, (v) => parseCli([], { GZIP: v as string }), {
      names: (v) => [String(v)],
      range: 'GZIP environment variable',
    }),
    ...each('argv', [{ label: '-p 0', value: '0' }, { label: '-p 257', value: '257' }], UsageError, (v) => parseCli(['-p', v as string]), { names: (v) => [`'${String(v)}'`], range: '-p (threads) must be an integer from 1 to 256' }),
    ...each('argv', [{ label: '-b 16', value: '16' }], UsageError, (v) => parseCli(['-b', v as string]), { names: () => ["'16'"], range: 'must be an integer from 32 to 4096' }),
  ]),
  ...casesFor({ entry, subject: 'main' }, [
    ...each('argv', NOT_ARGV, TypeError, async (v) => {
      const streams = io();
      try {
        return await main(v as string[], streams);
      } finally {
        expect(streams.written(), 'output of a refused call').toBe('');
      }
    }, { range: 'argv must be an array of strings', names: (v) => (Array.isArray(v) ? ['holding 2'] : typeof v === 'object' && v !== null ? ['[object Object]'] : undefined) }),
    ...each(
      'io',
      [
        { label: 'null', value: null },
        { label: 'a stream (not the three)', value: process.stderr },
        { label: 'no version', value: { stdin: null, stdout: null, stderr: { write: () => true } } },
      ],
      TypeError,
      (v) => main(['--version'], v as Io),
      { range: 'io must be an object with stdin, stdout, stderr', names: (v) => (v === null ? undefined : ['[object Object]', '[object WriteStream]', '[object SyncWriteStream]', '[object Socket]']) },
    ),
  ]),
  ...casesFor({ entry, subject: 'decompressedName' }, [
    ...each('file', NOT_A_NAME, TypeError, (v) => decompressedName(v as string), { range: 'file must be a string' }),
    ...each('suffix', BAD_SUFFIXES, TypeError, (v) => decompressedName('a.gz', v as string), { range: "suffix must be a string of 1 to 30 bytes without '/'" }),
  ]),
  ...casesFor({ entry, subject: 'hasCompressedSuffix' }, [
    ...each('file', NOT_A_NAME, TypeError, (v) => hasCompressedSuffix(v as string), { range: 'file must be a string' }),
    ...each('suffix', BAD_SUFFIXES, TypeError, (v) => hasCompressedSuffix('a.gz', v as string), { range: "suffix must be a string of 1 to 30 bytes without '/'" }),
  ]),
];
