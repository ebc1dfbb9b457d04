// Files netsys reads or writes on the learner's behalf (lesson files, progress.json, -o FILE) can be
// anything a path can name: a directory, a FIFO nobody writes, /dev/zero, a dangling symlink. Only a
// regular file of a sane size is read; anything else is refused with one line naming what it is.
import * as fs from 'node:fs';

/** The file cannot be used: `message` says which file and why, in one line. */
export class FileRefused extends Error {}

/** What a non-regular file is, in words: `a directory`, `a FIFO`. */
export function kindOf(stats: fs.Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/** `ENOENT`, or the message when the error carries no code. */
export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/**
 * The text of `file`, a regular file of at most `limit` bytes, read as UTF-8 with any byte-order mark
 * dropped. Opened without blocking, so that a FIFO is refused rather than waited on.
 * @throws FileRefused naming `shown` (the path as the learner knows it) and the problem
 * @throws NodeJS.ErrnoException with code ENOENT when nothing is there (a dangling symlink too)
 */
export function readRegularFile(file: string, shown: string, limit: number): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw error;
    // A socket file, or /dev/tty with no terminal, cannot be opened (ENXIO): say what it is, as below.
    const stats = statOrNull(file);
    if (stats && !stats.isFile()) throw new FileRefused(`${shown} is ${kindOf(stats)}, not a regular file`);
    throw new FileRefused(`${shown}: cannot read it: ${errorCode(error)}`);
  }
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) throw new FileRefused(`${shown} is ${kindOf(stats)}, not a regular file`);
    if (stats.size > limit) throw new FileRefused(`${shown} is ${stats.size} bytes; at most ${limit} are read`);
    const bytes = Buffer.alloc(stats.size);
    let length = 0;
    while (length < bytes.length) {
      const read = fs.readSync(fd, bytes, length, bytes.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return bytes.subarray(0, length).toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof FileRefused) throw error;
    throw new FileRefused(`${shown}: cannot read it: ${errorCode(error)}`);
  } finally {
    fs.closeSync(fd);
  }
}
