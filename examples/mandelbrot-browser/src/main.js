// The page: renders every row on 4 Web Workers, paints the canvas, and
// publishes the result (window.mandelbrot) for whoever checks it.
import { createQueue } from '@twq/browser';
import { HEIGHT, MAX_ITERATIONS, WIDTH, checksum } from './mandelbrot.js';
import { ops } from './row-ops.js';

const image = new Uint8Array(WIDTH * HEIGHT);
const started = performance.now();
const queue = await createQueue(ops, {
  worker: () => new Worker(new URL('./row-worker.js', import.meta.url), { type: 'module' }),
  threads: 4,
  onDone(request, error) {
    if (error) throw error;
    image.set(request.row, request.y * WIDTH);
  },
});
try {
  for (let y = 0; y < HEIGHT; y++) {
    const request = queue.getRequest() ?? (await queue.getRequestAsync());
    request.y = y;
    queue.submit(request);
  }
  await queue.drain(); // a page's main thread never blocks
} finally {
  await queue.destroy();
}
const ms = performance.now() - started;

const canvas = document.getElementById('image');
canvas.width = WIDTH;
canvas.height = HEIGHT;
const context = canvas.getContext('2d');
const pixels = context.createImageData(WIDTH, HEIGHT);
for (let i = 0; i < image.length; i++) {
  const shade = image[i] === MAX_ITERATIONS ? 0 : 255 - image[i] * 4;
  pixels.data.set([shade, shade, 255, 255], i * 4);
}
context.putImageData(pixels, 0, 0);
window.mandelbrot = { width: WIDTH, height: HEIGHT, checksum: checksum(image), ms };
document.getElementById('status').textContent = `${WIDTH}x${HEIGHT} on 4 workers in ${ms.toFixed(0)} ms`;
