// The traced calls programs make: each one calls libc, then records one CallEvent.
// The recorder also knows which descriptors are open and which calls the kernel is holding,
// so that an interrupted program can wake those calls and close everything it opened.
import { performance } from 'node:perf_hooks';
import * as libc from '../libc/ffi';
import { addrinfoErrorInfo, ErrorInfo, errnoInfo } from '../libc/errno';
import { Addrinfo, AddrinfoHints, resolve } from '../libc/resolve';
import { AF_INET, AF_INET6, InetSockAddr, SockAddr, sockaddrSize } from '../libc/addresses';
import { decodeSockaddr, encodeSockaddr } from '../libc/sockaddr';
import {
  ADDRESS_FAMILIES,
  IP_PROTOCOLS,
  MESSAGE_FLAGS,
  SHUTDOWN_MODES,
  SOCKET_LEVELS,
  valueOf,
} from '../libc/xlat';
import type { Arg, CallEvent, CallKind } from './event';
import { KernelView, KernelViewOptions } from './kernelview';

export const SHUT_WR = valueOf(SHUTDOWN_MODES, 'SHUT_WR');
export const SHUT_RDWR = valueOf(SHUTDOWN_MODES, 'SHUT_RDWR');

export interface Outcome {
  readonly ret: number;
  /** errno when the call failed (ret is -1), else null. */
  readonly error: ErrorInfo | null;
}

export interface AddressOutcome extends Outcome {
  /** The address the kernel wrote (accept's peer, getsockname's local end); null on failure. */
  readonly addr: SockAddr | null;
}

export interface ResolveOutcome extends Outcome {
  readonly entries: readonly Addrinfo[];
}

/** Thrown out of a traced call that completes after the program was interrupted. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

function fd(value: number): Arg {
  return { name: 'sockfd', type: 'fd', value };
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

/** When a call started and returned, in milliseconds since the epoch. */
interface Timing {
  readonly started: number;
  readonly ended: number;
}

function timed<T>(call: () => T): { raw: T; timing: Timing } {
  const started = now();
  const raw = call();
  return { raw, timing: { started, ended: now() } };
}

function socklen(value: number): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(value, 0);
  return length;
}

export class Recorder {
  private seq = 0;
  private stopping = false;
  private readonly open = new Set<number>();
  private readonly held = new Map<Promise<unknown>, number>();
  private readonly view: KernelView;

  /**
   * @param emit         receives every event, in the order the calls completed
   * @param captureLimit how many bytes of data each event keeps (the most any renderer shows)
   * @param kernelView   what to read from the kernel after each call (-y, --state); off by default
   */
  constructor(
    private readonly emit: (event: CallEvent) => void,
    private readonly captureLimit: number,
    kernelView: KernelViewOptions = {},
  ) {
    this.view = new KernelView(kernelView);
  }

  get openDescriptors(): readonly number[] {
    return [...this.open];
  }

  socket(domain: number, type: number, protocol: number): Outcome {
    this.refuseIfStopping();
    const { raw, timing } = timed(() => libc.socket(domain, type, protocol));
    const inet = domain === AF_INET || domain === AF_INET6;
    const outcome = this.record('socket', timing, raw, [
      { name: 'domain', type: 'enum', table: ADDRESS_FAMILIES, value: domain },
      { name: 'type', type: 'socktype', value: type },
      inet
        ? { name: 'protocol', type: 'enum', table: IP_PROTOCOLS, value: protocol }
        : { name: 'protocol', type: 'int', value: protocol },
    ]);
    if (!outcome.error) this.open.add(outcome.ret);
    return outcome;
  }

  bind(sockfd: number, addr: InetSockAddr): Outcome {
    this.refuseIfStopping();
    const bytes = encodeSockaddr(addr);
    const { raw, timing } = timed(() => libc.bind(sockfd, bytes, bytes.length));
    return this.record('bind', timing, raw, [
      fd(sockfd),
      { name: 'addr', type: 'sockaddr', addr: decodeSockaddr(bytes, bytes.length) },
      { name: 'addrlen', type: 'int', value: bytes.length },
    ]);
  }

  listen(sockfd: number, backlog: number): Outcome {
    this.refuseIfStopping();
    const { raw, timing } = timed(() => libc.listen(sockfd, backlog));
    return this.record('listen', timing, raw, [fd(sockfd), { name: 'backlog', type: 'int', value: backlog }]);
  }

  /** accept(2) with room for an address of `family`, as a C server passes sizeof its sockaddr_in. */
  async accept(sockfd: number, family: number): Promise<AddressOutcome> {
    this.refuseIfStopping();
    const addr = Buffer.alloc(sockaddrSize(family));
    const length = socklen(addr.length);
    const { raw, timing } = await this.hold(sockfd, () => libc.accept(sockfd, addr, length));
    const outcome = this.recordAddress('accept', timing, raw, sockfd, addr, length);
    if (!outcome.error) this.open.add(outcome.ret);
    return this.unlessStopping(outcome);
  }

  async connect(sockfd: number, addr: InetSockAddr): Promise<Outcome> {
    this.refuseIfStopping();
    const bytes = encodeSockaddr(addr);
    const { raw, timing } = await this.hold(sockfd, () => libc.connect(sockfd, bytes, bytes.length));
    return this.unlessStopping(
      this.record('connect', timing, raw, [
        fd(sockfd),
        { name: 'addr', type: 'sockaddr', addr: decodeSockaddr(bytes, bytes.length) },
        { name: 'addrlen', type: 'int', value: bytes.length },
      ]),
    );
  }

  /** One send(2): it may send fewer bytes than given; the return value says how many. */
  async send(sockfd: number, data: Buffer, flags = 0): Promise<Outcome> {
    this.refuseIfStopping();
    const { raw, timing } = await this.hold(sockfd, () => libc.send(sockfd, data, flags));
    return this.unlessStopping(
      this.record('send', timing, raw, [
        fd(sockfd),
        { name: 'buf', type: 'bytes', head: this.capture(data, data.length), length: data.length },
        { name: 'len', type: 'int', value: data.length },
        { name: 'flags', type: 'flags', table: MESSAGE_FLAGS, value: flags },
      ]),
    );
  }

  /** One recv(2) into `buffer`; on success its first `ret` bytes hold the data. */
  async recv(sockfd: number, buffer: Buffer, flags = 0): Promise<Outcome> {
    this.refuseIfStopping();
    const { raw, timing } = await this.hold(sockfd, () => libc.recv(sockfd, buffer, flags));
    const data: Arg =
      raw.value >= 0
        ? { name: 'buf', type: 'bytes', head: this.capture(buffer, raw.value), length: raw.value }
        : { name: 'buf', type: 'pointer', value: libc.addressOf(buffer) };
    return this.unlessStopping(
      this.record('recv', timing, raw, [
        fd(sockfd),
        data,
        { name: 'len', type: 'int', value: buffer.length },
        { name: 'flags', type: 'flags', table: MESSAGE_FLAGS, value: flags },
      ]),
    );
  }

  shutdown(sockfd: number, how: number): Outcome {
    this.refuseIfStopping();
    return this.shutdownNow(sockfd, how);
  }

  close(sockfd: number): Outcome {
    this.refuseIfStopping();
    return this.closeNow(sockfd);
  }

  getsockname(sockfd: number, family: number): AddressOutcome {
    this.refuseIfStopping();
    return this.queryAddress('getsockname', libc.getsockname, sockfd, family);
  }

  getpeername(sockfd: number, family: number): AddressOutcome {
    this.refuseIfStopping();
    return this.queryAddress('getpeername', libc.getpeername, sockfd, family);
  }

  /** setsockopt(2) with an int option value, as for SO_REUSEADDR. */
  setsockoptInt(sockfd: number, level: number, option: number, value: number): Outcome {
    this.refuseIfStopping();
    const bytes = Buffer.alloc(4);
    bytes.writeInt32LE(value, 0);
    const { raw, timing } = timed(() => libc.setsockopt(sockfd, level, option, bytes));
    return this.record('setsockopt', timing, raw, [
      fd(sockfd),
      { name: 'level', type: 'enum', table: SOCKET_LEVELS, value: level },
      { name: 'optname', type: 'sockopt', level, value: option },
      { name: 'optval', type: 'intref', value },
      { name: 'optlen', type: 'int', value: bytes.length },
    ]);
  }

  /** getaddrinfo(3): a library call that reads /etc/hosts and may ask DNS; not a system call. */
  async getaddrinfo(node: string, service: string, hints: AddrinfoHints): Promise<ResolveOutcome> {
    this.refuseIfStopping();
    const started = now();
    const result = await resolve(node, service, hints);
    const timing = { started, ended: now() };
    const error = result.status === 0 ? null : addrinfoErrorInfo(result.status);
    this.emitEvent('getaddrinfo', 'libc', timing, result.status, error, [
      { name: 'node', type: 'string', value: node },
      { name: 'service', type: 'string', value: service },
      { name: 'hints', type: 'hints', hints },
      { name: 'res', type: 'addrinfo', entries: result.entries },
    ]);
    return this.unlessStopping({ ret: result.status, error, entries: result.entries });
  }

  /**
   * Ends the program's use of the kernel: later calls are refused, calls the kernel is holding are
   * woken with shutdown(SHUT_RDWR) (close would not wake them on Linux), and once they have
   * returned, every descriptor still open is closed. Each of those calls is traced.
   */
  async releaseAll(): Promise<void> {
    this.stopping = true;
    for (const sockfd of new Set(this.held.values())) this.shutdownNow(sockfd, SHUT_RDWR);
    await Promise.allSettled([...this.held.keys()]);
    for (const sockfd of [...this.open].reverse()) this.closeNow(sockfd);
  }

  private shutdownNow(sockfd: number, how: number): Outcome {
    const { raw, timing } = timed(() => libc.shutdown(sockfd, how));
    return this.record('shutdown', timing, raw, [
      fd(sockfd),
      { name: 'how', type: 'enum', table: SHUTDOWN_MODES, value: how },
    ]);
  }

  private closeNow(sockfd: number): Outcome {
    const { raw, timing } = timed(() => libc.close(sockfd));
    // After close(2) the descriptor is gone even when it reports an error (see close(2), NOTES).
    this.open.delete(sockfd);
    return this.record('close', timing, raw, [{ name: 'fd', type: 'fd', value: sockfd }]);
  }

  private queryAddress(
    name: string,
    call: (sockfd: number, addr: Buffer, length: Buffer) => libc.RawResult,
    sockfd: number,
    family: number,
  ): AddressOutcome {
    const addr = Buffer.alloc(sockaddrSize(family));
    const length = socklen(addr.length);
    const { raw, timing } = timed(() => call(sockfd, addr, length));
    return this.recordAddress(name, timing, raw, sockfd, addr, length);
  }

  /** accept, getsockname, getpeername: the address and its value-result length, as the kernel left them. */
  private recordAddress(
    name: string,
    timing: Timing,
    raw: libc.RawResult,
    sockfd: number,
    addr: Buffer,
    length: Buffer,
  ): AddressOutcome {
    const after = length.readUInt32LE(0);
    const decoded = raw.value >= 0 ? decodeSockaddr(addr, after) : null;
    const outcome = this.record(name, timing, raw, [
      fd(sockfd),
      decoded
        ? { name: 'addr', type: 'sockaddr', addr: decoded }
        : { name: 'addr', type: 'pointer', value: libc.addressOf(addr) },
      { name: 'addrlen', type: 'socklen', before: addr.length, after },
    ]);
    return { ...outcome, addr: decoded };
  }

  private capture(data: Buffer, length: number): Buffer {
    return Buffer.from(data.subarray(0, Math.min(length, this.captureLimit)));
  }

  private record(name: string, timing: Timing, raw: libc.RawResult, args: Arg[]): Outcome {
    const error = raw.value === -1 ? errnoInfo(raw.errno) : null;
    this.emitEvent(name, 'syscall', timing, raw.value, error, args);
    return { ret: raw.value, error };
  }

  private emitEvent(
    name: string,
    kind: CallKind,
    timing: Timing,
    ret: number,
    error: ErrorInfo | null,
    args: Arg[],
  ): void {
    const { args: observedArgs, ...kernel } = this.view.enabled ? this.view.observe(name, args, ret) : { args };
    this.emit({
      seq: ++this.seq,
      pid: process.pid,
      name,
      kind,
      args: observedArgs,
      ret,
      error,
      startedAt: timing.started,
      durationMs: timing.ended - timing.started,
      ...kernel,
    });
  }

  /** Runs a call the kernel may hold, remembering which descriptor it waits on until it returns. */
  private async hold<T>(sockfd: number, start: () => Promise<T>): Promise<{ raw: T; timing: Timing }> {
    const started = now();
    const call = start();
    this.held.set(call, sockfd);
    try {
      const raw = await call;
      return { raw, timing: { started, ended: now() } };
    } finally {
      this.held.delete(call);
    }
  }

  private refuseIfStopping(): void {
    if (this.stopping) throw new Interrupted();
  }

  private unlessStopping<T>(outcome: T): T {
    this.refuseIfStopping();
    return outcome;
  }
}
