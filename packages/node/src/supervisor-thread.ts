/**
 * The supervisor thread as the submitter's thread sees it, from its spawn.
 *
 * Why apart from NodeHost: createQueue() starts this thread before it loads
 * the ops module (the thread's boot, tens of ms, then overlaps that loading
 * and whatever else this thread does until the queue exists), and a NodeHost
 * is only made once the ops are loaded. What the thread says meanwhile (an
 * error, its exit) is held, in order, until the host listens: a Worker's
 * 'error' with no listener would be thrown on this thread instead.
 */
import { Worker } from 'node:worker_threads';
import { HeldEvents } from './held-events.js';
import type { FromSupervisor } from './protocol.js';

const supervisorEntry = new URL('./supervisor-entry.js', import.meta.url);

/** What the host does with the supervisor thread's events. */
export interface SupervisorListener {
  message(m: FromSupervisor): void;
  error(e: Error): void;
  exit(): void;
}

export class SupervisorThread {
  readonly thread: Worker;
  private readonly held = new HeldEvents();
  private listener: SupervisorListener | undefined;

  /** Starts the thread now; `queueName` names it (`<name>:supervisor`). */
  constructor(queueName: string) {
    this.thread = new Worker(supervisorEntry, { name: `${queueName}:supervisor` });
    // Until a host starts with it, it must not keep the process alive: a createQueue() that fails on the way ends it,
    // but this way one that is abandoned by a throw nobody foresaw cannot keep the process up either.
    this.thread.unref();
    this.thread.on('message', (m: FromSupervisor) => {
      this.held.run(() => this.listener?.message(m));
    });
    this.thread.on('error', (e: Error) => {
      this.held.run(() => this.listener?.error(e));
    });
    this.thread.on('exit', () => {
      this.held.run(() => this.listener?.exit());
    });
  }

  /** Ends the thread (createQueue() failed before a host started with it). */
  discard(): void {
    void this.thread.terminate();
  }

  /** From now on the thread's events go to `listener`, those held first. Once. */
  listen(listener: SupervisorListener): void {
    this.listener = listener;
    this.held.release();
  }
}
