// The client's standard input: what it sends. A regular file is read in RECEIVE_BUFFER_SIZE chunks,
// so that each send carries as much as one recv takes; a pipe or a terminal is read as Node reads it
// (a line at a time from a terminal, up to 64 KiB from a pipe).
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { RECEIVE_BUFFER_SIZE } from './transfer';

export function standardInput(): Readable {
  if (!isRegularFile(0)) return process.stdin;
  return fs.createReadStream('', { fd: 0, highWaterMark: RECEIVE_BUFFER_SIZE, autoClose: false });
}

function isRegularFile(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/**
 * Why standard input cannot be read as lines, or null: a directory (`< /tmp`), which Node.js reads as
 * an input that ends at once, so that a script would seem to end with every line read.
 */
export function unreadableInput(): string | null {
  try {
    return fs.fstatSync(0).isDirectory() ? 'standard input is a directory, not a file of lines' : null;
  } catch {
    return null;
  }
}
