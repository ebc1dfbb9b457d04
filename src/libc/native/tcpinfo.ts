// A TCP socket as the kernel sees it at this moment: getsockopt(TCP_INFO) for its state and, on a
// listener, its accept queue; ioctl(SIOCINQ/SIOCOUTQ) for the bytes queued on a connection.
// These are probes, not traced calls: nothing here is printed as a system call.
import { getsockopt, ioctlInt } from './ffi';
import { IP_PROTOCOLS, SOCKET_IOCTLS, TCP_OPTIONS, TCP_STATES, valueOf } from '../xlat';

const IPPROTO_TCP = valueOf(IP_PROTOCOLS, 'IPPROTO_TCP');
const TCP_INFO = valueOf(TCP_OPTIONS, 'TCP_INFO');
const SIOCINQ = valueOf(SOCKET_IOCTLS, 'SIOCINQ');
const SIOCOUTQ = valueOf(SOCKET_IOCTLS, 'SIOCOUTQ');
const TCP_LISTEN = valueOf(TCP_STATES, 'LISTEN');
const TCP_CLOSE = valueOf(TCP_STATES, 'CLOSE');
/** The states in which this side's FIN has been queued and not yet acknowledged. */
const FIN_UNACKED_STATES = new Set(['FIN_WAIT1', 'CLOSING', 'LAST_ACK'].map((name) => valueOf(TCP_STATES, name)));

/** struct tcp_info (<linux/tcp.h>): the offsets netsys reads, checked with offsetof on x86_64. */
const TCP_INFO_SIZE = 232;
const TCPI_STATE = 0;
const TCPI_UNACKED = 24;
const TCPI_SACKED = 28;

export interface TcpSnapshot {
  /** tcpi_state: a value of TCP_STATES. */
  readonly state: number;
  /** On a listener, tcpi_unacked is the accept queue's length and tcpi_sacked its backlog. */
  readonly acceptQueue?: { readonly waiting: number; readonly backlog: number };
  /** SIOCINQ on a connection: bytes received and not yet read by the program. */
  readonly unread?: number;
  /** SIOCOUTQ on a connection: bytes sent and not yet acknowledged by the peer, not counting the FIN. */
  readonly unacked?: number;
  /** The FIN was sent (or queued) and not yet acknowledged: SIOCOUTQ counts it as one more byte. */
  readonly finUnacked?: boolean;
}

function tcpInfo(fd: number): Buffer | null {
  const info = Buffer.alloc(TCP_INFO_SIZE);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(info.length, 0);
  const result = getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, length);
  return result.value === 0 && length.readUInt32LE(0) > TCPI_SACKED ? info : null;
}

function queued(fd: number, request: number): number | undefined {
  const value = Buffer.alloc(4);
  return ioctlInt(fd, request, value).value === 0 ? value.readInt32LE(0) : undefined;
}

/** The socket's TCP state now; null when `fd` is not an open TCP socket. */
export function tcpSnapshot(fd: number): TcpSnapshot | null {
  const info = tcpInfo(fd);
  if (!info) return null;
  const state = info.readUInt8(TCPI_STATE);
  if (state === TCP_LISTEN) {
    return { state, acceptQueue: { waiting: info.readUInt32LE(TCPI_UNACKED), backlog: info.readUInt32LE(TCPI_SACKED) } };
  }
  // A closed socket sends nothing more: SIOCOUTQ's difference of sequence numbers means nothing there
  // (a former listener's is left over), while bytes received before the close can still be read.
  const outq = state === TCP_CLOSE ? undefined : queued(fd, SIOCOUTQ);
  if (outq !== undefined && outq > 0 && FIN_UNACKED_STATES.has(state)) {
    return { state, unread: queued(fd, SIOCINQ), unacked: outq - 1, finUnacked: true };
  }
  return { state, unread: queued(fd, SIOCINQ), unacked: outq };
}
