// The signals that end a program, and the exit status each gives (128 + the signal's number, as a
// shell reports a process killed by it). Its own module, with no imports, so that the main thread of a
// call-thread program (src/callthread/supervisor.ts) can watch them without loading libc.
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
