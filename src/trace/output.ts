// Where trace lines go: standard error or a file, as strace text (coloured on a terminal) or JSON.
// Lines are gathered and written once per turn of the event loop; flush() waits until all are out.
import chalk from 'chalk';
import * as fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { CallEvent } from './event';
import { formatJson, formatJsonNote } from './json';
import { formatStateLine } from './state';
import { formatCall, formatResult, padToResult, StraceOptions } from './strace';

export type TraceFormat = 'text' | 'json';

export interface OutputOptions extends StraceOptions {
  readonly format: TraceFormat;
  /** False for --no-color; colour is also off under NO_COLOR, in a file, and off a terminal. */
  readonly color: boolean;
  /** -o FILE; standard error when absent. */
  readonly file?: string;
}

/** The trace file could not be opened: a usage error, reported before any call is made. */
export class OutputFileError extends Error {}

function colorLevel(options: OutputOptions, stream: Writable & { isTTY?: boolean }): 0 | 1 | 2 | 3 {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  if (!options.color || noColor || options.file || !stream.isTTY) return 0;
  return chalk.supportsColor ? chalk.supportsColor.level : 1;
}

export class TraceOutput {
  private readonly stream: Writable;
  private readonly paint: chalk.Chalk;
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly options: OutputOptions) {
    if (options.file) {
      let fd: number;
      try {
        fd = fs.openSync(options.file, 'w');
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new OutputFileError(`cannot write the trace to ${options.file}: ${reason}`);
      }
      this.stream = fs.createWriteStream('', { fd });
    } else {
      this.stream = process.stderr;
    }
    this.paint = new chalk.Instance({ level: colorLevel(options, this.stream) });
  }

  call(event: CallEvent): void {
    if (this.options.format === 'json') {
      this.push(formatJson(event, this.options));
      return;
    }
    const head = formatCall(event, this.options);
    const name = event.name;
    const mark = head.slice(0, head.indexOf(name + '('));
    const styledHead = this.paint.dim(mark) + this.paint.bold(name) + head.slice(mark.length + name.length);
    const padding = padToResult(head).slice(head.length);
    const result = formatResult(event, this.options);
    this.push(styledHead + padding + (event.error ? this.paint.red(result) : this.paint.green(result)));
    for (const state of event.states ?? []) this.push(this.paint.dim(formatStateLine(state)));
  }

  /** A line for the person reading, set apart from the trace: `# listening on 127.0.0.1:8080`. */
  note(text: string): void {
    this.push(this.options.format === 'json' ? formatJsonNote(text) : this.paint.dim(`# ${text}`));
  }

  /** Resolves once every line so far has been handed to the operating system. */
  flush(): Promise<void> {
    this.writePending();
    return new Promise((resolve) => this.stream.write('', () => resolve()));
  }

  private push(line: string): void {
    this.pending.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.writePending());
    }
  }

  private writePending(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    this.stream.write(text);
  }
}
