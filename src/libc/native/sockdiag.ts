// Which socket a descriptor is, and its endpoints, asked of the kernel the way strace -yy asks:
// the inode (fstat), the protocol's name (the socket's system.sockprotoname attribute: "TCP", "UDPv6"),
// and the socket's entry in the kernel's socket tables (a sock_diag dump over netlink, matched by inode).
// A socket that is in no table (never bound, or unhashed after a failed connect) has no endpoints.
// These are probes, not traced calls.
import * as fs from 'node:fs';
import { AF_INET, AF_INET6, InetSockAddr, isInet, isWildcardAddress, SockAddr } from '../addresses';
import type { AcceptQueue } from '../../calls/event';
import * as libc from './ffi';
import {
  ADDRESS_FAMILIES,
  NETLINK_FLAGS,
  NETLINK_MESSAGE_TYPES,
  NETLINK_PROTOCOLS,
  SOCKET_LEVELS,
  SOCKET_OPTIONS,
  SOCKET_TYPE_FLAGS,
  SOCKET_TYPES,
  IP_PROTOCOLS,
  TCP_STATES,
  valueOf,
} from '../xlat';

export interface SocketIdentity {
  readonly inode: number;
  /** The kernel's name for the socket's protocol: `TCP`, `TCPv6`, `UDP`, `UDPv6`. */
  readonly protocolName: string;
  /** SO_DOMAIN and SO_PROTOCOL: AF_INET and IPPROTO_TCP for a TCP socket. */
  readonly family: number;
  readonly protocol: number;
}

export interface SocketEndpoints {
  readonly local: InetSockAddr;
  /** Null when the socket has no peer (a listener, a socket only bound). */
  readonly peer: InetSockAddr | null;
}

const AF_NETLINK = valueOf(ADDRESS_FAMILIES, 'AF_NETLINK');
const SOCK_RAW = valueOf(SOCKET_TYPES, 'SOCK_RAW');
const SOCK_CLOEXEC = valueOf(SOCKET_TYPE_FLAGS, 'SOCK_CLOEXEC');
const NETLINK_SOCK_DIAG = valueOf(NETLINK_PROTOCOLS, 'NETLINK_SOCK_DIAG');
const SOCK_DIAG_BY_FAMILY = valueOf(NETLINK_MESSAGE_TYPES, 'SOCK_DIAG_BY_FAMILY');
const NLM_F_REQUEST = valueOf(NETLINK_FLAGS, 'NLM_F_REQUEST');
const NLM_F_DUMP = valueOf(NETLINK_FLAGS, 'NLM_F_DUMP');
const SOL_SOCKET = valueOf(SOCKET_LEVELS, 'SOL_SOCKET');
const SO_DOMAIN = valueOf(SOCKET_OPTIONS, 'SO_DOMAIN');
const SO_PROTOCOL = valueOf(SOCKET_OPTIONS, 'SO_PROTOCOL');

/** struct nlmsghdr, struct inet_diag_req_v2 and struct inet_diag_msg (<linux/inet_diag.h>), checked with offsetof. */
const NLMSG_HEADER_SIZE = 16;
const INET_DIAG_REQ_V2_SIZE = 56;
const INET_DIAG_MSG_SIZE = 72;
const DIAG_FAMILY = 0;
const DIAG_SPORT = 4;
const DIAG_DPORT = 6;
const DIAG_SRC = 8;
const DIAG_DST = 24;
const DIAG_RQUEUE = 56;
const DIAG_WQUEUE = 60;
const DIAG_INODE = 68;
const SOCKADDR_NL_SIZE = 12;
const ALL_STATES = 0xffffffff;

function intOption(fd: number, option: number): number | null {
  const value = Buffer.alloc(4);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(4, 0);
  return libc.getsockopt(fd, SOL_SOCKET, option, value, length).value === 0 ? value.readInt32LE(0) : null;
}

function protocolName(fd: number): string | null {
  const name = Buffer.alloc(64);
  const result = libc.fgetxattr(fd, 'system.sockprotoname', name);
  if (result.value <= 0) return null;
  const end = name.indexOf(0);
  return name.toString('latin1', 0, end >= 0 && end < result.value ? end : result.value);
}

/** The socket behind `fd`; null when `fd` is not an open socket. */
export function socketIdentity(fd: number): SocketIdentity | null {
  let inode: number;
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isSocket()) return null;
    inode = stat.ino;
  } catch {
    return null;
  }
  const name = protocolName(fd);
  const family = intOption(fd, SO_DOMAIN);
  const protocol = intOption(fd, SO_PROTOCOL);
  if (name === null || family === null || protocol === null) return null;
  return { inode, protocolName: name, family, protocol };
}

function dumpRequest(family: number, protocol: number): Buffer {
  const request = Buffer.alloc(NLMSG_HEADER_SIZE + INET_DIAG_REQ_V2_SIZE);
  request.writeUInt32LE(request.length, 0);
  request.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  request.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  request.writeUInt8(family, NLMSG_HEADER_SIZE);
  request.writeUInt8(protocol, NLMSG_HEADER_SIZE + 1);
  request.writeUInt32LE(ALL_STATES, NLMSG_HEADER_SIZE + 4);
  return request;
}

function address(family: number, bytes: Buffer, port: number): InetSockAddr {
  const text = libc.inetNtop(family, family === AF_INET6 ? bytes.subarray(0, 16) : bytes.subarray(0, 4));
  return { family, address: text, port, flowinfo: 0, scopeId: 0 };
}

/** One inet_diag_msg; as strace does, a peer is shown when its port or address is not zero. */
function endpointsOf(message: Buffer): SocketEndpoints | null {
  const family = message.readUInt8(DIAG_FAMILY);
  if (family !== AF_INET && family !== AF_INET6) return null;
  const size = family === AF_INET6 ? 16 : 4;
  const dst = message.subarray(DIAG_DST, DIAG_DST + size);
  const dport = message.readUInt16BE(DIAG_DPORT);
  const local = address(family, message.subarray(DIAG_SRC, DIAG_SRC + size), message.readUInt16BE(DIAG_SPORT));
  const hasPeer = dport !== 0 || dst.some((byte) => byte !== 0);
  return { local, peer: hasPeer ? address(family, dst, dport) : null };
}

/**
 * One socket of a dump: its inode, the kernel's TCP state number (idiag_state), its endpoints, and
 * its queues as `ss` shows them (Recv-Q, Send-Q): on a listener, the connections waiting for accept
 * and the backlog (idiag_rqueue, idiag_wqueue; net/ipv4/tcp_diag.c).
 */
export interface DiagSocket {
  readonly inode: number;
  readonly state: number;
  readonly endpoints: SocketEndpoints;
  readonly receiveQueue: number;
  readonly sendQueue: number;
}

const DIAG_STATE = 1;

/** Reads the dump's replies, handing each socket to `visit` until it returns true or the dump ends. */
function readDump(netlink: number, visit: (socket: DiagSocket) => boolean): void {
  const buffer = Buffer.alloc(32768);
  const from = Buffer.alloc(SOCKADDR_NL_SIZE);
  const fromLength = Buffer.alloc(4);
  for (;;) {
    fromLength.writeUInt32LE(from.length, 0);
    const received = libc.recvfromNow(netlink, buffer, 0, from, fromLength).value;
    if (received <= 0) return;
    for (let offset = 0; offset + NLMSG_HEADER_SIZE <= received; ) {
      const length = buffer.readUInt32LE(offset);
      const type = buffer.readUInt16LE(offset + 4);
      if (length < NLMSG_HEADER_SIZE || type !== SOCK_DIAG_BY_FAMILY) return; // NLMSG_DONE, NLMSG_ERROR
      const message = buffer.subarray(offset + NLMSG_HEADER_SIZE, offset + length);
      const endpoints = message.length >= INET_DIAG_MSG_SIZE ? endpointsOf(message) : null;
      if (endpoints && visit({ inode: message.readUInt32LE(DIAG_INODE), state: message.readUInt8(DIAG_STATE), endpoints, receiveQueue: message.readUInt32LE(DIAG_RQUEUE), sendQueue: message.readUInt32LE(DIAG_WQUEUE) })) return;
      offset += (length + 3) & ~3;
    }
  }
}

/** Dumps the kernel's table of `family`/`protocol` sockets (every state) to `visit`; false when it could not be asked. */
function dumpInetSockets(family: number, protocol: number, visit: (socket: DiagSocket) => boolean): boolean {
  const netlink = libc.socketNow(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG).value;
  if (netlink < 0) return false;
  try {
    const kernel = Buffer.alloc(SOCKADDR_NL_SIZE);
    kernel.writeUInt16LE(AF_NETLINK, 0);
    const request = dumpRequest(family, protocol);
    if (libc.sendtoNow(netlink, request, 0, kernel).value !== request.length) return false;
    readDump(netlink, visit);
    return true;
  } finally {
    libc.closeNow(netlink);
  }
}

/** The socket's entry in the kernel's tables of `family`/`protocol` sockets; null when it has none. */
export function findInetSocket(identity: SocketIdentity): SocketEndpoints | null {
  if (identity.family !== AF_INET && identity.family !== AF_INET6) return null;
  let found: SocketEndpoints | null = null;
  dumpInetSockets(identity.family, identity.protocol, (socket) => {
    if (socket.inode === identity.inode) found = socket.endpoints;
    return found !== null;
  });
  return found;
}

/**
 * Every socket of `protocol` (IPPROTO_TCP, IPPROTO_UDP), IPv4 and IPv6, whose local port is `port`, as
 * `ss -tan 'sport = :PORT'` lists them; connections in TIME_WAIT included.
 */
export function inetSocketsOnPort(protocol: number, port: number): DiagSocket[] {
  const found: DiagSocket[] = [];
  for (const family of [AF_INET, AF_INET6]) {
    dumpInetSockets(family, protocol, (socket) => {
      if (socket.endpoints.local.port === port) found.push(socket);
      return false;
    });
  }
  return found;
}

const TCP_LISTEN = valueOf(TCP_STATES, 'LISTEN');
const IPPROTO_TCP = valueOf(IP_PROTOCOLS, 'IPPROTO_TCP');
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * The accept queue of the TCP socket on this machine that a connect to `target` reaches, as the
 * kernel shows it now: a listener bound to that very address, else (for a loopback address) one
 * bound to the wildcard address on that port. Undefined when none can be seen (the server is on
 * another machine, or on an address of this one other than loopback behind a wildcard listener), or
 * when several listen there (SO_REUSEPORT) and which one the kernel picked cannot be known.
 */
export function listenerQueueFor(target: SockAddr): AcceptQueue | undefined {
  if (!isInet(target)) return undefined;
  const listeners = inetSocketsOnPort(IPPROTO_TCP, target.port).filter((socket) => socket.state === TCP_LISTEN);
  const exact = listeners.filter((socket) => socket.endpoints.local.address === target.address);
  const wildcard = LOOPBACK.test(target.address) ? listeners.filter((socket) => isWildcardAddress(socket.endpoints.local.address)) : [];
  const reached = exact.length > 0 ? exact : wildcard;
  // Several listeners on one port (SO_REUSEPORT): the kernel picks one per connection by a hash netsys cannot see.
  if (reached.length !== 1) return undefined;
  return { waiting: reached[0].receiveQueue, backlog: reached[0].sendQueue };
}
