// Reading a lesson file (format: lessons/README.md). Pure: text in, Lesson out, or a LessonFormatError
// naming the file, the line and what is wrong. Lesson files are data; nothing in them is evaluated.
import { constants } from 'node:os';
import { ADDRINFO_ERRORS } from '../libc/xlat';
import { escapeControls, firstControl, visible } from '../visible';
import { ArgExpr, CallSyntaxError, parseCallLine } from './callline';
import { addToTurn, GoalError, Turn, turnProblem } from './goals';
import type { ResultKind } from './signatures';

export type Side = 'server' | 'client';
export const SIDES: readonly Side[] = ['server', 'client'];

export type { ArgExpr } from './callline';

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
  /** A "your turn" step: the learner makes the call, the kernel checks the goals; the step's call is the reference solution. */
  readonly turn?: Turn;
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
    super(escapeControls(`${file}:${line}: ${problem}`));
  }
}

const HEADER_KEYS = ['id', 'title', 'summary', 'order', 'intro', 'outro'] as const;
const STEP_TEXT_KEYS = ['before', 'after', 'more'] as const;
const STEP_LINE = /^step\s+(\w+)\s*:\s*(.*)$/;
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
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const result: Array<{ key: string; parts: string[]; line: number }> = [];
  let blankRun = 0;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const control = firstControl(raw);
    if (control) throw new LessonFormatError(file, line, `a control character (${control}) in the text: a lesson file is plain UTF-8 text`);
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
      if (!match) throw new LessonFormatError(file, line, `expected "key: value" or "step SIDE: call(...)", found "${visible(raw.trim())}"`);
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

interface Scope {
  readonly bound: Map<string, ResultKind>;
  /** Names bound to a descriptor no later step has closed, and the line that bound each. */
  readonly open: Map<string, number>;
}

/**
 * Names are one namespace, as in one C program: binding a name that still holds an open descriptor
 * would lose that descriptor (and a later close would close the wrong socket), so it is refused.
 */
function bindName(binds: string, result: ResultKind, at: { side: Side; line: number }, scope: Scope, fail: (problem: string) => never): void {
  const openedAt = scope.open.get(binds);
  if (openedAt !== undefined) fail(`"${binds}" still names the descriptor from line ${openedAt}, which no step has closed: close(${binds}) first, or choose another name`);
  scope.bound.set(binds, result);
  if (result === 'fd') scope.open.set(binds, at.line);
}

function parseStepCall(source: string, at: { side: Side; line: number }, scope: Scope, fail: (problem: string) => never) {
  try {
    const { call, args, binds, result } = parseCallLine(source, scope);
    if (call === 'close' && args[0]?.kind === 'name') scope.open.delete(args[0].name);
    if (binds) bindName(binds, result, at, scope, fail);
    return { call, args, binds };
  } catch (error) {
    if (error instanceof CallSyntaxError) fail(error.problem);
    throw error;
  }
}

/** Linux spells these errors two ways; strerrorname_np, and so the trace, uses the second. */
const ERRNO_ALIASES: Readonly<Record<string, string>> = { EWOULDBLOCK: 'EAGAIN', ENOTSUP: 'EOPNOTSUPP', EDEADLOCK: 'EDEADLK' };

function isKnownError(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(constants.errno, name) || ADDRINFO_ERRORS.entries.some(([entry]) => entry === name);
}

/** Refuses an error name no call could ever fail with, so that `expect:` and `on E...:` cannot silently never match. */
function checkErrorName(name: string, where: string, fail: (problem: string) => never): void {
  if (!/^E[A-Z0-9_]+$/.test(name)) fail(`${where} must name an errno such as ECONNREFUSED, not "${visible(name)}"`);
  const lead = where.endsWith(':') ? where : `${where}:`; // "expect:", not "expect::"
  const alias = ERRNO_ALIASES[name];
  if (alias) fail(`${lead} ${name} is ${alias} on Linux, and the trace names it ${alias}; write ${alias}`);
  if (!isKnownError(name)) fail(`${lead} ${visible(name)} is not an error Linux or getaddrinfo knows (netsys errno lists them)`);
}

const PLACEHOLDER = /\{([A-Za-z_]\w*)\}/g;

/** Refuses a `{name}` in shown text that no step binds by then: it would be printed as it is. */
function checkPlaceholders(text: string, bound: ReadonlyMap<string, unknown>, fail: (problem: string) => never): void {
  for (const [whole, name] of text.matchAll(PLACEHOLDER)) {
    if (!bound.has(name)) fail(`${visible(whole)} names nothing: no step before it binds "${visible(name)}" (write "${visible(name)} = call(...)")`);
  }
}

export function parseLesson(file: string, text: string): Lesson {
  const header: Partial<Record<(typeof HEADER_KEYS)[number], Field>> = {};
  const steps: Step[] = [];
  const scope: Scope = { bound: new Map(), open: new Map() };
  let step: { -readonly [K in keyof Step]: Step[K] } | null = null;
  /** The keys the current step has given, and their lines: a key given twice would silently win. */
  let stepKeys = new Map<string, number>();

  const finishStep = () => {
    const problem = step?.turn ? turnProblem(step.turn) : null;
    if (problem) throw new LessonFormatError(file, step!.line, problem);
    if (step) steps.push({ ...step, onError: { ...step.onError } });
  };

  for (const field of fields(file, text)) {
    const fail = (problem: string): never => {
      throw new LessonFormatError(file, field.line, problem);
    };
    if (field.key.startsWith('step ')) {
      finishStep();
      const side = field.key.slice(5);
      if (!SIDES.includes(side as Side)) fail(`step side must be "server" or "client", not "${visible(side)}"`);
      const source = field.value.replace(/\s+/g, ' ');
      const parsed = parseStepCall(source, { side: side as Side, line: field.line }, scope, fail);
      step = { line: field.line, side: side as Side, source, ...parsed, before: '', after: '', more: '', onError: {}, pause: true };
      stepKeys = new Map();
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
    // A your-turn step may name several goals, one a line; every other key is given once.
    const firstAt = field.key === 'goal' ? undefined : stepKeys.get(field.key);
    if (firstAt !== undefined) fail(`"${visible(field.key)}:" is given twice in this step (first on line ${firstAt})`);
    stepKeys.set(field.key, field.line);
    if ((STEP_TEXT_KEYS as readonly string[]).includes(field.key)) {
      checkPlaceholders(field.value, scope.bound, fail);
      step[field.key as (typeof STEP_TEXT_KEYS)[number]] = field.value;
    } else if (field.key === 'expect') {
      checkErrorName(field.value, 'expect:', fail);
      step.expect = field.value;
    } else if (field.key === 'pause') {
      if (field.value !== 'yes' && field.value !== 'no') fail(`pause: must be "yes" or "no", not "${visible(field.value)}"`);
      step.pause = field.value === 'yes';
    } else if (field.key === 'task' || field.key === 'hint' || field.key === 'goal') {
      try {
        step.turn = addToTurn(step.turn, field.key, field.value, scope.bound);
      } catch (error) {
        if (error instanceof GoalError) fail(error.message);
        throw error;
      }
    } else if (field.key.startsWith('on ')) {
      const errno = field.key.slice(3);
      checkErrorName(errno, `"on ${visible(errno)}:"`, fail);
      checkPlaceholders(field.value, scope.bound, fail);
      step.onError = { ...step.onError, [errno]: field.value };
    } else {
      fail(`unknown key "${visible(field.key)}:" (a step has: before, after, more, expect, pause, on ERRNO; a your-turn step task, hint, goal)`);
    }
  }
  finishStep();
  for (const [key, names] of [['intro', new Map()], ['outro', scope.bound]] as const) {
    const field = header[key];
    if (field) checkPlaceholders(field.value, names, (problem) => {
      throw new LessonFormatError(file, field.line, problem);
    });
  }

  const required = (key: 'id' | 'title' | 'summary' | 'order'): Field => {
    const field = header[key];
    if (!field || field.value === '') throw new LessonFormatError(file, 1, `the lesson has no "${key}:" line`);
    return field;
  };
  const id = required('id');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id.value)) {
    throw new LessonFormatError(file, id.line, `id must be lower-case words joined by "-", such as my-first-server, not "${visible(id.value)}"`);
  }
  const order = required('order');
  if (!/^\d+$/.test(order.value)) throw new LessonFormatError(file, order.line, `order must be a whole number, not "${visible(order.value)}"`);
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
