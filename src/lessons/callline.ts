// The grammar of one call, as a lesson step writes it and as `netsys shell` reads it:
// `conn = accept(listener)`, `bind(s, 127.0.0.1:0)`, `send(c, "hello\n", MSG_NOSIGNAL)`.
// One grammar in one module: the lesson loader adds the file and line to a problem, the shell a caret
// under the column. Pure: text in, a parsed call out, or a CallSyntaxError. Nothing is evaluated.
import { isIP } from 'node:net';
import { takesTimeval } from '../libc/marshal';
import { valueOf } from '../libc/xlat';
import { isLessonCall, LessonCall, Param, ResultKind, SIGNATURES } from './signatures';

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
    fail(`${param.name} must be descriptors in brackets, such as [listener, conn], not "${text}"`);
  }
  for (const name of names) {
    if (scope.bound.get(name) !== 'fd') fail(`${param.name}: "${name}" is not a descriptor given by an earlier step`);
  }
  return { kind: 'names', names };
}

function parseConstants(text: string, param: Param, fail: Fail): ArgExpr {
  const want = param.type;
  if (want.kind !== 'constant') fail(`${param.name} cannot be a constant`);
  let value = 0;
  for (const name of text.split('|').map((part) => part.trim())) {
    const table = want.tables.find((xlat) => xlat.entries.some(([entry]) => entry === name));
    if (!table) {
      const known = want.tables.flatMap((xlat) => xlat.entries.map(([entry]) => entry)).join(', ');
      fail(`${param.name}: unknown constant ${name} (known here: ${known})`);
    }
    value |= valueOf(table, name);
  }
  return { kind: 'constant', value, text };
}

function parseName(text: string, param: Param, scope: CallScope, fail: Fail): ArgExpr {
  const kind = scope.bound.get(text);
  if (!kind) fail(`"${text}" is not a name given by an earlier step (write "${text} = call(...)" first)`);
  if (!FITS[param.type.kind].includes(kind)) fail(`${param.name} cannot be "${text}", which names ${describe(kind)}`);
  return { kind: 'name', name: text };
}

function parseArg(text: string, param: Param, scope: CallScope, fail: Fail): ArgExpr {
  const want = param.type;
  if (want.kind === 'optval' && /^\d+\.\d+$/.test(text)) return { kind: 'seconds', value: Number(text) };
  if (/^-?\d+$/.test(text)) {
    if (want.kind === 'int' || want.kind === 'constant' || want.kind === 'port' || want.kind === 'optval') return { kind: 'int', value: Number(text) };
    fail(`${param.name} cannot be a number here`);
  }
  if (text.startsWith('"')) {
    const value = parseString(text);
    if (value === null) fail(`${param.name}: ${text} is not a well-formed quoted string (JSON escapes: \\n, \\t, \\", \\\\, \\u0000)`);
    if (want.kind === 'data' || want.kind === 'text') return { kind: 'string', value };
    fail(`${param.name} cannot be a string`);
  }
  if (want.kind === 'fds') return parseDescriptors(text, param, scope, fail);
  if (/^[\d[]/.test(text)) {
    const address = parseAddress(text);
    if (!address) fail(`${param.name}: "${text}" is not an address with a port, such as 127.0.0.1:0 or [::1]:0`);
    if (want.kind !== 'address') fail(`${param.name} cannot be an address`);
    return { kind: 'address', ...address };
  }
  if (want.kind === 'int' && Object.prototype.hasOwnProperty.call(INT_CONSTANTS, text)) {
    return { kind: 'constant', value: INT_CONSTANTS[text], text };
  }
  if (want.kind === 'constant' && /^[A-Z][A-Z0-9_]*(\s*\|\s*[A-Z][A-Z0-9_]*)*$/.test(text)) return parseConstants(text, param, fail);
  if (NAME.test(text)) return parseName(text, param, scope, fail);
  fail(`${param.name}: cannot read "${text}"`);
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

/** The shape of the line: `[name =] call(args)`, each part's column; a CallSyntaxError where it is not. */
function splitCall(source: string): { binds?: string; call: Piece; args: Piece } {
  const binding = /^\s*([A-Za-z_]\w*)\s*=\s*/.exec(source);
  const callAt = binding ? binding[0].length : source.length - source.trimStart().length;
  const name = /^[A-Za-z_]\w*/.exec(source.slice(callAt));
  if (!name) throw new CallSyntaxError(`expected ${EXAMPLE}, found "${source.trim()}"`, callAt);
  const afterName = callAt + name[0].length;
  const open = source.slice(afterName).search(/\S/);
  if (open === -1 || source[afterName + open] !== '(') {
    throw new CallSyntaxError(`expected "(" after ${name[0]}: ${EXAMPLE}`, open === -1 ? source.length : afterName + open);
  }
  const argsAt = afterName + open + 1;
  const close = source.trimEnd().length - 1;
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
  const { binds, call, args } = splitCall(source);
  if (!isLessonCall(call.text)) {
    throw new CallSyntaxError(`unknown call "${call.text}" (a lesson can make: ${Object.keys(SIGNATURES).join(', ')})`, call.column);
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
    throw new CallSyntaxError(`${call.text} returns only 0 or -1: there is nothing to name "${binds}"`, source.indexOf(binds));
  }
  return { call: call.text, args: parsed, binds, result: signature.result };
}
