// The learner's keys between steps: Enter or space makes the call, `?` shows more, `q` quits.
// Ctrl-C in raw mode arrives as a key, so it is turned back into SIGINT for the one way out.
import * as readline from 'node:readline';

export type Key = 'go' | 'more' | 'quit';

export interface Keys {
  next(): Promise<Key>;
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
    close: () => {
      input.off('keypress', onKey);
      input.setRawMode(false);
      input.pause();
    },
  };
}
