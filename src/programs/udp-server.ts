// The UDP echo server: socket(SOCK_DGRAM) → bind → for each datagram: recvfrom → sendto back to the
// address recvfrom reported. No listen, no accept: UDP has no connections, so the datagrams of every
// sender arrive on this one socket, each with its sender's address.
import { endpointText, hostText, InetSockAddr, isInet } from '../libc/addresses';
import { SOCKET_LEVELS, SOCKET_OPTIONS, SOCKET_TYPES, valueOf } from '../libc/xlat';
import type { TraceOutput } from '../render/output';
import type { Recorder } from '../calls/recorder';
import { DATAGRAM_BUFFER_SIZE, receiveDatagram } from './datagrams';
import { udpAddressInUseNote } from './address-in-use';
import { chooseDualStack } from './dualstack';
import { failureNote } from './faults';
import { CallFailed, expectSuccess } from './run';

export interface UdpServerOptions {
  readonly family: number;
  readonly address: string;
  /** The IPv6 scope id typed after `%` in --host (`fe80::1%eth0`), 0 when none. */
  readonly scopeId?: number;
  readonly port: number;
  readonly reuseaddr: boolean;
  readonly v6only: boolean;
  /** Answer one datagram, then close the socket and exit. */
  readonly once: boolean;
}

const SOCK_DGRAM = valueOf(SOCKET_TYPES, 'SOCK_DGRAM');
const SOL_SOCKET = valueOf(SOCKET_LEVELS, 'SOL_SOCKET');
const SO_REUSEADDR = valueOf(SOCKET_OPTIONS, 'SO_REUSEADDR');

function describeDatagram(length: number, sender: InetSockAddr): string {
  if (length === 0) return `an empty datagram from ${endpointText(sender)} (on UDP, 0 bytes is a datagram, not an end)`;
  return `a datagram of ${length} byte${length === 1 ? '' : 's'} from ${endpointText(sender)}: it goes back there`;
}

/** Receives one datagram and sends it back to its sender; a failed reply is noted, and the server goes on. */
async function echoOne(calls: Recorder, output: TraceOutput, fd: number, buffer: Buffer, family: number): Promise<void> {
  const received = await receiveDatagram(calls, output, fd, buffer, family);
  if (received.error) throw new CallFailed('recvfrom', received);
  const sender = received.addr;
  if (!sender || !isInet(sender)) {
    output.note('recvfrom reported no sender address: there is nowhere to send a reply');
    return;
  }
  output.note(describeDatagram(received.ret, sender));
  const sent = await calls.call('sendto', { sockfd: fd, buf: buffer.subarray(0, received.ret), flags: 0, dest_addr: sender });
  if (sent.error) output.note(`sendto failed with ${sent.error.name}: this reply is lost, and UDP will not say so to the client`);
}

export async function runUdpServer(calls: Recorder, output: TraceOutput, options: UdpServerOptions): Promise<void> {
  const fd = expectSuccess('socket', calls.call('socket', { domain: options.family, type: SOCK_DGRAM, protocol: 0 }));
  if (options.reuseaddr) {
    expectSuccess('setsockopt SO_REUSEADDR', calls.call('setsockopt', { sockfd: fd, level: SOL_SOCKET, optname: SO_REUSEADDR, optval: { int: 1 } }));
  }
  chooseDualStack(calls, output, fd, options, options.v6only);
  const requested: InetSockAddr = { family: options.family, address: options.address, port: options.port, flowinfo: 0, scopeId: options.scopeId ?? 0 };
  const bound = calls.call('bind', { sockfd: fd, addr: requested });
  if (bound.error) output.note(bound.error.name === 'EADDRINUSE' ? udpAddressInUseNote(requested.port, options.reuseaddr) : failureNote('bind', bound.error));
  expectSuccess(`bind to ${endpointText(requested)}`, bound);

  let local: InetSockAddr = requested;
  if (options.port === 0) {
    const named = calls.call('getsockname', { sockfd: fd, addr: options.family });
    expectSuccess('getsockname', named);
    if (named.addr && isInet(named.addr)) local = named.addr;
  }
  output.listening(`receiving datagrams on ${endpointText(local)}; try: netsys client -u ${hostText(local)} ${local.port}`, local);
  output.note('no listen, no accept: UDP has no connections; every sender\'s datagrams arrive on this one socket');

  const buffer = Buffer.alloc(DATAGRAM_BUFFER_SIZE);
  do {
    await echoOne(calls, output, fd, buffer, options.family);
  } while (!options.once);
  calls.call('close', { fd });
}
