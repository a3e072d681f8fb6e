/**
 * Per-request deadlines (`requestTimeoutMs`, `submit(request, { timeoutMs })`),
 * kept by the submitter alone: nothing here is shared with the workers, and
 * the protocol is untouched. A request whose deadline passes is handed to
 * `expire(slot)` once: the queue cancels it by its claim if it has not started
 * (QUEUED -> CANCELLED, reported as a timeout) or raises the cooperative flag if
 * it runs.
 *
 * Who looks at the clock: the submitter's waits, before each park (a blocked
 * submitter has no event loop; its parks are bounded by `msUntilNext()`), and a
 * timer on the submitter's event loop for a submitter that is not waiting.
 * The timer is armed for the earliest deadline only (one timer, re-armed
 * when it fires), so a deadline costs no allocation per request, and unref'd
 * where the platform can (a deadline alone does not keep a process alive).
 */
/** passed[slot]: its deadline passed; its grace passed too. */
const PASSED = 1;
const TERMINATED = 2;

export class Deadlines {
  /** Per slot: when its request's deadline passes (performance.now() ms), or Infinity. */
  private readonly at: Float64Array;
  /** Per slot: PASSED once its deadline passed (tells a timeout from a cancel), TERMINATED once its grace did too. */
  private readonly passed: Uint8Array;
  /** Per slot: the timeout its deadline was set with (for the message). */
  private readonly ms: Float64Array;
  /** Slots with a deadline set and not yet passed. */
  private pending = 0;
  /** When the armed timer fires (Infinity: none armed). */
  private armedAt = Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.armedAt = Infinity;
    try {
      this.expireDue();
    } catch {
      // Nobody to throw to on a timer: what acting found (a corrupted control word)
      // has failed the queue already, and its next call throws that failure.
    }
  };

  constructor(
    slots: number,
    /** Acts on a slot whose deadline has passed (the queue's: cancel by claim, or raise the flag and give it a grace). */
    private readonly expire: (slot: number) => void,
    /** Acts on a slot whose grace has passed too (the queue's: end the worker that runs it). */
    private readonly overdue: (slot: number) => void,
  ) {
    this.at = new Float64Array(slots).fill(Infinity);
    this.passed = new Uint8Array(slots);
    this.ms = new Float64Array(slots);
  }

  /** Sets the deadline of the request just submitted in `slot`, `ms` from now. */
  set(slot: number, ms: number): void {
    if (ms === Infinity) return;
    const at = performance.now() + ms;
    this.ms[slot] = ms;
    if (this.at[slot] === Infinity) this.pending++;
    this.at[slot] = at;
    if (at < this.armedAt) this.arm(at);
  }

  /**
   * The slot is being reported: its deadline no longer applies (the slot may
   * be reused at once). Returns the timeout in ms if it had passed, else -1.
   */
  clear(slot: number): number {
    if (this.at[slot] !== Infinity) {
      this.at[slot] = Infinity;
      this.pending--;
    }
    if (this.passed[slot] === 0) return -1;
    this.passed[slot] = 0;
    return this.ms[slot];
  }

  /** After expire(): `slot`'s request runs on; overdue(slot) comes after `ms` more unless it is reported first. */
  grace(slot: number, ms: number): void {
    const at = performance.now() + ms;
    if (this.at[slot] === Infinity) this.pending++;
    this.at[slot] = at;
    if (at < this.armedAt) this.arm(at);
  }

  /** Whether `slot`'s grace passed too (its worker was ended for it). */
  terminated(slot: number): boolean {
    return this.passed[slot] === TERMINATED;
  }

  /** The timeout `slot`'s deadline was set with. */
  msOf(slot: number): number {
    return this.ms[slot];
  }

  /** Acts on every deadline that has passed. Slow path: one scan of the slots with deadlines. */
  expireDue(): void {
    if (this.pending === 0) return;
    const now = performance.now();
    let next = Infinity;
    for (let slot = 0; slot < this.at.length; slot++) {
      const at = this.at[slot];
      if (at === Infinity) continue;
      if (at > now) {
        if (at < next) next = at;
        continue;
      }
      this.at[slot] = Infinity;
      this.pending--;
      if (this.passed[slot] === 0) {
        this.passed[slot] = PASSED;
        this.expire(slot);
      } else {
        this.passed[slot] = TERMINATED;
        this.overdue(slot);
      }
    }
    if (next < this.armedAt) this.arm(next);
  }

  /** Ms until the earliest deadline (Infinity when none): a park must not outlast it. */
  msUntilNext(): number {
    if (this.pending === 0) return Infinity;
    let next = Infinity;
    for (let slot = 0; slot < this.at.length; slot++) if (this.at[slot] < next) next = this.at[slot];
    return Math.max(0, next - performance.now());
  }

  /** Stops the timer (the queue is destroyed). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
  }

  private arm(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedAt = at;
    const timer = setTimeout(this.onTimer, Math.max(0, at - performance.now()));
    // Node.js: a deadline alone must not keep the process alive (browsers have no unref).
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }
}
