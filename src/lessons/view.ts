// What a lesson prints, on standard output: prose at full width, and each side's calls in its lane
// (server left, client right) when the terminal is wide enough, else each line labelled with its side.
import type { BlockedCall, CallEvent } from '../calls/event';
import { blockedNote, returnedNote } from '../render/blocking';
import { formatStateLine } from '../render/state';
import { laneLines, wrap } from '../render/lanes';
import { formatLine, formatUnfinished, StraceOptions } from '../render/strace';
import { formatStampedLine, formatStamps, StampOptions } from '../render/stamps';
import type { Side } from './format';
import { Paint, paintFor } from '../render/paint';

/** Two lanes need room for a call and its result side by side. */
const LANES_FROM_WIDTH = 120;
/** A wrapped call or note goes on under its first row, indented by this. */
const CONTINUATION = '  ';
/** The least room a row gives a call, however narrow the terminal. */
const MIN_ROOM = 12;
/** Prose is easier to read in short lines, however wide the terminal. */
const PROSE_WIDTH = 80;

export interface ViewOptions extends StraceOptions, StampOptions {
  readonly width: number;
  readonly color: boolean;
  readonly sides: readonly Side[];
  /** Two sides get two lanes from this width on (columns; default 120); Infinity: always one column, labelled. */
  readonly lanesFrom?: number;
}

/** Wraps prose into paragraphs of at most `width` columns. */
export function paragraphs(text: string, width: number, indent = ''): string[] {
  return text
    .split('\n\n')
    .flatMap((paragraph, index) => {
      const room = width - indent.length;
      return [...(index > 0 ? [''] : []), ...wrap(paragraph, room, room).map((line) => indent + line)];
    });
}

export class LessonView {
  private readonly paint: Paint;
  private readonly lanes: boolean;

  constructor(
    private readonly options: ViewOptions,
    private readonly write: (text: string) => void,
  ) {
    this.paint = paintFor(options.color);
    this.lanes = options.sides.length === 2 && options.width >= (options.lanesFrom ?? LANES_FROM_WIDTH);
  }

  title(text: string): void {
    for (const line of wrap(text, this.options.width, this.options.width)) this.line(this.paint.bold(line.trimEnd()));
    this.line(this.paint.bold('═'.repeat(Math.min(text.length, this.options.width))));
  }

  prose(text: string, indent = ''): void {
    if (text) for (const line of paragraphs(text, Math.min(this.options.width, PROSE_WIDTH), indent)) this.line(line);
  }

  /** `── step 3 of 9 · server ──`. */
  stepHeader(index: number, total: number, side: Side): void {
    const label = ` step ${index} of ${total}${this.options.sides.length === 2 ? ` · ${side}` : ''} `;
    this.line('');
    this.line(this.paint.cyan(`──${label}${'─'.repeat(Math.max(2, Math.min(this.options.width, 60) - label.length - 2))}`));
  }

  /** The call about to be made, as C: the learner reads it before anything happens. */
  plan(side: Side, text: string): void {
    this.inLane(side, `next: ${text}`, (piece) => this.paint.bold(piece));
  }

  /** A line of instructions (dim), wrapped to the terminal under its own indentation. */
  prompt(text: string): void {
    const indent = text.slice(0, text.length - text.trimStart().length);
    for (const line of paragraphs(text.trimStart(), this.options.width, indent)) this.line(this.paint.dim(line));
  }

  /** A call's line in its side's lane; each socket state under it in the lane of the side that owns the socket. */
  trace(side: Side, event: CallEvent, ownerOf: (fd: number) => Side = () => side): void {
    this.inLane(side, formatStampedLine(event, this.options), (piece) => (event.error ? this.paint.red(piece) : this.paint.green(piece)));
    for (const state of event.states ?? []) this.inLane(ownerOf(state.fd), formatStateLine(state), (piece) => this.paint.dim(piece));
    if (event.blocked) this.note(side, returnedNote(event));
  }

  blocked(side: Side, call: BlockedCall): void {
    // Stamped as the completed lines are (-t, -tt, -ttt), with the moment the call was made, as strace does.
    this.inLane(side, formatStamps(call.startedAt, 0, this.options) + formatUnfinished(call, this.options), (piece) => this.paint.yellow(piece));
    this.note(side, blockedNote(call));
  }

  note(side: Side | null, text: string): void {
    if (side) this.inLane(side, `# ${text}`, (piece) => this.paint.dim(piece));
    else for (const [index, piece] of wrap(`# ${text}`, this.options.width, this.options.width - CONTINUATION.length).entries()) this.line(this.paint.dim(index === 0 ? piece : CONTINUATION + piece));
  }

  /** Lines already laid out (the reference on a call), each behind a margin. */
  block(lines: readonly string[], margin: string): void {
    for (const line of lines) this.line(this.paint.dim(margin) + line);
  }

  blank(): void {
    this.line('');
  }

  /** One call of the recap: `server  listen(18, 4) = 0`. */
  recapLine(side: Side, event: CallEvent): void {
    const label = this.options.sides.length === 2 ? `${side.padEnd(6)}  ` : '';
    this.line(`  ${label}${formatLine(event, this.options)}`);
  }

  private inLane(side: Side, text: string, style: (piece: string) => string): void {
    if (this.lanes) {
      for (const row of laneLines(side === 'server' ? 'left' : 'right', text, this.options.width, style)) this.line(row);
      return;
    }
    // A line too long for the row goes on indented, as in a lane: a continuation never reads as a new call.
    const label = this.options.sides.length === 2 ? `${side} │ ` : '';
    const room = Math.max(MIN_ROOM, this.options.width - label.length);
    wrap(text, room, room - CONTINUATION.length).forEach((piece, index) => {
      this.line(this.paint.dim(label) + (index === 0 ? '' : CONTINUATION) + style(piece));
    });
  }

  private line(text: string): void {
    this.write(text + '\n');
  }
}
