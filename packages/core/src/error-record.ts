import { describeValue } from './errors.js';

/** Smallest error record: room for a name (cut to 64 characters), a short message and the length prefix. */
const MIN_RECORD_BYTES = 128;

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
  const i = info as { name?: unknown; message?: unknown; stack?: unknown };
  return { name: String(i.name), message: String(i.message), stack: typeof i.stack === 'string' ? i.stack : undefined };
}

/** An error as it crosses threads: plain data. */
export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string | undefined;
}

/** Turns anything thrown into ErrorInfo. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    // Coerced: a thrown Error may carry a non-string name or message, and the record takes strings.
    const { name, message, stack } = error as { name: unknown; message: unknown; stack: unknown };
    return { name: String(name), message: String(message), stack: typeof stack === 'string' ? stack : undefined };
  }
  return { name: 'Error', message: `non-Error value thrown: ${String(error)}` };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Writes `info` as UTF-8 JSON into `record` (4-byte length prefix), cutting the
 * stack, then the message, until it fits. Plain stores: the writer owns the
 * record (the slot's worker before it flips the done bit; the reporter of a death
 * before it publishes the DEAD status).
 */
export function writeErrorRecord(record: Uint8Array, info: ErrorInfo): void {
  checkRecord(record, MIN_RECORD_BYTES);
  info = toRecordedInfo(info, 'info');
  const room = record.length - 4;
  let candidate: ErrorInfo = { name: info.name, message: info.message, stack: info.stack };
  let bytes = encoder.encode(JSON.stringify(candidate));
  // Cut the stack by whole frames (most real stacks do not fit whole), then drop it.
  let lines = info.stack?.split('\n') ?? [];
  while (bytes.length > room && lines.length > 1) {
    lines = lines.slice(0, -1);
    candidate = { name: info.name, message: info.message, stack: lines.join('\n') };
    bytes = encoder.encode(JSON.stringify(candidate));
  }
  if (bytes.length > room) {
    candidate = { name: info.name, message: info.message };
    bytes = encoder.encode(JSON.stringify(candidate));
  }
  let cut = info.message.length;
  while (bytes.length > room && cut > 0) {
    cut = Math.floor(cut / 2);
    candidate = { name: info.name.slice(0, 64), message: `${info.message.slice(0, cut)}…` };
    bytes = encoder.encode(JSON.stringify(candidate));
  }
  new DataView(record.buffer, record.byteOffset, 4).setUint32(0, bytes.length, true);
  record.set(bytes.subarray(0, room), 4);
}

/** Reads an ErrorInfo written by writeErrorRecord (a blank record reads as an unknown error). */
export function readErrorRecord(record: Uint8Array): ErrorInfo {
  checkRecord(record, 4);
  const length = new DataView(record.buffer, record.byteOffset, 4).getUint32(0, true);
  if (length === 0 || length > record.length - 4) return { name: 'Error', message: 'unknown error' };
  try {
    const parsed = JSON.parse(decoder.decode(record.slice(4, 4 + length))) as ErrorInfo;
    return { name: parsed.name, message: parsed.message, stack: parsed.stack };
  } catch {
    return { name: 'Error', message: 'unreadable error record' };
  }
}
