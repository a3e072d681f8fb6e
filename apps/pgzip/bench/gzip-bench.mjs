#!/usr/bin/env node
// twq-gzip against gzip, pigz and a Node zlib.createGzip pipeline, in one run.
//
//   node bench/gzip-bench.mjs [--rounds N] [--threads N] [--mib N] [--corpus FILE] [--json FILE] [--baseline CLI]
//
// Every tool compresses the same file to a file (standard output redirected),
// at -1 and -6, with 2 threads where it has threads and 128 KiB blocks. The
// rounds are interleaved (each round runs every tool once, in turn), so a
// change in the machine's load hits all of them alike. A tool's figure is the
// median of its rounds, with the spread (fastest-slowest); a ratio between two
// tools is the median of the per-round ratios, with their spread. CPU time
// (user + system, of the tool and all its threads) is read from /proc around
// each run, and twq-gzip's against pigz's is printed the same way. Then the
// output sizes of twq-gzip and pigz on each input class (text, zeros, sparse,
// random; 20 MiB each) at -1, -6 and -9, which must agree within 1%.
// --baseline CLI adds another build of the command (a copy of an older
// bundle/cli.js, with its package.json one directory up) to every round, and
// prints this build's wall time against it: an A/B on the same load.
// Installs Debian's pigz when it is missing (apt-get, as root).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { corpusFile } from './corpus.mjs';

const MIB = 1024 * 1024;
const BLOCK_KIB = 128;
const LEVELS = [1, 6];
/** The issues' targets: twq-gzip -6 at least 1.7 times the zlib pipeline's speed, at most 0.7 of pigz's wall time at -6 and 1.0 at -1, within 1% of its size on every input class. */
const TARGETS = { speedupVsZlib6: 1.7, vsPigz6: 0.7, vsPigz1: 1.0, size: 1.01 };

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    mib: { type: 'string', default: '100' },
    corpus: { type: 'string' },
    json: { type: 'string' },
    baseline: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const threads = String(values.threads);
const cli = fileURLToPath(new URL('../bundle/cli.js', import.meta.url));
const zlibScript = fileURLToPath(new URL('./node-zlib-gzip.mjs', import.meta.url));

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** pigz from Debian's packages when it is missing (the issue asks the script to install it). */
function ensurePigz() {
  if (have('pigz')) return true;
  const asRoot = process.getuid?.() === 0;
  console.error(`pigz is missing: ${asRoot ? 'installing it with apt-get' : 'run "apt-get install -y pigz" as root'}`);
  if (!asRoot) return false;
  let r = spawnSync('apt-get', ['install', '-y', '-qq', 'pigz'], { stdio: 'inherit' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    r = spawnSync('apt-get', ['install', '-y', '-qq', 'pigz'], { stdio: 'inherit' });
  }
  return r.status === 0 && have('pigz');
}

if (!have('gzip')) throw new Error('gzip is missing (Debian package gzip)');
const pigz = ensurePigz();
const input = values.corpus ?? corpusFile(Number(values.mib) * MIB);
const inputBytes = statSync(input).size;
const work = mkdtempSync(join(tmpdir(), 'twq-gzip-bench-out-'));

const tools = [];
for (const level of LEVELS) {
  tools.push({ name: 'gzip', level, command: 'gzip', args: [`-${level}`, '-c', input] });
  if (pigz) tools.push({ name: `pigz -p ${threads}`, level, command: 'pigz', args: [`-${level}`, '-p', threads, '-b', String(BLOCK_KIB), '-c', input] });
  tools.push({ name: 'node zlib.createGzip', level, command: process.execPath, args: [zlibScript, String(level), input] });
  tools.push({ name: `twq-gzip -p ${threads}`, level, command: process.execPath, args: [cli, `-${level}`, '-p', threads, '-b', String(BLOCK_KIB), '-c', input], twq: true });
  if (values.baseline !== undefined) {
    tools.push({ name: `baseline twq-gzip -p ${threads}`, level, command: process.execPath, args: [values.baseline, `-${level}`, '-p', threads, '-b', String(BLOCK_KIB), '-c', input], twq: true });
  }
}

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux, whatever the kernel's HZ). */
const USER_HZ = 100;

/** CPU seconds (user + system) of this process's waited-for children so far, from /proc (0 where there is none). */
function childrenCpuSeconds() {
  try {
    // Fields after the command name: state is the 1st, cutime the 14th and cstime the 15th.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / USER_HZ;
  } catch {
    return 0;
  }
}

function runOnce(tool) {
  const out = join(work, `${tool.command === 'gzip' ? 'gzip' : tool.name.split(' ')[0]}-${tool.level}.gz`);
  const fd = openSync(out, 'w');
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const r = spawnSync(tool.command, tool.args, { stdio: ['ignore', fd, 'pipe'] });
  const seconds = (performance.now() - started) / 1000;
  const cpu = childrenCpuSeconds() - cpuBefore;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`${tool.name} -${tool.level} failed (${r.status}): ${r.stderr}`);
  return { seconds, cpu, out, bytes: statSync(out).size };
}

const pressure = () => {
  try {
    return readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
  } catch {
    return 'n/a';
  }
};
console.log(`# twq-gzip benchmark`);
console.log(`input: ${input} (${(inputBytes / MIB).toFixed(1)} MiB), ${rounds} interleaved rounds`);
console.log(`machine: ${availableParallelism()} cores, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, cpu pressure ${pressure()}`);

const samples = new Map(tools.map((t) => [t, []]));
for (let round = 0; round < rounds; round++) {
  for (const tool of tools) {
    const r = runOnce(tool);
    samples.get(tool).push(r);
    if (tool.twq) {
      const t = spawnSync('gzip', ['-t', r.out]);
      if (t.status !== 0) throw new Error(`gzip -t rejects twq-gzip -${tool.level} output: ${t.stderr}`);
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs) => `${median(xs).toFixed(3)} [${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)}]`;
const results = tools.map((tool) => {
  const runs = samples.get(tool);
  const times = runs.map((r) => r.seconds);
  const cpus = runs.map((r) => r.cpu);
  return { tool: tool.name, level: tool.level, seconds: median(times), best: Math.min(...times), worst: Math.max(...times), all: times, cpu: median(cpus), allCpu: cpus, bytes: runs[0].bytes };
});
const find = (prefix, level) => results.find((r) => r.tool.startsWith(prefix) && r.level === level);
/** Per-round ratios of a's time to b's (the same round: the same load). */
const roundRatios = (a, b) => a.all.map((t, i) => t / b.all[i]);
/** Per-round ratios of a's CPU time to b's. */
const cpuRatios = (a, b) => a.allCpu.map((t, i) => t / b.allCpu[i]);

console.log('');
console.log('| tool | level | wall s, median [fastest-slowest] | CPU s (user + sys), median [spread] | MiB/s (median) | size bytes | ratio | twq-gzip speed-up (median of rounds) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const twq = find('twq-gzip', r.level);
  console.log(
    `| ${r.tool} | -${r.level} | ${r.seconds.toFixed(3)} [${r.best.toFixed(3)}-${r.worst.toFixed(3)}] | ${r.cpu.toFixed(2)} [${Math.min(...r.allCpu).toFixed(2)}-${Math.max(...r.allCpu).toFixed(2)}] | ${(inputBytes / MIB / r.seconds).toFixed(1)} | ${r.bytes} | ${(inputBytes / r.bytes).toFixed(3)} | ${median(roundRatios(r, twq)).toFixed(2)}x |`,
  );
}

const checks = [];
const twq6 = find('twq-gzip', 6);
const twq1 = find('twq-gzip', 1);
const zlib6 = find('node zlib', 6);
checks.push([`twq-gzip -6 speed-up over the zlib.createGzip pipeline >= ${TARGETS.speedupVsZlib6}`, roundRatios(zlib6, twq6), (v) => v >= TARGETS.speedupVsZlib6]);
if (pigz) {
  checks.push([`twq-gzip -6 wall / pigz -6 wall <= ${TARGETS.vsPigz6}`, roundRatios(twq6, find('pigz', 6)), (v) => v <= TARGETS.vsPigz6]);
  checks.push([`twq-gzip -1 wall / pigz -1 wall <= ${TARGETS.vsPigz1}`, roundRatios(twq1, find('pigz', 1)), (v) => v <= TARGETS.vsPigz1]);
}
console.log('');
for (const [what, ratios, ok] of checks) console.log(`${ok(median(ratios)) ? 'PASS' : 'FAIL'}  ${what}: ${spread(ratios)} (median [spread] of per-round ratios)`);
if (pigz) {
  for (const level of LEVELS) {
    const ratios = cpuRatios(find('twq-gzip', level), find('pigz', level));
    console.log(`INFO  twq-gzip -${level} CPU / pigz -${level} CPU: ${spread(ratios)} (median [spread] of per-round ratios)`);
  }
}
if (values.baseline !== undefined) {
  for (const level of LEVELS) {
    console.log(`INFO  twq-gzip -${level} wall / baseline -${level} wall: ${spread(roundRatios(find('twq-gzip', level), find('baseline', level)))} (median [spread] of per-round ratios)`);
  }
}
console.log('every twq-gzip output passed gzip -t');
console.log(`load at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// Sizes on every input class: deterministic, one run each.
const sizeChecks = [];
if (pigz) {
  const CLASS_BYTES = 20 * MIB;
  const classes = {
    text: () => readFileSync(input).subarray(0, CLASS_BYTES),
    zeros: () => Buffer.alloc(CLASS_BYTES),
    sparse: () => {
      const b = Buffer.alloc(CLASS_BYTES);
      for (let i = 0; i < b.length; i += 4096) b[i + ((i * 7) % 4096)] = i & 255;
      return b;
    },
    random: () => {
      const b = Buffer.alloc(CLASS_BYTES);
      let x = 0x9e3779b9;
      for (let i = 0; i < b.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        b[i] = x & 255;
      }
      return b;
    },
  };
  console.log('');
  console.log(`| input class (${CLASS_BYTES / MIB} MiB) | level | pigz -p ${threads} bytes | twq-gzip -p ${threads} bytes | twq / pigz |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, make] of Object.entries(classes)) {
    const file = join(work, `class-${name}`);
    writeFileSync(file, make());
    for (const level of [1, 6, 9]) {
      const size = (command, args) => {
        const r = spawnSync(command, args, { maxBuffer: 64 * MIB });
        if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
        return r.stdout.length;
      };
      const p = size('pigz', [`-${level}`, '-p', threads, '-b', String(BLOCK_KIB), '-c', file]);
      const t = size(process.execPath, [cli, `-${level}`, '-p', threads, '-b', String(BLOCK_KIB), '-c', file]);
      console.log(`| ${name} | -${level} | ${p} | ${t} | ${(t / p).toFixed(4)} |`);
      sizeChecks.push({ name, level, pigz: p, twq: t, ratio: t / p });
    }
  }
  const worst = sizeChecks.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  console.log('');
  console.log(`${worst.ratio <= TARGETS.size ? 'PASS' : 'FAIL'}  twq-gzip size / pigz size <= ${TARGETS.size} on every class and level: worst ${worst.ratio.toFixed(4)} (${worst.name} -${worst.level})`);
}

if (values.json !== undefined) writeFileSync(values.json, JSON.stringify({ input, inputBytes, rounds, threads, load: loadavg(), results, checks: checks.map(([what, ratios]) => ({ what, median: median(ratios), ratios })), sizes: sizeChecks }, null, 2));
rmSync(work, { recursive: true, force: true });
