// What the kernel says about the sockets a call touched, read just after the call returns:
// -y names each descriptor as strace -yy does, --state adds each TCP socket's state and queues.
// The reads are probes (fstat, getsockopt, ioctl, a sock_diag query), never traced calls, so the
// trace itself stays what strace shows.
import { endpointText, InetSockAddr } from '../libc/addresses';
import { findInetSocket, inetSocketsOnPort, SocketEndpoints, socketIdentity } from '../libc/native/sockdiag';
import { tcpSnapshot } from '../libc/native/tcpinfo';
import { IP_PROTOCOLS, nameOf, TCP_STATES, valueOf } from '../libc/xlat';
import { EndpointNames } from './endpoints';
import type { SocketName } from './event';
import type { Arg, SocketState } from './event';
import { descriptorEffect } from './registry';
import { formatSocketState } from '../render/state';

export interface KernelViewOptions {
  /** -y or -yy: name each descriptor by its socket (its inode and its endpoints). */
  readonly endpoints?: boolean;
  /** --state: each TCP socket's state after each call. */
  readonly state?: boolean;
}

/** What a call's event gains from the kernel's view. */
export interface Observation {
  readonly args: Arg[];
  readonly retEndpoint?: string;
  readonly retInode?: number;
  readonly states?: SocketState[];
}

/** An argument with each descriptor in it named (-y, -yy): an fd, or each entry of poll's array. */
function named(arg: Arg, describe: (fd: number) => SocketName): Arg {
  if (arg.type === 'fd') return { ...arg, ...describe(arg.value) };
  if (arg.type === 'pollfds') return { ...arg, fds: arg.fds.map((entry) => (entry.fd < 0 ? entry : { ...entry, ...describe(entry.fd) })) };
  return arg;
}

const IPPROTO_TCP = valueOf(IP_PROTOCOLS, 'IPPROTO_TCP');

/** States in which a socket holds a connection whose endpoints are worth remembering. */
const CONNECTED: ReadonlySet<string> = new Set(['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING']);

/** The connection `ends`, with its state as the kernel's tables list it now (TIME_WAIT); no state once it is gone from them. */
function connectionInTables(ends: SocketEndpoints & { peer: InetSockAddr }): NonNullable<SocketState['connection']> {
  const { local, peer } = ends;
  const entry = inetSocketsOnPort(IPPROTO_TCP, local.port).find(
    (socket) => socket.endpoints.local.address === local.address && socket.endpoints.peer?.address === peer.address && socket.endpoints.peer.port === peer.port,
  );
  const found = entry ? { state: nameOf(TCP_STATES, entry.state) ?? `state ${entry.state}` } : {};
  return { local: endpointText(local), peer: endpointText(peer), ...found };
}

/** The state of a TCP socket now; null when `fd` is not an open TCP socket. */
export function socketState(fd: number): SocketState | null {
  const snapshot = tcpSnapshot(fd);
  if (!snapshot) return null;
  const { state, ...queues } = snapshot;
  return { fd, state: nameOf(TCP_STATES, state) ?? `TCP state ${state}`, ...queues };
}

/** The -y name of each descriptor a call was given, as it stood when the call entered the kernel. */
export type EntryNames = ReadonlyMap<number, SocketName>;

export class KernelView {
  private readonly names: EndpointNames | null;
  /** Open descriptors seen so far, each with the state text last shown for it. */
  private readonly shown = new Map<number, string | null>();
  /** The endpoints of each descriptor's connection, read once while it had one, to find it again after it leaves the socket. */
  private readonly connections = new Map<number, SocketEndpoints & { peer: InetSockAddr }>();

  constructor(private readonly options: KernelViewOptions) {
    this.names = options.endpoints ? new EndpointNames() : null;
  }

  get enabled(): boolean {
    return Boolean(this.options.endpoints || this.options.state);
  }

  /** The arguments of a call still in the kernel, with -y each socket named as it is now. */
  annotate(args: readonly Arg[]): readonly Arg[] {
    const names = this.names;
    return names ? args.map((arg) => named(arg, (fd) => names.describe(fd))) : args;
  }

  /**
   * Called just before a call is made on `fds`: with -y, a socket whose endpoints are not known yet is
   * looked up now, as strace -yy names a descriptor when the call enters the kernel (a connect's
   * socket, SYN_SENT while it is held, has endpoints that a shutdown then takes away).
   */
  beforeCall(fds: readonly number[]): EntryNames | undefined {
    const names = this.names;
    if (!names) return undefined;
    for (const fd of fds) names.settle(fd);
    return new Map(fds.map((fd) => [fd, names.describe(fd)] as const));
  }

  /** Called once per call, just after it returned, before its event is emitted. */
  observe(name: string, args: Arg[], ret: number, entry?: EntryNames): Observation {
    const touched = args.flatMap((arg) => (arg.type === 'fd' ? [arg.value] : []));
    const effect = descriptorEffect(name);
    const closed = effect === 'closes' ? touched : [];
    const returned = effect === 'returns' && ret >= 0 ? [ret] : [];
    const observation: { -readonly [K in keyof Observation]: Observation[K] } = { args };

    if (this.names) {
      const names = this.names;
      observation.args = args.map((arg) => named(arg, (fd) => entry?.get(fd) ?? names.describe(fd)));
      for (const fd of returned) names.settle(fd);
      if (returned.length > 0) {
        const { endpoint, inode } = names.describe(ret);
        observation.retEndpoint = endpoint;
        observation.retInode = inode;
      }
      for (const fd of touched) if (!closed.includes(fd)) names.settle(fd);
      for (const fd of closed) names.forget(fd);
    }
    for (const fd of closed) {
      this.shown.delete(fd);
      this.connections.delete(fd);
    }
    for (const fd of [...touched, ...returned]) if (!closed.includes(fd) && !this.shown.has(fd)) this.shown.set(fd, null);
    if (this.options.state) observation.states = this.states([...touched, ...returned].filter((fd) => !closed.includes(fd)));
    return observation;
  }

  /** The states of the sockets the call touched, then of any other open socket whose state changed. */
  private states(touched: number[]): SocketState[] {
    const others = [...this.shown.keys()].filter((fd) => !touched.includes(fd));
    const states: SocketState[] = [];
    for (const fd of [...new Set(touched), ...others]) {
      const state = this.withConnection(socketState(fd));
      if (!state) continue;
      const text = formatSocketState(state);
      if (touched.includes(fd) || text !== this.shown.get(fd)) states.push(state);
      this.shown.set(fd, text);
    }
    return states;
  }

  /** Remembers a connected socket's endpoints; for a socket in CLOSE that had a connection, adds where it went. */
  private withConnection(state: SocketState | null): SocketState | null {
    if (!state) return null;
    if (CONNECTED.has(state.state) && !this.connections.has(state.fd)) {
      const identity = socketIdentity(state.fd);
      const ends = identity ? findInetSocket(identity) : null;
      if (ends?.peer) this.connections.set(state.fd, { local: ends.local, peer: ends.peer });
    }
    const ends = state.state === 'CLOSE' ? this.connections.get(state.fd) : undefined;
    const connection = ends ? connectionInTables(ends) : undefined;
    return connection ? { ...state, connection } : state;
  }
}
