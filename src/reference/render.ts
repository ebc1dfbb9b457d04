// The text of `netsys errno` and `netsys explain`: pure functions of the notes and of what libc said.
import type { ErrorInfo } from '../libc/errno';
import type { Paint } from '../trace/paint';
import type { CallNote } from './calls';
import type { ErrorNote } from './errors';

const WIDTH = 78;

/** Wraps prose at WIDTH columns, each line after the first indented like the first. */
export function wrapText(text: string, indent = ''): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.trim() !== '' && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent;
    }
    line += (line.trim() === '' ? '' : ' ') + word;
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}

export function renderErrno(info: ErrorInfo, note: ErrorNote | undefined, addrinfoNote: string | undefined, paint: Paint): string[] {
  const lines = [`${paint.bold(info.name)} ${info.code}: ${info.message}`];
  if (note) {
    lines.push('', ...wrapText(note.cause, '  '), '', ...wrapText(`Returned by: ${note.calls.join(', ')}.`, '  '));
  } else if (addrinfoNote) {
    lines.push('', ...wrapText(`${addrinfoNote} getaddrinfo returns this code itself; it is not an errno.`, '  '));
  } else {
    lines.push('', ...wrapText('Not an error socket programs usually meet.', '  '));
  }
  return lines;
}

export function renderErrnoTable(rows: readonly { info: ErrorInfo; note: ErrorNote }[], paint: Paint): string[] {
  const nameWidth = Math.max(...rows.map((row) => row.info.name.length));
  const lines = [paint.bold('The errors a socket program meets (netsys errno NAME for more):'), ''];
  for (const { info, note } of rows) {
    lines.push(`${String(info.code).padStart(3)}  ${info.name.padEnd(nameWidth)}  ${info.message}`);
    const first = note.cause.split(/(?<=\.)\s/)[0];
    lines.push(...wrapText(first, ' '.repeat(nameWidth + 7)));
  }
  return lines;
}

export function renderExplain(call: CallNote, paint: Paint): string[] {
  const lines = [
    ...call.headers.map((header) => `#include ${header}`),
    '',
    paint.bold(call.prototype),
    '',
    ...(call.library ? wrapText('A library function of the C library, not a system call: strace does not show it, netsys marks its line with "libc:".') : []),
    ...(call.library ? [''] : []),
    ...wrapText(call.does),
    '',
    paint.bold('Blocks:'),
    ...wrapText(call.blocks, '  '),
    '',
    paint.bold('Common errors:'),
  ];
  const nameWidth = Math.max(...call.errors.map(([name]) => name.length));
  for (const [name, why] of call.errors) {
    const [first, ...rest] = wrapText(why, ' '.repeat(nameWidth + 4));
    lines.push(`  ${name.padEnd(nameWidth)}  ${first.trimStart()}`, ...rest);
  }
  lines.push('', `${paint.bold('See also:')} ${call.related.join(', ')}`, `${paint.bold('Lesson:')} netsys lesson ${call.lesson}`);
  return lines;
}
