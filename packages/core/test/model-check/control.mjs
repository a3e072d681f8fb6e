// The control block shared by the scheduler (the test's thread) and the code
// threads it steps. Each code thread owns one record of RECORD_WORDS Int32s.
export const MAX_THREADS = 4;
export const RECORD_WORDS = 16;

// Record fields.
export const TURN = 0; // scheduler -> thread: 1 = run until your next gate
export const STATUS = 1; // thread -> scheduler
export const OP = 2; // kind of the operation the thread waits to perform
export const ADDR = 3; // Int32 index (in the queue buffer) the operation touches
export const VALUE = 4; // expected value of a wait
export const RESULT = 5; // scheduler -> thread: a wait's outcome, a notify's count
export const TIMED = 6; // 1 when the wait has a finite timeout

// Statuses.
export const IDLE = 0;
export const RUNNING = 1;
export const AT_GATE = 2;
export const BLOCKED = 3;
export const DONE = 4;
export const FAILED = 5;

// Operation kinds (for the trace).
export const OP_NAMES = ['start', 'load', 'store', 'exchange', 'compareExchange', 'add', 'sub', 'and', 'or', 'xor', 'wait', 'notify', 'waitAsync'];
export const OP_START = 0;
export const OP_WAIT = 10;
export const OP_NOTIFY = 11;
export const OP_WAIT_ASYNC = 12;

// Wait outcomes.
export const WOKEN = 1;
export const NOT_EQUAL = 2;

// Global words after the records.
export const GATING = MAX_THREADS * RECORD_WORDS; // 1 while operations on the queue buffer are gated
export const EXECUTION = GATING + 1; // number of the execution to run; a thread starts one when it changes
export const CONTROL_WORDS = GATING + 4;

// Record field: the last execution this thread was told to start.
export const GO = 7;
