// Everything netsys knows about each call it makes, one entry per call, grouped by family as strace's
// syscallent.h keeps its rows. Everything else is derived from these entries: the plan of a call's
// arguments and its C values (plans.ts), the recorder's one traced-call path, `-e trace=` and `-c`
// (syscalls.ts), why a call is held (blocking.ts), the kernel view's descriptor tracking, what a lesson
// may call (lessons/signatures.ts), and `netsys explain`'s list. Pure data: no libc is loaded here.
//
// Adding a call: one entry in a family below, and its prose in reference/calls.ts (a compile error
// until it is there).
import type { InetSockAddr } from '../libc/addresses';
import type { PollRequest } from '../libc/pollfd';
import type { OptionValue } from '../libc/marshal';
import type { AddrinfoHints } from '../libc/results';
import { ADDRESS_FAMILIES, MESSAGE_FLAGS, SHUTDOWN_MODES, SOCKET_LEVELS, Xlat } from '../libc/xlat';

/**
 * One parameter of a call, by its name in the man page's prototype and its kind. A kind that is a
 * pointer with a length (`sockaddrIn`, `dataIn`, ...) stands for both C parameters; `length` names the
 * second, as strace's printers take the pair together.
 */
export type ParamSpec =
  /** a descriptor (int) */
  | { readonly kind: 'fd'; readonly name: string }
  /** a plain int */
  | { readonly kind: 'int'; readonly name: string }
  /** an int with a name from one table: `AF_INET`, `SHUT_WR` */
  | { readonly kind: 'enum'; readonly name: string; readonly table: Xlat }
  /** an int of or-ed bits from one table: `MSG_DONTWAIT|MSG_NOSIGNAL` */
  | { readonly kind: 'flags'; readonly name: string; readonly table: Xlat }
  /** socket()'s type: a SOCK_* value with SOCK_NONBLOCK and SOCK_CLOEXEC or-ed in */
  | { readonly kind: 'socktype'; readonly name: string }
  /** socket()'s protocol: an IPPROTO_* name when the parameter `domain` is AF_INET or AF_INET6 */
  | { readonly kind: 'protocol'; readonly name: string; readonly domain: string }
  /** setsockopt()'s optname: named from the table of the option level in the parameter `level` */
  | { readonly kind: 'sockopt'; readonly name: string; readonly level: string }
  /** `const struct sockaddr *` and its socklen_t: an address the kernel reads */
  | { readonly kind: 'sockaddrIn'; readonly name: string; readonly length: string }
  /** `struct sockaddr *` and `socklen_t *`: an address the kernel writes, with its value-result length */
  | { readonly kind: 'sockaddrOut'; readonly name: string; readonly length: string }
  /** `const void *` and its size_t: data the kernel reads */
  | { readonly kind: 'dataIn'; readonly name: string; readonly length: string }
  /** `void *` and its size_t: room for data the kernel writes */
  | { readonly kind: 'dataOut'; readonly name: string; readonly length: string }
  /** poll()'s `struct pollfd *` and nfds_t */
  | { readonly kind: 'pollfds'; readonly name: string; readonly count: string }
  /** setsockopt()'s `const void *optval` and its socklen_t */
  | { readonly kind: 'optval'; readonly name: string; readonly length: string }
  /** a C string: getaddrinfo()'s node */
  | { readonly kind: 'text'; readonly name: string }
  /** getaddrinfo()'s service: a port number as text */
  | { readonly kind: 'service'; readonly name: string }
  /** getaddrinfo()'s `const struct addrinfo *hints` */
  | { readonly kind: 'hints'; readonly name: string }
  /** getaddrinfo()'s `struct addrinfo **res`, which it fills */
  | { readonly kind: 'addrinfoOut'; readonly name: string };

export type ParamKind = ParamSpec['kind'];

/** What a program passes for each kind of parameter. */
export interface KindValues {
  readonly fd: number;
  readonly int: number;
  readonly enum: number;
  readonly flags: number;
  readonly socktype: number;
  readonly protocol: number;
  readonly sockopt: number;
  readonly sockaddrIn: InetSockAddr;
  /** The family whose address there is room for: a C program passes sizeof its sockaddr_in or sockaddr_in6. */
  readonly sockaddrOut: number;
  readonly dataIn: Buffer;
  /** The buffer the kernel fills; its length is the size passed. */
  readonly dataOut: Buffer;
  readonly pollfds: readonly PollRequest[];
  readonly optval: OptionValue;
  readonly text: string;
  readonly service: string;
  readonly hints: AddrinfoHints;
  readonly addrinfoOut: never;
}

interface Described {
  /** What the call does with descriptors: its return value is a new one, or its `fd` argument is gone. */
  readonly descriptor?: 'returns' | 'closes';
  /**
   * Why the kernel may hold it, for the note under a blocked call (the man page's blocking case).
   * A call that may wait runs off the main thread, so the event loop stays free; one without never does.
   */
  readonly waits?: string;
  /**
   * Other system calls glibc's wrapper may make instead, as /proc/TID/syscall would show them while a
   * thread waits in it (x86_64 numbers): accept4 (288) for accept, ppoll (271) for poll.
   */
  readonly alsoSeenAs?: readonly number[];
}

/** A system call netsys makes: glibc's wrapper of the same name, called through ffi-rs. */
export interface SyscallSpec extends Described {
  readonly kind: 'syscall';
  /** The system call the kernel sees, when glibc's function has another name: recv is recvfrom(2). */
  readonly kernel?: string;
  /** The kernel call's number on x86_64 (arch/x86/entry/syscalls/syscall_64.tbl). */
  readonly number: number;
  readonly params: readonly ParamSpec[];
  /** The C return type: int, or ssize_t for a byte count (read as a 64-bit integer). */
  readonly returns: 'int' | 'ssize_t';
}

/** A libc function that is not a system call (getaddrinfo): printed on a `libc:` line, never counted. */
export interface LibraryCallSpec extends Described {
  readonly kind: 'libc';
  readonly params: readonly ParamSpec[];
}

/** A system call netsys explains but never makes (accept4, getsockopt): `-e trace=` takes its name. */
export interface ExplainedSpec {
  readonly kind: 'explained';
  readonly number: number;
}

export type CallSpec = SyscallSpec | LibraryCallSpec | ExplainedSpec;

const sockfd = { kind: 'fd', name: 'sockfd' } as const;
const fd = { kind: 'fd', name: 'fd' } as const;
const int = <N extends string>(name: N) => ({ kind: 'int', name }) as const;
const messageFlags = { kind: 'flags', name: 'flags', table: MESSAGE_FLAGS } as const;
const addressIn = <N extends string>(name: N) => ({ kind: 'sockaddrIn', name, length: 'addrlen' }) as const;
const addressOut = <N extends string>(name: N) => ({ kind: 'sockaddrOut', name, length: 'addrlen' }) as const;

const NO_DATA = 'no data has arrived yet';
const SEND_BUFFER_FULL = 'the send buffer is full until the peer reads';

/** Name resolution: code in libc, not the kernel. */
const LOOKUP = {
  getaddrinfo: {
    kind: 'libc',
    params: [
      { kind: 'text', name: 'node' },
      { kind: 'service', name: 'service' },
      { kind: 'hints', name: 'hints' },
      { kind: 'addrinfoOut', name: 'res' },
    ],
    waits: 'the name is being looked up (/etc/hosts, then DNS)',
  },
} as const satisfies Readonly<Record<string, CallSpec>>;

/** The socket calls (socket(7)), in the order a program meets them. */
const SOCKETS = {
  socket: {
    kind: 'syscall',
    number: 41,
    params: [
      { kind: 'enum', name: 'domain', table: ADDRESS_FAMILIES },
      { kind: 'socktype', name: 'type' },
      { kind: 'protocol', name: 'protocol', domain: 'domain' },
    ],
    returns: 'int',
    descriptor: 'returns',
  },
  bind: { kind: 'syscall', number: 49, params: [sockfd, addressIn('addr')], returns: 'int' },
  listen: { kind: 'syscall', number: 50, params: [sockfd, int('backlog')], returns: 'int' },
  accept: {
    kind: 'syscall',
    number: 43,
    params: [sockfd, addressOut('addr')],
    returns: 'int',
    descriptor: 'returns',
    waits: 'no connection is waiting in the accept queue yet',
    alsoSeenAs: [288],
  },
  accept4: { kind: 'explained', number: 288 },
  connect: {
    kind: 'syscall',
    number: 42,
    params: [sockfd, addressIn('addr')],
    returns: 'int',
    waits:
      'no SYN-ACK has come back yet: the server is far away, or its accept queue is full and its kernel drops the SYN, which this kernel sends again 1 s later, and again, at longer intervals after the first few (net.ipv4.tcp_syn_linear_timeouts)',
  },
  send: {
    kind: 'syscall',
    kernel: 'sendto',
    number: 44,
    params: [sockfd, { kind: 'dataIn', name: 'buf', length: 'len' }, messageFlags],
    returns: 'ssize_t',
    waits: SEND_BUFFER_FULL,
  },
  recv: {
    kind: 'syscall',
    kernel: 'recvfrom',
    number: 45,
    params: [sockfd, { kind: 'dataOut', name: 'buf', length: 'len' }, messageFlags],
    returns: 'ssize_t',
    waits: NO_DATA,
  },
  sendto: {
    kind: 'syscall',
    number: 44,
    params: [sockfd, { kind: 'dataIn', name: 'buf', length: 'len' }, messageFlags, addressIn('dest_addr')],
    returns: 'ssize_t',
    waits: 'the send buffer is full',
  },
  recvfrom: {
    kind: 'syscall',
    number: 45,
    params: [sockfd, { kind: 'dataOut', name: 'buf', length: 'len' }, messageFlags, addressOut('src_addr')],
    returns: 'ssize_t',
    waits: 'no datagram has arrived yet',
  },
  shutdown: {
    kind: 'syscall',
    number: 48,
    params: [sockfd, { kind: 'enum', name: 'how', table: SHUTDOWN_MODES }],
    returns: 'int',
  },
  close: { kind: 'syscall', number: 3, params: [fd], returns: 'int', descriptor: 'closes' },
  getsockname: { kind: 'syscall', number: 51, params: [sockfd, addressOut('addr')], returns: 'int' },
  getpeername: { kind: 'syscall', number: 52, params: [sockfd, addressOut('addr')], returns: 'int' },
  setsockopt: {
    kind: 'syscall',
    number: 54,
    params: [
      sockfd,
      { kind: 'enum', name: 'level', table: SOCKET_LEVELS },
      { kind: 'sockopt', name: 'optname', level: 'level' },
      { kind: 'optval', name: 'optval', length: 'optlen' },
    ],
    returns: 'int',
  },
  getsockopt: { kind: 'explained', number: 55 },
  poll: {
    kind: 'syscall',
    number: 7,
    params: [{ kind: 'pollfds', name: 'fds', count: 'nfds' }, int('timeout')],
    returns: 'int',
    waits: 'none of the descriptors is ready yet',
    alsoSeenAs: [271],
  },
} as const satisfies Readonly<Record<string, CallSpec>>;

/** Plain I/O on any descriptor (read(2), write(2)): on a socket, recv and send without flags. */
const IO = {
  read: {
    kind: 'syscall',
    number: 0,
    params: [fd, { kind: 'dataOut', name: 'buf', length: 'count' }],
    returns: 'ssize_t',
    waits: NO_DATA,
  },
  write: {
    kind: 'syscall',
    number: 1,
    params: [fd, { kind: 'dataIn', name: 'buf', length: 'count' }],
    returns: 'ssize_t',
    waits: SEND_BUFFER_FULL,
  },
} as const satisfies Readonly<Record<string, CallSpec>>;

/** Every call netsys knows, family by family, in the order `netsys explain` lists them. */
export const REGISTRY = { ...LOOKUP, ...SOCKETS, ...IO } as const;

/** The socket family's names (socket, bind, ..., accept4): what the strace oracle of the tests traces. */
export const SOCKET_CALL_NAMES = Object.keys(SOCKETS) as readonly (keyof typeof SOCKETS)[];

type Registry = typeof REGISTRY;

/** Every call `netsys explain` knows. */
export type ExplainedName = keyof Registry;

/** The calls netsys makes (and traces): the name as the program calls it, `recv`, not `recvfrom`. */
export type CallName = { [N in ExplainedName]: Registry[N] extends { readonly params: readonly ParamSpec[] } ? N : never }[ExplainedName];

/** The system calls among them. */
export type SyscallName = { [N in CallName]: Registry[N]['kind'] extends 'syscall' ? N : never }[CallName];

export type ParamsOf<N extends CallName> = Registry[N]['params'][number];

/** What a program passes to call `N`, by parameter name: `{ sockfd: 3, addr: {...} }`. */
export type ArgsOf<N extends CallName> = {
  readonly [P in ParamsOf<N> as P['kind'] extends 'addrinfoOut' ? never : P['name']]: KindValues[P['kind']];
};

/** Whether call `N` has a parameter of kind `K`. */
export type Has<N extends CallName, K extends ParamKind> = [Extract<ParamsOf<N>, { readonly kind: K }>] extends [never] ? false : true;

/** Whether call `N` may wait in the kernel (and so returns a promise). */
export type Waits<N extends CallName> = Registry[N] extends { readonly waits: string } ? true : false;

/** The registry's entry for a call. */
export function specOf(name: CallName): SyscallSpec | LibraryCallSpec;
export function specOf(name: string): CallSpec | undefined;
export function specOf(name: string): CallSpec | undefined {
  return Object.prototype.hasOwnProperty.call(REGISTRY, name) ? (REGISTRY as Readonly<Record<string, CallSpec>>)[name] : undefined;
}

/** True for a call netsys makes. */
export function isCallName(name: string): name is CallName {
  const spec = specOf(name);
  return spec !== undefined && spec.kind !== 'explained';
}

/** Every call `netsys explain` knows, in its order. */
export const EXPLAINED_NAMES = Object.keys(REGISTRY) as readonly ExplainedName[];

/** Every call netsys makes, in the registry's order. */
export const CALL_NAMES: readonly CallName[] = EXPLAINED_NAMES.filter(isCallName);

/**
 * Socket system calls netsys neither makes nor explains, which `-e trace=` accepts as strace does
 * (numbers from arch/x86/entry/syscalls/syscall_64.tbl).
 */
export const OTHER_SYSCALLS: Readonly<Record<string, number>> = { sendmsg: 46, recvmsg: 47, socketpair: 53 };

/** Whether a call's return value is a new descriptor, or its descriptor is gone after it; undefined for neither. */
export function descriptorEffect(name: string): 'returns' | 'closes' | undefined {
  const spec = specOf(name);
  return spec && spec.kind !== 'explained' ? spec.descriptor : undefined;
}

/**
 * The x86_64 system call numbers /proc/TID/syscall may show while a thread is in `name` (the kernel
 * call's own, then the alternatives glibc may make); empty for a library call or an unknown name.
 */
export function syscallNumbersOf(name: string): readonly number[] {
  const spec = specOf(name);
  if (!spec || spec.kind !== 'syscall') return [];
  return [spec.number, ...(spec.alsoSeenAs ?? [])];
}
