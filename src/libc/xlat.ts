// Constant tables, one per family, in the manner of strace's xlat/*.in files.
// Values are Linux x86_64 / glibc. Every name netsys prints or accepts comes from here.

export interface Xlat {
  /** What strace writes for a value it has no name for: `0x7 /* SHUT_??? *\/`. */
  readonly unknown: string;
  readonly entries: ReadonlyArray<readonly [name: string, value: number]>;
}

function table(unknown: string, entries: ReadonlyArray<readonly [string, number]>): Xlat {
  return { unknown, entries };
}

export const ADDRESS_FAMILIES = table('AF_???', [
  ['AF_UNSPEC', 0],
  ['AF_UNIX', 1],
  ['AF_INET', 2],
  ['AF_INET6', 10],
  ['AF_NETLINK', 16],
  ['AF_PACKET', 17],
]);

/** The low four bits of socket()'s type argument. */
export const SOCKET_TYPES = table('SOCK_???', [
  ['SOCK_STREAM', 1],
  ['SOCK_DGRAM', 2],
  ['SOCK_RAW', 3],
  ['SOCK_RDM', 4],
  ['SOCK_SEQPACKET', 5],
  ['SOCK_DCCP', 6],
  ['SOCK_PACKET', 10],
]);
export const SOCKET_TYPE_MASK = 0xf;

/** Flags or-ed into socket()'s type argument. */
export const SOCKET_TYPE_FLAGS = table('SOCK_???', [
  ['SOCK_CLOEXEC', 0o2000000],
  ['SOCK_NONBLOCK', 0o4000],
]);

export const IP_PROTOCOLS = table('IPPROTO_???', [
  ['IPPROTO_IP', 0],
  ['IPPROTO_ICMP', 1],
  ['IPPROTO_TCP', 6],
  ['IPPROTO_UDP', 17],
  ['IPPROTO_IPV6', 41],
  ['IPPROTO_ICMPV6', 58],
  ['IPPROTO_SCTP', 132],
  ['IPPROTO_RAW', 255],
]);

export const MESSAGE_FLAGS = table('MSG_???', [
  ['MSG_OOB', 0x1],
  ['MSG_PEEK', 0x2],
  ['MSG_DONTROUTE', 0x4],
  ['MSG_CTRUNC', 0x8],
  ['MSG_PROXY', 0x10],
  ['MSG_TRUNC', 0x20],
  ['MSG_DONTWAIT', 0x40],
  ['MSG_EOR', 0x80],
  ['MSG_WAITALL', 0x100],
  ['MSG_FIN', 0x200],
  ['MSG_SYN', 0x400],
  ['MSG_CONFIRM', 0x800],
  ['MSG_RST', 0x1000],
  ['MSG_ERRQUEUE', 0x2000],
  ['MSG_NOSIGNAL', 0x4000],
  ['MSG_MORE', 0x8000],
  ['MSG_WAITFORONE', 0x10000],
  ['MSG_BATCH', 0x40000],
  ['MSG_ZEROCOPY', 0x4000000],
  ['MSG_FASTOPEN', 0x20000000],
  ['MSG_CMSG_CLOEXEC', 0x40000000],
]);

export const SHUTDOWN_MODES = table('SHUT_???', [
  ['SHUT_RD', 0],
  ['SHUT_WR', 1],
  ['SHUT_RDWR', 2],
]);

/** struct pollfd's events and revents bits (strace's xlat/pollflags.in, x86_64 values). */
export const POLL_EVENTS = table('POLL???', [
  ['POLLIN', 0x1],
  ['POLLPRI', 0x2],
  ['POLLOUT', 0x4],
  ['POLLERR', 0x8],
  ['POLLHUP', 0x10],
  ['POLLNVAL', 0x20],
  ['POLLRDNORM', 0x40],
  ['POLLRDBAND', 0x80],
  ['POLLWRNORM', 0x100],
  ['POLLWRBAND', 0x200],
  ['POLLMSG', 0x400],
  ['POLLREMOVE', 0x1000],
  ['POLLRDHUP', 0x2000],
  ['POLL_BUSY_LOOP', 0x8000],
]);

/** The level argument of setsockopt()/getsockopt(), named as strace names it. */
export const SOCKET_LEVELS = table('SOL_???', [
  ['SOL_IP', 0],
  ['SOL_SOCKET', 1],
  ['SOL_TCP', 6],
  ['SOL_UDP', 17],
  ['SOL_IPV6', 41],
]);

export const SOCKET_OPTIONS = table('SO_???', [
  ['SO_DEBUG', 1],
  ['SO_REUSEADDR', 2],
  ['SO_TYPE', 3],
  ['SO_ERROR', 4],
  ['SO_DONTROUTE', 5],
  ['SO_BROADCAST', 6],
  ['SO_SNDBUF', 7],
  ['SO_RCVBUF', 8],
  ['SO_KEEPALIVE', 9],
  ['SO_OOBINLINE', 10],
  ['SO_NO_CHECK', 11],
  ['SO_PRIORITY', 12],
  ['SO_LINGER', 13],
  ['SO_BSDCOMPAT', 14],
  ['SO_REUSEPORT', 15],
  ['SO_PASSCRED', 16],
  ['SO_PEERCRED', 17],
  ['SO_RCVLOWAT', 18],
  ['SO_SNDLOWAT', 19],
  ['SO_RCVTIMEO_OLD', 20],
  ['SO_SNDTIMEO_OLD', 21],
  ['SO_ACCEPTCONN', 30],
  ['SO_PROTOCOL', 38],
  ['SO_DOMAIN', 39],
]);

export const TCP_OPTIONS = table('TCP_???', [
  ['TCP_NODELAY', 1],
  ['TCP_MAXSEG', 2],
  ['TCP_CORK', 3],
  ['TCP_KEEPIDLE', 4],
  ['TCP_KEEPINTVL', 5],
  ['TCP_KEEPCNT', 6],
  ['TCP_SYNCNT', 7],
  ['TCP_LINGER2', 8],
  ['TCP_DEFER_ACCEPT', 9],
  ['TCP_WINDOW_CLAMP', 10],
  ['TCP_INFO', 11],
  ['TCP_QUICKACK', 12],
  ['TCP_CONGESTION', 13],
  ['TCP_USER_TIMEOUT', 18],
  ['TCP_FASTOPEN', 23],
]);

export const IP_OPTIONS = table('IP_???', [
  ['IP_TOS', 1],
  ['IP_TTL', 2],
  ['IP_HDRINCL', 3],
  ['IP_OPTIONS', 4],
  ['IP_RECVERR', 11],
  ['IP_MTU_DISCOVER', 10],
]);

export const IPV6_OPTIONS = table('IPV6_???', [
  ['IPV6_UNICAST_HOPS', 16],
  ['IPV6_MULTICAST_HOPS', 18],
  ['IPV6_V6ONLY', 26],
  ['IPV6_RECVERR', 25],
  ['IPV6_TCLASS', 67],
]);

/** Which option table names the options of each level. */
export const OPTIONS_BY_LEVEL: ReadonlyMap<number, Xlat> = new Map([
  [0, IP_OPTIONS],
  [1, SOCKET_OPTIONS],
  [6, TCP_OPTIONS],
  [41, IPV6_OPTIONS],
]);

/** The kernel's TCP states (include/net/tcp_states.h), as TCP_INFO's tcpi_state reports them. */
export const TCP_STATES = table('TCP_???', [
  ['ESTABLISHED', 1],
  ['SYN_SENT', 2],
  ['SYN_RECV', 3],
  ['FIN_WAIT1', 4],
  ['FIN_WAIT2', 5],
  ['TIME_WAIT', 6],
  ['CLOSE', 7],
  ['CLOSE_WAIT', 8],
  ['LAST_ACK', 9],
  ['LISTEN', 10],
  ['CLOSING', 11],
  ['NEW_SYN_RECV', 12],
]);

/** ioctl(2) requests on a socket (<linux/sockios.h>): bytes waiting to be read, bytes not yet acknowledged. */
export const SOCKET_IOCTLS = table('SIOC???', [
  ['SIOCOUTQ', 0x5411],
  ['SIOCINQ', 0x541b],
]);

/** The netlink protocol that answers "which sockets exist" (<linux/netlink.h>). */
export const NETLINK_PROTOCOLS = table('NETLINK_???', [
  ['NETLINK_ROUTE', 0],
  ['NETLINK_SOCK_DIAG', 4],
]);

/** nlmsg_type values netsys sends or reads (<linux/netlink.h>, <linux/sock_diag.h>). */
export const NETLINK_MESSAGE_TYPES = table('NLMSG_???', [
  ['NLMSG_NOOP', 1],
  ['NLMSG_ERROR', 2],
  ['NLMSG_DONE', 3],
  ['SOCK_DIAG_BY_FAMILY', 20],
]);

export const NETLINK_FLAGS = table('NLM_F_???', [
  ['NLM_F_REQUEST', 0x1],
  ['NLM_F_MULTI', 0x2],
  ['NLM_F_DUMP', 0x300],
]);

/** getaddrinfo()'s return codes (glibc's <netdb.h>). */
export const ADDRINFO_ERRORS = table('EAI_???', [
  ['EAI_BADFLAGS', -1],
  ['EAI_NONAME', -2],
  ['EAI_AGAIN', -3],
  ['EAI_FAIL', -4],
  ['EAI_NODATA', -5],
  ['EAI_FAMILY', -6],
  ['EAI_SOCKTYPE', -7],
  ['EAI_SERVICE', -8],
  ['EAI_ADDRFAMILY', -9],
  ['EAI_MEMORY', -10],
  ['EAI_SYSTEM', -11],
  ['EAI_OVERFLOW', -12],
]);

export const ADDRINFO_FLAGS = table('AI_???', [
  ['AI_PASSIVE', 0x1],
  ['AI_CANONNAME', 0x2],
  ['AI_NUMERICHOST', 0x4],
  ['AI_V4MAPPED', 0x8],
  ['AI_ALL', 0x10],
  ['AI_ADDRCONFIG', 0x20],
  ['AI_NUMERICSERV', 0x400],
]);

export function nameOf(xlat: Xlat, value: number): string | undefined {
  for (const [name, v] of xlat.entries) if (v === value) return name;
  return undefined;
}

export function valueOf(xlat: Xlat, name: string): number {
  for (const [n, v] of xlat.entries) if (n === name) return v;
  throw new Error(`no constant named ${name}`);
}

function hex(value: number): string {
  return value === 0 ? '0' : `0x${(value >>> 0).toString(16)}`;
}

/** A single value, as strace's printxval prints it: the name, else `0x7 /* SHUT_??? *\/`. */
export function formatEnum(xlat: Xlat, value: number): string {
  return nameOf(xlat, value) ?? `${hex(value)} /* ${xlat.unknown} */`;
}

/** A bit set, as strace's printflags prints it: `MSG_DONTWAIT|MSG_MORE`, `0`, `MSG_PEEK|0x80000000`. */
export function formatFlags(xlat: Xlat, value: number): string {
  if (value === 0) return '0';
  const names: string[] = [];
  let rest = value >>> 0;
  for (const [name, bit] of xlat.entries) {
    if (bit !== 0 && (rest & bit) === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (names.length === 0) return `${hex(value)} /* ${xlat.unknown} */`;
  if (rest !== 0) names.push(hex(rest));
  return names.join('|');
}

/** socket()'s type argument: `SOCK_STREAM|SOCK_CLOEXEC`. */
export function formatSocketType(value: number): string {
  const base = formatEnum(SOCKET_TYPES, value & SOCKET_TYPE_MASK);
  const flags = value & ~SOCKET_TYPE_MASK;
  return flags === 0 ? base : `${base}|${formatFlags(SOCKET_TYPE_FLAGS, flags)}`;
}

/**
 * errno names that <asm-generic/errno.h> and glibc's <bits/errno.h> define as another name's number.
 * libc's strerrorname_np() knows only the name on the right.
 */
export const ERRNO_ALIASES: Readonly<Record<string, string>> = {
  EWOULDBLOCK: 'EAGAIN',
  ENOTSUP: 'EOPNOTSUPP',
  EDEADLOCK: 'EDEADLK',
};
