// The learner's keys between steps: Enter or space makes the call, `?` shows more, `q` or Ctrl-D
// (the end of input, as at a shell) quits. Ctrl-C and Ctrl-\ in raw mode arrive as keys, so they are
// turned back into SIGINT and SIGQUIT for the one way out; any other key is reported, for a hint.
import * as readline from 'node:readline';

export type Key = 'go' | 'more' | 'quit' | 'other';

export interface Keys {
  next(): Promise<Key>;
  /**
   * A line editor has the keyboard (a your-turn step's prompt): no key is read here until `release`,
   * so that Ctrl-C clears the line being typed and Ctrl-D deletes, as the editor means them.
   */
  hold(): void;
  release(): void;
  close(): void;
}

const KEYS: Readonly<Record<string, Key>> = { return: 'go', enter: 'go', space: 'go', q: 'quit', '?': 'more' };
/** Ctrl-C and Ctrl-\\, which a terminal in cooked mode would have turned into these signals. */
const CONTROL_SIGNALS: Readonly<Record<string, NodeJS.Signals>> = { '\x03': 'SIGINT', '\x1c': 'SIGQUIT' };
/** Ctrl-D. */
const END_OF_INPUT = '\x04';

export function terminalKeys(input: NodeJS.ReadStream = process.stdin): Keys {
  readline.emitKeypressEvents(input);
  input.setRawMode(true);
  input.resume();
  let waiting: ((key: Key) => void) | null = null;
  const onKey = (sequence: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
    const signal = CONTROL_SIGNALS[sequence ?? ''];
    if (signal) {
      process.kill(process.pid, signal);
      return;
    }
    const meaning = sequence === END_OF_INPUT ? 'quit' : KEYS[key?.name ?? ''] ?? KEYS[sequence ?? ''] ?? 'other';
    if (meaning && waiting) {
      const resolve = waiting;
      waiting = null;
      resolve(meaning);
    }
  };
  input.on('keypress', onKey);
  return {
    next: () => new Promise<Key>((resolve) => (waiting = resolve)),
    hold: () => {
      input.off('keypress', onKey);
    },
    release: () => {
      input.off('keypress', onKey);
      input.on('keypress', onKey);
    },
    close: () => {
      input.off('keypress', onKey);
      input.setRawMode(false);
      input.pause();
    },
  };
}
