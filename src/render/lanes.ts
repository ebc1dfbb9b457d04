// A conversation drawn as a two-lane timeline: the server's calls in the left lane, the client's in
// the right lane, one call per row in the order they returned, and between the lanes the moments
// where one side's call completed because of the other side's. Pure: text in, lines out.
//
// Below 160 columns the lanes are two columns split by a rule, and a long call wraps inside its lane.
// From 160 columns on, every row holds one call of one side, so the lanes may share the middle
// columns: the right lane starts a third of the way across and each lane is two thirds wide, enough
// for any call of a loopback conversation on one line.
import { Paint, paintFor } from './paint';
import { folded, Link, Side, Step } from './conversation';
import type { CallEvent } from '../calls/event';
import { formatSocketState } from './state';
import { DEFAULT_STRING_LIMIT, formatLine, formatUnfinished, StraceOptions } from './strace';

export type LaneSide = 'left' | 'right';

/** From this width on, each call gets one line of its lane. */
export const WIDE = 160;
const RULE = ' │ ';
const CONTINUATION = '  ';
const MIN_LANE = 12;

interface Layout {
  readonly laneWidth: number;
  /** The column the right lane starts at. */
  readonly rightStart: number;
  readonly rule: boolean;
}

function layout(width: number): Layout {
  if (width >= WIDE) {
    const rightStart = Math.floor(width / 3);
    return { laneWidth: width - rightStart, rightStart, rule: false };
  }
  const laneWidth = Math.max(MIN_LANE, Math.floor((width - RULE.length) / 2));
  return { laneWidth, rightStart: laneWidth + RULE.length, rule: true };
}

/** Where a line may break: after a space outside quoted data, else after any space. */
function breakAt(text: string, limit: number): number {
  let quoted = false;
  let outside = -1;
  let any = -1;
  for (let i = 0; i < text.length && i <= limit; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ' ' && i > 0) {
      any = i;
      if (!quoted) outside = i;
    }
  }
  return outside > 0 ? outside : any;
}

/**
 * Cuts `text` into pieces of at most `first` characters, then `rest`: at a space (dropped, as a line
 * break stands for it), or in the middle of a word too long for the line.
 */
export function wrap(text: string, first: number, rest: number): string[] {
  const pieces: string[] = [];
  let remaining = text;
  // A row narrower than one character (a terminal a few columns wide) still takes one: the text must end.
  let limit = Math.max(1, first);
  while (remaining.length > limit) {
    const at = breakAt(remaining, limit);
    if (at > 0) {
      pieces.push(remaining.slice(0, at));
      remaining = remaining.slice(at + 1);
    } else {
      pieces.push(remaining.slice(0, limit));
      remaining = remaining.slice(limit);
    }
    limit = Math.max(1, rest);
  }
  pieces.push(remaining);
  return pieces;
}

/** One lane's piece of a row placed in the full row: padded, with the rule between the lanes. */
function place(side: LaneSide, piece: string, shape: Layout, styled = piece): string {
  if (side === 'left') return shape.rule ? styled + ' '.repeat(shape.laneWidth - piece.length) + RULE.trimEnd() : styled;
  return shape.rule ? ' '.repeat(shape.laneWidth) + RULE + styled : ' '.repeat(shape.rightStart) + styled;
}

/**
 * One text laid out in the left or right lane of a `width`-column timeline: the rows to print, the
 * first holding the start of the text, the others its continuation, indented.
 * @param style colours a piece of the text (the layout is measured on the plain text)
 */
export function laneLines(side: LaneSide, text: string, width: number, style: (piece: string, index: number) => string = (p) => p): string[] {
  const shape = layout(width);
  return wrap(text, shape.laneWidth, shape.laneWidth - CONTINUATION.length).map((piece, index) => {
    const shown = index === 0 ? piece : CONTINUATION + piece;
    return place(side, shown, shape, index === 0 ? style(piece, index) : CONTINUATION + style(piece, index));
  });
}

/**
 * The moment between the lanes, across the whole width, its arrowhead at the side whose call it completed:
 * `◀──── 6 bytes: client send(18) → server recv(19) ────`.
 */
export function linkLines(link: Link, width: number): string[] {
  const towardsLeft = laneOf(link.to) === 'left';
  const room = Math.max(MIN_LANE, width - 7);
  return wrap(link.text, room, room).map((piece) => {
    const fill = Math.max(4, width - 3 - piece.length);
    const before = Math.floor(fill / 2);
    const line = `${'─'.repeat(before)} ${piece} ${'─'.repeat(fill - before)}`;
    return towardsLeft ? `◀${line}` : `${line}▶`;
  });
}

function laneOf(side: Side): LaneSide {
  return side === 'server' ? 'left' : 'right';
}

export interface LaneOptions {
  readonly width: number;
  readonly color: boolean;
  /** How each call is printed: -s, -y as the calls were traced with (strace's defaults if not given). */
  readonly strace?: StraceOptions;
}

export interface Participants {
  readonly server: string;
  readonly client: string;
}


function callLines(event: CallEvent, side: LaneSide, width: number, paint: Paint, strace: StraceOptions): string[] {
  const text = folded(formatLine(event, strace));
  const failed = event.error !== null;
  return laneLines(side, text, width, (piece, index) => {
    if (index > 0) return failed ? paint.red(piece) : piece;
    const name = piece.startsWith(event.name + '(') ? event.name : '';
    const rest = piece.slice(name.length);
    return paint.bold(name) + (failed ? paint.red(rest) : rest);
  });
}

/** The whole timeline: a header naming each lane, then one or more rows per step. */
export function renderLanes(steps: readonly Step[], who: Participants, options: LaneOptions): string[] {
  const paint = paintFor(options.color);
  const width = options.width;
  const strace = options.strace ?? { stringLimit: DEFAULT_STRING_LIMIT };
  const shape = layout(width);
  const header = shape.rule
    ? who.server.slice(0, shape.laneWidth).padEnd(shape.laneWidth) + RULE + who.client
    : who.server.padEnd(shape.rightStart) + who.client;
  const lines = [paint.bold(header), shape.rule ? '─'.repeat(shape.laneWidth) + '─┼─' + '─'.repeat(width - shape.laneWidth - RULE.length) : '─'.repeat(width)];
  for (const step of steps) {
    if (step.kind === 'link') {
      lines.push(...linkLines(step.link, width).map((line) => paint.cyan(line)));
    } else if (step.kind === 'note') {
      lines.push(...laneLines(laneOf(step.side), `# ${step.text}`, width, (piece) => paint.dim(piece)));
    } else if (step.kind === 'blocked') {
      lines.push(...laneLines(laneOf(step.side), formatUnfinished(step.call, strace), width, (piece) => paint.yellow(piece)));
    } else {
      const side = laneOf(step.side);
      lines.push(...callLines(step.event, side, width, paint, strace));
      for (const state of step.event.states ?? []) lines.push(...laneLines(side, `#   ${formatSocketState(state)}`, width, (piece) => paint.dim(piece)));
    }
  }
  return lines;
}
