// Runs a program to its end: exit 0 when the pattern completed, 1 when a system call failed and it
// could not go on, 130 or 143 when interrupted by SIGINT or SIGTERM. Whatever the way out, calls the
// kernel is holding are woken, every descriptor netsys opened is closed (each call traced), and all
// output is written before the process exits.
import { Interrupted, Outcome } from '../trace/recorder';
import { SIGNAL_EXIT_CODES } from './signals';

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


function stdoutWritten(): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.destroyed) resolve();
    else process.stdout.write('', () => resolve());
  });
}

export async function runProgram(calls: Releasable, output: Notes, body: () => Promise<void>): Promise<never> {
  let leaving: Promise<never> | null = null;
  const leave = (code: number, message?: string): Promise<never> => {
    leaving ??= (async () => {
      await calls.releaseAll();
      await Promise.all([output.finish(), stdoutWritten()]);
      if (message) process.stderr.write(`netsys: ${message}\n`);
      process.exit(code);
    })();
    return leaving;
  };

  output.onWriteError?.((message) => void leave(1, message));
  // A bug must not leave a thread-pool thread blocked in the kernel: Node.js would wait for it at exit.
  process.on('uncaughtException', (error) => void leave(70, `internal error: ${error.stack ?? String(error)}`));

  for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.on(signal, () => {
      if (leaving) process.exit(code); // a second signal while closing: leave at once
      output.aside(`${signal}: closing every socket netsys opened`);
      void leave(code);
    });
  }

  try {
    await body();
  } catch (error) {
    if (error instanceof Interrupted) return new Promise<never>(() => undefined); // the signal handler leaves
    if (error instanceof ProgramFailed) return leave(error.exitCode, error.message);
    throw error;
  }
  return leave(0);
}
