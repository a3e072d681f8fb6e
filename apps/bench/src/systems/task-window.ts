/**
 * Drives a promise-based pool: keeps `window` tasks in flight, starting task
 * i + window as soon as one settles, until `tasks` have settled. A sliding
 * window rather than batches of Promise.all: no thread idles while a batch's
 * slowest task finishes, which is the peers' best case.
 */
export function runWindow(
  tasks: number,
  window: number,
  start: (i: number) => Promise<number>,
  onResult: (i: number, result: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (tasks === 0) {
      resolve();
      return;
    }
    let next = 0;
    let settled = 0;
    let failed = false;
    const launch = (): void => {
      const i = next++;
      start(i).then(
        (result) => {
          if (failed) return;
          onResult(i, result);
          settled++;
          if (next < tasks) launch();
          else if (settled === tasks) resolve();
        },
        (e: unknown) => {
          failed = true;
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    };
    for (let k = 0; k < Math.min(window, tasks); k++) launch();
  });
}
