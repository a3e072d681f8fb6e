/**
 * twq-gzip: every flag it defines (CLI_OPTIONS) with a bad value or an
 * argument it does not take, and the files it may be given that it cannot
 * use: missing, a directory, not a directory, corrupt or truncated input,
 * an output that exists or cannot be created. Exit status 1 for errors, 2
 * for files skipped with a warning, as gzip.
 */
import { constants } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { CLI_OPTIONS } from '@twq/pgzip';
import { ANY_CONTENT, type CliCase } from '../support/cli.js';

const cli = 'twq-gzip';
const text = 'a line of text that compresses\n'.repeat(2000);
const gz = gzipSync(text);
/** The member with its CRC changed: every byte decompresses, the check fails. */
const badCrc = Uint8Array.from(gz, (b, i) => (i === gz.length - 8 ? b ^ 0xff : b));
const truncated = gz.subarray(0, Math.floor(gz.length / 2));

/** A flag with an argument it does not take: refused as gzip's getopt_long refuses it, naming the flag. */
function noArgument(flag: string): CliCase {
  return {
    cli,
    flag,
    label: `--${flag}=1 (takes no argument)`,
    args: [`--${flag}=1`],
    stderr: [`option '--${flag}' doesn't allow an argument`, "Try 'twq-gzip --help' for more information."],
  };
}

function suffix(label: string, value: string): CliCase {
  return { cli, flag: 'suffix', label, args: ['-S', value, 'a'], files: { a: text }, stderr: [`invalid suffix '${value}'`] };
}

function processes(label: string, value: string): CliCase {
  return { cli, flag: 'processes', label, args: ['-p', value, 'a'], files: { a: text }, stderr: ['-p (threads) must be an integer from 1 to 256', `got '${value}'`] };
}

function blocksize(label: string, value: string): CliCase {
  return { cli, flag: 'blocksize', label, args: [`--blocksize=${value}`, 'a'], files: { a: text }, stderr: ['-b (block size in KiB) must be an integer from 32 to 4096', `got '${value}'`] };
}

export const pgzipCliCases: CliCase[] = [
  ...Object.keys(CLI_OPTIONS)
    .filter((flag) => (CLI_OPTIONS as Record<string, { type: string }>)[flag].type === 'boolean')
    .map(noArgument),
  processes('zero', '0'),
  processes('above 256', '257'),
  processes('a fraction', '1.5'),
  processes('a word', 'two'),
  processes('empty', ''),
  processes('huge', '99999999999999999999'),
  processes('hexadecimal', '0x4'),
  processes('negative (taken as its value, as getopt does)', '-1'),
  { cli, flag: 'processes', label: 'missing its value', args: ['a', '--processes'], files: { a: text }, stderr: ["option '--processes' requires an argument"] },
  // Each in range, their product more shared memory than one SharedArrayBuffer of this engine holds: refused before any output.
  ...(constants.MAX_LENGTH < 2 ** 33
    ? (['-c', undefined] as const).map(
        (c): CliCase => ({
          cli,
          flag: 'processes',
          label: `-p 256 with -b 4096${c === undefined ? '' : ' to standard output'}: workers too large for one SharedArrayBuffer`,
          args: [...(c === undefined ? [] : [c]), '-p', '256', '-b', '4096', 'a'],
          files: { a: text },
          stderr: ['-p 256 with -b 4096 needs', `more than the ${constants.MAX_LENGTH} bytes this engine allows in one SharedArrayBuffer`, 'use a lower -p or -b'],
        }),
      )
    : []),
  blocksize('below 32 KiB', '16'),
  blocksize('above 4 MiB', '8192'),
  blocksize('zero', '0'),
  blocksize('a fraction', '64.5'),
  blocksize('with a unit', '128k'),
  blocksize('huge', '1e30'),
  { cli, flag: 'blocksize', label: 'missing its value', args: ['a', '-b'], files: { a: text }, stderr: ["option requires an argument -- 'b'"] },
  suffix('empty', ''),
  suffix('longer than 30 bytes', '.1234567890123456789012345678901'),
  suffix('with a slash (would name another directory)', '.d/z'),
  { cli, flag: 'suffix', label: 'missing its value', args: ['a', '-S'], files: { a: text }, stderr: ["option requires an argument -- 'S'"] },
  { cli, flag: 'unknown', label: 'a flag it does not define', args: ['--fastest', 'a'], files: { a: text }, stderr: ["unrecognized option '--fastest'", "Try 'twq-gzip --help'"] },
  { cli, flag: 'unknown', label: 'an unknown short flag in a group', args: ['-kx', 'a'], files: { a: text }, stderr: ["invalid option -- 'x'"] },
  { cli, flag: 'unknown', label: 'level 0 (gzip has none)', args: ['-0', 'a'], files: { a: text }, stderr: ["invalid option -- '0'"] },
  { cli, flag: 'unknown', label: 'an ambiguous prefix', args: ['--s', 'a'], files: { a: text }, stderr: ["option '--s' is ambiguous; possibilities:", "'--stdout'", "'--suffix'"] },

  // ---- files ----
  { cli, flag: 'FILE', label: 'a file that does not exist', args: ['missing.txt'], stderr: ['missing.txt: No such file or directory'] },
  // Permissions do not stop root: there, a file whose read fails (Linux's /proc/self/mem: EIO) stands in for one.
  process.getuid?.() === 0
    ? { cli, flag: 'FILE', label: 'a file that cannot be read (as root: /proc/self/mem)', args: ['-t', '/proc/self/mem'], stderr: ['/proc/self/mem: Input/output error'] }
    : { cli, flag: 'FILE', label: 'a file that cannot be read (mode 000)', args: ['locked'], files: { locked: text }, unreadable: ['locked'], stderr: ['locked: Permission denied'] },
  { cli, flag: 'FILE', label: 'a directory', args: ['dir'], files: { dir: null }, status: 2, stderr: ['dir is a directory -- ignored'] },
  { cli, flag: 'FILE', label: 'a path through a regular file', args: ['a/inner'], files: { a: text }, stderr: ['a/inner: Not a directory'] },
  {
    cli,
    flag: 'FILE',
    label: 'one bad file among good ones: the good one is done, the status says error',
    args: ['missing', 'a'],
    files: { a: text },
    after: { 'a.gz': ANY_CONTENT },
    stderr: ['missing: No such file or directory'],
  },
  // A warning (status 2), as gzip's, when standard input is no terminal (a terminal is asked).
  { cli, flag: 'FILE', label: 'an output that already exists (no -f)', args: ['a'], files: { a: text, 'a.gz': 'keep me' }, status: 2, stderr: ['a.gz already exists;\tnot overwritten'] },
  {
    cli,
    flag: 'force',
    label: 'an output that cannot be put in place (a directory in the way, even with -f)',
    args: ['-f', '-k', 'a'],
    files: { a: text, 'a.gz': null, 'a.gz/inside': 'x' },
    stderr: ['a: cannot write a.gz:'],
  },
  { cli, flag: 'decompress', label: 'a file without a compressed suffix', args: ['-d', 'a'], files: { a: text }, status: 2, stderr: ['a: unknown suffix -- ignored'] },
  { cli, flag: 'decompress', label: 'a file that is not gzip', args: ['-d', 'a.gz'], files: { 'a.gz': text }, stderr: ['a.gz: not in gzip format'] },
  { cli, flag: 'decompress', label: 'a truncated member: no partial output left', args: ['-d', 'a.gz'], files: { 'a.gz': truncated }, stderr: ['a.gz: unexpected end of file'] },
  { cli, flag: 'uncompress', label: 'a member whose CRC does not match: no partial output left', args: ['--uncompress', 'a.gz'], files: { 'a.gz': badCrc }, stderr: ['a.gz: invalid compressed data--crc error'] },
  { cli, flag: 'test', label: 'a corrupt member', args: ['-t', 'a.gz'], files: { 'a.gz': badCrc }, stderr: ['a.gz: invalid compressed data--crc error'] },
  { cli, flag: 'test', label: 'standard input that is not gzip', args: ['-t'], stdin: new TextEncoder().encode(text), stderr: ['stdin: not in gzip format'] },
  { cli, flag: 'stdout', label: 'a missing file to standard output', args: ['-c', 'nope'], stderr: ['nope: No such file or directory'] },
  { cli, flag: 'to-stdout', label: 'a directory to standard output', args: ['--to-stdout', 'dir'], files: { dir: null }, status: 2, stderr: ['dir is a directory -- ignored'] },
  { cli, flag: 'list', label: 'a file that is not gzip', args: ['-l', 'a.gz'], files: { 'a.gz': text }, stderr: ['a.gz: not in gzip format'] },
  { cli, flag: 'recursive', label: 'a corrupt member inside a directory', args: ['-dr', 'dir'], files: { dir: null, 'dir/a.gz': badCrc }, stderr: ['dir/a.gz: invalid compressed data--crc error'] },
  { cli, flag: 'name', label: '-N with a truncated member: nothing created under the stored name', args: ['-dN', 'a.gz'], files: { 'a.gz': truncated }, stderr: ['a.gz: unexpected end of file'] },
  { cli, flag: 'FILE', label: 'a symbolic link (no -f): refused, link and target kept', args: ['link'], files: { target: text }, symlinks: { link: 'target' }, stderr: ['link: Too many levels of symbolic links'] },
  { cli, flag: 'force', label: 'a FIFO, even with -f: refused, kept', args: ['-f', 'pipe'], fifos: ['pipe'], status: 2, stderr: ['pipe is not a directory or a regular file - ignored'] },
  { cli, flag: 'FILE', label: 'a file with another hard link (no -f)', args: ['h'], files: { h: text }, hardlinks: { h2: 'h' }, status: 2, stderr: ['h has 1 other link -- file ignored'] },
  { cli, flag: 'decompress', label: 'one byte after the member (a magic number cut short)', args: ['-d', 'a.gz'], files: { 'a.gz': Buffer.concat([gz, Buffer.from('x')]) }, stderr: ['a.gz: unexpected end of file'] },
  { cli, flag: 'keep', label: 'a missing file, with -k', args: ['-k', 'gone'], stderr: ['gone: No such file or directory'] },
  { cli, flag: 'quiet', label: 'errors are still reported with -q', args: ['-q', 'gone'], stderr: ['gone: No such file or directory'] },
  { cli, flag: 'verbose', label: 'a missing file, with -v', args: ['-v', 'gone'], stderr: ['gone: No such file or directory'] },
];
