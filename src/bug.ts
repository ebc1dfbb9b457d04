// A bug in netsys, reported as one line: never a stack trace (NETSYS_DEBUG=1 shows it, on that line).
import { escapeControls } from './visible';

/** `internal error: <message>`, its line breaks shown as ` | `. */
export function internalErrorLine(error: unknown): string {
  const detail = error instanceof Error ? (process.env.NETSYS_DEBUG ? error.stack ?? error.message : error.message) : String(error);
  return `internal error: ${escapeControls(detail.replace(/\n/g, ' | '))}`;
}
