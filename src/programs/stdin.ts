// The client's standard input: what it sends, read on the client's call thread with read(2) made
// synchronously (fs.readSync), as a C client reads it. A regular file is read in RECEIVE_BUFFER_SIZE
// chunks, so that each send carries as much as one recv takes; a pipe or a terminal 64 KiB at most
// per read, as Node reads them (a line at a time from a terminal, what is there from a pipe).
import * as fs from 'node:fs';
import { RECEIVE_BUFFER_SIZE } from './transfer';

/** What one read from a pipe or a terminal asks for: 64 KiB, as Node's streams read them. */
const PIPE_READ_SIZE = 65536;
/** How long to wait before reading again a non-blocking standard input that had nothing (EAGAIN), in ms. */
const EMPTY_RETRY_MS = 2;
const pause = new Int32Array(new SharedArrayBuffer(4));

let beforeRead: () => void = () => undefined;

/** `hook` runs before each read of standard input, which may wait for ever: a call thread writes its lines out there. */
export function beforeEachRead(hook: () => void): void {
  beforeRead = hook;
}

/**
 * Standard input, chunk by chunk until end of file. Each chunk is a view of one buffer, valid until
 * the next chunk is asked for (its sends are made by then: no copy of bulk data). Each next() reads
 * synchronously: the calling thread waits in read(2) until there is input (a call thread does; the
 * main thread must not). A closed or unreadable standard input ends at once, as /dev/null would.
 */
export async function* standardInput(): AsyncGenerator<Buffer> {
  const buffer = Buffer.alloc(isRegularFile(0) ? RECEIVE_BUFFER_SIZE : PIPE_READ_SIZE);
  for (;;) {
    beforeRead();
    let count: number;
    try {
      count = fs.readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, EMPTY_RETRY_MS);
        continue;
      }
      if (code === 'EINTR') continue;
      return; // EBADF, EIO (a terminal that went away): no more input
    }
    if (count === 0) return;
    yield buffer.subarray(0, count);
  }
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
