// The grammar of one call, as a lesson step writes it and as `netsys shell` reads it:
// `conn = accept(listener)`, `bind(s, 127.0.0.1:0)`, `send(c, "hello\n", MSG_NOSIGNAL)`.
// One grammar in one module: the lesson loader adds the file and line to a problem, the shell a caret
// under the column. Pure: text in, a parsed call out, or a CallSyntaxError. Nothing is evaluated.
import { isIP } from 'node:net';
import { takesTimeval } from '../libc/marshal';
import { valueOf } from '../libc/xlat';
import { isLessonCall, LessonCall, Param, ParamKind, RECEIVE_LIMIT, ResultKind, SIGNATURES } from './signatures';

/** One argument as written. */
export type ArgExpr =
  | { readonly kind: 'int'; readonly value: number }
  /** A time in seconds with a fraction, `1.5`: for an option whose value is a struct timeval. */
  | { readonly kind: 'seconds'; readonly value: number }
  | { readonly kind: 'constant'; readonly value: number; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'address'; readonly host: string; readonly port: number }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'names'; readonly names: readonly string[] };

/** A call line that does not parse: what is wrong and what is accepted, and where (0-based column). */
export class CallSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly column: number,
  ) {
    super(problem);
  }
}

/** Text from the line quoted in a problem: at most 40 characters, so that a problem stays one line. */
function clip(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}

/** The names bound so far, each with the kind of value it stands for (what an argument may use). */
export interface CallScope {
  readonly bound: ReadonlyMap<string, ResultKind>;
}

export interface ParsedCall {
  readonly call: LessonCall;
  readonly args: readonly ArgExpr[];
  /** The name before `=`, if any; the caller binds it (to `result`) once the line is accepted. */
  readonly binds?: string;
  /** What the name before `=` will stand for. */
  readonly result: ResultKind;
}

/**
 * Whole-number constants an `int` argument may be written as. SOMAXCONN is <sys/socket.h>'s 4096
 * (Linux 5.4 and later, glibc's bits/socket.h); strace shows the number.
 */
export const INT_CONSTANTS: Readonly<Record<string, number>> = { SOMAXCONN: 4096 };

const NAME = /^[A-Za-z_]\w*$/;

/**
 * Why `binds` cannot name a result, or undefined. As in one C program, a name that is a constant
 * (`AF_INET = socket(...)`) or a call (`close = socket(...)`) would be read one way in one place and
 * the other way in another (`socket(AF_INET, ...)` took the constant, `close(AF_INET)` the name).
 */
function reservedName(binds: string): string | undefined {
  if (isLessonCall(binds)) return `"${binds}" is a call's name`;
  if (Object.prototype.hasOwnProperty.call(INT_CONSTANTS, binds)) return `"${binds}" is a constant`;
  for (const signature of Object.values(SIGNATURES)) {
    for (const param of signature.params) {
      if (param.type.kind === 'constant' && param.type.tables.some((xlat) => xlat.entries.some(([entry]) => entry === binds))) return `"${binds}" is a constant`;
    }
  }
  return undefined;
}
const EXAMPLE = 'a call such as "fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)"';

interface Piece {
  readonly text: string;
  /** Column of the piece's first character in the line. */
  readonly column: number;
}

/** Splits `a, "b, c", d` at the commas outside quotes and brackets; each piece trimmed, with its column. */
function splitArgs(text: string, start: number): Piece[] {
  const pieces: Piece[] = [];
  let from = 0;
  let quoted = false;
  let depth = 0;
  const push = (to: number) => {
    const raw = text.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    pieces.push({ text: raw.trim(), column: start + from + lead });
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '\\') {
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '[') depth++;
    if (!quoted && ch === ']') depth--;
    if (!quoted && depth === 0 && ch === ',') {
      push(i);
      from = i + 1;
    }
  }
  if (text.slice(from).trim() !== '' || pieces.length > 0) push(text.length);
  return pieces;
}

/** A quoted string with JSON escapes (`"hello\n"`), or null when it is not one. */
export function parseString(text: string): string | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

function parseAddress(text: string): { host: string; port: number } | null {
  const match = text.match(/^(?:\[([0-9A-Fa-f:.]+)\]|(\d+\.\d+\.\d+\.\d+)):(\d+)$/);
  if (!match) return null;
  const host = match[1] ?? match[2];
  const port = Number(match[3]);
  if (isIP(host) === 0 || port > 65535) return null;
  return { host, port };
}

type Fail = (problem: string) => never;

function describe(kind: ResultKind): string {
  return { fd: 'a descriptor', address: 'an address', data: 'received data', datagram: 'a datagram', count: 'a byte count', status: 'a status' }[kind];
}

/** What a name bound to each kind of value may stand in for. */
const FITS: Readonly<Record<Param['type']['kind'], readonly ResultKind[]>> = {
  fd: ['fd'],
  address: ['address', 'datagram'],
  data: ['data', 'datagram'],
  port: ['address', 'datagram'],
  int: ['count'],
  optval: ['count'],
  constant: [],
  text: [],
  fds: [],
};

function parseDescriptors(text: string, param: Param, scope: CallScope, fail: Fail): ArgExpr {
  const list = /^\[(.*)\]$/.exec(text);
  const names = list ? list[1].split(',').map((name) => name.trim()) : [];
  if (names.length === 0 || names.some((name) => !NAME.test(name))) {
    fail(`${param.name} must be descriptors in brackets, such as [listener, conn], not "${clip(text)}"`);
  }
  for (const name of names) {
    if (scope.bound.get(name) !== 'fd') fail(`${param.name}: "${clip(name)}" is not a descriptor given by an earlier step`);
  }
  return { kind: 'names', names };
}

/** Levenshtein distance: how many letters to add, remove or change to turn `a` into `b`. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The (at most 4) known names nearest to a mistyped one, nearest first: a problem stays one line. */
function closest(name: string, known: readonly string[]): string[] {
  return known
    .map((entry, index) => ({ entry, index, far: distance(name.slice(0, 40).toUpperCase(), entry) }))
    .sort((a, b) => a.far - b.far || a.index - b.index)
    .slice(0, 4)
    .map(({ entry }) => entry);
}

function parseConstants(text: string, param: Param, fail: Fail): ArgExpr {
  const want = param.type;
  if (want.kind !== 'constant') fail(`${param.name} cannot be a constant`);
  let value = 0;
  for (const name of text.split('|').map((part) => part.trim())) {
    const table = want.tables.find((xlat) => xlat.entries.some(([entry]) => entry === name));
    if (!table) {
      const known = [...new Set(want.tables.flatMap((xlat) => xlat.entries.map(([entry]) => entry)))];
      const near = closest(name, known).join(', ');
      fail(`${param.name}: unknown constant ${clip(name)} (${known.length > 4 ? `nearest known here: ${near}; Tab lists them all` : `known here: ${near}`})`);
    }
    value |= valueOf(table, name);
  }
  return { kind: 'constant', value, text };
}

function parseName(text: string, param: Param, scope: CallScope, fail: Fail): ArgExpr {
  const kind = scope.bound.get(text);
  const upper = text.toUpperCase();
  const constant = param.type.kind === 'constant' && param.type.tables.some((xlat) => xlat.entries.some(([entry]) => entry === upper));
  if (!kind && (constant || (param.type.kind === 'int' && Object.prototype.hasOwnProperty.call(INT_CONSTANTS, upper)))) {
    fail(`${param.name}: constants are written in capitals, as in C: ${upper}, not ${clip(text)}`);
  }
  if (!kind) fail(`"${clip(text)}" is not a name given by an earlier step (write "${clip(text)} = call(...)" first)`);
  if (!FITS[param.type.kind].includes(kind)) fail(`${param.name} cannot be "${clip(text)}", which names ${describe(kind)}`);
  return { kind: 'name', name: text };
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** The whole numbers a parameter takes (what its C type holds, or what netsys passes), and how to say so. */
function numberRange(want: ParamKind): { readonly min: number; readonly max: number; readonly words: string } {
  if (want.kind === 'int' && want.size) return { min: 0, max: RECEIVE_LIMIT, words: `a size from 0 to ${RECEIVE_LIMIT} bytes (1 MiB, the most netsys receives at once)` };
  if (want.kind === 'port') return { min: 0, max: 65535, words: 'a port from 0 to 65535' };
  return { min: INT_MIN, max: INT_MAX, words: `a C int, from ${INT_MIN} to ${INT_MAX}` };
}

/** A whole number in the range the parameter takes, or the problem: the kernel must get what the line says. */
function parseNumber(text: string, param: Param, fail: Fail): ArgExpr {
  const want = param.type;
  if (want.kind !== 'int' && want.kind !== 'constant' && want.kind !== 'port' && want.kind !== 'optval') fail(`${param.name} cannot be a number here`);
  if (/^-?0\d/.test(text)) fail(`${param.name}: write ${clip(text)} without its leading 0 (C would read it as octal)`);
  const value = Number(text);
  const range = numberRange(want);
  if (value < range.min || value > range.max) fail(`${param.name}: ${clip(text)} is out of range: it must be ${range.words}`);
  return { kind: 'int', value: value === 0 ? 0 : value };
}

/** A time in seconds with a fraction, for SO_RCVTIMEO and SO_SNDTIMEO (checkOptionValues). */
function parseSeconds(text: string, param: Param, fail: Fail): ArgExpr {
  const value = Number(text);
  if (value > INT_MAX) fail(`${param.name}: ${clip(text)} seconds is out of range: at most ${INT_MAX}`);
  return { kind: 'seconds', value };
}

function parseArg(text: string, param: Param, scope: CallScope, fail: Fail): ArgExpr {
  const want = param.type;
  if (text === '') fail(`${param.name} is missing: write a value between the commas, or leave out the comma`);
  if (text.startsWith("'")) fail(`${param.name}: strings are written in double quotes, as in C: "${clip(text.replace(/^'|'$/g, ''))}"`);
  if (want.kind === 'optval' && /^\d+\.\d+$/.test(text)) return parseSeconds(text, param, fail);
  if (/^-?\d+$/.test(text)) return parseNumber(text, param, fail);
  if (text.startsWith('"')) {
    const value = parseString(text);
    if (value === null) fail(`${param.name}: ${clip(text)} is not a well-formed quoted string (JSON escapes: \\n, \\t, \\", \\\\, \\u0000)`);
    if (want.kind === 'data' || want.kind === 'text') return { kind: 'string', value };
    fail(`${param.name} cannot be a string`);
  }
  if (want.kind === 'fds') return parseDescriptors(text, param, scope, fail);
  const numeric = want.kind === 'int' || want.kind === 'constant' || want.kind === 'port' || want.kind === 'optval';
  if (numeric && /^[-+.\d]/.test(text) && !/^\d+\.\d+\.\d+\.\d+:/.test(text)) {
    const seconds = want.kind === 'optval' ? ' (or seconds such as 1.5, for SO_RCVTIMEO and SO_SNDTIMEO)' : '';
    fail(`${param.name}: "${clip(text)}" is not a whole number such as 4${seconds}`);
  }
  if (/^[\d[]/.test(text)) {
    const address = parseAddress(text);
    if (!address) fail(`${param.name}: "${clip(text)}" is not an address with a port, such as 127.0.0.1:0 or [::1]:0`);
    if (want.kind !== 'address') fail(`${param.name} cannot be an address`);
    return { kind: 'address', ...address };
  }
  if (want.kind === 'int' && Object.prototype.hasOwnProperty.call(INT_CONSTANTS, text)) {
    return { kind: 'constant', value: INT_CONSTANTS[text], text };
  }
  if (want.kind === 'constant' && /^[A-Z][A-Z0-9_]*(\s*\|\s*[A-Z][A-Z0-9_]*)*$/.test(text)) return parseConstants(text, param, fail);
  if (NAME.test(text)) return parseName(text, param, scope, fail);
  fail(`${param.name}: cannot read "${clip(text)}"`);
}

/**
 * An option value in seconds with a fraction (`1.5`) only for an option that takes a struct timeval
 * (SO_RCVTIMEO, SO_SNDTIMEO); a whole number is seconds for those, and the int value for the others.
 */
function checkOptionValues(params: readonly Param[], args: readonly ArgExpr[], pieces: readonly Piece[]): void {
  params.forEach((param, index) => {
    const want = param.type;
    const value = args[index];
    if (want.kind !== 'optval' || value?.kind !== 'seconds') return;
    const numberFor = (name: string): number | undefined => {
      const expr = args[params.findIndex((other) => other.name === name)];
      return expr?.kind === 'int' || expr?.kind === 'constant' ? expr.value : undefined;
    };
    const [level, optname] = [numberFor(want.level), numberFor(want.optname)];
    if (level === undefined || optname === undefined || !takesTimeval(level, optname)) {
      const problem = `${param.name}: ${value.value} seconds is a value for SO_RCVTIMEO or SO_SNDTIMEO at SOL_SOCKET; this option takes a whole number`;
      throw new CallSyntaxError(problem, pieces[index].column);
    }
  });
}

/** `socket(domain, type, [protocol])`: a call's arguments as the learner writes them, optional ones in brackets. */
export function signatureText(call: LessonCall): string {
  const params = SIGNATURES[call].params.map((param) => (param.default === undefined ? param.name : `[${param.name}]`));
  return `${call}(${params.join(', ')})`;
}

/** C0 control characters and DEL: a terminal would act on them rather than show them. */
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * A line as it can be shown back: each control character as its Unicode control picture (U+0001 as
 * ␁, DEL as ␡), a tab as a space: one column each, so that a caret under the line still points at the place.
 */
export function visible(line: string): string {
  return line.replace(CONTROL, (ch) => (ch === '\t' ? ' ' : String.fromCharCode(ch === '\u007f' ? 0x2421 : 0x2400 + ch.charCodeAt(0))));
}

/**
 * The part of a long line around `column` (at most `width` characters, `…` where it was cut), and
 * where the column now is: a problem in a line of a megabyte is shown in one screen line.
 */
export function excerpt(line: string, column: number, width = 120): { text: string; column: number } {
  if (line.length <= width) return { text: line, column };
  const start = Math.max(0, Math.min(column - Math.floor(width / 2), line.length - width));
  const end = start + width;
  const text = `${start > 0 ? '…' : ''}${line.slice(start, end)}${end < line.length ? '…' : ''}`;
  return { text, column: column - start + (start > 0 ? 1 : 0) };
}

/** A control character inside the call (white space around it aside) is no part of the grammar: its column. */
function checkNoControl(source: string): void {
  const start = source.length - source.trimStart().length;
  const inside = source.trim();
  const at = inside.search(/[\u0000-\u0008\u000a-\u001f\u007f]/);
  if (at === -1) return;
  const code = inside.charCodeAt(at).toString(16).padStart(4, '0');
  throw new CallSyntaxError(`a control character (U+${code}, shown as ${visible(inside[at])}) cannot be part of a call; in a quoted string write bytes as JSON escapes, such as "\\n" or "\\u0001"`, start + at);
}

/** The column of the ")" that closes the "(" at `open` (quotes and brackets skipped), or -1. */
function closingParen(source: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (quoted && ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The shape of the line: `[name =] call(args)`, each part's column; a CallSyntaxError where it is not. */
function splitCall(source: string): { binds?: string; call: Piece; args: Piece } {
  const binding = /^\s*([A-Za-z_]\w*)\s*=\s*/.exec(source);
  const callAt = binding ? binding[0].length : source.length - source.trimStart().length;
  const name = /^[A-Za-z_]\w*/.exec(source.slice(callAt));
  if (!name) throw new CallSyntaxError(`expected ${EXAMPLE}, found "${clip(source.trim())}"`, callAt);
  const afterName = callAt + name[0].length;
  const open = source.slice(afterName).search(/\S/);
  if (open === -1 || source[afterName + open] !== '(') {
    throw new CallSyntaxError(`expected "(" after ${clip(name[0])}: ${EXAMPLE}`, open === -1 ? source.length : afterName + open);
  }
  const argsAt = afterName + open + 1;
  const close = source.trimEnd().length - 1;
  const end = closingParen(source, argsAt - 1);
  if (end !== -1 && end < close) {
    const after = end + 1 + (source.slice(end + 1).length - source.slice(end + 1).trimStart().length);
    throw new CallSyntaxError(`nothing may follow the call's closing ")": found "${clip(source.slice(after).trim())}"`, after);
  }
  if (close < argsAt || source[close] !== ')') {
    throw new CallSyntaxError(`expected ")" to close the call: ${EXAMPLE}`, source.trimEnd().length);
  }
  return {
    binds: binding?.[1],
    call: { text: name[0], column: callAt },
    args: { text: source.slice(argsAt, close), column: argsAt },
  };
}

/**
 * Parses one call line against the names bound so far. Does not bind the name before `=`: the caller
 * does that once the line is accepted. Throws CallSyntaxError with the column of the problem.
 */
export function parseCallLine(source: string, scope: CallScope): ParsedCall {
  checkNoControl(source);
  const { binds, call, args } = splitCall(source);
  const reserved = binds === undefined ? undefined : reservedName(binds);
  if (reserved && binds !== undefined) {
    throw new CallSyntaxError(`${reserved}: a name given to a result must be another word, such as fd or conn`, source.indexOf(binds));
  }
  if (!isLessonCall(call.text)) {
    throw new CallSyntaxError(`unknown call "${clip(call.text)}" (a lesson can make: ${Object.keys(SIGNATURES).join(', ')})`, call.column);
  }
  const signature = SIGNATURES[call.text];
  const pieces = splitArgs(args.text, args.column);
  const required = signature.params.filter((param) => param.default === undefined).length;
  if (pieces.length < required || pieces.length > signature.params.length) {
    const names = signatureText(call.text).slice(call.text.length + 1, -1);
    const at = pieces.length > signature.params.length ? pieces[signature.params.length].column : args.column + args.text.length;
    throw new CallSyntaxError(`${call.text} takes ${names}; found ${pieces.length} argument${pieces.length === 1 ? '' : 's'}`, at);
  }
  const parsed = pieces.map((piece, index) => {
    const fail = (problem: string): never => {
      throw new CallSyntaxError(problem, piece.column);
    };
    return parseArg(piece.text, signature.params[index], scope, fail);
  });
  checkOptionValues(signature.params, parsed, pieces);
  if (binds && signature.result === 'status') {
    throw new CallSyntaxError(`${call.text} returns only 0 or -1: there is nothing to name "${clip(binds)}"`, source.indexOf(binds));
  }
  return { call: call.text, args: parsed, binds, result: signature.result };
}
