// Where trace lines go: standard error or a file, as strace text (coloured on a terminal) or JSON.
// Lines are gathered and written once per turn of the event loop; flush() waits until all are out.
// A note belongs to the call whose line it follows: when that line is not printed (-e trace=, -c),
// neither is the note, as strace prints nothing of a call it does not show.
import * as fs from 'node:fs';
import type { InetSockAddr } from '../libc/addresses';
import type { BlockedCall, CallEvent } from '../calls/event';
import { CallCounter, CountedCalls } from './count';
import { CallSelection, isSelected } from './select';
import { stampInstant, StampOptions } from './stamps';
import type { StraceOptions } from './strace';
import { paintFor, wantsColor } from './paint';
import { jsonRenderer, textRenderer, TraceRenderer } from './renderers';

export type TraceFormat = 'text' | 'json';

export interface OutputOptions extends StraceOptions, StampOptions {
  readonly format: TraceFormat;
  /** False for --no-color; colour is also off under NO_COLOR, in a file, and off a terminal. */
  readonly color: boolean;
  /** -o FILE; standard error when absent (standard output with `stdout`). */
  readonly file?: string;
  /** Without a file, write to standard output rather than standard error (netsys shell's trace). */
  readonly stdout?: boolean;
  /** -c: no line per call; a table of the calls at the end (see finish). */
  readonly summary?: boolean;
  /** -e trace=: only these calls are shown (and counted). */
  readonly selection?: CallSelection;
  /**
   * Words for a failed write of the trace: `EPIPE (Broken pipe)` (libc's, from libc/errno.ts, given
   * by the caller so that this renderer never loads the native binding); Node's message if not given.
   */
  readonly errorText?: (error: unknown) => string;
  /**
   * A descriptor already open for the trace (the -o file the main thread opened, or 2), written with
   * synchronous write(2)s by every thread of a call-thread program, each batch of lines whole: `file`
   * is then not opened again, and `color` is taken as already decided (wantsColor) by the main thread.
   */
  readonly fd?: number;
}

/** The trace file could not be opened: a usage error, reported before any call is made. */
export class OutputFileError extends Error {}

/** Where the text goes: a file written synchronously (no thread-pool hop per batch), or standard error. */
interface Sink {
  write(text: string): void;
  /** Resolves once everything written has been handed to the operating system. */
  drained(): Promise<void>;
}

function fileSink(fd: number, failed: (error: unknown) => void): Sink {
  return {
    write: (text) => {
      const bytes = Buffer.from(text);
      try {
        for (let offset = 0; offset < bytes.length; ) offset += fs.writeSync(fd, bytes, offset);
      } catch (error) {
        failed(error);
      }
    },
    drained: async () => undefined,
  };
}

/** How long a synchronous write waits before trying again a descriptor that is full (EAGAIN), in ms. */
const FULL_RETRY_MS = 1;
const pause = new Int32Array(new SharedArrayBuffer(4));
/** How long a full descriptor is tried again once the program is leaving, before its writes are given up (ms). */
const GIVE_UP_AFTER_MS = 500;
let leavingNow: () => boolean = () => false;

/**
 * `leaving` says when the program is on its way out: from then on a write to a descriptor that stays
 * full (a FIFO nobody reads, given to -o) is given up after GIVE_UP_AFTER_MS instead of waited for.
 */
export function giveUpFullWritesWhen(leaving: () => boolean): void {
  leavingNow = leaving;
}

/**
 * Writes all of `bytes` to `fd` synchronously, from any thread; a non-blocking descriptor that is full
 * (EAGAIN: a pipe nobody reads yet) is tried again every millisecond, and given up (EAGAIN thrown)
 * once the program has been leaving for GIVE_UP_AFTER_MS. Throws other errors (EPIPE, ENOSPC).
 */
export function writeAllSync(fd: number, bytes: Buffer): void {
  let fullSince: number | null = null;
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += fs.writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      if (leavingNow()) {
        fullSince ??= Date.now();
        if (Date.now() - fullSince > GIVE_UP_AFTER_MS) throw error;
      }
      Atomics.wait(pause, 0, 0, FULL_RETRY_MS);
    }
  }
}

/** Whether `fd` is a regular file and `other` is not that same file (or is not open). */
function isOtherRegularFile(fd: number, other: number): boolean {
  try {
    const file = fs.fstatSync(fd);
    if (!file.isFile()) return false;
    try {
      const second = fs.fstatSync(other);
      return second.dev !== file.dev || second.ino !== file.ino;
    } catch {
      return true;
    }
  } catch {
    return false;
  }
}

function syncSink(fd: number, failed: (error: unknown) => void): Sink {
  return {
    write: (text) => {
      try {
        writeAllSync(fd, Buffer.from(text));
      } catch (error) {
        failed(error);
      }
    },
    drained: async () => undefined,
  };
}

function streamSink(stream: NodeJS.WriteStream, failed: (error: unknown) => void): Sink {
  stream.on('error', failed);
  return {
    write: (text) => stream.write(text),
    drained: () => new Promise((resolve) => stream.write('', () => resolve())),
  };
}

/** How much trace may wait for a reader of -o (bytes) before netsys gives up on it. */
const UNREAD_TRACE_LIMIT = 16 << 20;

/**
 * A FIFO, a terminal or a socket given to -o: its writes may wait for a reader for ever, so they are
 * made off the main thread (a write stream), where a wait cannot keep Ctrl-C from being heard.
 */
function pipeSink(fd: number, failed: (error: unknown) => void): Sink {
  const stream = fs.createWriteStream('', { fd, autoClose: false });
  stream.on('error', failed);
  return {
    write: (text) => {
      // Memory stays bounded: a trace nobody reads ends the program (exit 1), as a full disk does.
      if (stream.writableLength > UNREAD_TRACE_LIMIT) failed(`nobody has read the last ${UNREAD_TRACE_LIMIT >> 20} MiB of it`);
      else stream.write(text);
    },
    drained: () => new Promise((resolve) => stream.write('', () => resolve())),
  };
}

/**
 * Opening a FIFO for writing waits, deaf to Ctrl-C, until some process opens it to read. Probed
 * without blocking first: no reader fails at once with ENXIO, which the caller reports.
 */
export function refuseFifoWithoutReader(file: string): void {
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFIFO()) return;
  fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
}

export class TraceOutput {
  private readonly sink: Sink;
  private readonly renderer: TraceRenderer;
  private pending: string[] = [];
  private scheduled = false;
  private readonly counter: CallCounter | null;
  /** Set once the stream has failed: later lines have nowhere to go. */
  private writeError: string | null = null;
  private writeErrorHandler: (message: string) => void = () => undefined;
  private readonly errorText: (error: unknown) => string;
  /** Whether the last call (or unfinished call) was printed: its notes follow it only if it was. */
  private lastCallShown = true;
  /** -r: the stamp of the last line printed, in ms since the epoch; null before the first. */
  private lastStamp: number | null = null;
  /** Whether the trace goes to a regular file that is not standard output (beforeStandardOutput); null until asked. */
  private ownFile: boolean | null = null;

  constructor(private readonly options: OutputOptions) {
    this.errorText = options.errorText ?? String;
    if (options.fd !== undefined) {
      this.sink = syncSink(options.fd, (error) => this.failed(error));
      this.renderer = options.format === 'json' ? jsonRenderer(options) : textRenderer(options, paintFor(options.color));
      this.counter = options.summary ? new CallCounter() : null;
      return;
    }
    if (options.file) {
      let fd: number;
      try {
        refuseFifoWithoutReader(options.file);
        fd = fs.openSync(options.file, 'w');
      } catch (error) {
        throw new OutputFileError(
          `cannot write the trace to ${options.file}: ${this.errorText(error)}; -o needs a file netsys can create or overwrite`,
        );
      }
      const failed = (error: unknown) => this.failed(error);
      this.sink = fs.fstatSync(fd).isFile() ? fileSink(fd, failed) : pipeSink(fd, failed);
    } else {
      this.sink = streamSink(this.stream, (error) => this.failed(error));
    }
    this.renderer =
      options.format === 'json' ? jsonRenderer(options) : textRenderer(options, paintFor(!options.file && wantsColor(options.color, this.stream)));
    this.counter = options.summary ? new CallCounter() : null;
  }

  private get stream(): NodeJS.WriteStream {
    return this.options.stdout ? process.stdout : process.stderr;
  }

  /** `handler` hears, once, that the trace cannot be written: the program ends (exit 1) rather than go on unseen. */
  onWriteError(handler: (message: string) => void): void {
    this.writeErrorHandler = handler;
    if (this.writeError) handler(this.writeError);
  }

  call(event: CallEvent): void {
    const selected = isSelected(event, this.options.selection);
    this.lastCallShown = selected && !this.counter;
    if (!selected) return;
    if (this.counter) {
      this.counter.add(event);
      return;
    }
    for (const line of this.renderer.call(event, this.sinceLastStamp(stampInstant(event)))) this.push(line);
  }

  /** A call the kernel is holding: strace's unfinished line, and why it waits (not with -c). */
  blocked(call: BlockedCall): void {
    this.lastCallShown = !this.counter && isSelected(call, this.options.selection);
    if (!this.lastCallShown) return;
    for (const line of this.renderer.blocked(call, this.sinceLastStamp(call.startedAt))) this.push(line);
  }

  /**
   * A line for the person reading about the call just printed, set apart from the trace:
   * `# listening on 127.0.0.1:8080`. Left out with that call's line (-e trace=) and with -c.
   */
  note(text: string): void {
    if (this.lastCallShown) this.aside(text);
  }

  /** A note about the run itself, not about one call (a signal, an address open to the network): left out only with -c. */
  aside(text: string): void {
    if (!this.counter) this.push(this.renderer.note(text));
  }

  /** -r: the time from the last line's stamp to `instant` (ms), which becomes the last stamp. */
  private sinceLastStamp(instant: number): number {
    const since = this.lastStamp === null ? 0 : instant - this.lastStamp;
    this.lastStamp = instant;
    return since;
  }

  /**
   * The note a server gives once it listens on `addr`; with --json, `addr` is in the record as fields.
   * The one way to learn a port the kernel chose, so shown whatever -c and -e leave out.
   */
  listening(text: string, addr: InetSockAddr): void {
    this.push(this.renderer.listening(text, addr));
  }

  /** With -c: what this output has counted so far, to be added to another's (addCounts); else null. */
  counts(): CountedCalls | null {
    return this.counter ? this.counter.counted() : null;
  }

  /** With -c: adds what another thread's output counted (counts), for the one table at the end. */
  addCounts(counted: CountedCalls): void {
    this.counter?.addCounted(counted);
  }

  /** Ends the trace, whatever the way out: with -c, the table of calls; then every line is written. */
  finish(): Promise<void> {
    if (this.counter) this.summarize(this.counter);
    return this.flush();
  }

  /** Writes the lines queued so far now, rather than at the end of this turn of the event loop. */
  writeQueued(): void {
    this.writePending();
  }

  /**
   * Just before data goes to standard output: the lines queued so far are written first, so that
   * where both reach one terminal or pipe (2>&1) the line of the call that read the data comes before
   * the data. A trace in a regular file other than standard output keeps them until the next call's
   * flush: no reader can see the order of two files, and the reply reaches its reader one write sooner.
   */
  beforeStandardOutput(): void {
    this.ownFile ??= this.options.fd !== undefined && isOtherRegularFile(this.options.fd, 1);
    if (!this.ownFile) this.writePending();
  }

  /** Resolves once every line so far has been handed to the operating system. */
  flush(): Promise<void> {
    this.writePending();
    if (this.writeError) return Promise.resolve();
    return this.sink.drained();
  }

  private summarize(counter: CallCounter): void {
    for (const line of this.renderer.summary(counter.rows())) this.push(line);
  }

  private failed(error: unknown): void {
    if (this.writeError) return;
    const where = this.options.file ?? (this.options.stdout ? 'standard output' : 'standard error');
    this.writeError = `cannot write the trace to ${where}: ${this.errorText(error)}`;
    this.writeErrorHandler(this.writeError);
  }

  private push(line: string): void {
    this.pending.push(line);
    // A call thread's lines (fd) wait for its next flush(): before a call that may wait (the main
    // thread may write an unfinished line for it, which must come after these), before data read is
    // written to standard output (beforeStandardOutput), before a read of standard input, and at the end.
    if (this.options.fd !== undefined) return;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.writePending());
    }
  }

  private writePending(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    if (this.writeError) {
      this.pending = [];
      return;
    }
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    this.sink.write(text);
  }
}
