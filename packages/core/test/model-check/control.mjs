// The control block shared by the explorer (the test's thread) and the code
// threads. Whichever thread holds the baton (exactly one at a time) reads and
// writes it with plain accesses; the baton moves with an Atomics store +
// notify of the receiver's TURN word, which orders everything before it.
export const MAX_THREADS = 4;
export const RECORD_WORDS = 16;

// Per-thread record fields.
export const TURN = 0; // 1: the baton is yours
export const STATUS = 1;
export const OP = 2; // the operation the thread waits to perform
export const ADDR = 3; // Int32 index, in the buffer under test, that it touches
export const VALUE = 4; // expected value of a wait; count of a notify (-1: all)
export const RESULT = 5; // a wait's outcome, a notify's count (set by the scheduler)
export const WOKEN = 6; // 1: parked, and a notify has woken it
export const GO = 7; // raised by the explorer to start the next execution (never reset: threads poll it)
export const ACK = 8; // the last execution this thread has completely finished (its GO value); GO + 1
// A thread's pending Atomics.waitAsync calls (several async flows of one thread
// may wait at once: two waiters of a submitter). Registered when the call is
// made; a notify of their word marks them woken (bit j of ASYNC_WOKEN), whatever
// the thread does meanwhile; the thread resolves them when it next holds the baton.
export const ASYNC_COUNT = 9;
export const ASYNC_WOKEN = 10;
export const ASYNC_ADDR = 11; // ASYNC_ADDR + j, j < MAX_ASYNC
export const MAX_ASYNC = 4;

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
export const WAKE_OK = 1;

// Global words, after the records.
const G = MAX_THREADS * RECORD_WORDS;
export const GATING = G; // 1 while operations on the buffer under test are steps
export const THREADS = G + 1; // code threads in this exploration
export const OUTCOME = G + 2; // 0 running, else one of the OUTCOME_* below
export const STEPS = G + 3;
export const LAST = G + 4; // thread that took the last step (-1: none yet)
export const PREEMPTIONS = G + 5;
export const PREEMPTION_BOUND = G + 6;
export const DEPTH = G + 7; // choice points used so far in this execution
export const STACK_LEN = G + 8; // choice points on the stack
export const STATES = G + 9; // distinct states seen (all executions)
export const TRACE_POS = G + 10;
export const FAILED_BY = G + 11; // thread that failed, or a FAIL_* code
export const FAIR_AFTER = G + 12; // steps after which scheduling is round-robin
export const MAX_STEPS = G + 13;

export const OUTCOME_DONE = 1;
export const OUTCOME_DEADLOCK = 2;
export const OUTCOME_FAILED = 3;
export const OUTCOME_LIVELOCK = 4;
export const OUTCOME_INVARIANT = 5;

// The DFS stack: [options bitmask, chosen index] per choice point.
export const STACK = G + 16;
export const MAX_DEPTH = 8192;
// Ring buffer of the last steps: thread * 65536 + op * 4096 + (addr & 4095)... stored as two words.
export const TRACE = STACK + 2 * MAX_DEPTH;
export const TRACE_KEPT = 256;
// Open-addressed set of state fingerprints.
export const SEEN = TRACE + 2 * TRACE_KEPT;
export const SEEN_SIZE = 1 << 20;
export const CONTROL_WORDS = SEEN + SEEN_SIZE;
