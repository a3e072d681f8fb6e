/**
 * twq-gzip: every flag it defines (CLI_OPTIONS) with a bad value or an
 * argument it does not take, and the files it may be given that it cannot
 * use: missing, a directory, not a directory, corrupt or truncated input,
 * an output that exists or cannot be created. Exit status 1 for errors, 2
 * for files skipped with a warning, as gzip.
 */
import { gzipSync } from 'node:zlib';
import { CLI_OPTIONS } from '@twq/pgzip';
import { ANY_CONTENT, type CliCase } from '../support/cli.js';

const cli = 'twq-gzip';
const text = 'a line of text that compresses\n'.repeat(2000);
const gz = gzipSync(text);
/** The member with its CRC changed: every byte decompresses, the check fails. */
const badCrc = Uint8Array.from(gz, (b, i) => (i === gz.length - 8 ? b ^ 0xff : b));
const truncated = gz.subarray(0, Math.floor(gz.length / 2));

/** A flag with an argument it does not take: parseArgs refuses it, naming the flag. */
function noArgument(flag: string): CliCase {
  const short = (CLI_OPTIONS as Record<string, { short?: string }>)[flag].short;
  return {
    cli,
    flag,
    label: `--${flag}=1 (takes no argument)`,
    args: [`--${flag}=1`],
    stderr: [short === undefined ? `'--${flag}'` : `'-${short}, --${flag}'`, 'does not take an argument', "Try 'twq-gzip --help'"],
  };
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
  { cli, flag: 'processes', label: 'negative (read as a flag: ambiguous)', args: ['-p', '-1', 'a'], files: { a: text }, stderr: ["Option '-p' argument is ambiguous"] },
  { cli, flag: 'processes', label: 'missing its value', args: ['a', '--processes'], files: { a: text }, stderr: ["Option '-p, --processes <value>' argument missing"] },
  blocksize('below 32 KiB', '16'),
  blocksize('above 4 MiB', '8192'),
  blocksize('zero', '0'),
  blocksize('a fraction', '64.5'),
  blocksize('with a unit', '128k'),
  blocksize('huge', '1e30'),
  { cli, flag: 'blocksize', label: 'missing its value', args: ['a', '-b'], files: { a: text }, stderr: ["Option '-b, --blocksize <value>' argument missing"] },
  { cli, flag: 'unknown', label: 'a flag it does not define', args: ['--fastest', 'a'], files: { a: text }, stderr: ["Unknown option '--fastest'"] },
  { cli, flag: 'unknown', label: 'an unknown short flag in a group', args: ['-kx', 'a'], files: { a: text }, stderr: ["Unknown option '-x'"] },

  // ---- files ----
  { cli, flag: 'FILE', label: 'a file that does not exist', args: ['missing.txt'], stderr: ['missing.txt: No such file or directory'] },
  // Permissions do not stop root: there, a file whose read fails (Linux's /proc/self/mem: EIO) stands in for one.
  process.getuid?.() === 0
    ? { cli, flag: 'FILE', label: 'a file that cannot be read (as root: /proc/self/mem)', args: ['-t', '/proc/self/mem'], stderr: ['/proc/self/mem: Input/output error'] }
    : { cli, flag: 'FILE', label: 'a file that cannot be read (mode 000)', args: ['locked'], files: { locked: text }, unreadable: ['locked'], stderr: ['locked: Permission denied'] },
  { cli, flag: 'FILE', label: 'a directory', args: ['dir'], files: { dir: null }, status: 2, stderr: ['dir: is a directory -- ignored'] },
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
  { cli, flag: 'FILE', label: 'an output that already exists (no -f)', args: ['a'], files: { a: text, 'a.gz': 'keep me' }, stderr: ['a.gz already exists; not overwritten (use -f)'] },
  {
    cli,
    flag: 'force',
    label: 'an output that cannot be put in place (a directory in the way, even with -f)',
    args: ['-f', '-k', 'a'],
    files: { a: text, 'a.gz': null, 'a.gz/inside': 'x' },
    stderr: ['a: cannot write a.gz:'],
  },
  { cli, flag: 'FILE', label: 'an already compressed file (no -f)', args: ['a.gz'], files: { 'a.gz': gz }, status: 2, stderr: ['a.gz: already has .gz suffix -- unchanged'] },
  { cli, flag: 'decompress', label: 'a file without a compressed suffix', args: ['-d', 'a'], files: { a: text }, status: 2, stderr: ['a: unknown suffix -- ignored'] },
  { cli, flag: 'decompress', label: 'a file that is not gzip', args: ['-d', 'a.gz'], files: { 'a.gz': text }, stderr: ['a.gz: not in gzip format'] },
  { cli, flag: 'decompress', label: 'a truncated member: no partial output left', args: ['-d', 'a.gz'], files: { 'a.gz': truncated }, stderr: ['a.gz: unexpected end of file'] },
  { cli, flag: 'uncompress', label: 'a member whose CRC does not match: no partial output left', args: ['--uncompress', 'a.gz'], files: { 'a.gz': badCrc }, stderr: ['a.gz: invalid compressed data--crc error'] },
  { cli, flag: 'test', label: 'a corrupt member', args: ['-t', 'a.gz'], files: { 'a.gz': badCrc }, stderr: ['a.gz: invalid compressed data--crc error'] },
  { cli, flag: 'test', label: 'standard input that is not gzip', args: ['-t'], stdin: new TextEncoder().encode(text), stderr: ['stdin: not in gzip format'] },
  { cli, flag: 'stdout', label: 'a missing file to standard output', args: ['-c', 'nope'], stderr: ['nope: No such file or directory'] },
  { cli, flag: 'to-stdout', label: 'a directory to standard output', args: ['--to-stdout', 'dir'], files: { dir: null }, status: 2, stderr: ['dir: is a directory -- ignored'] },
  { cli, flag: 'keep', label: 'a missing file, with -k', args: ['-k', 'gone'], stderr: ['gone: No such file or directory'] },
  { cli, flag: 'quiet', label: 'errors are still reported with -q', args: ['-q', 'gone'], stderr: ['gone: No such file or directory'] },
  { cli, flag: 'verbose', label: 'a missing file, with -v', args: ['-v', 'gone'], stderr: ['gone: No such file or directory'] },
];
