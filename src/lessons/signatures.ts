// The calls a lesson step may make, and what each argument may be, derived from the call registry:
// a lesson passes what a C program decides (the descriptor, the address, the data, the size of the
// buffer), never what follows from it (lengths, room for an address). Pure data: the loader checks a
// lesson file against it without touching libc; calls.ts makes the calls.
import {
  ADDRESS_FAMILIES,
  IP_PROTOCOLS,
  IPV6_OPTIONS,
  IP_OPTIONS,
  SOCKET_LEVELS,
  SOCKET_OPTIONS,
  SOCKET_TYPE_FLAGS,
  SOCKET_TYPES,
  TCP_OPTIONS,
  UDP_OPTIONS,
  valueOf,
  Xlat,
} from '../libc/xlat';
import { CALL_NAMES, CallName, isCallName, ParamSpec, specOf } from '../calls/registry';

/** What a step's call gives back, and what the name before `=` then stands for. */
export type ResultKind = 'fd' | 'address' | 'data' | 'datagram' | 'count' | 'status';

export type ParamKind =
  /** a name bound to a descriptor by an earlier step */
  | { readonly kind: 'fd' }
  /** `127.0.0.1:8080`, `[::1]:0`, or a name bound to an address */
  | { readonly kind: 'address' }
  /** a whole number: a C int, or with `size` the size of a buffer the kernel fills (0 to RECEIVE_LIMIT) */
  | { readonly kind: 'int'; readonly size?: true }
  /** a constant name from these tables (several joined with `|`), or a whole number */
  | { readonly kind: 'constant'; readonly tables: readonly Xlat[] }
  /** a quoted string, or a name bound to received data */
  | { readonly kind: 'data' }
  /** a quoted string */
  | { readonly kind: 'text' }
  /** a port number, or a name bound to an address (its port) */
  | { readonly kind: 'port' }
  /** names bound to descriptors, in brackets: `[listener, conn]` (for poll, each waited on for POLLIN) */
  | { readonly kind: 'fds' }
  /**
   * setsockopt()'s value: a whole number, or a time in seconds (`1.5`) for an option that takes a
   * struct timeval; which one is decided by the arguments for the parameters `level` and `optname`.
   */
  | { readonly kind: 'optval'; readonly level: string; readonly optname: string };

export interface Param {
  readonly name: string;
  readonly type: ParamKind;
  /** Omitted arguments take this value (only trailing parameters have one). */
  readonly default?: number;
}

export interface Signature {
  readonly params: readonly Param[];
  readonly result: ResultKind;
}

export type LessonCall = CallName;

/** The largest buffer a step's recv, read or recvfrom passes: 1 MiB (as -s allows at most). */
export const RECEIVE_LIMIT = 1 << 20;

/**
 * The names a C program gives the options that strace names otherwise: with glibc on x86_64,
 * SO_RCVTIMEO and SO_SNDTIMEO are SO_RCVTIMEO_OLD and SO_SNDTIMEO_OLD. For reading lessons only.
 */
const C_OPTION_NAMES: Xlat = {
  unknown: 'SO_???',
  entries: [
    ['SO_RCVTIMEO', valueOf(SOCKET_OPTIONS, 'SO_RCVTIMEO_OLD')],
    ['SO_SNDTIMEO', valueOf(SOCKET_OPTIONS, 'SO_SNDTIMEO_OLD')],
  ],
};

const ANY_OPTION = [SOCKET_OPTIONS, C_OPTION_NAMES, TCP_OPTIONS, IP_OPTIONS, IPV6_OPTIONS, UDP_OPTIONS];

/**
 * The option levels as C programs write them, for reading lessons only: man 7 tcp and man 7 ip set
 * TCP_NODELAY at IPPROTO_TCP, which strace prints by the kernel's name for the same number, SOL_TCP.
 */
const C_LEVEL_NAMES: Xlat = {
  unknown: 'SOL_???',
  entries: (['IPPROTO_IP', 'IPPROTO_TCP', 'IPPROTO_UDP', 'IPPROTO_IPV6'] as const).map((name) => [name, valueOf(IP_PROTOCOLS, name)] as const),
};

function constant(name: string, tables: readonly Xlat[], fallback?: number): Param {
  return { name, type: { kind: 'constant', tables }, ...(fallback === undefined ? {} : { default: fallback }) };
}

/**
 * What a lesson writes for one of the call's parameters; null for one it does not write (room for an
 * address, getaddrinfo's list: the kernel fills them).
 */
export function lessonParam(param: ParamSpec, siblings: readonly ParamSpec[] = []): Param | null {
  switch (param.kind) {
    case 'fd':
    case 'int':
    case 'text':
      return { name: param.name, type: { kind: param.kind } };
    case 'enum':
      return constant(param.name, param.table === SOCKET_LEVELS ? [SOCKET_LEVELS, C_LEVEL_NAMES] : [param.table]);
    case 'flags':
      return constant(param.name, [param.table], 0);
    case 'socktype':
      return constant(param.name, [SOCKET_TYPES, SOCKET_TYPE_FLAGS]);
    case 'protocol':
      return constant(param.name, [IP_PROTOCOLS], 0);
    case 'sockopt':
      return constant(param.name, ANY_OPTION);
    case 'sockaddrIn':
      return { name: param.name, type: { kind: 'address' } };
    case 'dataIn':
      return { name: param.name, type: { kind: 'data' } };
    case 'dataOut':
      // The size of the buffer, as `recv(conn, 1024)`: the lesson reads the data from the result.
      return { name: param.length, type: { kind: 'int', size: true } };
    case 'pollfds':
      return { name: param.name, type: { kind: 'fds' } };
    case 'optval': {
      const option = siblings.find((sibling) => sibling.kind === 'sockopt');
      return option?.kind === 'sockopt'
        ? { name: param.name, type: { kind: 'optval', level: option.level, optname: option.name } }
        : { name: param.name, type: { kind: 'int' } };
    }
    case 'service':
      return { name: param.name, type: { kind: 'port' } };
    case 'hints':
      // A lesson chooses only the family; the other hints are those of a TCP client.
      return constant('family', [ADDRESS_FAMILIES], 0);
    case 'sockaddrOut':
    case 'addrinfoOut':
      return null;
  }
}

/** What the name a step binds stands for, from what the call gives back. */
function resultOf(name: CallName): ResultKind {
  const spec = specOf(name);
  const kinds = new Set(spec.params.map((param) => param.kind));
  if (spec.descriptor === 'returns') return 'fd';
  if (kinds.has('dataOut')) return kinds.has('sockaddrOut') ? 'datagram' : 'data';
  if (kinds.has('sockaddrOut') || kinds.has('addrinfoOut')) return 'address';
  if (kinds.has('dataIn') || kinds.has('pollfds')) return 'count';
  return 'status';
}

/** A call's signature in a lesson: the parameters it writes, those with a default last. */
function signatureOf(name: CallName): Signature {
  const spec = specOf(name);
  const params = spec.params.flatMap((param) => lessonParam(param, spec.params) ?? []);
  return {
    params: [...params.filter((param) => param.default === undefined), ...params.filter((param) => param.default !== undefined)],
    result: resultOf(name),
  };
}

/** The system calls first, then the library calls: the order a lesson's error lists them in. */
const LESSON_CALLS = [...CALL_NAMES.filter((name) => specOf(name).kind === 'syscall'), ...CALL_NAMES.filter((name) => specOf(name).kind !== 'syscall')];

export const SIGNATURES: Readonly<Record<LessonCall, Signature>> = Object.fromEntries(
  LESSON_CALLS.map((name) => [name, signatureOf(name)]),
) as Record<LessonCall, Signature>;

export function isLessonCall(name: string): name is LessonCall {
  return isCallName(name);
}
