import { Piscina } from 'piscina';

/** Before: piscina. */
export async function statsWithPiscina(texts, workerData) {
  const pool = new Piscina({ filename: new URL('./word-stats.js', import.meta.url).href, maxThreads: 2, workerData });
  try {
    return await Promise.all(texts.map((text) => pool.run({ text })));
  } finally {
    await pool.destroy();
  }
}
