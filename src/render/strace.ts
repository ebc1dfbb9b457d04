// The strace text of a call: `connect(3, {sa_family=AF_INET, ...}, 16) = -1 ECONNREFUSED (Connection refused)`.
// A pure function of the recorded event, matched against what strace 6.1 prints for the same call.
import { AF_INET6, isInet, SockAddr } from '../libc/addresses';
import {
  ADDRESS_FAMILIES,
  ADDRINFO_FLAGS,
  formatEnum,
  formatFlags,
  formatSocketType,
  IP_PROTOCOLS,
  OPTIONS_BY_LEVEL,
  POLL_EVENTS,
  SOCKET_TYPES,
} from '../libc/xlat';
import { interfaceName } from '../libc/interfaces';
import type { Arg, BlockedCall, CallEvent, CallShape, PollFd, SocketName } from '../calls/event';
import { HexLevel, quoteBytes, quoteString } from './quote';

/** strace's -y level: 0 none, 1 (-y) `3<socket:[74061]>`, 2 (-yy) `3<TCP:[127.0.0.1:8080]>`. */
export type DecodeFdsLevel = 0 | 1 | 2;

export interface StraceOptions {
  /** strace's -s: how many bytes of data to show before `...`. */
  readonly stringLimit: number;
  /** strace's -y and -yy: each descriptor followed by its socket's inode, or by its endpoints. */
  readonly decodeFds?: DecodeFdsLevel;
  /** strace's -x and -xx. */
  readonly hex?: HexLevel;
}

export const DEFAULT_STRING_LIMIT = 32;

/** strace pads a line with spaces so that `= result` starts at this column when it can. */
const RESULT_COLUMN = 40;

/** Library calls are not system calls: their lines carry this mark so no one mistakes one for the other. */
export const LIBRARY_CALL_MARK = 'libc: ';

/** fe80::/10 and link-local multicast ff02::/16 (with any flags: ff12::, ff32::), as <netinet/in.h>'s IN6_IS_ADDR_LINKLOCAL and IN6_IS_ADDR_MC_LINKLOCAL test them. */
export function isLinkLocal(address: string): boolean {
  const first = parseInt(address.split(':')[0] || '0', 16);
  return (first & 0xffc0) === 0xfe80 || (first & 0xff0f) === 0xff02;
}

/**
 * sin6_scope_id as strace's print_ifindex prints it for a link-local address: `if_nametoindex("lo")`
 * when an interface has that index, else the number (sockaddr.c print_sockaddr_data_in6).
 */
function formatScopeId(addr: { address: string; scopeId: number }, hex: HexLevel): string {
  const name = isLinkLocal(addr.address) ? interfaceName(addr.scopeId) : null;
  return name === null ? String(addr.scopeId) : `if_nametoindex(${quoteString(name, hex)})`;
}

function formatSockaddr(addr: SockAddr, hex: HexLevel): string {
  const family = formatEnum(ADDRESS_FAMILIES, addr.family);
  if (!isInet(addr)) return `{sa_family=${family}, sa_data=${quoteBytes(addr.data, addr.data.length, addr.data.length, hex)}}`;
  const address = quoteString(addr.address, hex);
  if (addr.family === AF_INET6) {
    return (
      `{sa_family=${family}, sin6_port=htons(${addr.port}), sin6_flowinfo=htonl(${addr.flowinfo}), ` +
      `inet_pton(AF_INET6, ${address}, &sin6_addr), sin6_scope_id=${formatScopeId(addr, hex)}}`
    );
  }
  return `{sa_family=${family}, sin_port=htons(${addr.port}), sin_addr=inet_addr(${address})}`;
}

/** An array as strace's print_array prints it: at most `limit` elements, then `...`. */
function formatArray(items: readonly string[], limit: number): string {
  const shown = items.length > limit ? [...items.slice(0, limit), '...'] : items;
  return `[${shown.join(', ')}]`;
}

/** One struct pollfd as passed: `{fd=3, events=POLLIN}`; a negative fd, which the kernel skips, without events. */
function formatPollFd(entry: PollFd, options: StraceOptions): string {
  const fd = withSocketName(entry.fd, entry, options);
  return entry.fd < 0 ? `{fd=${entry.fd}}` : `{fd=${fd}, events=${formatFlags(POLL_EVENTS, entry.events)}}`;
}

/**
 * `3`; with -y `3<socket:[74061]>` (the descriptor's /proc/self/fd link, quoted like a string, so -xx
 * writes it in hex); with -yy `3<TCP:[127.0.0.1:8080]>` (never in hex, as strace 6.1 prints it).
 */
function withSocketName(fd: number, name: SocketName, options: StraceOptions): string {
  const level = options.decodeFds ?? 0;
  if (level === 2 && name.endpoint !== undefined) return `${fd}<${name.endpoint}>`;
  if (level === 1 && name.inode !== undefined) return `${fd}<${quoteString(`socket:[${name.inode}]`, options.hex).slice(1, -1)}>`;
  return String(fd);
}

export function formatArg(arg: Arg, options: StraceOptions): string {
  switch (arg.type) {
    case 'int':
      return String(arg.value);
    case 'fd':
      return withSocketName(arg.value, arg, options);
    case 'enum':
      return formatEnum(arg.table, arg.value);
    case 'flags':
      return formatFlags(arg.table, arg.value);
    case 'socktype':
      return formatSocketType(arg.value);
    case 'sockopt': {
      const table = OPTIONS_BY_LEVEL.get(arg.level);
      return table ? formatEnum(table, arg.value) : String(arg.value);
    }
    case 'sockaddr':
      return formatSockaddr(arg.addr, options.hex ?? 0);
    case 'pointer':
      return arg.value === 0n ? 'NULL' : `0x${arg.value.toString(16)}`;
    case 'bytes':
      return quoteBytes(arg.head, arg.length, options.stringLimit, options.hex);
    case 'socklen':
      return arg.before === arg.after ? `[${arg.before}]` : `[${arg.before} => ${arg.after}]`;
    case 'intref':
      return `[${arg.value}]`;
    case 'string':
      return quoteString(arg.value, options.hex);
    case 'hints':
      return (
        `{ai_flags=${formatFlags(ADDRINFO_FLAGS, arg.hints.flags)}, ` +
        `ai_family=${formatEnum(ADDRESS_FAMILIES, arg.hints.family)}, ` +
        `ai_socktype=${formatEnum(SOCKET_TYPES, arg.hints.socktype)}, ` +
        `ai_protocol=${formatEnum(IP_PROTOCOLS, arg.hints.protocol)}}`
      );
    case 'addrinfo':
      return `[${arg.entries
        .map((entry) => `{${formatEnum(ADDRESS_FAMILIES, entry.family)}, ${quoteString(entry.addr.address, options.hex)}}`)
        .join(', ')}]`;
    case 'pollfds':
      return formatArray(arg.fds.map((entry) => formatPollFd(entry, options)), options.stringLimit);
    case 'output':
      return arg.name;
  }
}

/** The call with its arguments: `listen(3, 4)`, marked when it is a library call. */
export function formatCall(call: CallShape, options: StraceOptions): string {
  const mark = call.kind === 'libc' ? LIBRARY_CALL_MARK : '';
  return `${mark}${call.name}(${call.args.map((arg) => formatArg(arg, options)).join(', ')})`;
}

/**
 * A call about to be made, as a lesson shows it before the learner makes it: `accept(3, addr, addrlen)`,
 * each argument the kernel will fill in by its name.
 */
export function formatPlanned(call: CallShape, options: StraceOptions): string {
  return formatCall(call, options);
}

/**
 * A call still in the kernel, as strace shows it: the arguments known so far, up to the first one
 * the kernel fills in: `accept(3,  <unfinished ...>`, `connect(3, {...}, 16 <unfinished ...>`.
 */
export function formatUnfinished(call: BlockedCall, options: StraceOptions): string {
  const firstOutput = call.args.findIndex((arg) => arg.type === 'output');
  const known = firstOutput === -1 ? call.args : call.args.slice(0, firstOutput);
  const shown = known.map((arg) => formatArg(arg, options)).join(', ');
  return `${call.name}(${shown}${firstOutput === -1 ? '' : ', '} <unfinished ...>`;
}

/** poll's text after its result is built in a buffer of this size; an entry that would not leave room becomes `...`. */
const POLL_RESULT_BUFFER = 1024;
/** What strace keeps free at the end of that buffer: 2 + 2 * sizeof(long) + sizeof(", ], ..."). */
const POLL_RESULT_RESERVE = 2 + 2 * 8 + 9;

/** revents as strace's sprintflags writes them: names joined by `|`, unnamed bits in hex after them. */
function formatRevents(value: number): string {
  const text = formatFlags(POLL_EVENTS, value);
  return text.includes('/*') ? `0x${value.toString(16)}` : text;
}

/** `[{fd=3, revents=POLLIN}, {fd=5, revents=POLLIN|POLLHUP}]`: the ready entries, cut as strace cuts them. */
function formatReady(ready: readonly PollFd[], limit: number): string {
  let out = '';
  let printed = 0;
  for (const entry of ready) {
    out += out === '' ? '[' : ', ';
    const head = `{fd=${entry.fd}, revents=`;
    const flags = formatRevents(entry.revents);
    if (printed >= limit || out.length + head.length + flags.length + 1 >= POLL_RESULT_BUFFER - POLL_RESULT_RESERVE) {
      out += '...';
      break;
    }
    out += `${head}${flags}}`;
    printed++;
  }
  return out === '' ? '' : `${out}]`;
}

/**
 * `= 3`, `= -1 ECONNREFUSED (Connection refused)`, for poll `= 1 ([{fd=3, revents=POLLIN}])` or
 * `= 0 (Timeout)`; with -y or -yy a new descriptor is named: `= 3<socket:[74061]>`, `= 3<TCP:[74061]>`.
 */
export function formatResult(event: CallEvent, options: StraceOptions = { stringLimit: DEFAULT_STRING_LIMIT }): string {
  if (event.error) return `= ${event.ret} ${event.error.name} (${event.error.message})`;
  if (event.ready && event.ret === 0) return `= 0 (Timeout)`;
  const ready = event.ready ? formatReady(event.ready, options.stringLimit) : '';
  const value = withSocketName(event.ret, { endpoint: event.retEndpoint, inode: event.retInode }, options);
  return ready === '' ? `= ${value}` : `= ${value} (${ready})`;
}

/** Joins call and result with strace's alignment: `listen(3, 4)` + spaces up to column 40 + `= 0`. */
export function padToResult(call: string): string {
  const withSpace = call + ' ';
  return withSpace.length < RESULT_COLUMN ? withSpace.padEnd(RESULT_COLUMN) : withSpace;
}

export function formatLine(event: CallEvent, options: StraceOptions): string {
  return padToResult(formatCall(event, options)) + formatResult(event, options);
}
