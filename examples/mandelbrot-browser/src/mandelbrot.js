// The computation, shared by the workers (through the ops) and by the test
// (which renders the same image on one thread to check the page's).

export const WIDTH = 480;
export const HEIGHT = 320;
export const MAX_ITERATIONS = 255;

/** Escape iterations (0 to MAX_ITERATIONS) of pixel (x, y) of the WIDTH x HEIGHT view. */
export function iterations(x, y) {
  const cx = -2.2 + (x / WIDTH) * 3.2;
  const cy = -1.2 + (y / HEIGHT) * 2.4;
  let zx = 0;
  let zy = 0;
  let n = 0;
  while (n < MAX_ITERATIONS && zx * zx + zy * zy <= 4) {
    const t = zx * zx - zy * zy + cx;
    zy = 2 * zx * zy + cy;
    zx = t;
    n++;
  }
  return n;
}

/** Writes row `y`'s iterations into `out` (WIDTH bytes). */
export function renderRow(y, out) {
  for (let x = 0; x < WIDTH; x++) out[x] = iterations(x, y);
}

/** FNV-1a over the image's bytes: what the page reports and the test recomputes. */
export function checksum(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return h >>> 0;
}
