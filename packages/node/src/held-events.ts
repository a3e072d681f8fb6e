/**
 * Events heard before their handler exists, kept in the order they came and
 * run once it does.
 *
 * Why: the supervisor thread spawns its first workers before it loads core
 * (see supervisor-entry.ts), so a worker may say READY, throw or exit while
 * there is no Supervisor yet to hear it. Each such event waits here; release()
 * runs them in arrival order, after which events run at once. Nothing is
 * dropped and nothing is reordered, so a worker that dies before the
 * Supervisor exists is reported exactly as one that dies after.
 */
export class HeldEvents {
  private held: (() => void)[] | undefined = [];

  /** Runs `event` now if released, else keeps it for release(). */
  run(event: () => void): void {
    if (this.held === undefined) event();
    else this.held.push(event);
  }

  /** Runs every kept event in arrival order; later ones run at once. A second call does nothing. */
  release(): void {
    const held = this.held;
    if (held === undefined) return;
    // Events are delivered by the event loop, never from inside another event's handler, so none is appended while these run.
    this.held = undefined;
    for (const event of held) event();
  }
}
