/**
 * A queue's life, one state at a time (the submitter's own view; the workers
 * learn of it through the shared CONTROL line):
 *
 *   NEW ──start()──▶ STARTING ──workers ready──▶ OPEN ──destroy()──▶ DESTROYING ──▶ DESTROYED
 *                        │                         │                      ▲
 *                        └── a worker fails ──▶ DESTROYED    OPEN ──▶ FAILED ──destroy()──┘
 *
 * FAILED: a worker died and could not be replaced; every call but destroy() and
 * stats() throws the failure. Each value is a small integer so that a state
 * check on the hot path is one comparison of a field.
 */
export const NEW = 0;
export const STARTING = 1;
export const OPEN = 2;
export const FAILED = 3;
export const DESTROYING = 4;
export const DESTROYED = 5;

export type Lifecycle = typeof NEW | typeof STARTING | typeof OPEN | typeof FAILED | typeof DESTROYING | typeof DESTROYED;

/** The states' names, as `Workqueue.state` reports them. */
export const LIFECYCLE_NAMES = Object.freeze(['new', 'starting', 'open', 'failed', 'destroying', 'destroyed'] as const);
/** A lifecycle state's name: `Workqueue.state`. */
export type LifecycleName = (typeof LIFECYCLE_NAMES)[number];
