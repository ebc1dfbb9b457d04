// Reading a lesson file (format: lessons/README.md). Pure: text in, Lesson out, or a LessonFormatError
// naming the file, the line and what is wrong. Lesson files are data; nothing in them is evaluated.
import { isIP } from 'node:net';
import { valueOf } from '../libc/xlat';
import { takesTimeval } from '../libc/marshal';
import { isLessonCall, Param, ResultKind, SIGNATURES } from './signatures';

export type Side = 'server' | 'client';
export const SIDES: readonly Side[] = ['server', 'client'];

/** One argument as written in the lesson. */
export type ArgExpr =
  | { readonly kind: 'int'; readonly value: number }
  /** A time in seconds with a fraction, `1.5`: for an option whose value is a struct timeval. */
  | { readonly kind: 'seconds'; readonly value: number }
  | { readonly kind: 'constant'; readonly value: number; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'address'; readonly host: string; readonly port: number }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'names'; readonly names: readonly string[] };

export interface Step {
  readonly line: number;
  readonly side: Side;
  /** The call as the lesson wrote it: `listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)`. */
  readonly source: string;
  readonly call: string;
  readonly args: readonly ArgExpr[];
  /** The name the result is bound to, if any. */
  readonly binds?: string;
  readonly before: string;
  readonly after: string;
  /** What `?` shows beyond the call's reference entry. */
  readonly more: string;
  /** The errno this step is meant to fail with, if it is meant to fail. */
  readonly expect?: string;
  /** Text shown instead of `after` when the call fails with that errno. */
  readonly onError: Readonly<Record<string, string>>;
  /** False for steps made without waiting for a key (a lesson's setup). */
  readonly pause: boolean;
}

export interface Lesson {
  readonly file: string;
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly order: number;
  readonly intro: string;
  readonly outro: string;
  readonly steps: readonly Step[];
  /** The sides its steps are on: two sides are shown in two lanes. */
  readonly sides: readonly Side[];
}

export class LessonFormatError extends Error {
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
  }
}

const HEADER_KEYS = ['id', 'title', 'summary', 'order', 'intro', 'outro'] as const;
const STEP_TEXT_KEYS = ['before', 'after', 'more'] as const;
const STEP_LINE = /^step\s+(\w+)\s*:\s*(.*)$/;
const CALL = /^(?:([A-Za-z_]\w*)\s*=\s*)?([a-z_]\w*)\s*\((.*)\)\s*$/;
const KEY = /^([a-z]+(?: [A-Z0-9_]+)?)\s*:\s?(.*)$/;

interface Field {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/**
 * Splits the file into `key: value` fields. A value goes on over the lines after it that are
 * indented; blank lines between indented lines become paragraph breaks.
 */
function fields(file: string, text: string): Field[] {
  const lines = text.split(/\r?\n/);
  const result: Array<{ key: string; parts: string[]; line: number }> = [];
  let blankRun = 0;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') {
      blankRun++;
      return;
    }
    if (raw.startsWith('#')) return;
    const current = result[result.length - 1];
    if (/^\s/.test(raw)) {
      if (!current) throw new LessonFormatError(file, line, 'indented text before any "key:" line');
      if (blankRun > 0 && current.parts.length > 0) current.parts.push('\n');
      current.parts.push(raw.trim());
    } else {
      const match = raw.match(STEP_LINE) ?? raw.match(KEY);
      if (!match) throw new LessonFormatError(file, line, `expected "key: value" or "step SIDE: call(...)", found "${raw.trim()}"`);
      const key = raw.startsWith('step') && STEP_LINE.test(raw) ? `step ${match[1]}` : match[1];
      result.push({ key, parts: match[2].trim() === '' ? [] : [match[2].trim()], line });
    }
    blankRun = 0;
  });
  return result.map(({ key, parts, line }) => ({ key, line, value: joinParagraphs(parts) }));
}

function joinParagraphs(parts: string[]): string {
  return parts.join(' ').replace(/ ?\n ?/g, '\n\n');
}

/** Splits `a, "b, c", d` at the commas outside quotes and brackets. */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '\\') {
      current += ch + (text[++i] ?? '');
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '[') depth++;
    if (!quoted && ch === ']') depth--;
    if (!quoted && depth === 0 && ch === ',') {
      args.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '' || args.length > 0) args.push(current.trim());
  return args;
}

function parseString(text: string): string | null {
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

interface Scope {
  readonly bound: Map<string, ResultKind>;
}

function parseArg(text: string, param: Param, scope: Scope, fail: (problem: string) => never): ArgExpr {
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
  if (want.kind === 'fds') {
    const list = /^\[(.*)\]$/.exec(text);
    const names = list ? list[1].split(',').map((name) => name.trim()) : [];
    if (names.length === 0 || names.some((name) => !/^[A-Za-z_]\w*$/.test(name))) {
      fail(`${param.name} must be descriptors in brackets, such as [listener, conn], not "${text}"`);
    }
    for (const name of names) {
      if (scope.bound.get(name) !== 'fd') fail(`${param.name}: "${name}" is not a descriptor given by an earlier step`);
    }
    return { kind: 'names', names };
  }
  if (/^[\d[]/.test(text)) {
    const address = parseAddress(text);
    if (!address) fail(`${param.name}: "${text}" is not an address with a port, such as 127.0.0.1:0 or [::1]:0`);
    if (want.kind !== 'address') fail(`${param.name} cannot be an address`);
    return { kind: 'address', ...address };
  }
  if (want.kind === 'constant' && /^[A-Z][A-Z0-9_]*(\s*\|\s*[A-Z][A-Z0-9_]*)*$/.test(text)) {
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
  if (/^[A-Za-z_]\w*$/.test(text)) {
    const kind = scope.bound.get(text);
    if (!kind) fail(`"${text}" is not a name given by an earlier step (write "${text} = call(...)" first)`);
    const fits: Record<ParamKind['kind'], readonly ResultKind[]> = {
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
    if (!fits[want.kind].includes(kind)) fail(`${param.name} cannot be "${text}", which names ${describe(kind)}`);
    return { kind: 'name', name: text };
  }
  fail(`${param.name}: cannot read "${text}"`);
}

type ParamKind = Param['type'];

function describe(kind: ResultKind): string {
  return { fd: 'a descriptor', address: 'an address', data: 'received data', datagram: 'a datagram', count: 'a byte count', status: 'a status' }[kind];
}

function parseStepCall(source: string, scope: Scope, fail: (problem: string) => never) {
  const match = source.match(CALL);
  if (!match) fail(`expected a call such as "fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)", found "${source}"`);
  const [, binds, call, argText] = match;
  if (!isLessonCall(call)) fail(`unknown call "${call}" (a lesson can make: ${Object.keys(SIGNATURES).join(', ')})`);
  const signature = SIGNATURES[call];
  const texts = splitArgs(argText);
  const required = signature.params.filter((param) => param.default === undefined).length;
  if (texts.length < required || texts.length > signature.params.length) {
    const names = signature.params.map((param) => (param.default === undefined ? param.name : `[${param.name}]`)).join(', ');
    fail(`${call} takes ${names}; found ${texts.length} argument${texts.length === 1 ? '' : 's'}`);
  }
  const args = texts.map((text, index) => parseArg(text, signature.params[index], scope, fail));
  checkOptionValues(signature.params, args, fail);
  if (binds) {
    if (signature.result === 'status') fail(`${call} returns only 0 or -1: there is nothing to name "${binds}"`);
    scope.bound.set(binds, signature.result);
  }
  return { call, args, binds };
}

/**
 * An option value in seconds with a fraction (`1.5`) only for an option that takes a struct timeval
 * (SO_RCVTIMEO, SO_SNDTIMEO); a whole number is seconds for those, and the int value for the others.
 */
function checkOptionValues(params: readonly Param[], args: readonly ArgExpr[], fail: (problem: string) => never): void {
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
      fail(`${param.name}: ${value.value} seconds is a value for SO_RCVTIMEO or SO_SNDTIMEO at SOL_SOCKET; this option takes a whole number`);
    }
  });
}

function isErrnoName(name: string): boolean {
  return /^E[A-Z0-9_]+$/.test(name);
}

export function parseLesson(file: string, text: string): Lesson {
  const header: Partial<Record<(typeof HEADER_KEYS)[number], Field>> = {};
  const steps: Step[] = [];
  const scope: Scope = { bound: new Map() };
  let step: { -readonly [K in keyof Step]: Step[K] } | null = null;

  const finishStep = () => {
    if (step) steps.push({ ...step, onError: { ...step.onError } });
  };

  for (const field of fields(file, text)) {
    const fail = (problem: string): never => {
      throw new LessonFormatError(file, field.line, problem);
    };
    if (field.key.startsWith('step ')) {
      finishStep();
      const side = field.key.slice(5);
      if (!SIDES.includes(side as Side)) fail(`step side must be "server" or "client", not "${side}"`);
      const source = field.value.replace(/\s+/g, ' ');
      const parsed = parseStepCall(source, scope, fail);
      step = { line: field.line, side: side as Side, source, ...parsed, before: '', after: '', more: '', onError: {}, pause: true };
      continue;
    }
    if ((HEADER_KEYS as readonly string[]).includes(field.key)) {
      const key = field.key as (typeof HEADER_KEYS)[number];
      if (step && key !== 'outro') fail(`"${key}:" belongs at the top of the lesson, before the first step`);
      if (header[key]) fail(`"${key}:" is given twice (first on line ${header[key]!.line})`);
      header[key] = field;
      continue;
    }
    if (!step) {
      throw new LessonFormatError(file, field.line, `"${field.key}:" belongs to a step; steps start with "step server: ..." or "step client: ..."`);
    }
    if ((STEP_TEXT_KEYS as readonly string[]).includes(field.key)) {
      step[field.key as (typeof STEP_TEXT_KEYS)[number]] = field.value;
    } else if (field.key === 'expect') {
      if (!isErrnoName(field.value)) fail(`expect: must name an errno such as ECONNREFUSED, not "${field.value}"`);
      step.expect = field.value;
    } else if (field.key === 'pause') {
      if (field.value !== 'yes' && field.value !== 'no') fail(`pause: must be "yes" or "no", not "${field.value}"`);
      step.pause = field.value === 'yes';
    } else if (field.key.startsWith('on ')) {
      const errno = field.key.slice(3);
      if (!isErrnoName(errno)) fail(`"on ${errno}:" must name an errno such as ECONNREFUSED`);
      step.onError = { ...step.onError, [errno]: field.value };
    } else {
      fail(`unknown key "${field.key}:" (a step has: before, after, more, expect, pause, on ERRNO)`);
    }
  }
  finishStep();

  const required = (key: 'id' | 'title' | 'summary' | 'order'): Field => {
    const field = header[key];
    if (!field || field.value === '') throw new LessonFormatError(file, 1, `the lesson has no "${key}:" line`);
    return field;
  };
  const id = required('id');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id.value)) {
    throw new LessonFormatError(file, id.line, `id must be lower-case words joined by "-", such as my-first-server, not "${id.value}"`);
  }
  const order = required('order');
  if (!/^\d+$/.test(order.value)) throw new LessonFormatError(file, order.line, `order must be a whole number, not "${order.value}"`);
  if (steps.length === 0) throw new LessonFormatError(file, 1, 'the lesson has no steps');
  const sides = SIDES.filter((side) => steps.some((s) => s.side === side));
  return {
    file,
    id: id.value,
    title: required('title').value,
    summary: required('summary').value,
    order: Number(order.value),
    intro: header.intro?.value ?? '',
    outro: header.outro?.value ?? '',
    steps,
    sides,
  };
}
