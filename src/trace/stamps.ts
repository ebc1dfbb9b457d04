// strace's -t, -tt, -ttt (when the call started, at the line's start) and -T (time spent in the
// call, at the line's end), as pure functions of the event.
import type { CallEvent } from './event';
import { formatCall, formatResult, padToResult, StraceOptions } from './strace';

/** 0: none; 1: -t `HH:MM:SS`; 2: -tt `HH:MM:SS.uuuuuu`; 3: -ttt seconds since the epoch `.uuuuuu`. */
export type TimestampLevel = 0 | 1 | 2 | 3;

export interface StampOptions {
  readonly timestamps?: TimestampLevel;
  /** -T */
  readonly durations?: boolean;
}

const two = (n: number): string => String(n).padStart(2, '0');
const six = (n: number): string => String(n).padStart(6, '0');

/** The prefix strace prints before the call, with its trailing space; '' when not asked for. */
export function formatTimestamp(epochMs: number, level: TimestampLevel): string {
  if (level === 0) return '';
  const micros = Math.floor(epochMs * 1000);
  const whole = Math.floor(micros / 1e6);
  const fraction = `.${six(micros % 1e6)}`;
  if (level === 3) return `${whole}${fraction} `;
  const local = new Date(whole * 1000);
  const clock = `${two(local.getHours())}:${two(local.getMinutes())}:${two(local.getSeconds())}`;
  return level === 2 ? `${clock}${fraction} ` : `${clock} `;
}

/** ` <0.000123>`: seconds in the call, cut (not rounded) to microseconds, as strace -T prints it. */
export function formatElapsed(durationMs: number): string {
  const micros = Math.max(0, Math.floor(durationMs * 1000));
  return ` <${Math.floor(micros / 1e6)}.${six(micros % 1e6)}>`;
}

export interface LineParts {
  /** The timestamp and the call: `12:00:01 listen(3, 4)`. */
  readonly head: string;
  /** Spaces up to strace's result column, counted from the start of the line. */
  readonly padding: string;
  readonly result: string;
  /** ` <0.000012>` with -T, else ''. */
  readonly elapsed: string;
}

export function lineParts(event: CallEvent, options: StraceOptions & StampOptions): LineParts {
  const head = formatTimestamp(event.startedAt, options.timestamps ?? 0) + formatCall(event, options);
  return {
    head,
    padding: padToResult(head).slice(head.length),
    result: formatResult(event, options),
    elapsed: options.durations ? formatElapsed(event.durationMs) : '',
  };
}

/** The whole line, as strace prints it with the same options. */
export function formatStampedLine(event: CallEvent, options: StraceOptions & StampOptions): string {
  const parts = lineParts(event, options);
  return parts.head + parts.padding + parts.result + parts.elapsed;
}
