// The calls a lesson step may make, and what each argument may be. Pure data: the loader checks a
// lesson file against it without touching libc; calls.ts makes the calls.
import {
  ADDRESS_FAMILIES,
  IP_PROTOCOLS,
  IPV6_OPTIONS,
  IP_OPTIONS,
  MESSAGE_FLAGS,
  SHUTDOWN_MODES,
  SOCKET_LEVELS,
  SOCKET_OPTIONS,
  SOCKET_TYPE_FLAGS,
  SOCKET_TYPES,
  TCP_OPTIONS,
  Xlat,
} from '../libc/xlat';

/** What a step's call gives back, and what the name before `=` then stands for. */
export type ResultKind = 'fd' | 'address' | 'data' | 'datagram' | 'count' | 'status';

export type ParamKind =
  /** a name bound to a descriptor by an earlier step */
  | { readonly kind: 'fd' }
  /** `127.0.0.1:8080`, `[::1]:0`, or a name bound to an address */
  | { readonly kind: 'address' }
  /** a whole number */
  | { readonly kind: 'int' }
  /** a constant name from these tables (several joined with `|`), or a whole number */
  | { readonly kind: 'constant'; readonly tables: readonly Xlat[] }
  /** a quoted string, or a name bound to received data */
  | { readonly kind: 'data' }
  /** a quoted string */
  | { readonly kind: 'text' }
  /** a port number, or a name bound to an address (its port) */
  | { readonly kind: 'port' }
  /** names bound to descriptors, in brackets: `[listener, conn]` (for poll, each waited on for POLLIN) */
  | { readonly kind: 'fds' };

/** The C type a number is passed as, which bounds it (checked at load, format.ts); `int` when absent. */
export type CType = 'int' | 'size_t';

export interface Param {
  readonly name: string;
  readonly type: ParamKind;
  readonly ctype?: CType;
  /** Omitted arguments take this value (only trailing parameters have one). */
  readonly default?: number;
}

export interface Signature {
  readonly params: readonly Param[];
  readonly result: ResultKind;
}

const fd: Param = { name: 'sockfd', type: { kind: 'fd' } };
const constant = (name: string, tables: readonly Xlat[], fallback?: number): Param => ({
  name,
  type: { kind: 'constant', tables },
  ...(fallback === undefined ? {} : { default: fallback }),
});
const ANY_OPTION = [SOCKET_OPTIONS, TCP_OPTIONS, IP_OPTIONS, IPV6_OPTIONS];

export type LessonCall =
  | 'socket' | 'bind' | 'listen' | 'accept' | 'connect' | 'getsockname' | 'getpeername' | 'send' | 'recv'
  | 'sendto' | 'recvfrom' | 'poll' | 'shutdown' | 'close' | 'setsockopt' | 'getaddrinfo';

export const SIGNATURES: Readonly<Record<LessonCall, Signature>> = {
  socket: {
    params: [
      constant('domain', [ADDRESS_FAMILIES]),
      constant('type', [SOCKET_TYPES, SOCKET_TYPE_FLAGS]),
      constant('protocol', [IP_PROTOCOLS], 0),
    ],
    result: 'fd',
  },
  bind: { params: [fd, { name: 'addr', type: { kind: 'address' } }], result: 'status' },
  listen: { params: [fd, { name: 'backlog', type: { kind: 'int' } }], result: 'status' },
  accept: { params: [fd], result: 'fd' },
  connect: { params: [fd, { name: 'addr', type: { kind: 'address' } }], result: 'status' },
  getsockname: { params: [fd], result: 'address' },
  getpeername: { params: [fd], result: 'address' },
  send: { params: [fd, { name: 'buf', type: { kind: 'data' } }, constant('flags', [MESSAGE_FLAGS], 0)], result: 'count' },
  recv: { params: [fd, { name: 'len', type: { kind: 'int' }, ctype: 'size_t' }, constant('flags', [MESSAGE_FLAGS], 0)], result: 'data' },
  sendto: {
    params: [fd, { name: 'buf', type: { kind: 'data' } }, { name: 'dest_addr', type: { kind: 'address' } }, constant('flags', [MESSAGE_FLAGS], 0)],
    result: 'count',
  },
  recvfrom: { params: [fd, { name: 'len', type: { kind: 'int' }, ctype: 'size_t' }, constant('flags', [MESSAGE_FLAGS], 0)], result: 'datagram' },
  poll: { params: [{ name: 'fds', type: { kind: 'fds' } }, { name: 'timeout', type: { kind: 'int' } }], result: 'count' },
  shutdown: { params: [fd, constant('how', [SHUTDOWN_MODES])], result: 'status' },
  close: { params: [fd], result: 'status' },
  setsockopt: {
    params: [fd, constant('level', [SOCKET_LEVELS]), constant('optname', ANY_OPTION), { name: 'optval', type: { kind: 'int' } }],
    result: 'status',
  },
  getaddrinfo: {
    params: [
      { name: 'node', type: { kind: 'text' } },
      { name: 'service', type: { kind: 'port' } },
      constant('family', [ADDRESS_FAMILIES], 0),
    ],
    result: 'address',
  },
};

export function isLessonCall(name: string): name is LessonCall {
  return Object.prototype.hasOwnProperty.call(SIGNATURES, name);
}
