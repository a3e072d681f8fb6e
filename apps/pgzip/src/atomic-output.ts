import type { WriteStream } from 'node:fs';
import { chmod, lstat, open, rename, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Bytes buffered before the output stream asks for backpressure: large writes, few system calls. */
const OUTPUT_HIGH_WATER_MARK = 1024 * 1024;

/** Temporary files made by this process so far: part of their names. */
let created = 0;

/** Temporary files not yet renamed into place: removed on a signal, so no partial output survives. */
const pending = new Set<string>();

/**
 * An output file written under a temporary name in the target's directory
 * (so the final rename is atomic, on one file system) and renamed at the end.
 * Until `commit()`, the target is untouched; `discard()` removes the
 * temporary file. The temporary file is created exclusively ('wx'): an
 * existing file is never clobbered, whatever its name.
 */
export class AtomicOutput {
  readonly target: string;
  readonly temporary: string;
  private readonly handle: FileHandle;
  private writeStream: WriteStream | undefined;
  private finished = false;

  private constructor(target: string, temporary: string, handle: FileHandle) {
    this.target = target;
    this.temporary = temporary;
    this.handle = handle;
  }

  /**
   * Creates the temporary file beside `target`, named after it, this process
   * and a counter. Exclusive creation ('wx') never opens an existing file; a
   * name already taken (a crashed run of the same process id) is skipped.
   */
  static async create(target: string): Promise<AtomicOutput> {
    for (;;) {
      const temporary = join(dirname(target), `.${basename(target)}.twq-${process.pid}-${++created}.tmp`);
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

  /** A write stream on the temporary file; it closes the file when it ends or is destroyed. */
  get stream(): WriteStream {
    this.writeStream ??= this.handle.createWriteStream({ highWaterMark: OUTPUT_HIGH_WATER_MARK });
    return this.writeStream;
  }

  /**
   * Gives the file the input's mode and times (as gzip does), then renames
   * it over the target. Call once the data is written (the stream finished).
   */
  async commit(meta?: { mode: number; atime: Date; mtime: Date }): Promise<void> {
    if (this.writeStream === undefined) await this.handle.close();
    if (meta !== undefined) {
      await chmod(this.temporary, meta.mode & 0o7777);
      await utimes(this.temporary, meta.atime, meta.mtime);
    }
    await rename(this.temporary, this.target);
    pending.delete(this.temporary);
    this.finished = true;
  }

  /** Removes the temporary file (after an error). Never throws. */
  async discard(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const stream = this.writeStream;
    if (stream === undefined) {
      await this.handle.close().catch(() => undefined);
    } else if (!stream.closed) {
      await new Promise<void>((resolve) => {
        stream.once('close', resolve);
        stream.destroy();
      });
    }
    await unlink(this.temporary).catch(() => undefined);
    pending.delete(this.temporary);
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
