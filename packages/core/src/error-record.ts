import { describeValue, type RemoteErrorDetails } from './errors.js';

/** Smallest error record: room for a name (cut to 64 characters), a short message and the length prefix. */
const MIN_RECORD_BYTES = 128;

/**
 * Bounds of what one error record carries of an error's identity (besides the
 * record's size itself, ERROR_BYTES in a queue: what does not fit is cut, see
 * writeErrorRecord):
 *
 *   RECORDED_CAUSE_DEPTH   links of a `cause` chain below the error (a chain
 *                          that goes on, or a cycle, ends in a TruncatedError)
 *   RECORDED_ERRORS        entries of an AggregateError's `errors` (more end in
 *                          a TruncatedError saying how many were left out)
 *   RECORDED_TEXT          characters of a nested entry's message, of a
 *                          primitive cause, of a `code`
 */
export const RECORDED_CAUSE_DEPTH = 4;
/** Entries of an AggregateError's `errors` that a record carries (see RECORDED_CAUSE_DEPTH). */
export const RECORDED_ERRORS = 8;
/** Characters of a nested message, a primitive cause or a code that a record carries (see RECORDED_CAUSE_DEPTH). */
export const RECORDED_TEXT = 256;
/** Characters of a stack or of the top message kept before the record's size decides. */
const RECORDED_STACK = 4096;
const RECORDED_NAME = 64;

/**
 * Name of the marker entry that stands where a record cut something: the rest
 * of a cause chain, or the AggregateError entries past the bound. Its message
 * says what was left out.
 */
export const TRUNCATED_ERROR_NAME = 'TruncatedError';

function checkRecord(record: unknown, minBytes: number): asserts record is Uint8Array {
  if (!(record instanceof Uint8Array)) throw new TypeError(`record must be a Uint8Array, got ${describeValue(record)}`);
  if (record.length < minBytes) {
    throw new RangeError(`record must be a Uint8Array of at least ${minBytes} bytes, got ${record.length} bytes`);
  }
}

/**
 * An ErrorInfo as records take it: an object is required; its fields are made
 * strings (a reporter may pass on whatever a worker threw, and a record must
 * still be written: a death that is not recorded would leave a waiter hanging).
 */
export function toRecordedInfo(info: unknown, name: string): ErrorInfo {
  if (typeof info !== 'object' || info === null) {
    throw new TypeError(`${name} must be an object with name and message (an ErrorInfo), got ${describeValue(info)}`);
  }
  return normalize(info, 0, { entries: 0 });
}

/** A `cause` that is not an Error, as a record carries it: a primitive as is, anything else as its description. */
export type RecordedCause = ErrorInfo | string | number | boolean | null;

/**
 * An error as it crosses threads: plain data. Besides name, message and stack,
 * what identifies it: its `code` (a string or a number, as Node's errors and
 * most libraries set it), its `cause` chain and an AggregateError's `errors`,
 * within the bounds above (RECORDED_CAUSE_DEPTH, RECORDED_ERRORS, RECORDED_TEXT).
 */
export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string | undefined;
  /** The error's own `code`, when it is a string or a finite number. */
  code?: string | number | undefined;
  /** The error's `cause`: an Error's info, a primitive as is, anything else as its description. */
  cause?: RecordedCause | undefined;
  /** An AggregateError's `errors`, each as an ErrorInfo (a non-Error entry as a thrown one would be). */
  errors?: ErrorInfo[] | undefined;
}

/**
 * Turns anything thrown into ErrorInfo, within the bounds above. Never throws
 * (it runs while a worker completes a slot): a getter that throws, or a value
 * that cannot be made a string, is recorded as such.
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  return infoOf(error, 0, { entries: 0 });
}

/** Errors met so far in one toErrorInfo (bounds the work on a wide or cyclic graph). */
interface Budget {
  entries: number;
}
const MAX_ENTRIES = 1 + RECORDED_CAUSE_DEPTH + 2 * RECORDED_ERRORS;

function infoOf(error: unknown, depth: number, budget: Budget): ErrorInfo {
  budget.entries++;
  if (!(error instanceof Error)) return { name: 'Error', message: `non-Error value thrown: ${safeString(error)}` };
  // Coerced: a thrown Error may carry a non-string name or message, and the record takes strings.
  const info: ErrorInfo = {
    name: safeString(read(error, 'name')),
    message: safeString(read(error, 'message')),
    stack: undefined,
  };
  const stack = read(error, 'stack');
  if (typeof stack === 'string') info.stack = stack.slice(0, RECORDED_STACK);
  const code = codeOf(read(error, 'code'));
  if (code !== undefined) info.code = code;
  if (hasOwn(error, 'cause')) {
    const cause = read(error, 'cause');
    if (cause !== undefined) info.cause = causeOf(cause, depth + 1, budget);
  }
  const errors = read(error, 'errors');
  if (Array.isArray(errors)) info.errors = errorsOf(errors, depth, budget);
  return info;
}

function causeOf(cause: unknown, depth: number, budget: Budget): RecordedCause {
  if (cause instanceof Error) {
    if (depth > RECORDED_CAUSE_DEPTH || budget.entries >= MAX_ENTRIES) return truncated(`cause chain cut: a record keeps ${RECORDED_CAUSE_DEPTH} levels`);
    return infoOf(cause, depth, budget);
  }
  if (cause === null || typeof cause === 'boolean') return cause;
  if (typeof cause === 'number') return Number.isFinite(cause) ? cause : String(cause);
  return safeString(cause).slice(0, RECORDED_TEXT);
}

function errorsOf(errors: unknown[], depth: number, budget: Budget): ErrorInfo[] {
  const out: ErrorInfo[] = [];
  let n = 0;
  try {
    n = errors.length;
    for (let i = 0; i < n && i < RECORDED_ERRORS && budget.entries < MAX_ENTRIES; i++) {
      out.push(infoOf(errors[i], depth + 1, budget));
    }
  } catch {
    // A proxy or a getter that throws: keep what was read.
  }
  if (out.length < n) out.push(truncated(`${n - out.length} more errors not recorded: a record keeps ${RECORDED_ERRORS}`));
  return out;
}

function truncated(message: string): ErrorInfo {
  return { name: TRUNCATED_ERROR_NAME, message };
}

function codeOf(code: unknown): string | number | undefined {
  if (typeof code === 'string') return code.slice(0, RECORDED_TEXT);
  if (typeof code === 'number' && Number.isFinite(code)) return code;
  return undefined;
}

function hasOwn(o: object, key: string): boolean {
  try {
    return Object.prototype.hasOwnProperty.call(o, key);
  } catch {
    return false;
  }
}

function read(o: object, key: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch (e) {
    return `<reading ${key} threw: ${e instanceof Error ? e.message : 'a non-Error'}>`;
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return describeValue(value);
  }
}

/**
 * An ErrorInfo from anywhere (a reporter's, or one read back), checked field by
 * field within the bounds above: what is not of the right type is dropped.
 */
function normalize(info: Partial<Record<keyof ErrorInfo, unknown>>, depth: number, budget: Budget): ErrorInfo {
  budget.entries++;
  const out: ErrorInfo = { name: safeString(info.name), message: safeString(info.message), stack: undefined };
  if (typeof info.stack === 'string') out.stack = info.stack;
  const code = codeOf(info.code);
  if (code !== undefined) out.code = code;
  const cause = info.cause;
  if (typeof cause === 'object' && cause !== null) {
    out.cause =
      depth >= RECORDED_CAUSE_DEPTH || budget.entries >= MAX_ENTRIES
        ? truncated(`cause chain cut: a record keeps ${RECORDED_CAUSE_DEPTH} levels`)
        : normalize(cause, depth + 1, budget);
  } else if (cause !== undefined) {
    out.cause = causeOf(cause, depth + 1, budget);
  }
  if (Array.isArray(info.errors)) {
    const errors: ErrorInfo[] = [];
    for (const e of info.errors as unknown[]) {
      if (errors.length === RECORDED_ERRORS + 1 || budget.entries >= MAX_ENTRIES) break;
      if (typeof e === 'object' && e !== null) errors.push(normalize(e, depth + 1, budget));
    }
    out.errors = errors;
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Writes `info` as UTF-8 JSON into `record` (4-byte length prefix). What does
 * not fit is cut, least telling first, until it fits: the stacks of the causes
 * and aggregated errors; then the error's own stack, frame by frame from the
 * end; then aggregated errors from the last (a TruncatedError says how many
 * went); then cause links from the deepest (a TruncatedError ends the chain);
 * then the nested messages; then the message itself (with an ellipsis). Plain
 * stores: the writer owns the record (the slot's worker before it flips the
 * done bit; the reporter of a death before it publishes the DEAD status).
 */
export function writeErrorRecord(record: Uint8Array, info: ErrorInfo): void {
  checkRecord(record, MIN_RECORD_BYTES);
  const full = toRecordedInfo(info, 'info');
  const room = record.length - 4;
  const bytes = fitted(full, room);
  new DataView(record.buffer, record.byteOffset, 4).setUint32(0, bytes.length, true);
  record.set(bytes, 4);
}

function encode(info: ErrorInfo): Uint8Array {
  return encoder.encode(JSON.stringify(info));
}

/** The longest encoding of `full`, cut as writeErrorRecord says, that fits in `room` bytes. */
function fitted(full: ErrorInfo, room: number): Uint8Array {
  let bytes = encode(full);
  if (bytes.length <= room) return bytes;
  // The identity (name, message, code, causes, aggregated errors) without any stack.
  let candidate: ErrorInfo = { ...withoutStacks(full), stack: undefined };
  bytes = encode(candidate);
  if (bytes.length <= room) {
    // As many of the error's own frames as fit besides it.
    let lines = full.stack?.split('\n') ?? [];
    while (lines.length > 1) {
      lines = lines.slice(0, -1);
      const withFrames = encode({ ...candidate, stack: lines.join('\n') });
      if (withFrames.length <= room) return withFrames;
    }
    return bytes;
  }
  // Aggregated errors from the last, a marker counting them in their place.
  const errors = candidate.errors;
  if (errors !== undefined && errors.length > 0) {
    const last = errors[errors.length - 1];
    const marked = last.name === TRUNCATED_ERROR_NAME;
    const recorded = marked ? errors.slice(0, -1) : errors;
    const total = recorded.length + (marked ? leadingCount(last.message) : 0);
    for (let k = recorded.length - 1; k >= 0 && bytes.length > room; k--) {
      const what = k === 0 ? `${total} errors` : `${total - k} more errors`;
      candidate = { ...candidate, errors: [...recorded.slice(0, k), truncated(`${what} not recorded: the record is full`)] };
      bytes = encode(candidate);
    }
  }
  // Cause links from the deepest.
  for (let depth = chainDepth(candidate); depth > 0 && bytes.length > room; depth--) {
    candidate = cutChain(candidate, depth - 1);
    bytes = encode(candidate);
  }
  if (bytes.length > room) {
    candidate = shortenNested(candidate);
    bytes = encode(candidate);
  }
  // The message (and the name), the markers kept; at last a bare record.
  let cut = candidate.message.length;
  while (bytes.length > room && cut > 0) {
    cut = Math.floor(cut / 2);
    candidate = { ...candidate, name: candidate.name.slice(0, RECORDED_NAME), message: `${candidate.message.slice(0, cut)}…` };
    bytes = encode(candidate);
  }
  return bytes.length <= room ? bytes : encode({ name: candidate.name.length <= RECORDED_NAME ? candidate.name : 'Error', message: '…' });
}

function withoutStacks(info: ErrorInfo): ErrorInfo {
  const out: ErrorInfo = { ...info };
  if (typeof info.cause === 'object' && info.cause !== null) out.cause = { ...withoutStacks(info.cause), stack: undefined };
  if (info.errors !== undefined) out.errors = info.errors.map((e) => ({ ...withoutStacks(e), stack: undefined }));
  return out;
}

/** The count a marker's message starts with ("3 more errors ..."). */
function leadingCount(message: string): number {
  const n = Number.parseInt(message, 10);
  return Number.isInteger(n) ? n : 0;
}

/** Links of the cause chain below `info` that are errors. */
function chainDepth(info: ErrorInfo): number {
  let n = 0;
  for (let c = info.cause; typeof c === 'object' && c !== null; c = c.cause) n++;
  return n;
}

/** `info` with its cause chain ending after `keep` links, in a TruncatedError. */
function cutChain(info: ErrorInfo, keep: number): ErrorInfo {
  if (keep === 0) return { ...info, cause: typeof info.cause === 'object' && info.cause !== null ? truncated('cause not recorded: the record is full') : info.cause };
  const cause = info.cause;
  if (typeof cause !== 'object' || cause === null) return info;
  return { ...info, cause: cutChain(cause, keep - 1) };
}

function shortenNested(info: ErrorInfo): ErrorInfo {
  const out: ErrorInfo = { ...info };
  const cause = info.cause;
  if (typeof cause === 'object' && cause !== null) out.cause = { ...shortenNested(cause), message: shorten(cause.message) };
  else if (typeof cause === 'string') out.cause = shorten(cause);
  if (info.errors !== undefined) out.errors = info.errors.map((e) => ({ ...shortenNested(e), message: shorten(e.message) }));
  return out;
}

function shorten(text: string): string {
  return text.length > RECORDED_NAME ? `${text.slice(0, RECORDED_NAME)}…` : text;
}

/** Reads an ErrorInfo written by writeErrorRecord (a blank record reads as an unknown error). */
export function readErrorRecord(record: Uint8Array): ErrorInfo {
  checkRecord(record, 4);
  const length = new DataView(record.buffer, record.byteOffset, 4).getUint32(0, true);
  if (length === 0 || length > record.length - 4) return { name: 'Error', message: 'unknown error' };
  try {
    const parsed = JSON.parse(decoder.decode(record.slice(4, 4 + length))) as Partial<Record<keyof ErrorInfo, unknown>>;
    if (typeof parsed !== 'object' || (parsed as unknown) === null) throw new TypeError('not an object');
    return normalize(parsed, 0, { entries: 0 });
  } catch {
    return { name: 'Error', message: 'unreadable error record' };
  }
}

/** The parts of a recorded error that a RemoteError rebuilds on the submitter. */
export function remoteDetails(info: ErrorInfo): RemoteErrorDetails {
  return {
    remoteCode: info.code,
    cause: info.cause === undefined ? undefined : rebuildCause(info.cause),
    hasCause: info.cause !== undefined,
    errors: info.errors?.map(rebuild),
  };
}

function rebuildCause(cause: RecordedCause): unknown {
  return typeof cause === 'object' && cause !== null ? rebuild(cause) : cause;
}

/** An Error (an AggregateError when it had `errors`) with the recorded name, message, stack, code and cause. */
function rebuild(info: ErrorInfo): Error {
  const options = info.cause === undefined ? undefined : { cause: rebuildCause(info.cause) };
  const e = info.errors === undefined ? new Error(info.message, options) : new AggregateError(info.errors.map(rebuild), info.message, options);
  Object.defineProperty(e, 'name', { value: info.name, writable: true, configurable: true, enumerable: false });
  // Without a recorded stack the submitter's own would mislead: the head line only.
  e.stack = info.stack ?? `${info.name}: ${info.message}`;
  if (info.code !== undefined) (e as Error & { code: string | number }).code = info.code;
  return e;
}
