import { RUNS, generateSample } from '/lib.js';

let sample;
self.onmessage = async ({ data: { run, mib, from, to } }) => {
  sample ??= generateSample(mib << 20);
  const t = performance.now();
  const bytes = await RUNS[run](sample.subarray(from, to));
  self.postMessage({ ms: performance.now() - t, bytes });
};
