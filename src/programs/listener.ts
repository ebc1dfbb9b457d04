// The listening socket every TCP server starts with: socket → (setsockopt SO_REUSEADDR) → bind →
// listen → (getsockname, when the kernel chose the port).
import { endpointText, hostText, InetSockAddr, isInet } from '../libc/addresses';
import { SOCKET_LEVELS, SOCKET_OPTIONS, SOCKET_TYPES, valueOf } from '../libc/xlat';
import type { TraceOutput } from '../render/output';
import type { Recorder } from '../calls/recorder';
import { tcpAddressInUseNote, tcpSocketsOnPort } from './address-in-use';
import { chooseDualStack } from './dualstack';
import { failureNote } from './faults';
import { expectSuccess } from './run';

export interface ListenerOptions {
  readonly family: number;
  readonly address: string;
  /** The IPv6 scope id typed after `%` in --host (`fe80::1%eth0`), 0 when none. */
  readonly scopeId?: number;
  readonly port: number;
  readonly backlog: number;
  readonly reuseaddr: boolean;
  /** --v6only: IPV6_V6ONLY before bind, so IPv4 clients are not taken. */
  readonly v6only?: boolean;
}

const SOCK_STREAM = valueOf(SOCKET_TYPES, 'SOCK_STREAM');
const SOL_SOCKET = valueOf(SOCKET_LEVELS, 'SOL_SOCKET');
const SO_REUSEADDR = valueOf(SOCKET_OPTIONS, 'SO_REUSEADDR');

/** Opens the listening socket and says where it listens; returns its descriptor. */
export function openListener(calls: Recorder, output: TraceOutput, options: ListenerOptions): number {
  const listener = expectSuccess('socket', calls.call('socket', { domain: options.family, type: SOCK_STREAM, protocol: 0 }));
  if (options.reuseaddr) {
    expectSuccess('setsockopt SO_REUSEADDR', calls.call('setsockopt', { sockfd: listener, level: SOL_SOCKET, optname: SO_REUSEADDR, optval: { int: 1 } }));
  }
  chooseDualStack(calls, output, listener, options, Boolean(options.v6only));
  const requested: InetSockAddr = { family: options.family, address: options.address, port: options.port, flowinfo: 0, scopeId: options.scopeId ?? 0 };
  const bound = calls.call('bind', { sockfd: listener, addr: requested });
  if (bound.error) {
    output.note(
      bound.error.name === 'EADDRINUSE' ? tcpAddressInUseNote(requested, tcpSocketsOnPort(requested.port), options.reuseaddr) : failureNote('bind', bound.error),
    );
  }
  expectSuccess(`bind to ${endpointText(requested)}`, bound);
  expectSuccess('listen', calls.call('listen', { sockfd: listener, backlog: options.backlog }));

  let local: InetSockAddr = requested;
  if (options.port === 0) {
    const named = calls.call('getsockname', { sockfd: listener, addr: options.family });
    expectSuccess('getsockname', named);
    if (named.addr && isInet(named.addr)) local = named.addr;
  }
  output.listening(`listening on ${endpointText(local)}; try: netsys client ${hostText(local)} ${local.port}`, local);
  return listener;
}
