// Runs a program to its end: exit 0 when the pattern completed, 1 when a system call failed and it
// could not go on, 128 + the signal when ended by SIGHUP, SIGINT, SIGQUIT or SIGTERM. Whatever the
// way out, calls the kernel is holding are woken, every descriptor netsys opened is closed (each call
// traced), and all output is written before the process exits (waiting a bounded time for a reader).
import * as fs from 'node:fs';
import type { Outcome } from '../calls/recorder';
import { Interrupted } from '../calls/interrupted';
import { onStdoutGone } from './stdout';
import { escapeControls } from '../visible';
import { internalErrorLine, resourceProblem } from '../bug';
import { ENDING_SIGNAL_NAMES, signalExitCode } from '../signals';

/** What the way out needs of the calls: wake what the kernel holds, close what is open (Recorder). */
export interface Releasable {
  releaseAll(): Promise<void>;
}

/** What the way out needs of the output: a note about the run, and the end of the trace, all written (TraceOutput). */
export interface Notes {
  aside(text: string): void;
  finish(): Promise<void>;
  /** Calls `handler` once if the trace cannot be written (a full disk, a closed pipe). */
  onWriteError?(handler: (message: string) => void): void;
}

/** The program cannot go on: it ends with `exitCode` (1 unless given) and this one-line message (none when empty). */
export class ProgramFailed extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A system call failed and the program cannot go on; the call itself is already in the trace. */
export class CallFailed extends ProgramFailed {
  constructor(what: string, outcome: Outcome) {
    super(`${what}: ${outcome.error?.name ?? outcome.ret} (${outcome.error?.message ?? 'failed'})`);
  }
}

/** The call's result when it succeeded; otherwise the program ends with exit status 1. */
export function expectSuccess(what: string, outcome: Outcome): number {
  if (outcome.error) throw new CallFailed(what, outcome);
  return outcome.ret;
}


/** How long the way out waits for the kernel to return the calls it woke (milliseconds); it takes microseconds. */
const RELEASE_LIMIT_MS = 5000;
/** How long the way out waits for output nobody reads (a full pipe, a paused `less`) to drain. */
const FLUSH_LIMIT_MS = 2000;

function stdoutWritten(): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.destroyed || !process.stdout.writable) resolve();
    else process.stdout.write('', () => resolve());
  });
}

const ignore = (): void => undefined;

/** Resolves when `work` does or after `ms`, whichever comes first; never rejects. */
function atMost(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    work.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}

/** The last line, written at once (standard error may be a pipe nobody reads: never wait for it). */
function lastLine(message: string): void {
  try {
    fs.writeSync(2, `netsys: ${escapeControls(message)}\n`);
  } catch {
    // standard error is gone too: the exit status still tells
  }
}

/** What Node's own exit would do for a lesson's key prompt, which _exit skips: the terminal back to cooked mode. */
function restoreTerminal(): void {
  try {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
  } catch {
    // the terminal is gone (SIGHUP): there is nothing left to restore
  }
}

/**
 * The wait for standard output's reader at the end. After a success it lasts as long as the reader
 * takes (a learner paging slowly through `| less` loses nothing), until a signal cuts it to
 * FLUSH_LIMIT_MS; after a failure or a signal it lasts at most FLUSH_LIMIT_MS from the start.
 */
class FlushWait {
  private cut: () => void = () => undefined;
  private readonly cutShort = new Promise<void>((resolve) => (this.cut = () => setTimeout(resolve, FLUSH_LIMIT_MS)));

  /** Resolves once the output is written, or the wait is over. */
  wait(written: Promise<unknown>, unbounded: boolean): Promise<void> {
    if (!unbounded) this.cut();
    return Promise.race([written.then(ignore, ignore), this.cutShort]);
  }

  /** A signal: the output has FLUSH_LIMIT_MS more, then the program leaves. */
  hurry(): void {
    this.cut();
  }
}

export async function runProgram(calls: Releasable, output: Notes, body: () => Promise<void>): Promise<never> {
  let leaving: Promise<never> | null = null;
  let exitCode = 0;
  const flush = new FlushWait();
  /** Why the trace could not be written, once it could not: even while leaving, the exit is then 1. */
  let unwritten: string | null = null;
  const leave = (code: number, message?: string): Promise<never> => {
    if (leaving) return leaving;
    exitCode = code;
    leaving = (async () => {
      await atMost(calls.releaseAll(), RELEASE_LIMIT_MS);
      await flush.wait(Promise.all([output.finish(), stdoutWritten()]), code === 0);
      // The last lines (the closes, written as the program leaves) may be the ones that could not be written.
      const failed = exitCode === 0 && unwritten !== null;
      const text = failed ? unwritten : message;
      if (text) lastLine(text);
      restoreTerminal();
      // Loaded here, not with this module: the command line imports it (ProgramFailed), and start-up
      // must not load the native binding on the main thread.
      const exitNow: (code: number) => never = (require('../libc/native/exit') as typeof import('../libc/native/exit')).exitNow;
      exitNow(failed ? 1 : exitCode);
    })();
    return leaving;
  };

  output.onWriteError?.((message) => {
    unwritten ??= message;
    void leave(1, message);
  });
  onStdoutGone((message) => void leave(1, message));
  // A bug must not leave a side thread blocked in the kernel: the way out wakes it.
  process.on('uncaughtException', (error) => void leave(70, internalErrorLine(error)));

  for (const signal of ENDING_SIGNAL_NAMES) {
    const code = signalExitCode(signal);
    process.on(signal, () => {
      // A signal while leaving: the closing takes milliseconds, and is shown, so it finishes; only the
      // wait for a reader of standard output is cut short, and the status tells of the signal.
      if (leaving) {
        if (exitCode === 0) exitCode = code;
        flush.hurry();
        return;
      }
      output.aside(`${signal}: closing every socket netsys opened`);
      void leave(code);
    });
  }

  try {
    await body();
  } catch (error) {
    if (error instanceof Interrupted) return new Promise<never>(() => undefined); // the signal handler leaves
    if (error instanceof ProgramFailed) return leave(error.exitCode, error.message);
    const resource = resourceProblem(error);
    return resource ? leave(1, resource) : leave(70, internalErrorLine(error));
  }
  return leave(0);
}
