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
  SOCKET_TYPES,
} from '../libc/xlat';
import type { Arg, CallEvent } from './event';
import { quoteBytes, quoteString } from './quote';

export interface StraceOptions {
  /** strace's -s: how many bytes of data to show before `...`. */
  readonly stringLimit: number;
  /** strace's -yy: each descriptor followed by its socket's endpoints, `3<TCP:[127.0.0.1:8080]>`. */
  readonly endpoints?: boolean;
}

export const DEFAULT_STRING_LIMIT = 32;

/** strace pads a line with spaces so that `= result` starts at this column when it can. */
const RESULT_COLUMN = 40;

/** Library calls are not system calls: their lines carry this mark so no one mistakes one for the other. */
export const LIBRARY_CALL_MARK = 'libc: ';

function formatSockaddr(addr: SockAddr): string {
  const family = formatEnum(ADDRESS_FAMILIES, addr.family);
  if (!isInet(addr)) return `{sa_family=${family}, sa_data=${quoteBytes(addr.data, addr.data.length, addr.data.length)}}`;
  if (addr.family === AF_INET6) {
    return (
      `{sa_family=${family}, sin6_port=htons(${addr.port}), sin6_flowinfo=htonl(${addr.flowinfo}), ` +
      `inet_pton(AF_INET6, "${addr.address}", &sin6_addr), sin6_scope_id=${addr.scopeId}}`
    );
  }
  return `{sa_family=${family}, sin_port=htons(${addr.port}), sin_addr=inet_addr("${addr.address}")}`;
}

/** `3`, or with -y `3<TCP:[127.0.0.1:8080]>` when the socket's endpoints were read. */
function withEndpoint(fd: number, endpoint: string | undefined, options: StraceOptions | undefined): string {
  return options?.endpoints && endpoint !== undefined ? `${fd}<${endpoint}>` : String(fd);
}

export function formatArg(arg: Arg, options: StraceOptions): string {
  switch (arg.type) {
    case 'int':
      return String(arg.value);
    case 'fd':
      return withEndpoint(arg.value, arg.endpoint, options);
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
      return formatSockaddr(arg.addr);
    case 'pointer':
      return arg.value === 0n ? 'NULL' : `0x${arg.value.toString(16)}`;
    case 'bytes':
      return quoteBytes(arg.head, arg.length, options.stringLimit);
    case 'socklen':
      return arg.before === arg.after ? `[${arg.before}]` : `[${arg.before} => ${arg.after}]`;
    case 'intref':
      return `[${arg.value}]`;
    case 'string':
      return quoteString(arg.value);
    case 'hints':
      return (
        `{ai_flags=${formatFlags(ADDRINFO_FLAGS, arg.hints.flags)}, ` +
        `ai_family=${formatEnum(ADDRESS_FAMILIES, arg.hints.family)}, ` +
        `ai_socktype=${formatEnum(SOCKET_TYPES, arg.hints.socktype)}, ` +
        `ai_protocol=${formatEnum(IP_PROTOCOLS, arg.hints.protocol)}}`
      );
    case 'addrinfo':
      return `[${arg.entries
        .map((entry) => `{${formatEnum(ADDRESS_FAMILIES, entry.family)}, "${entry.addr.address}"}`)
        .join(', ')}]`;
  }
}

/** The call with its arguments: `listen(3, 4)`, marked when it is a library call. */
export function formatCall(event: CallEvent, options: StraceOptions): string {
  const mark = event.kind === 'libc' ? LIBRARY_CALL_MARK : '';
  return `${mark}${event.name}(${event.args.map((arg) => formatArg(arg, options)).join(', ')})`;
}

/** `= 3`, or `= -1 ECONNREFUSED (Connection refused)`; with -y a new descriptor is named: `= 3<TCP:[74061]>`. */
export function formatResult(event: CallEvent, options?: StraceOptions): string {
  if (!event.error) return `= ${withEndpoint(event.ret, event.retEndpoint, options)}`;
  return `= ${event.ret} ${event.error.name} (${event.error.message})`;
}

/** Joins call and result with strace's alignment: `listen(3, 4)` + spaces up to column 40 + `= 0`. */
export function padToResult(call: string): string {
  const withSpace = call + ' ';
  return withSpace.length < RESULT_COLUMN ? withSpace.padEnd(RESULT_COLUMN) : withSpace;
}

export function formatLine(event: CallEvent, options: StraceOptions): string {
  return padToResult(formatCall(event, options)) + formatResult(event, options);
}
