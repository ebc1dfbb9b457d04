// What the kernel says about the sockets a call touched, read just after the call returns:
// -y names each descriptor as strace -yy does, --state adds each TCP socket's state and queues.
// The reads are probes (fstat, getsockopt, ioctl, a sock_diag query), never traced calls, so the
// trace itself stays what strace shows.
import { tcpSnapshot } from '../libc/tcpinfo';
import { nameOf, TCP_STATES } from '../libc/xlat';
import { EndpointNames } from './endpoints';
import type { Arg, SocketState } from './event';
import { specOf } from './registry';
import { formatSocketState } from './state';

export interface KernelViewOptions {
  /** -y: name each descriptor by its socket's endpoints. */
  readonly endpoints?: boolean;
  /** --state: each TCP socket's state after each call. */
  readonly state?: boolean;
}

/** What a call's event gains from the kernel's view. */
export interface Observation {
  readonly args: Arg[];
  readonly retEndpoint?: string;
  readonly states?: SocketState[];
}

/** Whether a call's return value is a new descriptor, or its descriptor is gone after it (the registry). */
function descriptorEffect(name: string): 'returns' | 'closes' | undefined {
  const spec = specOf(name);
  return spec && spec.kind !== 'explained' ? spec.descriptor : undefined;
}

/** The state of a TCP socket now; null when `fd` is not an open TCP socket. */
export function socketState(fd: number): SocketState | null {
  const snapshot = tcpSnapshot(fd);
  if (!snapshot) return null;
  const { state, ...queues } = snapshot;
  return { fd, state: nameOf(TCP_STATES, state) ?? `TCP state ${state}`, ...queues };
}

export class KernelView {
  private readonly names: EndpointNames | null;
  /** Open descriptors seen so far, each with the state text last shown for it. */
  private readonly shown = new Map<number, string | null>();

  constructor(private readonly options: KernelViewOptions) {
    this.names = options.endpoints ? new EndpointNames() : null;
  }

  get enabled(): boolean {
    return Boolean(this.options.endpoints || this.options.state);
  }

  /** The arguments of a call still in the kernel, with -y each socket named as it is now. */
  annotate(args: readonly Arg[]): readonly Arg[] {
    const names = this.names;
    return names ? args.map((arg) => (arg.type === 'fd' ? { ...arg, endpoint: names.describe(arg.value) } : arg)) : args;
  }

  /** Called once per call, just after it returned, before its event is emitted. */
  observe(name: string, args: Arg[], ret: number): Observation {
    const touched = args.flatMap((arg) => (arg.type === 'fd' ? [arg.value] : []));
    const effect = descriptorEffect(name);
    const closed = effect === 'closes' ? touched : [];
    const returned = effect === 'returns' && ret >= 0 ? [ret] : [];
    const observation: { args: Arg[]; retEndpoint?: string; states?: SocketState[] } = { args };

    if (this.names) {
      const names = this.names;
      observation.args = args.map((arg) => (arg.type === 'fd' ? { ...arg, endpoint: names.describe(arg.value) } : arg));
      for (const fd of returned) names.settle(fd);
      if (returned.length > 0) observation.retEndpoint = names.describe(ret);
      for (const fd of touched) if (!closed.includes(fd)) names.settle(fd);
      for (const fd of closed) names.forget(fd);
    }
    for (const fd of closed) this.shown.delete(fd);
    for (const fd of [...touched, ...returned]) if (!closed.includes(fd) && !this.shown.has(fd)) this.shown.set(fd, null);
    if (this.options.state) observation.states = this.states([...touched, ...returned].filter((fd) => !closed.includes(fd)));
    return observation;
  }

  /** The states of the sockets the call touched, then of any other open socket whose state changed. */
  private states(touched: number[]): SocketState[] {
    const others = [...this.shown.keys()].filter((fd) => !touched.includes(fd));
    const states: SocketState[] = [];
    for (const fd of [...new Set(touched), ...others]) {
      const state = socketState(fd);
      if (!state) continue;
      const text = formatSocketState(state);
      if (touched.includes(fd) || text !== this.shown.get(fd)) states.push(state);
      this.shown.set(fd, text);
    }
    return states;
  }
}
