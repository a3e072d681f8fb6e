// Shared by the consumer projects (each tsconfig lists the files it checks).
import { createQueue } from '@twq/node';

export async function onThreads(): Promise<void> {
  const queue = await createQueue(new URL('./ops.js', import.meta.url), { threads: 2, resourceLimits: { maxOldGenerationSizeMb: 64 } });
  queue.waitAll(1_000);
  await queue.destroy();
}
