// Standard input read as lines when it is not a terminal (netsys shell's script, a lesson's answers):
// a line has an end. Without one (`netsys shell < /dev/zero`), readline would gather a single line
// for ever, until V8 gave up ("Invalid string length", 600 MB). Only whole lines of at most
// LONGEST_LINE bytes go on; a longer one ends the input there, and `tooLong` says which line it was.
import { Transform, TransformCallback } from 'node:stream';

/**
 * Far more than any call or command needs: a line of a few megabytes is still read, and judged in a
 * few short lines (the tests type one); an endless one is not.
 */
export const LONGEST_LINE = 16 * 1024 * 1024;

export class BoundedLines extends Transform {
  /** The number (from 1) of the line that was too long, once one was; null until then. */
  tooLong: number | null = null;
  private partial: Buffer[] = [];
  private partialLength = 0;
  private lines = 0;
  private source: NodeJS.ReadableStream | null = null;

  constructor(private readonly limit = LONGEST_LINE) {
    super();
    this.on('pipe', (source: NodeJS.ReadableStream) => (this.source = source));
  }

  /** The one line that says why the input was cut, or null. */
  problem(): string | null {
    return this.tooLong === null ? null : `line ${this.tooLong} of standard input is longer than ${this.limit} bytes; no call or command is that long`;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.tooLong !== null) return done();
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, newline + 1);
      if (this.partialLength + piece.length - 1 > this.limit) return this.cut(done);
      this.push(this.partial.length === 0 ? piece : Buffer.concat([...this.partial, piece]));
      this.partial = [];
      this.partialLength = 0;
      this.lines++;
      start = newline + 1;
    }
    const rest = chunk.subarray(start);
    if (this.partialLength + rest.length > this.limit) return this.cut(done);
    if (rest.length > 0) {
      this.partial.push(Buffer.from(rest));
      this.partialLength += rest.length;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.tooLong === null && this.partialLength > 0) this.push(Buffer.concat(this.partial));
    done();
  }

  private cut(done: TransformCallback): void {
    this.tooLong = this.lines + 1;
    this.partial = [];
    this.partialLength = 0;
    if (this.source) {
      this.source.unpipe(this);
      this.source.pause();
    }
    this.push(null);
    done();
  }
}

/** `input` through a BoundedLines. */
export function boundedLines(input: NodeJS.ReadableStream): BoundedLines {
  const lines = new BoundedLines();
  input.pipe(lines);
  return lines;
}
