// `netsys shell`: the learner types one call per line and netsys makes it for real, printing its trace
// line exactly as `netsys server` prints it, the kernel's view of the sockets it touched, and errno
// explained when it fails. Two programs in one shell (server> and client> prompts), held calls completing
// live, Tab completion, history kept between runs, `save` as a lesson. Off a terminal it runs a script:
// no prompt, no colour, exit 0 once every line was read, 2 at a line that does not parse.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { boundedLines, BoundedLines } from '../lines';
import { UsageError } from '../args';
import { excerpt, signatureText, visible } from '../lessons/callline';
import { Side, SIDES } from '../lessons/format';
import { progressPath } from '../lessons/progress';
import { ResultKind, SIGNATURES } from '../lessons/signatures';
import { LessonView } from '../lessons/view';
import { nodeErrorText } from '../libc/native/errno';
import { ProgramFailed, runProgram } from '../programs/run';
import { unreadableInput } from '../programs/stdin';
import { errnoText, explainText, terminalStyle } from '../reference/command';
import { explainErrno } from '../reference/lookup';
import { socketState } from '../calls/kernelview';
import { WIDE, wrap } from '../render/lanes';
import { OutputFileError, TraceOutput } from '../render/output';
import type { DecodeFdsLevel } from '../render/strace';
import { wantsColor } from '../render/paint';
import type { TimestampLevel } from '../render/stamps';
import { formatSocketState } from '../render/state';
import { complete } from './complete';
import { readCommand, SHELL_WORDS, ShellCommand } from './input';
import { ShellOutput } from './output';
import { SaveError, saveLesson } from './save';
import { Screen } from './screen';
import { ShellSession } from './session';

export interface ShellOptions {
  /** strace -s: the most bytes of data shown per call. */
  readonly stringLimit: number;
  readonly color: boolean;
  /** Each TCP socket's state after each call; on unless --no-state. */
  readonly state: boolean;
  /** -y, -yy: each descriptor named by its socket's inode, or by its endpoints, as strace names them. */
  readonly decodeFds: DecodeFdsLevel;
  /** -T */
  readonly durations: boolean;
  /** -t, -tt, -ttt */
  readonly timestamps: TimestampLevel;
  /** --json: the trace as JSON records. */
  readonly json: boolean;
  /** -o FILE: the trace to this file, the words on the screen. */
  readonly file?: string;
}

/** The trace file could not be opened: a usage error, before any call. */
export class ShellUsageError extends Error {}

/** How long a scripted line waits for a name whose call the kernel still holds. */
const SCRIPT_WAITS_FOR_HELD_MS = 5000;
const HISTORY_LINES = 1000;

const RESULT_WORDS: Readonly<Record<ResultKind, string>> = {
  fd: 'a descriptor',
  address: 'an address',
  data: 'the bytes received',
  datagram: 'a datagram and its sender',
  count: 'a count',
  status: '0, or -1 and errno',
};

/** `$XDG_STATE_HOME/netsys/shell_history` (default ~/.local/state/netsys/), beside the lessons' progress. */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(progressPath(env)), 'shell_history');
}

/** The lines typed in earlier runs, newest first, as readline wants them; none when there is no file. */
function readHistory(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').slice(-HISTORY_LINES).reverse();
  } catch {
    return [];
  }
}

/** Adds a line to the history file; a file that cannot be written costs only the history. */
function remember(file: string, line: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, line + '\n');
  } catch {
    // the history is a convenience
  }
}

/** `help`: the calls with their arguments and what a name before `=` stands for, then the shell's words. */
export function helpLines(columns = 100): string[] {
  const calls = Object.keys(SIGNATURES) as Array<keyof typeof SIGNATURES>;
  const width = Math.max(...calls.map((call) => signatureText(call).length)) + 2;
  // Each entry fits the terminal: what follows its first column goes on under itself, indented.
  const entry = (head: string, what: string): string[] => {
    const room = Math.max(20, columns - head.length);
    return wrap(what, room, room).map((piece, index) => (index === 0 ? head : ' '.repeat(head.length)) + piece);
  };
  const prose = (text: string): string[] => wrap(text, Math.max(20, columns), Math.max(20, columns));
  return [
    ...prose('Calls (each one is made for real; "name = call(...)" names what it gives back):'),
    ...calls.flatMap((call) => entry(`  ${signatureText(call).padEnd(width)}`, RESULT_WORDS[SIGNATURES[call].result])),
    '',
    ...prose(
      'Arguments: constants as in C (AF_INET, SOCK_STREAM|SOCK_CLOEXEC, MSG_PEEK, SHUT_WR, SOMAXCONN), numbers, ' +
        'addresses with a port (127.0.0.1:0, [::1]:0), quoted strings with JSON escapes ("hello\\n"), [a, b] for poll, ' +
        'and names given by earlier lines.',
    ),
    '',
    'The shell:',
    ...SHELL_WORDS.flatMap(([word, what]) => entry(`  ${word.padEnd(9)}`, what)),
    ...entry('  client: CALL  ', 'one call on the client side (server: CALL likewise); Tab completes calls, constants, names'),
  ];
}

class Shell {
  private side: Side = 'server';
  private readonly interactive: boolean;
  /** The files this session saved (absolute): only these may be saved over. */
  private readonly saved = new Set<string>();

  constructor(
    private readonly session: ShellSession,
    private readonly output: ShellOutput,
    private readonly screen: Screen,
    private readonly color: boolean,
    /** The terminal's width (help is laid out to it). */
    private readonly columns: number,
  ) {
    this.interactive = Boolean(process.stdin.isTTY);
  }

  /** Reads lines until exit, Ctrl-D or the end of the script. Throws ProgramFailed (exit 2) at a script line that does not parse. */
  async run(): Promise<void> {
    let script: BoundedLines | null = null;
    const rl = this.interactive
      ? readline.createInterface({
          input: process.stdin,
          output: process.stdout,
          terminal: true,
          completer: (line: string) => complete(line, this.session.names),
          history: readHistory(historyPath()),
          historySize: HISTORY_LINES,
        })
      : readline.createInterface({ input: (script = boundedLines(process.stdin)), terminal: false });
    if (this.interactive) {
      this.screen.attach(rl);
      rl.on('SIGINT', () => this.interrupt(rl));
      // The prompt starts on the terminal's last row and stays there: calls, and held calls the kernel
      // completes, scroll up above it, where the learner's eye already is. Nothing on the screen is erased.
      process.stdout.write('\n'.repeat(process.stdout.rows || 0));
      this.output.note(null, 'netsys shell: one call per line, made for real (help lists them; Tab completes; exit leaves)');
      this.screen.prompt(this.promptText());
    }
    let number = 0;
    for await (const line of rl) {
      number++;
      this.screen.busy();
      if (this.interactive && line.trim() !== '') remember(historyPath(), line);
      const done = await this.handle(readCommand(line), line, number);
      if (done === 'exit') break;
      if (this.interactive) this.screen.prompt(this.promptText());
    }
    rl.close();
    this.screen.leave();
    const tooLong = script?.problem();
    if (tooLong) {
      process.stderr.write(`netsys: ${tooLong}\n`);
      throw new ProgramFailed('', 2);
    }
  }

  /** Ctrl-C: clears a line being typed, as a shell does; on an empty line, leaves as SIGINT does. */
  private interrupt(rl: readline.Interface): void {
    if (rl.line === '') {
      this.screen.leave();
      process.kill(process.pid, 'SIGINT');
      return;
    }
    process.stdout.write('^C\n');
    rl.write('', { ctrl: true, name: 'e' });
    rl.write('', { ctrl: true, name: 'u' });
  }

  private promptText(): string {
    return `${this.side}> `;
  }

  private async handle(command: ShellCommand, line: string, number: number): Promise<'exit' | 'go on'> {
    switch (command.kind) {
      case 'empty':
        break;
      case 'exit':
        return 'exit';
      case 'switch':
        this.side = command.side;
        break;
      case 'help':
        this.output.block(helpLines(Math.min(this.columns, 100)));
        break;
      case 'names':
        this.names();
        break;
      case 'explain':
        this.reference(() => explainText(command.name, terminalStyle(this.color)));
        break;
      case 'errno':
        await this.referenceAsync(() => errnoText(command.name, terminalStyle(this.color)));
        break;
      case 'save':
        this.save(command.file);
        break;
      case 'call':
        await this.call(command, line, number);
        break;
    }
    return 'go on';
  }

  private async call(command: Extract<ShellCommand, { kind: 'call' }>, line: string, number: number): Promise<void> {
    const result = await this.session.call(command.side ?? this.side, command.source);
    if (result.kind !== 'syntax') return;
    const column = command.column + result.column;
    if (this.interactive) {
      process.stdout.write(`${' '.repeat(this.promptText().length + column)}^ ${result.problem}\n`);
      return;
    }
    const label = `netsys: line ${number}: `;
    const shown = excerpt(visible(line), column);
    process.stderr.write(`${label}${shown.text}\n${' '.repeat(label.length + shown.column)}^ ${result.problem}\n`);
    throw new ProgramFailed('', 2);
  }

  private names(): void {
    const lines = this.session.describeNames((fd) => {
      const state = socketState(fd);
      return state ? formatSocketState(state).replace(/^fd \d+: /, '') : null;
    });
    this.output.block(lines.length > 0 ? lines : ['no names yet: "s = socket(AF_INET, SOCK_STREAM)" binds one'], '  ');
  }

  private reference(text: () => string): void {
    try {
      this.output.block(text().trimEnd().split('\n'), '  ');
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.output.note(null, error.message);
    }
  }

  private async referenceAsync(text: () => Promise<string>): Promise<void> {
    try {
      this.output.block((await text()).trimEnd().split('\n'), '  ');
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.output.note(null, error.message);
    }
  }

  private save(file: string): void {
    if (file === '') {
      this.output.note(null, 'save needs a file: save my-session.lesson (the lesson id is the name without .lesson)');
      return;
    }
    try {
      const saved = saveLesson(file, this.session.calls, (target) => this.saved.has(target));
      this.saved.add(path.resolve(saved.file));
      this.output.note(null, `saved ${this.session.calls.length} call${this.session.calls.length === 1 ? '' : 's'} to ${saved.file}: netsys lesson --lessons-dir ${path.dirname(saved.file)} ${saved.id}`);
    } catch (error) {
      if (!(error instanceof SaveError)) throw error;
      this.output.note(null, error.message);
    }
  }
}

function traceFileFor(options: ShellOptions): TraceOutput | null {
  if (!options.json && options.file === undefined) return null;
  try {
    return new TraceOutput({
      format: options.json ? 'json' : 'text',
      color: options.color,
      file: options.file,
      stdout: true,
      stringLimit: options.stringLimit,
      timestamps: options.timestamps,
      durations: options.durations,
      decodeFds: options.decodeFds,
      errorText: nodeErrorText,
    });
  } catch (error) {
    if (error instanceof OutputFileError) throw new ShellUsageError(error.message);
    throw error;
  }
}

/** Runs the shell to its end; every way out (exit, Ctrl-D, Ctrl-C, a signal) wakes held calls and closes every socket. */
export async function runShell(options: ShellOptions): Promise<never> {
  const unreadable = unreadableInput();
  if (unreadable) throw new ShellUsageError(`${unreadable}: give the calls in a file (netsys shell < session.txt), or run netsys shell at a terminal`);
  const interactive = Boolean(process.stdin.isTTY);
  const color = interactive && wantsColor(options.color, process.stdout);
  const traceFile = traceFileFor(options);
  const screen = new Screen(process.stdout);
  const width = interactive ? process.stdout.columns || Number(process.env.COLUMNS) || 80 : Number.MAX_SAFE_INTEGER;
  const view = new LessonView(
    { ...options, width, lanesFrom: interactive ? WIDE : Infinity, color, sides: SIDES },
    (text) => screen.write(text),
  );
  const output = new ShellOutput(view, traceFile, options.json && options.file === undefined);
  const session = new ShellSession(
    {
      stringLimit: options.stringLimit,
      state: options.state,
      decodeFds: options.decodeFds,
      explainErrno,
      waitForHeldMs: interactive ? 0 : SCRIPT_WAITS_FOR_HELD_MS,
    },
    output,
  );
  const shell = new Shell(session, output, screen, color, width);
  const notes = {
    aside: (text: string) => {
      screen.leave();
      output.note(null, text);
    },
    finish: () => output.finish(),
    // Standard output closed, or the trace file (-o, --json) full: either way the session ends, sockets closed.
    onWriteError: (handler: (message: string) => void) => {
      screen.onWriteError(handler);
      traceFile?.onWriteError(handler);
    },
  };
  return runProgram(session, notes, () => shell.run());
}
