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

// As strace 6.1 names them (read back from strace for every number).
export const ADDRESS_FAMILIES = table('AF_???', [
  ['AF_UNSPEC', 0],
  ['AF_UNIX', 1],
  ['AF_INET', 2],
  ['AF_AX25', 3],
  ['AF_IPX', 4],
  ['AF_APPLETALK', 5],
  ['AF_NETROM', 6],
  ['AF_BRIDGE', 7],
  ['AF_ATMPVC', 8],
  ['AF_X25', 9],
  ['AF_INET6', 10],
  ['AF_ROSE', 11],
  ['AF_DECnet', 12],
  ['AF_NETBEUI', 13],
  ['AF_SECURITY', 14],
  ['AF_KEY', 15],
  ['AF_NETLINK', 16],
  ['AF_PACKET', 17],
  ['AF_ASH', 18],
  ['AF_ECONET', 19],
  ['AF_ATMSVC', 20],
  ['AF_RDS', 21],
  ['AF_SNA', 22],
  ['AF_IRDA', 23],
  ['AF_PPPOX', 24],
  ['AF_WANPIPE', 25],
  ['AF_LLC', 26],
  ['AF_IB', 27],
  ['AF_MPLS', 28],
  ['AF_CAN', 29],
  ['AF_TIPC', 30],
  ['AF_BLUETOOTH', 31],
  ['AF_IUCV', 32],
  ['AF_RXRPC', 33],
  ['AF_ISDN', 34],
  ['AF_PHONET', 35],
  ['AF_IEEE802154', 36],
  ['AF_CAIF', 37],
  ['AF_ALG', 38],
  ['AF_NFC', 39],
  ['AF_VSOCK', 40],
  ['AF_KCM', 41],
  ['AF_QIPCRTR', 42],
  ['AF_SMC', 43],
  ['AF_XDP', 44],
  ['AF_MCTP', 45],
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

// As strace 6.1 names them (read back from strace for every number).
export const IP_PROTOCOLS = table('IPPROTO_???', [
  ['IPPROTO_IP', 0],
  ['IPPROTO_ICMP', 1],
  ['IPPROTO_IGMP', 2],
  ['IPPROTO_IPIP', 4],
  ['IPPROTO_TCP', 6],
  ['IPPROTO_EGP', 8],
  ['IPPROTO_PUP', 12],
  ['IPPROTO_UDP', 17],
  ['IPPROTO_IDP', 22],
  ['IPPROTO_TP', 29],
  ['IPPROTO_DCCP', 33],
  ['IPPROTO_IPV6', 41],
  ['IPPROTO_ROUTING', 43],
  ['IPPROTO_FRAGMENT', 44],
  ['IPPROTO_RSVP', 46],
  ['IPPROTO_GRE', 47],
  ['IPPROTO_ESP', 50],
  ['IPPROTO_AH', 51],
  ['IPPROTO_ICMPV6', 58],
  ['IPPROTO_NONE', 59],
  ['IPPROTO_DSTOPTS', 60],
  ['IPPROTO_MTP', 92],
  ['IPPROTO_BEETPH', 94],
  ['IPPROTO_ENCAP', 98],
  ['IPPROTO_PIM', 103],
  ['IPPROTO_COMP', 108],
  ['IPPROTO_L2TP', 115],
  ['IPPROTO_SCTP', 132],
  ['IPPROTO_MH', 135],
  ['IPPROTO_UDPLITE', 136],
  ['IPPROTO_MPLS', 137],
  ['IPPROTO_ETHERNET', 143],
  ['IPPROTO_RAW', 255],
  ['IPPROTO_MPTCP', 262],
]);

export const MESSAGE_FLAGS = table('MSG_???', [
  ['MSG_OOB', 0x1],
  ['MSG_PEEK', 0x2],
  ['MSG_DONTROUTE', 0x4],
  ['MSG_CTRUNC', 0x8],
  ['MSG_PROBE', 0x10],
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
  ['MSG_SENDPAGE_NOTLAST', 0x20000],
  ['MSG_BATCH', 0x40000],
  ['MSG_NO_SHARED_FRAGS', 0x80000],
  ['MSG_ZEROCOPY', 0x4000000],
  ['MSG_FASTOPEN', 0x20000000],
  ['MSG_CMSG_CLOEXEC', 0x40000000],
  ['MSG_CMSG_COMPAT', 0x80000000],
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
// strace names an unknown level SOL_??, with two question marks (net.c: printxval(socketlayers, level, "SOL_??")).
export const SOCKET_LEVELS = table('SOL_??', [
  ['SOL_IP', 0],
  ['SOL_SOCKET', 1],
  ['SOL_TCP', 6],
  ['SOL_UDP', 17],
  ['SOL_IPV6', 41],
]);

// The option names of each level, as strace 6.1 prints them (its xlat/sock_options.in, sock_ip_options.in,
// sock_tcp_options.in, sock_ipv6_options.in, sock_udp_options.in), read back from strace for every number.
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
  ['SO_SECURITY_AUTHENTICATION', 22],
  ['SO_SECURITY_ENCRYPTION_TRANSPORT', 23],
  ['SO_SECURITY_ENCRYPTION_NETWORK', 24],
  ['SO_BINDTODEVICE', 25],
  ['SO_ATTACH_FILTER', 26],
  ['SO_DETACH_FILTER', 27],
  ['SO_PEERNAME', 28],
  ['SO_TIMESTAMP_OLD', 29],
  ['SO_ACCEPTCONN', 30],
  ['SO_PEERSEC', 31],
  ['SO_SNDBUFFORCE', 32],
  ['SO_RCVBUFFORCE', 33],
  ['SO_PASSSEC', 34],
  ['SO_TIMESTAMPNS_OLD', 35],
  ['SO_MARK', 36],
  ['SO_TIMESTAMPING_OLD', 37],
  ['SO_PROTOCOL', 38],
  ['SO_DOMAIN', 39],
  ['SO_RXQ_OVFL', 40],
  ['SO_WIFI_STATUS', 41],
  ['SO_PEEK_OFF', 42],
  ['SO_NOFCS', 43],
  ['SO_LOCK_FILTER', 44],
  ['SO_SELECT_ERR_QUEUE', 45],
  ['SO_BUSY_POLL', 46],
  ['SO_MAX_PACING_RATE', 47],
  ['SO_BPF_EXTENSIONS', 48],
  ['SO_INCOMING_CPU', 49],
  ['SO_ATTACH_BPF', 50],
  ['SO_ATTACH_REUSEPORT_CBPF', 51],
  ['SO_ATTACH_REUSEPORT_EBPF', 52],
  ['SO_CNX_ADVICE', 53],
  ['SO_MEMINFO', 55],
  ['SO_INCOMING_NAPI_ID', 56],
  ['SO_COOKIE', 57],
  ['SO_PEERGROUPS', 59],
  ['SO_ZEROCOPY', 60],
  ['SO_TXTIME', 61],
  ['SO_BINDTOIFINDEX', 62],
  ['SO_TIMESTAMP_NEW', 63],
  ['SO_TIMESTAMPNS_NEW', 64],
  ['SO_TIMESTAMPING_NEW', 65],
  ['SO_RCVTIMEO_NEW', 66],
  ['SO_SNDTIMEO_NEW', 67],
  ['SO_DETACH_REUSEPORT_BPF', 68],
  ['SO_PREFER_BUSY_POLL', 69],
  ['SO_BUSY_POLL_BUDGET', 70],
  ['SO_NETNS_COOKIE', 71],
  ['SO_BUF_LOCK', 72],
  ['SO_RESERVE_MEM', 73],
  ['SO_TXREHASH', 74],
  ['SO_RCVMARK', 75],
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
  ['TCP_MD5SIG', 14],
  ['TCP_COOKIE_TRANSACTIONS', 15],
  ['TCP_THIN_LINEAR_TIMEOUTS', 16],
  ['TCP_THIN_DUPACK', 17],
  ['TCP_USER_TIMEOUT', 18],
  ['TCP_REPAIR', 19],
  ['TCP_REPAIR_QUEUE', 20],
  ['TCP_QUEUE_SEQ', 21],
  ['TCP_REPAIR_OPTIONS', 22],
  ['TCP_FASTOPEN', 23],
  ['TCP_TIMESTAMP', 24],
  ['TCP_NOTSENT_LOWAT', 25],
  ['TCP_CC_INFO', 26],
  ['TCP_SAVE_SYN', 27],
  ['TCP_SAVED_SYN', 28],
  ['TCP_REPAIR_WINDOW', 29],
  ['TCP_FASTOPEN_CONNECT', 30],
  ['TCP_ULP', 31],
  ['TCP_MD5SIG_EXT', 32],
  ['TCP_FASTOPEN_KEY', 33],
  ['TCP_FASTOPEN_NO_COOKIE', 34],
  ['TCP_ZEROCOPY_RECEIVE', 35],
  ['TCP_INQ', 36],
  ['TCP_TX_DELAY', 37],
]);

/** The protocol-independent multicast options (<linux/in.h>, RFC 3678): taken at IPPROTO_IP and IPPROTO_IPV6 alike. */
const MCAST_OPTIONS: ReadonlyArray<readonly [string, number]> = [
  ['MCAST_JOIN_GROUP', 42],
  ['MCAST_BLOCK_SOURCE', 43],
  ['MCAST_UNBLOCK_SOURCE', 44],
  ['MCAST_LEAVE_GROUP', 45],
  ['MCAST_JOIN_SOURCE_GROUP', 46],
  ['MCAST_LEAVE_SOURCE_GROUP', 47],
  ['MCAST_MSFILTER', 48],
];

export const IP_OPTIONS = table('IP_???', [
  ['IP_TOS', 1],
  ['IP_TTL', 2],
  ['IP_HDRINCL', 3],
  ['IP_OPTIONS', 4],
  ['IP_ROUTER_ALERT', 5],
  ['IP_RECVOPTS', 6],
  ['IP_RETOPTS', 7],
  ['IP_PKTINFO', 8],
  ['IP_PKTOPTIONS', 9],
  ['IP_MTU_DISCOVER', 10],
  ['IP_RECVERR', 11],
  ['IP_RECVTTL', 12],
  ['IP_RECVTOS', 13],
  ['IP_MTU', 14],
  ['IP_FREEBIND', 15],
  ['IP_IPSEC_POLICY', 16],
  ['IP_XFRM_POLICY', 17],
  ['IP_PASSSEC', 18],
  ['IP_TRANSPARENT', 19],
  ['IP_ORIGDSTADDR', 20],
  ['IP_MINTTL', 21],
  ['IP_NODEFRAG', 22],
  ['IP_CHECKSUM', 23],
  ['IP_BIND_ADDRESS_NO_PORT', 24],
  ['IP_RECVFRAGSIZE', 25],
  ['IP_RECVERR_RFC4884', 26],
  ['IP_MULTICAST_IF', 32],
  ['IP_MULTICAST_TTL', 33],
  ['IP_MULTICAST_LOOP', 34],
  ['IP_ADD_MEMBERSHIP', 35],
  ['IP_DROP_MEMBERSHIP', 36],
  ['IP_UNBLOCK_SOURCE', 37],
  ['IP_BLOCK_SOURCE', 38],
  ['IP_ADD_SOURCE_MEMBERSHIP', 39],
  ['IP_DROP_SOURCE_MEMBERSHIP', 40],
  ['IP_MSFILTER', 41],
  ...MCAST_OPTIONS,
  ['IP_MULTICAST_ALL', 49],
  ['IP_UNICAST_IF', 50],
  ['IPT_SO_SET_REPLACE', 64],
  ['IPT_SO_SET_ADD_COUNTERS', 65],
  ['ARPT_SO_SET_REPLACE', 96],
  ['ARPT_SO_SET_ADD_COUNTERS', 97],
  ['EBT_SO_SET_ENTRIES', 128],
  ['EBT_SO_SET_COUNTERS', 129],
]);

export const IPV6_OPTIONS = table('IPV6_???', [
  ['IPV6_ADDRFORM', 1],
  ['IPV6_2292PKTINFO', 2],
  ['IPV6_2292HOPOPTS', 3],
  ['IPV6_2292DSTOPTS', 4],
  ['IPV6_2292RTHDR', 5],
  ['IPV6_2292PKTOPTIONS', 6],
  ['IPV6_CHECKSUM', 7],
  ['IPV6_2292HOPLIMIT', 8],
  ['IPV6_NEXTHOP', 9],
  ['IPV6_AUTHHDR', 10],
  ['IPV6_FLOWINFO', 11],
  ['IPV6_UNICAST_HOPS', 16],
  ['IPV6_MULTICAST_IF', 17],
  ['IPV6_MULTICAST_HOPS', 18],
  ['IPV6_MULTICAST_LOOP', 19],
  ['IPV6_ADD_MEMBERSHIP', 20],
  ['IPV6_DROP_MEMBERSHIP', 21],
  ['IPV6_ROUTER_ALERT', 22],
  ['IPV6_MTU_DISCOVER', 23],
  ['IPV6_MTU', 24],
  ['IPV6_RECVERR', 25],
  ['IPV6_V6ONLY', 26],
  ['IPV6_JOIN_ANYCAST', 27],
  ['IPV6_LEAVE_ANYCAST', 28],
  ['IPV6_MULTICAST_ALL', 29],
  ['IPV6_ROUTER_ALERT_ISOLATE', 30],
  ['IPV6_RECVERR_RFC4884', 31],
  ['IPV6_FLOWLABEL_MGR', 32],
  ['IPV6_FLOWINFO_SEND', 33],
  ['IPV6_IPSEC_POLICY', 34],
  ['IPV6_XFRM_POLICY', 35],
  ['IPV6_HDRINCL', 36],
  ...MCAST_OPTIONS,
  ['IPV6_RECVPKTINFO', 49],
  ['IPV6_PKTINFO', 50],
  ['IPV6_RECVHOPLIMIT', 51],
  ['IPV6_HOPLIMIT', 52],
  ['IPV6_RECVHOPOPTS', 53],
  ['IPV6_HOPOPTS', 54],
  ['IPV6_RTHDRDSTOPTS', 55],
  ['IPV6_RECVRTHDR', 56],
  ['IPV6_RTHDR', 57],
  ['IPV6_RECVDSTOPTS', 58],
  ['IPV6_DSTOPTS', 59],
  ['IPV6_RECVPATHMTU', 60],
  ['IPV6_PATHMTU', 61],
  ['IPV6_DONTFRAG', 62],
  ['IPV6_USE_MIN_MTU', 63],
  ['IP6T_SO_SET_REPLACE', 64],
  ['IP6T_SO_SET_ADD_COUNTERS', 65],
  ['IPV6_RECVTCLASS', 66],
  ['IPV6_TCLASS', 67],
  ['IPV6_AUTOFLOWLABEL', 70],
  ['IPV6_ADDR_PREFERENCES', 72],
  ['IPV6_MINHOPCOUNT', 73],
  ['IPV6_ORIGDSTADDR', 74],
  ['IPV6_TRANSPARENT', 75],
  ['IPV6_UNICAST_IF', 76],
  ['IPV6_RECVFRAGSIZE', 77],
  ['IPV6_FREEBIND', 78],
]);

export const UDP_OPTIONS = table('UDP_???', [
  ['UDP_CORK', 1],
  ['UDP_ENCAP', 100],
  ['UDP_NO_CHECK6_TX', 101],
  ['UDP_NO_CHECK6_RX', 102],
  ['UDP_SEGMENT', 103],
  ['UDP_GRO', 104],
]);

/** Which option table names the options of each level. */
export const OPTIONS_BY_LEVEL: ReadonlyMap<number, Xlat> = new Map([
  [0, IP_OPTIONS],
  [1, SOCKET_OPTIONS],
  [6, TCP_OPTIONS],
  [17, UDP_OPTIONS],
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
// As strace 6.1 names them (read back from strace for every number).
export const NETLINK_PROTOCOLS = table('NETLINK_???', [
  ['NETLINK_ROUTE', 0],
  ['NETLINK_UNUSED', 1],
  ['NETLINK_USERSOCK', 2],
  ['NETLINK_FIREWALL', 3],
  ['NETLINK_SOCK_DIAG', 4],
  ['NETLINK_NFLOG', 5],
  ['NETLINK_XFRM', 6],
  ['NETLINK_SELINUX', 7],
  ['NETLINK_ISCSI', 8],
  ['NETLINK_AUDIT', 9],
  ['NETLINK_FIB_LOOKUP', 10],
  ['NETLINK_CONNECTOR', 11],
  ['NETLINK_NETFILTER', 12],
  ['NETLINK_IP6_FW', 13],
  ['NETLINK_DNRTMSG', 14],
  ['NETLINK_KOBJECT_UEVENT', 15],
  ['NETLINK_GENERIC', 16],
  ['NETLINK_SCSITRANSPORT', 18],
  ['NETLINK_ECRYPTFS', 19],
  ['NETLINK_RDMA', 20],
  ['NETLINK_CRYPTO', 21],
  ['NETLINK_SMC', 22],
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
    if (bit !== 0 && ((rest & bit) >>> 0) === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (names.length === 0) return `${hex(value)} /* ${xlat.unknown} */`;
  if (rest !== 0) names.push(hex(rest));
  return names.join('|');
}

/**
 * socket()'s type argument, as strace's tprint_sock_type prints it: a known type's name, then the
 * other bits as flags (`SOCK_STREAM|SOCK_CLOEXEC`, `SOCK_STREAM|0x10 /* SOCK_??? *\/`); with no known
 * type, every bit as flags (`0`, `SOCK_CLOEXEC|SOCK_NONBLOCK|0xfff7f7ff`, `0xf /* SOCK_??? *\/`).
 */
export function formatSocketType(value: number): string {
  const base = nameOf(SOCKET_TYPES, value & SOCKET_TYPE_MASK);
  if (base === undefined) return formatFlags(SOCKET_TYPE_FLAGS, value);
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
