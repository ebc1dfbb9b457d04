// strace's -t, -tt, -ttt (when the call started, at the line's start), -r (the time since the
// previous line's, at the line's start) and -T (time spent in the call, at the line's end), as pure
// functions of the event.
import type { CallEvent } from '../calls/event';
import { formatCall, formatResult, padToResult, StraceOptions } from './strace';

/** 0: none; 1: -t `HH:MM:SS`; 2: -tt `HH:MM:SS.uuuuuu`; 3: -ttt seconds since the epoch `.uuuuuu`. */
export type TimestampLevel = 0 | 1 | 2 | 3;

export interface StampOptions {
  readonly timestamps?: TimestampLevel;
  /** -T */
  readonly durations?: boolean;
  /** -r */
  readonly relative?: boolean;
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

/**
 * strace -r's stamp, with its trailing space: `     0.000123 ` (`%6ld.%06ld`), or after a time of day
 * (-t with -r) `(+     0.000123) `; '' when -r is off. `sinceMs`: since the previous line's stamp, in ms.
 */
export function formatRelative(sinceMs: number, options: StampOptions): string {
  if (!options.relative) return '';
  const micros = Math.max(0, Math.floor(sinceMs * 1000));
  const text = `${String(Math.floor(micros / 1e6)).padStart(6)}.${six(micros % 1e6)}`;
  return (options.timestamps ?? 0) > 0 ? `(+${text}) ` : `${text} `;
}

/** Everything strace prints before the call: the time of day (-t), then the relative stamp (-r). */
export function formatStamps(epochMs: number, sinceMs: number, options: StampOptions): string {
  return formatTimestamp(epochMs, options.timestamps ?? 0) + formatRelative(sinceMs, options);
}

/**
 * The instant a line is stamped with (-t, -r), in ms since the epoch: when the call started, as strace
 * stamps a call on entry; for a call first shown unfinished (whose unfinished line carried its start),
 * when it returned, as strace stamps `<... resumed>`.
 */
export function stampInstant(event: CallEvent): number {
  return event.blocked ? event.startedAt + event.durationMs : event.startedAt;
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

/** `sinceMs`: for -r, the time since the previous line's stamp, in ms. */
export function lineParts(event: CallEvent, options: StraceOptions & StampOptions, sinceMs = 0): LineParts {
  const head = formatStamps(stampInstant(event), sinceMs, options) + formatCall(event, options);
  return {
    head,
    padding: padToResult(head).slice(head.length),
    result: formatResult(event, options),
    elapsed: options.durations ? formatElapsed(event.durationMs) : '',
  };
}

/** The whole line, as strace prints it with the same options. */
export function formatStampedLine(event: CallEvent, options: StraceOptions & StampOptions, sinceMs = 0): string {
  const parts = lineParts(event, options, sinceMs);
  return parts.head + parts.padding + parts.result + parts.elapsed;
}
