import { createPool } from '@twq/node';

/** After: the same task file, the same calls; createPool instead of new Piscina. */
export async function statsWithTwq(texts, workerData) {
  const pool = await createPool({ filename: new URL('./word-stats.js', import.meta.url), maxThreads: 2, workerData });
  try {
    return await Promise.all(texts.map((text) => pool.run({ text })));
  } finally {
    await pool.destroy();
  }
}
