import { assertCrossOriginIsolated } from '@twq/browser';
import type { CompressionLevel } from '@twq/compress';
import type { QueueStats } from '@twq/core';
import { CODEC_LABELS, CODECS, type Codec } from './codec.js';
import { gzipRun, type GzipRunResult } from './gzip-run.js';
import { nativeStreamRun } from './native-stream-run.js';
import { mainThreadQueueFactory, workerQueueFactory, type AnyQueue } from './queue-factories.js';
import { DEFAULT_SAMPLE_MIB, SAMPLE_SIZES_MIB, generateSample } from './sample.js';
import { ThroughputChart } from './throughput-chart.js';
import { renderWorkerStats } from './worker-stats.js';
import './style.css';

const WORKERS = 0;
const MAIN = 1;
const NATIVE = 2;

function $(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from the page`);
  return element;
}

function cell(testId: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  if (element === null) throw new Error(`[data-testid=${testId}] is missing from the page`);
  return element;
}

const sampleSize = $('sample-size') as HTMLSelectElement;
const fileInput = $('file') as HTMLInputElement;
const drop = $('drop');
const inputInfo = $('input-info');
const threadsInput = $('threads') as HTMLInputElement;
const levelSelect = $('level') as HTMLSelectElement;
const codecSelect = $('codec') as HTMLSelectElement;
const blockSelect = $('block-size') as HTMLSelectElement;
const status = $('status');
const download = $('download') as HTMLAnchorElement;
const buttons = ['run-workers', 'run-main', 'run-native', 'run-all'].map((id) => $(id) as HTMLButtonElement);
const statsTable = $('worker-stats') as HTMLTableElement;
const chart = new ThroughputChart($('chart'), [
  { label: 'workers', stroke: '#2458d6' },
  { label: 'main thread', stroke: '#d2691e' },
  { label: 'native stream', stroke: '#2e8b57' },
]);

let input: { bytes: Uint8Array; name: string } = { bytes: new Uint8Array(0), name: '' };
const results: (GzipRunResult | undefined)[] = [undefined, undefined, undefined];
let downloadUrl: string | undefined;

// ---- isolation -------------------------------------------------------------

const isolation = $('isolation');
try {
  assertCrossOriginIsolated();
  isolation.textContent = 'This page is cross-origin isolated: SharedArrayBuffer is available.';
  isolation.className = 'banner ok';
} catch (e) {
  isolation.textContent = (e as Error).message;
  isolation.className = 'banner error';
}

// ---- input -----------------------------------------------------------------

for (const mib of SAMPLE_SIZES_MIB) sampleSize.add(new Option(`${mib} MiB of text`, String(mib), false, mib === DEFAULT_SAMPLE_MIB));
threadsInput.value = String(Math.max(1, navigator.hardwareConcurrency || 2));

function useSample(): void {
  const mib = Number(sampleSize.value);
  setInput(generateSample(mib << 20), `sample-${mib}MiB.txt`);
}

function setInput(bytes: Uint8Array, name: string): void {
  input = { bytes, name };
  results.fill(undefined);
  inputInfo.textContent = `${name}: ${formatBytes(bytes.length)}`;
  showResults();
}

async function useFile(file: File): Promise<void> {
  status.textContent = `reading ${file.name}…`;
  setInput(new Uint8Array(await file.arrayBuffer()), file.name);
  status.textContent = '';
}

sampleSize.addEventListener('change', useSample);
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file !== undefined) void useFile(file);
});
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => {
  drop.classList.remove('over');
});
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const file = event.dataTransfer?.files[0];
  if (file !== undefined) void useFile(file);
});

// ---- runs ------------------------------------------------------------------

for (const c of CODECS) codecSelect.add(new Option(CODEC_LABELS[c], c, false, c === 'libdeflate'));

function settings(): { threads: number; level: CompressionLevel; blockSize: number; codec: Codec } {
  return {
    codec: codecSelect.value as Codec,
    threads: Number(threadsInput.value),
    level: Number(levelSelect.value) as CompressionLevel,
    blockSize: Number(blockSelect.value),
  };
}

async function runWorkers(): Promise<void> {
  const { threads, level, blockSize, codec } = settings();
  const queues: AnyQueue[] = [];
  const showStats = (): void => {
    renderWorkerStats(statsTable, queues.map((queue): QueueStats => queue.stats()));
  };
  chart.reset(WORKERS);
  $('label-workers').textContent = `${threads} worker${threads === 1 ? '' : 's'}`;
  status.textContent = `compressing in ${threads} worker${threads === 1 ? '' : 's'}…`;
  results[WORKERS] = await gzipRun(
    input.bytes,
    { createQueue: workerQueueFactory(codec, (queue) => queues.push(queue)), codec, threads, level, blockSize, fileName: input.name },
    (bytes, ms) => {
      chart.progress(WORKERS, bytes, ms);
      showStats();
    },
  );
  showStats();
  offerDownload(results[WORKERS]);
  readback.textContent = 'checking with DecompressionStream…';
  readback.textContent = (await readsBack(results[WORKERS].output, input.bytes))
    ? 'DecompressionStream reads it back ✓'
    : 'DecompressionStream does not read it back ✗';
}

async function runMain(): Promise<void> {
  const { level, blockSize, codec } = settings();
  chart.reset(MAIN);
  status.textContent = 'compressing on the main thread (the page is less responsive meanwhile)…';
  results[MAIN] = await gzipRun(
    input.bytes,
    { createQueue: mainThreadQueueFactory(codec), codec, threads: 1, level, blockSize, fileName: input.name },
    (bytes, ms) => {
      chart.progress(MAIN, bytes, ms);
    },
  );
  if (results[WORKERS] === undefined) offerDownload(results[MAIN]);
}

async function runNative(): Promise<void> {
  chart.reset(NATIVE);
  status.textContent = "compressing with one CompressionStream('gzip')…";
  results[NATIVE] = await nativeStreamRun(input.bytes, (bytes, ms) => {
    chart.progress(NATIVE, bytes, ms);
  });
}

/** Whether the browser's own DecompressionStream inflates `gz` to `original`. */
async function readsBack(gz: readonly Uint8Array<ArrayBuffer>[], original: Uint8Array): Promise<boolean> {
  try {
    const stream = new Blob([...gz]).stream().pipeThrough(new DecompressionStream('gzip'));
    const back = new Uint8Array(await new Response(stream).arrayBuffer());
    return back.length === original.length && back.every((v, i) => v === original[i]);
  } catch {
    return false;
  }
}

async function guarded(run: () => Promise<void>): Promise<void> {
  for (const b of buttons) b.disabled = true;
  try {
    await run();
    status.textContent = 'done';
  } catch (e) {
    const error = e as Error;
    status.textContent = `${error.name}: ${error.message}`;
  } finally {
    showResults();
    for (const b of buttons) b.disabled = false;
  }
}

buttons[0].addEventListener('click', () => void guarded(runWorkers));
buttons[1].addEventListener('click', () => void guarded(runMain));
buttons[2].addEventListener('click', () => void guarded(runNative));
buttons[3].addEventListener('click', () =>
  void guarded(async () => {
    await runWorkers();
    await runMain();
    await runNative();
  }),
);

// ---- results ---------------------------------------------------------------

function showResults(): void {
  for (const [index, prefix] of [[WORKERS, 'workers'], [MAIN, 'main'], [NATIVE, 'native']] as const) {
    const r = results[index];
    cell(`${prefix}-ms`).textContent = r === undefined ? '' : `${r.compressMs.toFixed(0)} ms`;
    cell(`${prefix}-rate`).textContent = r === undefined ? '' : `${(r.bytesIn / 1e6 / (r.compressMs / 1000)).toFixed(1)} MB/s`;
    cell(`${prefix}-out`).textContent =
      r === undefined ? '' : `${formatBytes(r.bytesOut)} (${((100 * r.bytesOut) / Math.max(1, r.bytesIn)).toFixed(1)} %)`;
  }
  const w = results[WORKERS];
  const m = results[MAIN];
  const n = results[NATIVE];
  cell('workers-start').textContent = w === undefined ? '' : `${w.startMs.toFixed(0)} ms`;
  cell('speedup').textContent = w !== undefined && m !== undefined ? `${(m.compressMs / w.compressMs).toFixed(2)}×` : '—';
  cell('speedup-native').textContent = w !== undefined && n !== undefined ? `${(n.compressMs / w.compressMs).toFixed(2)}×` : '—';
  cell('size-vs-native').textContent = w !== undefined && n !== undefined ? `${((100 * w.bytesOut) / n.bytesOut).toFixed(1)} %` : '—';
  cell('identical').textContent =
    w !== undefined && m !== undefined ? (sameBytes(w.output, m.output) ? 'same output bytes ✓' : 'outputs differ ✗') : '';
}

function offerDownload(result: GzipRunResult): void {
  if (downloadUrl !== undefined) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob(result.output, { type: 'application/gzip' }));
  download.href = downloadUrl;
  download.download = `${input.name}.gz`;
  download.textContent = `Download ${input.name}.gz (${formatBytes(result.bytesOut)})`;
  download.hidden = false;
}

function sameBytes(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  const x = concat(a);
  const y = concat(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const readback = $('readback');

function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

useSample();
