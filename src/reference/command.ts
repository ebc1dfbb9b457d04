// `netsys errno` and `netsys explain`: ask libc for numbers and messages, look up the notes, render.
// libc is loaded only for `errno`: `explain` needs nothing from it.
import { paintFor, wantsColor } from '../render/paint';
import type { ErrorInfo } from '../libc/results';
import { ADDRINFO_ERRORS } from '../libc/xlat';
import { lessonsForReference, lessonsMaking } from '../lessons/uses';
import { SOCKET_ERRORS } from './errors';
import { callName, findCall, parseErrnoQuery, unknownCall, unknownErrno } from './lookup';
import { PLAIN, renderAddrinfoError, renderCall, renderCallList, renderErrno, renderErrnoTable, Style } from './render';

type Libc = typeof import('../libc/native/errno');

/** Bold and dim on a terminal; nothing with --no-color, NO_COLOR, or when standard output is not a terminal. */
export function terminalStyle(color: boolean): Style {
  if (!wantsColor(color, process.stdout)) return PLAIN;
  const paint = paintFor(true);
  return { heading: paint.bold, name: paint.bold, aside: paint.dim };
}

function tableText(libc: Libc, style: Style): string {
  const errnos = Object.keys(SOCKET_ERRORS).map((name): ErrorInfo => {
    const info = libc.errnoByName(name);
    if (!info) throw new Error(`libc has no errno named ${name}`);
    return info;
  });
  const addrinfo = ADDRINFO_ERRORS.entries.map(([, code]) => libc.addrinfoErrorInfo(code));
  return renderErrnoTable(errnos, addrinfo, style);
}

/** errno values are positive and getaddrinfo()'s codes negative, so a number or name picks one or the other. */
function queryText(libc: Libc, query: string, style: Style): string {
  const parsed = parseErrnoQuery(query);
  const key = 'number' in parsed ? parsed.number : parsed.name;
  const addrinfo = libc.namedAddrinfoError(key);
  if (addrinfo) return renderAddrinfoError(addrinfo, style);
  const errno = typeof key === 'number' ? libc.namedErrno(key) : libc.errnoByName(key);
  if (errno) return renderErrno(errno, style);
  throw unknownErrno(query);
}

/** The text for `netsys errno [query]`; throws UsageError for a name or number libc does not know. */
export async function errnoText(query: string | undefined, style: Style): Promise<string> {
  const libc = await import('../libc/native/errno');
  return query === undefined ? tableText(libc, style) : queryText(libc, query, style);
}

/**
 * The text for `netsys explain [call]`, naming the lessons in netsys's lessons folder that make the
 * call; throws UsageError for a call it does not know.
 */
export function explainText(call: string | undefined, style: Style): string {
  if (call === undefined) return renderCallList(style);
  const reference = findCall(call);
  if (!reference) throw unknownCall(call);
  const name = callName(call);
  return renderCall(name, reference, style, lessonsMaking(name, lessonsForReference()));
}
