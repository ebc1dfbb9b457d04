// Making a lesson step's call: its arguments resolved against what earlier steps returned, the call
// as it is about to be made (for the learner to read first), and the call itself, on that side's recorder.
import { AF_INET, AF_INET6, InetSockAddr, isInet } from '../libc/addresses';
import { POLL_EVENTS, SOCKET_TYPES, valueOf } from '../libc/xlat';
import type { Arg, CallKind } from '../trace/event';
import { plan } from '../trace/plans';
import type { AddressOutcome, Outcome, Recorder } from '../trace/recorder';
import type { ArgExpr, Step } from './format';
import { isLessonCall, LessonCall } from './signatures';

/** What a name bound by an earlier step stands for. */
export type Value =
  | { readonly kind: 'fd'; readonly fd: number; readonly family: number }
  | { readonly kind: 'address'; readonly addr: InetSockAddr }
  | { readonly kind: 'data'; readonly bytes: Buffer }
  /** What recvfrom returned: the bytes of one datagram, and who sent it. */
  | { readonly kind: 'datagram'; readonly bytes: Buffer; readonly addr: InetSockAddr }
  | { readonly kind: 'count'; readonly value: number };

export interface Made {
  readonly outcome: Outcome;
  /** What the step's name (before `=`) now stands for, when the call succeeded. */
  readonly value?: Value;
}

export interface Prepared {
  readonly name: string;
  readonly kind: CallKind;
  /** The arguments as they will be passed; those the kernel fills in are placeholders. */
  readonly args: readonly Arg[];
  make(): Promise<Made>;
}

const SOCK_STREAM = valueOf(SOCKET_TYPES, 'SOCK_STREAM');
const POLLIN = valueOf(POLL_EVENTS, 'POLLIN');
const RECEIVE_LIMIT = 1 << 20;

/** A lesson step refers to a name whose value is not there (its step failed or is still blocked). */
export class MissingValue extends Error {}

class Resolver {
  constructor(
    private readonly step: Step,
    private readonly values: ReadonlyMap<string, Value>,
  ) {}

  private named(expr: ArgExpr): Value | undefined {
    if (expr.kind !== 'name') return undefined;
    const value = this.values.get(expr.name);
    if (!value) throw new MissingValue(expr.name);
    return value;
  }

  private at(index: number): ArgExpr | undefined {
    return this.step.args[index];
  }

  fd(index: number): { fd: number; family: number } {
    const value = this.named(this.at(index)!);
    if (value?.kind !== 'fd') throw new MissingValue(`argument ${index + 1}`);
    return value;
  }

  int(index: number, fallback = 0): number {
    const expr = this.at(index);
    if (!expr) return fallback;
    if (expr.kind === 'int' || expr.kind === 'constant') return expr.value;
    const value = this.named(expr);
    if (value?.kind === 'count') return value.value;
    throw new MissingValue(`argument ${index + 1}`);
  }

  text(index: number): string {
    const expr = this.at(index);
    return expr?.kind === 'string' ? expr.value : '';
  }

  data(index: number): Buffer {
    const expr = this.at(index)!;
    if (expr.kind === 'string') return Buffer.from(expr.value, 'utf8');
    const value = this.named(expr);
    if (value?.kind === 'data' || value?.kind === 'datagram') return value.bytes;
    throw new MissingValue(`argument ${index + 1}`);
  }

  address(index: number): InetSockAddr {
    const expr = this.at(index)!;
    if (expr.kind === 'address') {
      const family = expr.host.includes(':') ? AF_INET6 : AF_INET;
      return { family, address: expr.host, port: expr.port, flowinfo: 0, scopeId: 0 };
    }
    const value = this.named(expr);
    if (value?.kind === 'address' || value?.kind === 'datagram') return value.addr;
    throw new MissingValue(`argument ${index + 1}`);
  }

  fds(index: number): number[] {
    const expr = this.at(index)!;
    if (expr.kind !== 'names') throw new MissingValue(`argument ${index + 1}`);
    return expr.names.map((name) => {
      const value = this.values.get(name);
      if (value?.kind !== 'fd') throw new MissingValue(name);
      return value.fd;
    });
  }

  port(index: number): number {
    const expr = this.at(index)!;
    if (expr.kind === 'int') return expr.value;
    return this.address(index).port;
  }
}

function syscall(name: string, args: readonly Arg[], make: () => Promise<Made> | Made): Prepared {
  return { name, kind: 'syscall', args, make: async () => make() };
}

function fdValue(outcome: Outcome, family: number): Made {
  return outcome.error ? { outcome } : { outcome, value: { kind: 'fd', fd: outcome.ret, family } };
}

function addressValue(outcome: AddressOutcome): Made {
  const addr = outcome.addr;
  return addr && isInet(addr) ? { outcome, value: { kind: 'address', addr } } : { outcome };
}

function countValue(outcome: Outcome): Made {
  return outcome.error ? { outcome } : { outcome, value: { kind: 'count', value: outcome.ret } };
}

/** How each call a lesson can make is shown and made, from its resolved arguments. */
type Maker = (r: Resolver, calls: Recorder) => Prepared;

function addressCall(name: 'bind' | 'connect'): Maker {
  return (r, calls) => {
    const { fd } = r.fd(0);
    const addr = r.address(1);
    const args = plan.withAddress(fd, addr).args;
    return name === 'bind'
      ? syscall('bind', args, () => ({ outcome: calls.bind(fd, addr) }))
      : syscall('connect', args, async () => ({ outcome: await calls.connect(fd, addr) }));
  };
}

function nameQuery(name: 'getsockname' | 'getpeername'): Maker {
  return (r, calls) => {
    const { fd, family } = r.fd(0);
    return syscall(name, plan.addressQuery(fd), () => addressValue(calls[name](fd, family)));
  };
}

const MAKERS: Readonly<Record<LessonCall, Maker>> = {
  socket: (r, calls) => {
    const [domain, type, protocol] = [r.int(0), r.int(1), r.int(2)];
    return syscall('socket', plan.socket(domain, type, protocol), () => fdValue(calls.socket(domain, type, protocol), domain));
  },
  bind: addressCall('bind'),
  connect: addressCall('connect'),
  listen: (r, calls) => {
    const { fd } = r.fd(0);
    const backlog = r.int(1);
    return syscall('listen', plan.listen(fd, backlog), () => ({ outcome: calls.listen(fd, backlog) }));
  },
  accept: (r, calls) => {
    const { fd, family } = r.fd(0);
    return syscall('accept', plan.addressQuery(fd), async () => fdValue(await calls.accept(fd, family), family));
  },
  getsockname: nameQuery('getsockname'),
  getpeername: nameQuery('getpeername'),
  send: (r, calls) => {
    const { fd } = r.fd(0);
    const [data, flags] = [r.data(1), r.int(2)];
    return syscall('send', plan.send(fd, data, data.length, flags), async () => countValue(await calls.send(fd, data, flags)));
  },
  recv: (r, calls) => {
    const { fd } = r.fd(0);
    const [length, flags] = [Math.min(r.int(1), RECEIVE_LIMIT), r.int(2)];
    return syscall('recv', plan.recv(fd, length, flags), async () => {
      const buffer = Buffer.alloc(length);
      const outcome = await calls.recv(fd, buffer, flags);
      if (outcome.error) return { outcome };
      return { outcome, value: { kind: 'data', bytes: Buffer.from(buffer.subarray(0, outcome.ret)) } };
    });
  },
  sendto: (r, calls) => {
    const { fd } = r.fd(0);
    const [data, addr, flags] = [r.data(1), r.address(2), r.int(3)];
    return syscall('sendto', plan.sendto(fd, data, data.length, flags, addr).args, async () =>
      countValue(await calls.sendto(fd, data, addr, flags)),
    );
  },
  recvfrom: (r, calls) => {
    const { fd, family } = r.fd(0);
    const [length, flags] = [Math.min(r.int(1), RECEIVE_LIMIT), r.int(2)];
    return syscall('recvfrom', plan.recvfrom(fd, length, flags), async () => {
      const buffer = Buffer.alloc(length);
      const outcome = await calls.recvfrom(fd, buffer, family, flags);
      if (outcome.error || !outcome.addr || !isInet(outcome.addr)) return { outcome };
      return { outcome, value: { kind: 'datagram', bytes: Buffer.from(buffer.subarray(0, outcome.ret)), addr: outcome.addr } };
    });
  },
  poll: (r, calls) => {
    const fds = r.fds(0).map((fd) => ({ fd, events: POLLIN }));
    const timeout = r.int(1);
    return syscall('poll', plan.poll(fds.map((entry) => ({ ...entry, revents: 0 })), timeout), async () =>
      countValue(await calls.poll(fds, timeout)),
    );
  },
  shutdown: (r, calls) => {
    const { fd } = r.fd(0);
    const how = r.int(1);
    return syscall('shutdown', plan.shutdown(fd, how), () => ({ outcome: calls.shutdown(fd, how) }));
  },
  close: (r, calls) => {
    const { fd } = r.fd(0);
    return syscall('close', plan.close(fd), () => ({ outcome: calls.close(fd) }));
  },
  setsockopt: (r, calls) => {
    const { fd } = r.fd(0);
    const [level, option, value] = [r.int(1), r.int(2), r.int(3)];
    return syscall('setsockopt', plan.setsockoptInt(fd, level, option, value), () => ({
      outcome: calls.setsockoptInt(fd, level, option, value),
    }));
  },
  getaddrinfo: (r, calls) => {
    const node = r.text(0);
    const service = String(r.port(1));
    const hints = { flags: 0, family: r.int(2), socktype: SOCK_STREAM, protocol: 0 };
    return {
      name: 'getaddrinfo',
      kind: 'libc',
      args: plan.getaddrinfo(node, service, hints),
      make: async () => {
        const outcome = await calls.getaddrinfo(node, service, hints);
        const first = outcome.entries[0];
        return first ? { outcome, value: { kind: 'address', addr: first.addr } } : { outcome };
      },
    };
  },
};

/** The step's call, ready to show and to make. Throws MissingValue if a name it uses has no value. */
export function prepare(step: Step, values: ReadonlyMap<string, Value>, calls: Recorder): Prepared {
  if (!isLessonCall(step.call)) throw new Error(`no way to make ${step.call}`); // the loader accepts only these
  return MAKERS[step.call](new Resolver(step, values), calls);
}
