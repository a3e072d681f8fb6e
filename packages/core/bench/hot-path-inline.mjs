// Usage: node packages/core/bench/hot-path-inline.mjs <repository root> [requests]
// (run it against two checkouts in interleaved rounds and compare the medians).
// One process per measurement: the hot path of a queue (getRequest, fill,
// submit, handle, done) on one thread through InlineQueue, N requests; prints
// CPU ns and wall ns per request (best of 5 passes after a warm-up).
const [root, nArg] = process.argv.slice(2);
const core = await import(`${root}/packages/core/dist/index.js`);
const N = Number(nArg ?? 1_000_000);
let sum = 0;
const ops = core.defineOps({
  layout: core.defineLayout({ value: 'u32', result: 'u32' }),
  handle(r) { r.result = r.value + 1; },
  done(r) { sum += r.result; },
});
const q = await core.InlineQueue.create(ops, { threads: 1, slotsPerThread: 64 });
function pass(n) {
  for (let i = 0; i < n; i++) {
    const r = q.getRequest();
    r.value = i & 0xffff;
    q.submit(r);
  }
  q.waitAll();
}
pass(N); // warm-up
let bestCpu = Infinity, bestWall = Infinity;
for (let k = 0; k < 5; k++) {
  const c0 = process.cpuUsage(); const t0 = process.hrtime.bigint();
  pass(N);
  const t1 = process.hrtime.bigint(); const c1 = process.cpuUsage(c0);
  bestCpu = Math.min(bestCpu, ((c1.user + c1.system) * 1000) / N);
  bestWall = Math.min(bestWall, Number(t1 - t0) / N);
}
await q.destroy();
console.log(JSON.stringify({ cpuNs: bestCpu, wallNs: bestWall, sum }));
