import { closeSync, constants, fstatSync, openSync, type Stats } from 'node:fs';
import { EXIT_WARNING } from './exit-status.js';
import { FileProblem } from './file-problem.js';

/** Mode bits gzip refuses to compress or decompress in place: an output would not keep them safely. */
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;

/** An input file, open: everything after the open uses this descriptor and these stats, never the path again. */
export interface OpenInput {
  readonly path: string;
  readonly fd: number;
  readonly stats: Stats;
}

export interface OpenInputOptions {
  /** The input is replaced by an output file (not -c, -t or -l): the checks that protect it apply. */
  readonly inPlace: boolean;
  readonly force: boolean;
  readonly recursive: boolean;
}

/** What was found instead of a file to work on: a directory to recurse into. */
export interface FoundDirectory {
  readonly directory: true;
}

/**
 * Opens `path` once, as gzip does: without following a symbolic link when
 * the input would be replaced and -f is absent (ELOOP: "Too many levels of
 * symbolic links"), without blocking on a FIFO or a device (O_NONBLOCK), and
 * then checks the open file itself (fstat), so that nothing can be swapped in
 * between the check and the use. In place, gzip refuses non-regular files
 * even with -f, set-user-ID, set-group-ID and sticky files even with -f, and
 * files with other hard links without -f: each a warning (exit status 2).
 */
export function openInput(path: string, options: OpenInputOptions): OpenInput | FoundDirectory {
  const noFollow = options.inPlace && !options.force ? constants.O_NOFOLLOW : 0;
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | noFollow);
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) {
      if (options.recursive) {
        closeSync(fd);
        return { directory: true };
      }
      throw new FileProblem('is a directory -- ignored', EXIT_WARNING, 'space');
    }
    if (options.inPlace) {
      if (!stats.isFile()) throw new FileProblem('is not a directory or a regular file - ignored', EXIT_WARNING, 'space');
      if (stats.mode & S_ISUID) throw new FileProblem('is set-user-ID on execution - ignored', EXIT_WARNING, 'space');
      if (stats.mode & S_ISGID) throw new FileProblem('is set-group-ID on execution - ignored', EXIT_WARNING, 'space');
      if (stats.mode & S_ISVTX) throw new FileProblem('has the sticky bit set - file ignored', EXIT_WARNING, 'space');
      if (!options.force && stats.nlink > 1) {
        const others = stats.nlink - 1;
        throw new FileProblem(`has ${others} other link${others === 1 ? '' : 's'} -- file ignored`, EXIT_WARNING, 'space');
      }
    }
    if (!stats.isFile()) return reopenBlocking(path, fd, stats);
    return { path, fd, stats };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * A FIFO or a device read with -c, -t or -l: Node cannot clear O_NONBLOCK, so
 * it is opened again, blocking, and must be the same file (device and inode)
 * as the one checked.
 */
function reopenBlocking(path: string, first: number, checked: Stats): OpenInput {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOCTTY);
  const stats = fstatSync(fd);
  closeSync(first);
  if (stats.dev !== checked.dev || stats.ino !== checked.ino) {
    closeSync(fd);
    throw new FileProblem('changed while being opened -- ignored', EXIT_WARNING);
  }
  return { path, fd, stats };
}
