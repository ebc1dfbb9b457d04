// The learner's keys between steps: Enter or space makes the call, `?` shows more, `q` quits.
// Ctrl-C in raw mode arrives as a key, so it is turned back into SIGINT for the one way out.
import * as readline from 'node:readline';

export type Key = 'go' | 'more' | 'quit';

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

export function terminalKeys(input: NodeJS.ReadStream = process.stdin): Keys {
  readline.emitKeypressEvents(input);
  input.setRawMode(true);
  input.resume();
  let waiting: ((key: Key) => void) | null = null;
  const onKey = (sequence: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
    if (key?.ctrl && (key.name === 'c' || key.name === 'd')) {
      process.kill(process.pid, 'SIGINT');
      return;
    }
    const meaning = KEYS[key?.name ?? ''] ?? KEYS[sequence ?? ''];
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
