// Standard output: the bytes that come back to a client, a lesson's text. When whoever reads it goes
// away (`netsys client ... | head -c 10`, `netsys lesson ... | head -1`), writing fails with EPIPE.
// nc would be killed by SIGPIPE at that point; netsys (Node.js ignores SIGPIPE) ends instead, through
// the way out of the program that is running: every socket closed, one line, exit 1.
// A client writes on its call thread with write(2) made synchronously (writeOut), waiting while the
// reader is slow; a lesson writes through process.stdout on the main thread (onStdoutGone).
import { writeAllSync } from '../render/output';
import { ProgramFailed } from './run';

let failure: string | null = null;
let watching = false;
let gone: (message: string) => void = (message) => {
  process.stderr.write(`netsys: ${message}\n`);
  process.exit(1);
};

function watch(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (error) => {
    if (failure) return;
    failure = stdoutFailure(error);
    gone(failure);
  });
}

/**
 * The one line for standard output that cannot be written. Only EPIPE (and a reset socket) mean the
 * reader has gone; a full device (ENOSPC on /dev/full, a full disk) or EIO say only what they say.
 */
export function stdoutFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = code === 'EPIPE' || code === 'ECONNRESET' ? '; whoever read it has gone' : '';
  // libc's words for the error, loaded only now: the command line imports this module, and start-up
  // must not load the native binding on the main thread (a program's calls are on its call thread).
  const { nodeErrorText } = require('../libc/native/errno') as typeof import('../libc/native/errno');
  return `cannot write to standard output: ${nodeErrorText(error)}${why}`;
}

/**
 * Calls `handler` once, with one line saying why, when standard output (process.stdout, the main
 * thread's) can no longer be written. Replaces the default, which writes that line and exits 1 (for
 * commands with no socket to close).
 */
export function onStdoutGone(handler: (message: string) => void): void {
  gone = handler;
  watch();
  if (failure) handler(failure);
}

/** The trace, whose lines so far are written before standard output when a reader could see the order (TraceOutput). */
export interface QueuedLines {
  beforeStandardOutput(): void;
}

/**
 * Writes what came back to descriptor 1, all of it, on the calling (call) thread, waiting while the
 * reader is slow; throws ProgramFailed once standard output is gone. The trace lines queued so far
 * are written first where a reader could see the order (TraceOutput.beforeStandardOutput).
 */
export async function writeOut(data: Buffer, trace: QueuedLines): Promise<void> {
  if (failure) throw new ProgramFailed(failure);
  trace.beforeStandardOutput();
  try {
    writeAllSync(1, data);
  } catch (error) {
    failure = stdoutFailure(error);
    throw new ProgramFailed(failure);
  }
}
