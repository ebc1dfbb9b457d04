// Where the learner's calls come from at a your-turn step: typed at a terminal (a line editor with Tab
// completion and this lesson's history), or read one per line from standard input (a class's answers,
// or a test, piped in). The lesson's key presses and these lines share standard input, one at a time.
import * as readline from 'node:readline';
import { boundedLines } from '../lines';
import { complete } from '../shell/complete';
import type { Keys } from './keys';
import type { Answers } from './turn';

/** Lines typed at the terminal. Raw mode and the keyboard (the lesson's keys) are given back after each line. */
export function terminalAnswers(keys: Keys | null, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stdout): Answers {
  const history: string[] = [];
  return {
    echo: false,
    next: (prompt, names) =>
      new Promise((resolve) => {
        keys?.hold();
        const rl = readline.createInterface({ input, output, terminal: true, history: [...history], completer: (line: string) => complete(line, names) });
        let answered = false;
        // Ctrl-C as in netsys shell: a line being typed is cleared; on an empty line, the lesson ends (SIGINT).
        rl.on('SIGINT', () => {
          if (rl.line !== '') {
            output.write('^C\n');
            rl.write('', { ctrl: true, name: 'e' });
            rl.write('', { ctrl: true, name: 'u' });
            return;
          }
          output.write('\n');
          process.kill(process.pid, 'SIGINT');
        });
        rl.on('close', () => {
          if (input.isTTY) input.setRawMode(true);
          input.resume();
          keys?.release();
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
  const lineSource = boundedLines(input);
  const rl = readline.createInterface({ input: lineSource, terminal: false });
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
    whyEnded: () => lineSource.problem(),
    next: () => {
      if (lines.length > 0) return Promise.resolve(lines.shift()!);
      if (ended) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}
