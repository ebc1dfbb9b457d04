// Where the learner's calls come from at a your-turn step: typed at a terminal (a line editor with Tab
// completion and this lesson's history), or read one per line from standard input (a class's answers,
// or a test, piped in). The lesson's key presses and these lines share standard input, one at a time.
import * as readline from 'node:readline';
import { complete } from '../shell/complete';
import type { Answers } from './turn';

/** Lines typed at the terminal. Raw mode (the lesson's keys) is given back after each line. */
export function terminalAnswers(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stdout): Answers {
  const history: string[] = [];
  return {
    echo: false,
    next: (prompt, names) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input, output, terminal: true, history: [...history], completer: (line: string) => complete(line, names) });
        let answered = false;
        rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
        rl.on('close', () => {
          if (input.isTTY) input.setRawMode(true);
          input.resume();
          if (!answered) resolve(null);
        });
        rl.question(prompt, (line) => {
          answered = true;
          if (line.trim() !== '') history.unshift(line);
          rl.close();
          resolve(line);
        });
      }),
  };
}

/** Lines of a standard input that is not a terminal, in order; null once it has ended. */
export function lineAnswers(input: NodeJS.ReadableStream = process.stdin): Answers {
  const lines: string[] = [];
  const waiting: Array<(line: string | null) => void> = [];
  let ended = false;
  const rl = readline.createInterface({ input, terminal: false });
  rl.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const next of waiting.splice(0)) next(null);
  });
  return {
    echo: true,
    next: () => {
      if (lines.length > 0) return Promise.resolve(lines.shift()!);
      if (ended) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}
