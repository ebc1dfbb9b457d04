// The two shapes a trace takes, strace's text or one JSON record a line, behind one interface: the
// trace output holds one renderer and never asks which. Pure: events in, lines out.
import type { InetSockAddr } from '../libc/addresses';
import { blockedNote, returnedNote } from './blocking';
import type { CallCount } from './count';
import { formatSummary } from './count';
import type { BlockedCall, CallEvent } from '../calls/event';
import { formatJson, formatJsonBlocked, formatJsonListening, formatJsonNote, formatJsonSummary } from './json';
import type { Paint } from './paint';
import { formatStamps, lineParts, StampOptions } from './stamps';
import { CallSelection, isSelected } from './select';
import { formatStateLine } from './state';
import { formatUnfinished, StraceOptions } from './strace';

/** How lines are drawn, and (-e trace=) which calls are shown: a note may speak of a call's line only if it is. */
export type RendererOptions = StraceOptions & StampOptions & { readonly selection?: CallSelection };

/** The lines a trace shows for each thing that happens; `sinceMs` is -r's time since the last stamp. */
export interface TraceRenderer {
  /** A completed call: its line, its sockets' states (--state), and, for a call shown held, how long it was. */
  call(event: CallEvent, sinceMs: number): string[];
  /** A call the kernel holds: strace's unfinished line, and why it waits. */
  blocked(call: BlockedCall, sinceMs: number): string[];
  /** A note for the person reading: `# listening on ...`. */
  note(text: string): string;
  /** Where a server listens: a note, with the address as fields in JSON. */
  listening(text: string, addr: InetSockAddr): string;
  /** -c's table of the calls counted. */
  summary(rows: readonly CallCount[]): string[];
}

/** The call netsys wakes held calls with as it leaves: its line may be left out by -e. */
const SHUTDOWN = { name: 'shutdown', kind: 'syscall' } as const;

/** strace's text, coloured by `paint` (PLAIN off a terminal). */
export function textRenderer(options: RendererOptions, paint: Paint): TraceRenderer {
  const note = (text: string) => paint.dim(`# ${text}`);
  return {
    call(event, sinceMs) {
      const { head, padding, result, elapsed } = lineParts(event, options, sinceMs);
      const mark = head.slice(0, head.indexOf(event.name + '('));
      const styledHead = paint.dim(mark) + paint.bold(event.name) + head.slice(mark.length + event.name.length);
      const lines = [styledHead + padding + (event.error ? paint.red(result) : paint.green(result)) + paint.dim(elapsed)];
      for (const state of event.states ?? []) lines.push(paint.dim(formatStateLine(state)));
      // A call interrupted by the very signal that ends the program is explained even when it had not
      // been held long enough to be shown blocked (the signal can come within the first 200 ms).
      if (event.blocked || (event.wokenToLeave && event.error?.name === 'EINTR')) lines.push(note(returnedNote(event, isSelected(SHUTDOWN, options.selection))));
      return lines;
    },
    blocked(call, sinceMs) {
      const stamps = formatStamps(call.startedAt, sinceMs, options);
      return [paint.dim(stamps) + paint.yellow(formatUnfinished(call, options)), note(blockedNote(call))];
    },
    note,
    listening: (text) => note(text),
    summary: (rows) => formatSummary(rows),
  };
}

/** One JSON object a line (README, `--json`): calls, held calls, notes, and -c's summary. */
export function jsonRenderer(options: RendererOptions): TraceRenderer {
  return {
    call: (event) => [formatJson(event, options)],
    blocked: (call) => [formatJsonBlocked(call, options)],
    note: formatJsonNote,
    listening: formatJsonListening,
    summary: (rows) => [formatJsonSummary(rows)],
  };
}
