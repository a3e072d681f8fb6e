// Types of the audit layout exported by scenario.mjs (plain JS: its code threads must run without a TS loader).
export const AUDIT_CANCELLED: number;
export const AUDIT_DIED: number;
export const AUDIT_CANCEL_WON: number;
export const AUDIT_THROWN: number;
export const AUDIT_SURFACED: number;
export const AUDIT_BYTES: number;
export const AUDIT_DESTROYED: number;
export const AUDIT_WORKER_OK: number;
export const AUDIT_TERMINATED: number;
