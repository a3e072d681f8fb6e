import { write } from 'node:fs';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Bytes buffered before the output stream asks for backpressure: large writes, few system calls. */
const OUTPUT_HIGH_WATER_MARK = 1024 * 1024;

/** The longest file name (one path component) Linux file systems take, in bytes (NAME_MAX). */
export const NAME_MAX = 255;

/** How every temporary file of twq-gzip begins: `find -name '.twq-gzip-*'` finds those a SIGKILL left. */
export const TEMPORARY_PREFIX = '.twq-gzip-';

const UTF8_CONTINUATION_MASK = 0xc0;
const UTF8_CONTINUATION = 0x80;

/** The permission bits gzip gives an output: never set-user-ID, set-group-ID or sticky. */
const PERMISSION_BITS = 0o777;

/** Temporary files made by this process so far: part of their names. */
let created = 0;

/** Temporary files not yet renamed into place: removed on a signal, so no partial output survives. */
const pending = new Set<string>();

/** What an output takes from its input, as gzip gives it (copy_stat). */
export interface OutputMeta {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly atime: Date;
  readonly mtime: Date;
}

/**
 * An output file written under a temporary name in the target's directory
 * (so the final rename is atomic, on one file system) and renamed at the end.
 * Until `commit()`, the target is untouched; `discard()` removes the
 * temporary file. The temporary file is created exclusively ('wx', mode 0600:
 * no one else can read it while it fills): an existing file is never
 * clobbered, whatever its name.
 */
export class AtomicOutput {
  readonly target: string;
  readonly temporary: string;
  private readonly handle: FileHandle;
  private writeStream: Writable | undefined;
  private finished = false;

  private constructor(target: string, temporary: string, handle: FileHandle) {
    this.target = target;
    this.temporary = temporary;
    this.handle = handle;
  }

  /**
   * Creates the temporary file beside `target`: `.twq-gzip-PID-N.NAME`, cut to
   * NAME_MAX bytes, so that any target name the file system takes has a
   * temporary name it takes too. A name already taken (a run killed with the
   * same process id) is skipped.
   */
  static async create(target: string): Promise<AtomicOutput> {
    for (;;) {
      const temporary = join(dirname(target), temporaryName(basename(target), process.pid, ++created));
      try {
        const handle = await open(temporary, 'wx', 0o600);
        pending.add(temporary);
        return new AtomicOutput(target, temporary, handle);
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
      }
    }
  }

  /** The temporary file's descriptor, for direct writes (use this or `stream`, not both). */
  get fd(): number {
    return this.handle.fd;
  }

  /** A write stream on the temporary file; ending or destroying it leaves the file open for commit() or discard(). */
  get stream(): Writable {
    this.writeStream ??= descriptorStream(this.handle.fd);
    return this.writeStream;
  }

  /**
   * Gives the file the input's group, permission bits, owner and times, in
   * gzip's order (group first; the owner last, after which a user other than
   * root could change nothing more), on the open file; then renames it over
   * the target. A user who is not root cannot give a file away: that chown
   * fails and is ignored, as with gzip. Call once the data is written.
   */
  async commit(meta: OutputMeta): Promise<void> {
    await ignoreEperm(this.handle.chown(-1, meta.gid));
    await this.handle.chmod(meta.mode & PERMISSION_BITS);
    await ignoreEperm(this.handle.chown(meta.uid, -1));
    await this.handle.utimes(meta.atime, meta.mtime);
    await this.handle.close();
    await rename(this.temporary, this.target);
    pending.delete(this.temporary);
    this.finished = true;
  }

  /** Removes the temporary file (after an error). Never throws. */
  async discard(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.writeStream?.destroy();
    await this.handle.close().catch(() => undefined);
    await unlink(this.temporary).catch(() => undefined);
    pending.delete(this.temporary);
  }
}

const writeAsync = promisify(write);

/**
 * A Writable on a descriptor that never closes it (fs.WriteStream closes its
 * descriptor when destroyed, and a FileHandle's own stream keeps the handle
 * from closing until the stream does): the descriptor stays the
 * AtomicOutput's, for its metadata and its one close.
 */
function descriptorStream(fd: number): Writable {
  return new Writable({
    highWaterMark: OUTPUT_HIGH_WATER_MARK,
    write(chunk: Buffer, _encoding, callback) {
      void (async () => {
        for (let at = 0; at < chunk.length; ) at += (await writeAsync(fd, chunk, at, chunk.length - at)).bytesWritten;
      })().then(() => {
        callback();
      }, callback);
    },
  });
}

/** `.twq-gzip-PID-N.NAME`, cut (at a character boundary) to NAME_MAX bytes. */
export function temporaryName(target: string, pid: number, n: number): string {
  const bytes = Buffer.from(`${TEMPORARY_PREFIX}${pid}-${n}.${target}`);
  if (bytes.length <= NAME_MAX) return bytes.toString();
  let end = NAME_MAX;
  // Back to the start of a UTF-8 sequence: continuation bytes are 10xxxxxx.
  while ((bytes[end] & UTF8_CONTINUATION_MASK) === UTF8_CONTINUATION) end--;
  return bytes.subarray(0, end).toString();
}

async function ignoreEperm(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'EPERM') throw e;
  }
}

/** Whether `path` exists (a dangling symbolic link counts: it would be overwritten too). */
export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Removes every temporary file still pending: for signal handlers, so synchronous. */
export function removePendingOutputsSync(unlinkSync: (path: string) => void): void {
  for (const path of pending) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone.
    }
  }
  pending.clear();
}
