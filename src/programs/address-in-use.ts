// Why bind failed with EADDRINUSE, told from the kernel's own socket tables (what `ss -tan` shows):
// a socket listening on the port, or only connections left on it, or nothing the tables list.
// The rules are Linux's (inet_csk_bind_conflict): SO_REUSEADDR lets a socket bind over another only
// when both set it and the other is not listening; a connection in TIME_WAIT keeps the flag of the
// socket that made it. Checked with two Python servers: bind over TIME_WAIT succeeds only when both set it.
import { isWildcardAddress } from '../libc/addresses';
import type { InetSockAddr } from '../libc/addresses';
import { inetSocketsOnPort, DiagSocket } from '../libc/native/sockdiag';
import { IP_PROTOCOLS, nameOf, TCP_STATES, valueOf } from '../libc/xlat';

const IPPROTO_TCP = valueOf(IP_PROTOCOLS, 'IPPROTO_TCP');
const TCP_LISTEN = valueOf(TCP_STATES, 'LISTEN');

/** Whether a socket bound to `other` can stand in the way of binding `wanted`: the same address, or either is a wildcard. */
function overlaps(wanted: string, other: string): boolean {
  return wanted === other || isWildcardAddress(wanted) || isWildcardAddress(other);
}

/** How a socket on the port is described: its state, or for CLOSE (bound, neither listening nor connected) what that means. */
function holding(state: number): string {
  const name = nameOf(TCP_STATES, state) ?? `state ${state}`;
  return name === 'CLOSE' ? 'only bound (CLOSE), which older ss versions do not list' : `in ${name}`;
}

/** `2 in TIME_WAIT, 1 in FIN_WAIT2`: the sockets' states, counted. */
function stateCounts(sockets: readonly DiagSocket[]): string {
  const counts = new Map<string, number>();
  for (const socket of sockets) {
    const name = holding(socket.state);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, count]) => `${count} ${name}`).join(', ');
}

/**
 * The note under a TCP bind that failed with EADDRINUSE, from the sockets the kernel lists on the
 * port now and whether this socket set SO_REUSEADDR. A pure function of what was found.
 */
export function tcpAddressInUseNote(requested: InetSockAddr, found: readonly DiagSocket[], reuseaddr: boolean): string {
  const port = requested.port;
  const inTheWay = found.filter((socket) => overlaps(requested.address, socket.endpoints.local.address));
  const ss = `ss -tanp 'sport = :${port}'`;
  if (inTheWay.some((socket) => socket.state === TCP_LISTEN)) {
    return `a socket is listening on port ${port} (${ss} names its process): stop that server or choose another port; SO_REUSEADDR never lets a socket bind where another listens`;
  }
  if (inTheWay.length === 0) {
    return `no socket on port ${port} is in the kernel's tables now: the one that held it has gone since, and bind may succeed if tried again`;
  }
  const timeWait = inTheWay.some((socket) => nameOf(TCP_STATES, socket.state) === 'TIME_WAIT') ? '; TIME_WAIT lasts 60 s on Linux' : '';
  const left = `no socket listens on port ${port}, but sockets that do not listen hold it (${stateCounts(inTheWay)}; ${ss})${timeWait}`;
  return reuseaddr
    ? `${left}. This socket set SO_REUSEADDR, but Linux binds over them only when the socket each came from had set it too, and one had not: wait for them to go, or give that one SO_REUSEADDR as well next time (a server started with --reuseaddr)`
    : `${left}. --reuseaddr would bind over them only if the socket each came from had set SO_REUSEADDR too (a server started with --reuseaddr)`;
}

/** The note under a UDP bind that failed with EADDRINUSE; UDP has no connections left behind. */
export function udpAddressInUseNote(port: number, reuseaddr: boolean): string {
  const rule = 'SO_REUSEADDR lets two UDP sockets share a port only when both set it';
  return `another UDP socket is bound to port ${port} (ss -uanp 'sport = :${port}' names its process); ${rule}${reuseaddr ? ', and that one did not' : ''}`;
}

/** What the kernel's tables show on the port, for the note under a failed TCP bind. */
export function tcpSocketsOnPort(port: number): DiagSocket[] {
  return inetSocketsOnPort(IPPROTO_TCP, port);
}
