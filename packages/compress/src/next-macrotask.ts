/**
 * Resolves after the event loop has had a turn (timers, I/O, messages from
 * workers), unlike an `await` of a resolved promise, which runs before any of
 * them. setImmediate where it exists (Node.js), else a MessageChannel round
 * trip (browsers: no 4 ms clamp, unlike setTimeout).
 */
export function nextMacrotask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') {
    return new Promise((resolve) => {
      immediate(resolve);
    });
  }
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
