// The text of `netsys errno` and `netsys explain`: pure functions of the reference tables and of
// the numbers and messages libc gave (passed in), fitted to 80 columns, prose wrapped at 78.
import type { ErrorInfo } from '../libc/results';
import { CALLS, CallReference } from './calls';
import { ErrorNote } from './errors';
import { aliasesOf, CALL_NAMES, errorNote, findCall } from './lookup';

export const PROSE_WIDTH = 78;
export const CODE_WIDTH = 80;

/** How headings, names and asides are set off; PLAIN leaves the text alone. */
export interface Style {
  readonly heading: (text: string) => string;
  readonly name: (text: string) => string;
  readonly aside: (text: string) => string;
}

const same = (text: string): string => text;
export const PLAIN: Style = { heading: same, name: same, aside: same };

/** Fills words into lines of at most `width` columns; every line starts with `indent`. */
export function wrap(text: string, width = PROSE_WIDTH, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/** A first column, then text wrapped beside it: `  EAGAIN          no connection is queued...`. */
function labelled(label: string, text: string, labelWidth: number, style: Style, indent = '  '): string[] {
  const pad = ' '.repeat(indent.length + labelWidth);
  const lines = wrap(text, PROSE_WIDTH, pad);
  const first = lines[0] ?? pad;
  lines[0] = indent + style.name(label) + ' '.repeat(Math.max(1, labelWidth - label.length)) + first.slice(pad.length);
  return lines;
}

/**
 * A prototype on one line if it fits, else broken after commas with the arguments lined up after
 * the opening parenthesis, as the man pages print long ones.
 */
export function formatPrototype(prototype: string, width = CODE_WIDTH): string[] {
  if (prototype.length <= width) return [prototype];
  const open = prototype.indexOf('(') + 1;
  const pad = ' '.repeat(open);
  const params = prototype.slice(open).split(', ');
  const lines: string[] = [];
  let line = prototype.slice(0, open) + params[0];
  for (const param of params.slice(1)) {
    const last = param.endsWith(';');
    const candidate = `${line}, ${param}`;
    if (candidate.length + (last ? 0 : 1) <= width) {
      line = candidate;
    } else {
      lines.push(`${line},`);
      line = pad + param;
    }
  }
  lines.push(line);
  return lines;
}

function section(title: string, body: string, style: Style): string[] {
  return ['', style.heading(title), ...wrap(body, PROSE_WIDTH, '  ')];
}

function headerName(info: ErrorInfo): string {
  const aliases = aliasesOf(info.name);
  return aliases.length === 0 ? info.name : `${info.name} (also ${aliases.join(', ')})`;
}

function notesLines(name: string, note: ErrorNote | undefined): string[] {
  if (!note) {
    return ['', ...wrap(`netsys has no notes on ${name}: socket calls seldom return it. errno(3) lists every error.`)];
  }
  const lines = ['', ...wrap(note.cause), '', ...wrap(`Returned by: ${note.calls.join(', ')}`)];
  if (findCall(note.calls[0])) lines.push(`More: netsys explain ${note.calls[0]}`);
  return lines;
}

/** `netsys errno ECONNREFUSED`: the number, name and message libc gave, then what usually causes it. */
export function renderErrno(info: ErrorInfo, style: Style = PLAIN): string {
  const lines = [
    `${style.name(headerName(info))}, errno ${info.code}: ${info.message}`,
    style.aside(`In a trace: ... = -1 ${info.name} (${info.message})`),
    ...notesLines(info.name, errorNote(info.name)),
  ];
  return lines.join('\n') + '\n';
}

/** `netsys errno EAI_NONAME`: one of getaddrinfo()'s own codes, which are not errno values. */
export function renderAddrinfoError(info: ErrorInfo, style: Style = PLAIN): string {
  const lines = [
    `${style.name(info.name)}, getaddrinfo error ${info.code}: ${info.message}`,
    ...wrap('Not an errno value: getaddrinfo() returns the code itself, and gai_strerror() gives the message.')
      .map(style.aside),
    style.aside(`In a trace: ... = ${info.code} ${info.name} (${info.message})`),
    ...notesLines(info.name, errorNote(info.name)),
  ];
  return lines.join('\n') + '\n';
}

const TABLE_NAME_WIDTH = 17;
const TABLE_NUMBER_WIDTH = 5;

function tableRows(infos: readonly ErrorInfo[], style: Style): string[] {
  const indent = ' '.repeat(TABLE_NUMBER_WIDTH + 2 + TABLE_NAME_WIDTH);
  return infos.flatMap((info) => {
    const row =
      String(info.code).padStart(TABLE_NUMBER_WIDTH) +
      '  ' +
      style.name(info.name) +
      ' '.repeat(Math.max(1, TABLE_NAME_WIDTH - info.name.length)) +
      info.message;
    const summary = errorNote(info.name)?.summary;
    return summary ? [row, style.aside(indent + summary)] : [row];
  });
}

function tableHeader(first: string): string {
  return `${first.padStart(TABLE_NUMBER_WIDTH)}  ${'name'.padEnd(TABLE_NAME_WIDTH)}message, then the usual cause`;
}

/** `netsys errno`: the errors socket calls meet, then getaddrinfo()'s codes. */
export function renderErrnoTable(errnos: readonly ErrorInfo[], addrinfo: readonly ErrorInfo[], style: Style = PLAIN): string {
  const lines = [
    style.heading('Errors that socket calls return in errno (messages from strerror):'),
    '',
    tableHeader('errno'),
    ...tableRows([...errnos].sort((a, b) => a.code - b.code), style),
  ];
  if (addrinfo.length > 0) {
    lines.push(
      '',
      style.heading("getaddrinfo()'s return codes, not errno values (messages from gai_strerror):"),
      '',
      tableHeader('code'),
      ...tableRows([...addrinfo].sort((a, b) => b.code - a.code), style),
    );
  }
  lines.push('', 'More on one: netsys errno NAME (or NUMBER). On a call: netsys explain CALL.');
  return lines.join('\n') + '\n';
}

/** `Lesson: tcp-server (netsys lesson tcp-server); also in udp`: `lessons` are the ids of those that make the call, the first first. */
function lessonLine(lessons: readonly string[]): string {
  const [first, ...others] = lessons;
  if (!first) return 'Lesson: no lesson makes this call yet.';
  const also = others.length > 0 ? `; also in ${others.join(', ')}` : '';
  return `Lesson: ${first} (netsys lesson ${first})${also}`;
}

const ERROR_NAME_WIDTH = 16;

/** `netsys explain accept`; `lessons`: the ids of the lessons that make it, in their order. */
export function renderCall(name: string, call: CallReference, style: Style = PLAIN, lessons: readonly string[] = []): string {
  const lines = [
    `${style.name(name)} - ${call.summary}`,
    style.aside(`${call.page}, a ${call.kind}`),
    '',
    ...call.headers,
    '',
    ...formatPrototype(call.prototype),
    ...section('What it does', call.does, style),
    ...section('What it waits for', call.blocks, style),
    ...(call.trace ? section('In a trace', call.trace, style) : []),
    '',
    style.heading('Common errors'),
    ...call.errors.flatMap(([error, why]) => labelled(error, why, ERROR_NAME_WIDTH, style)),
    '',
    ...wrap(`Related: ${call.related.join(', ')}`),
    ...wrap(lessonLine(lessons)),
  ];
  return lines.join('\n') + '\n';
}

/** `netsys explain` with no call: the calls it knows, each with its man page's one-line summary. */
export function renderCallList(style: Style = PLAIN): string {
  const width = Math.max(...CALL_NAMES.map((name) => name.length)) + 2;
  const lines = [
    style.heading('Calls netsys explains (netsys explain CALL):'),
    '',
    ...CALL_NAMES.flatMap((name) => {
      const call = CALLS[name];
      const library = call.kind === 'library call' ? ' (a library call)' : '';
      return labelled(name, call.summary + library, width, style);
    }),
  ];
  return lines.join('\n') + '\n';
}
