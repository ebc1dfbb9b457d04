// The signals that end a program, as a shell reports them: 128 + the signal's number. netsys treats
// them alike (every held call woken, every socket closed, each call shown); the demo passes them on.

/** Each ending signal and its exit status. */
export const ENDING_SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 } as const;

export type EndingSignal = keyof typeof ENDING_SIGNALS;

export const ENDING_SIGNAL_NAMES = Object.keys(ENDING_SIGNALS) as EndingSignal[];
