// `netsys errno [NAME|NUMBER]` and `netsys explain CALL`.
import { addrinfoErrorByName, errnoByName, knownErrno } from '../libc/errno';
import { paintFor, wantsColor } from '../trace/paint';
import { CALLS, findCall } from './calls';
import { ADDRINFO_NOTES, errorNote, SOCKET_ERRORS } from './errors';
import { renderErrno, renderErrnoTable, renderExplain } from './render';

/** The argument names nothing netsys knows: a usage error. */
export class UnknownReference extends Error {}

function print(lines: readonly string[]): void {
  process.stdout.write(lines.join('\n') + '\n');
}

export function errnoCommand(query: string | undefined, color: boolean): void {
  const paint = paintFor(wantsColor(color, process.stdout));
  if (query === undefined) {
    const rows = SOCKET_ERRORS.flatMap((note) => {
      const info = errnoByName(note.name);
      return info ? [{ info, note }] : [];
    }).sort((a, b) => a.info.code - b.info.code);
    print(renderErrnoTable(rows, paint));
    return;
  }
  const upper = query.trim().toUpperCase();
  const info = /^\d+$/.test(upper) ? knownErrno(Number(upper)) : errnoByName(upper) ?? addrinfoErrorByName(upper);
  if (!info) {
    const what = /^\d+$/.test(upper) ? `no errno has the number ${query}` : `unknown errno "${query}"`;
    throw new UnknownReference(`${what}: give a name such as ECONNREFUSED or EAI_NONAME, or a number such as 111`);
  }
  print(renderErrno(info, errorNote(info.name), ADDRINFO_NOTES[info.name], paint));
}

export function explainCommand(name: string, color: boolean): void {
  const call = findCall(name.trim().toLowerCase());
  if (!call) throw new UnknownReference(`no explanation for "${name}": netsys explains ${CALLS.map((c) => c.name).join(', ')}`);
  print(renderExplain(call, paintFor(wantsColor(color, process.stdout))));
}
