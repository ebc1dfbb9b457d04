// Making a lesson step's call: its arguments resolved by parameter name against what earlier steps
// returned, planned once (the call as it is about to be made, for the learner to read first), and
// then made from that same plan, on that side's recorder. Generic over the call registry.
import { AF_INET, AF_INET6, InetSockAddr, isInet } from '../libc/addresses';
import { cMemory, takesTimeval } from '../libc/marshal';
import type { PollRequest } from '../libc/pollfd';
import { POLL_EVENTS, SOCKET_TYPES, valueOf } from '../libc/xlat';
import type { Arg, CallKind } from '../calls/event';
import type { OutcomeOf, Outcome, Recorder } from '../calls/recorder';
import { ArgsOf, CallName, ParamSpec, specOf } from '../calls/registry';
import type { ArgExpr, Step } from './format';
import { isLessonCall, lessonParam, RECEIVE_LIMIT, ResultKind, SIGNATURES } from './signatures';
import { escapeControls } from '../visible';

/** What a name bound by an earlier step stands for. */
export type Value =
  | { readonly kind: 'fd'; readonly fd: number; readonly family: number }
  | { readonly kind: 'address'; readonly addr: InetSockAddr }
  | { readonly kind: 'data'; readonly bytes: Buffer }
  /** What recvfrom returned: the bytes of one datagram, and who sent it. */
  | { readonly kind: 'datagram'; readonly bytes: Buffer; readonly addr: InetSockAddr }
  | { readonly kind: 'count'; readonly value: number };

/**
 * Received bytes in words, quoted with JSON escapes: as UTF-8 text when they are (what a step's
 * "text" sends), else one character per byte. `"hé\n"`, not `"hÃ©\n"`.
 */
export function dataText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  // JSON leaves DEL and C1 controls as they are; a terminal would obey them.
  return escapeControls(JSON.stringify(Buffer.from(text, 'utf8').equals(bytes) ? text : bytes.toString('latin1')));
}

export interface Made {
  readonly outcome: Outcome;
  /** What the step's name (before `=`) now stands for, when the call succeeded. */
  readonly value?: Value;
}

export interface Prepared {
  readonly name: string;
  readonly kind: CallKind;
  /** The arguments as they will be passed; those the kernel fills in are placeholders. */
  readonly args: readonly Arg[];
  /** Makes the call; `onHeld` is called if the kernel holds it (its thread asleep in it), before it returns. */
  make(onHeld?: () => void): Promise<Made>;
}

const SOCK_STREAM = valueOf(SOCKET_TYPES, 'SOCK_STREAM');
const POLLIN = valueOf(POLL_EVENTS, 'POLLIN');

/** A lesson step refers to a name whose value is not there (its step failed or is still blocked). */
export class MissingValue extends Error {}

/** The step's arguments, by the name of the parameter each was written for. */
class Resolver {
  constructor(
    private readonly given: ReadonlyMap<string, ArgExpr>,
    private readonly defaults: ReadonlyMap<string, number>,
    private readonly values: ReadonlyMap<string, Value>,
  ) {}

  private named(expr: ArgExpr | undefined, param: string): Value | undefined {
    if (!expr) throw new MissingValue(param);
    if (expr.kind !== 'name') return undefined;
    const value = this.values.get(expr.name);
    if (!value) throw new MissingValue(expr.name);
    return value;
  }

  fd(param: string): { fd: number; family: number } {
    const value = this.named(this.given.get(param), param);
    if (value?.kind !== 'fd') throw new MissingValue(param);
    return value;
  }

  /** A time in seconds: `1.5`, or a whole number. */
  seconds(param: string): number {
    const expr = this.given.get(param);
    if (expr?.kind === 'seconds') return expr.value;
    return this.int(param);
  }

  int(param: string): number {
    const expr = this.given.get(param);
    if (!expr) return this.defaults.get(param) ?? 0;
    if (expr.kind === 'int' || expr.kind === 'constant') return expr.value;
    const value = this.named(expr, param);
    if (value?.kind === 'count') return value.value;
    throw new MissingValue(param);
  }

  text(param: string): string {
    const expr = this.given.get(param);
    return expr?.kind === 'string' ? expr.value : '';
  }

  data(param: string): Buffer {
    const expr = this.given.get(param);
    if (expr?.kind === 'string') return Buffer.from(expr.value, 'utf8');
    const value = this.named(expr, param);
    if (value?.kind === 'data' || value?.kind === 'datagram') return value.bytes;
    throw new MissingValue(param);
  }

  address(param: string): InetSockAddr {
    const expr = this.given.get(param);
    if (expr?.kind === 'address') {
      const family = expr.host.includes(':') ? AF_INET6 : AF_INET;
      return { family, address: expr.host, port: expr.port, flowinfo: 0, scopeId: 0 };
    }
    const value = this.named(expr, param);
    if (value?.kind === 'address' || value?.kind === 'datagram') return value.addr;
    throw new MissingValue(param);
  }

  fds(param: string): number[] {
    const expr = this.given.get(param);
    if (expr?.kind !== 'names') throw new MissingValue(param);
    return expr.names.map((name) => {
      const value = this.values.get(name);
      if (value?.kind !== 'fd') throw new MissingValue(name);
      return value.fd;
    });
  }

  port(param: string): number {
    const expr = this.given.get(param);
    return expr?.kind === 'int' ? expr.value : this.address(param).port;
  }
}

/** The value a C parameter is given, from the lesson's argument for it. `family`: the call's socket's family. */
function cValue(param: ParamSpec, r: Resolver, family: () => number, params: readonly ParamSpec[]): unknown {
  switch (param.kind) {
    case 'fd':
      return r.fd(param.name).fd;
    case 'int':
    case 'enum':
    case 'flags':
    case 'socktype':
    case 'protocol':
    case 'sockopt':
      return r.int(param.name);
    case 'sockaddrIn':
      return r.address(param.name);
    case 'sockaddrOut':
      return family();
    case 'dataIn':
      return r.data(param.name);
    case 'dataOut':
      return cMemory(Math.min(Math.max(0, r.int(param.length)), RECEIVE_LIMIT));
    case 'pollfds':
      return r.fds(param.name).map((fd): PollRequest => ({ fd, events: POLLIN }));
    case 'optval': {
      const option = params.find((other) => other.kind === 'sockopt');
      return option?.kind === 'sockopt' && takesTimeval(r.int(option.level), r.int(option.name))
        ? { timevalMicroseconds: Math.round(r.seconds(param.name) * 1e6) }
        : { int: r.int(param.name) };
    }
    case 'text':
      return r.text(param.name);
    case 'service':
      return String(r.port(param.name));
    case 'hints':
      return { flags: 0, family: r.int('family'), socktype: SOCK_STREAM, protocol: 0 };
    case 'addrinfoOut':
      return undefined;
  }
}

/** The C arguments of the step's call, by parameter name, and the family of the socket it makes or uses. */
function resolveArgs(name: CallName, step: Step, values: ReadonlyMap<string, Value>): { args: Record<string, unknown>; family: number } {
  const lessonParams = SIGNATURES[name].params;
  const given = new Map(step.args.map((expr, index) => [lessonParams[index].name, expr] as const));
  const defaults = new Map(lessonParams.flatMap((param) => (param.default === undefined ? [] : [[param.name, param.default] as const])));
  const r = new Resolver(given, defaults, values);
  const params = specOf(name).params;
  const firstFd = params.find((param) => param.kind === 'fd');
  // A C program leaves room for an address of its socket's family: sizeof its sockaddr_in or sockaddr_in6.
  const family = () => (firstFd ? r.fd(firstFd.name).family : AF_INET);
  const args: Record<string, unknown> = {};
  for (const param of params) if (lessonParam(param) !== null || param.kind === 'sockaddrOut') args[param.name] = cValue(param, r, family, params);
  return { args, family: typeof args.domain === 'number' ? args.domain : family() };
}

/** What the name a step binds stands for, from the call's outcome; none when it failed. */
function valueFrom(
  result: ResultKind,
  outcome: Outcome & Partial<OutcomeOf<'recvfrom'> & OutcomeOf<'getaddrinfo'>>,
  { args, family }: { args: Record<string, unknown>; family: number },
): Value | undefined {
  if (outcome.error) return undefined;
  const received = () => Buffer.from((args.buf as Buffer).subarray(0, outcome.ret));
  switch (result) {
    case 'fd':
      return { kind: 'fd', fd: outcome.ret, family };
    case 'address': {
      const addr = outcome.addr ?? outcome.entries?.[0]?.addr;
      return addr && isInet(addr) ? { kind: 'address', addr } : undefined;
    }
    case 'data':
      return { kind: 'data', bytes: received() };
    case 'datagram':
      return outcome.addr && isInet(outcome.addr) ? { kind: 'datagram', bytes: received(), addr: outcome.addr } : undefined;
    case 'count':
      return { kind: 'count', value: outcome.ret };
    case 'status':
      return undefined;
  }
}

/** The step's call, planned and ready to make. Throws MissingValue if a name it uses has no value. */
export function prepare(step: Step, values: ReadonlyMap<string, Value>, calls: Recorder): Prepared {
  const name = step.call;
  if (!isLessonCall(name)) throw new Error(`no way to make ${name}`); // the loader accepts only these
  const resolved = resolveArgs(name, step, values);
  // resolveArgs gave each of the call's parameters the value its kind takes (cValue), by its name.
  const planned = calls.plan(name, resolved.args as ArgsOf<typeof name>);
  return {
    name,
    kind: planned.kind,
    args: planned.args,
    make: async (onHeld?: () => void) => {
      const outcome = await calls.make(planned, onHeld);
      const value = valueFrom(SIGNATURES[name].result, outcome, resolved);
      return value ? { outcome, value } : { outcome };
    },
  };
}
