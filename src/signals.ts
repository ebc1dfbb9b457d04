// The signals whose default action ends a program, as a shell reports them: 128 + the signal's
// number. netsys treats them all as it treats Ctrl-C (every held call woken, every socket closed,
// each call shown); the demo passes them on to its two processes. Left out: SIGKILL and SIGSTOP
// (no handler can run), SIGSEGV, SIGBUS, SIGFPE and SIGILL (after a real fault no JavaScript may
// run), SIGABRT and SIGTRAP (Node.js's own aborts), SIGPROF (the profiler's), SIGUSR1 (ignored: see
// cli.ts), SIGPIPE (Node.js ignores it, and a closed pipe is met as EPIPE).
import { constants } from 'node:os';

const NAMES = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR2', 'SIGALRM', 'SIGVTALRM', 'SIGXCPU', 'SIGXFSZ',
  'SIGPWR', 'SIGIO', 'SIGSTKFLT',
] as const;

export type EndingSignal = (typeof NAMES)[number];

/** The ending signals this system has (Linux has them all). */
export const ENDING_SIGNAL_NAMES: readonly EndingSignal[] = NAMES.filter((name) => name in constants.signals);

/** The exit status after `signal`: 130 for SIGINT, 129 for SIGHUP. */
export function signalExitCode(signal: EndingSignal): number {
  return 128 + (constants.signals as Readonly<Record<string, number>>)[signal];
}
