// A bug in netsys, reported as one line: never a stack trace (NETSYS_DEBUG=1 shows it, on that line).
import { escapeControls } from './visible';

/** `internal error: <message>`, its line breaks shown as ` | `. */
export function internalErrorLine(error: unknown): string {
  const detail = error instanceof Error ? (process.env.NETSYS_DEBUG ? error.stack ?? error.message : error.message) : String(error);
  return `internal error: ${escapeControls(detail.replace(/\n/g, ' | '))}`;
}

/** Why netsys itself ran out of a resource (descriptors, memory), in one line; null for anything else. */
export function resourceProblem(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EMFILE') return 'cannot go on: EMFILE (too many open files): the limit on descriptors (ulimit -n) is too small; raise it';
  if (code === 'ENFILE') return 'cannot go on: ENFILE (too many open files in the system)';
  if (code === 'ENOMEM') return 'cannot go on: ENOMEM (out of memory)';
  return null;
}
