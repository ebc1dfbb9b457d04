// The traced calls programs make: each one calls libc, then records one CallEvent.
// The recorder also knows which descriptors are open and which calls the kernel is holding,
// so that an interrupted program can wake those calls and close everything it opened.
import { performance } from 'node:perf_hooks';
import * as libc from '../libc/ffi';
import { addrinfoErrorInfo, ErrorInfo, errnoInfo } from '../libc/errno';
import { Addrinfo, AddrinfoHints, resolve } from '../libc/resolve';
import { InetSockAddr, SockAddr, sockaddrSize } from '../libc/addresses';
import { decodeSockaddr } from '../libc/sockaddr';
import { decodeRevents, encodePollFds, PollRequest } from '../libc/pollfd';
import { SHUTDOWN_MODES, valueOf } from '../libc/xlat';
import type { Arg, BlockedCall, CallEvent, CallKind, PollFd } from './event';
import { fillOutputs, plan } from './plans';
import type { KernelView } from './kernelview';

export const SHUT_WR = valueOf(SHUTDOWN_MODES, 'SHUT_WR');
export const SHUT_RDWR = valueOf(SHUTDOWN_MODES, 'SHUT_RDWR');

/** struct timeval on x86_64: tv_sec and tv_usec, 8 bytes each. */
const TIMEVAL_SIZE = 16;

export interface Outcome {
  readonly ret: number;
  /** errno when the call failed (ret is -1), else null. */
  readonly error: ErrorInfo | null;
}

export interface AddressOutcome extends Outcome {
  /** The address the kernel wrote (accept's peer, getsockname's local end); null on failure. */
  readonly addr: SockAddr | null;
}

export interface PollOutcome extends Outcome {
  /** The entries whose revents the kernel set; empty on timeout or failure. */
  readonly ready: readonly PollFd[];
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

/** How long a call may take before it is reported as blocked. */
export const BLOCKED_AFTER_MS = 200;

function now(): number {
  return performance.timeOrigin + performance.now();
}

/** When a call started and returned, in milliseconds since the epoch; whether it was reported blocked. */
interface Timing {
  readonly started: number;
  readonly ended: number;
  readonly blocked?: boolean;
  readonly wokenToLeave?: boolean;
}

/** A call that does not wait, made on this thread: timed by ffi.ts immediately around the libc call. */
function timed<T>(call: () => T): { raw: T; timing: Timing } {
  const raw = call();
  return { raw, timing: libc.lastCallTimes() };
}

/**
 * What a call thread (src/callthread/) gives its recorder: calls that may wait are then made
 * synchronously on that thread and timed there, and the main thread, which supervises, learns
 * which call the thread is in without being woken (a CallSlot).
 */
export interface CallSeam {
  /** True once the main thread has asked the program to leave: no call is made after it. */
  readonly stopping: boolean;
  /** The next event's sequence number, shared by every thread of the process. */
  nextSeq(): number;
  /**
   * Just before a call that may wait: its name, the descriptors it waits on, its planned arguments
   * and its start (ms since the epoch) are published; returns a ticket for leave().
   */
  enter(name: string, fds: readonly number[], planned: readonly Arg[], startedAt: number): number;
  /**
   * Just after: whether the main thread reported it blocked (its unfinished line is then written),
   * and whether it returned because the program is leaving (the main thread's wake-up calls are
   * then written too, so that this call's line follows them).
   */
  leave(ticket: number): { blocked: boolean; wokenToLeave: boolean };
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
  private readonly held = new Map<Promise<unknown>, readonly number[]>();

  /**
   * @param emit         receives every event, in the order the calls completed
   * @param captureLimit how many bytes of data each event keeps (the most any renderer shows)
   * @param onBlocked    receives a call the kernel has held for BLOCKED_AFTER_MS, before its event
   * @param view         reads the kernel after each call (-y, --state); none by default, and then
   *                     its module is never loaded. Recorders given one KernelView share what it saw.
   * @param seam         on a call thread: calls that may wait are made there synchronously, and the
   *                     main thread reports them blocked (onBlocked is then not called here)
   */
  constructor(
    private readonly emit: (event: CallEvent) => void,
    private readonly captureLimit: number,
    private readonly onBlocked: (call: BlockedCall) => void = () => undefined,
    private readonly view?: KernelView,
    private readonly seam?: CallSeam,
  ) {}

  get openDescriptors(): readonly number[] {
    return [...this.open];
  }

  socket(domain: number, type: number, protocol: number): Outcome {
    this.refuseIfStopping();
    const { raw, timing } = timed(() => libc.socket(domain, type, protocol));
    const outcome = this.record('socket', timing, raw, plan.socket(domain, type, protocol));
    if (!outcome.error) this.open.add(outcome.ret);
    return outcome;
  }

  bind(sockfd: number, addr: InetSockAddr): Outcome {
    this.refuseIfStopping();
    const { bytes, args } = plan.withAddress(sockfd, addr);
    const { raw, timing } = timed(() => libc.bind(sockfd, bytes, bytes.length));
    return this.record('bind', timing, raw, args);
  }

  listen(sockfd: number, backlog: number): Outcome {
    this.refuseIfStopping();
    const { raw, timing } = timed(() => libc.listen(sockfd, backlog));
    return this.record('listen', timing, raw, plan.listen(sockfd, backlog));
  }

  /** accept(2) with room for an address of `family`, as a C server passes sizeof its sockaddr_in. */
  async accept(sockfd: number, family: number): Promise<AddressOutcome> {
    this.refuseIfStopping();
    const addr = Buffer.alloc(sockaddrSize(family));
    const length = socklen(addr.length);
    const { raw, timing } = await this.hold('accept', plan.addressQuery(sockfd), sockfd, () => libc.accept(sockfd, addr, length));
    const outcome = this.recordAddress('accept', timing, raw, sockfd, addr, length);
    if (!outcome.error) this.open.add(outcome.ret);
    return this.unlessStopping(outcome);
  }

  async connect(sockfd: number, addr: InetSockAddr): Promise<Outcome> {
    this.refuseIfStopping();
    const { bytes, args } = plan.withAddress(sockfd, addr);
    const { raw, timing } = await this.hold('connect', args, sockfd, () => libc.connect(sockfd, bytes, bytes.length));
    return this.unlessStopping(this.record('connect', timing, raw, args));
  }

  /** One send(2): it may send fewer bytes than given; the return value says how many. */
  async send(sockfd: number, data: Buffer, flags = 0): Promise<Outcome> {
    this.refuseIfStopping();
    const args = plan.send(sockfd, this.capture(data, data.length), data.length, flags);
    const { raw, timing } = await this.hold('send', args, sockfd, () => libc.send(sockfd, data, flags));
    return this.unlessStopping(this.record('send', timing, raw, args));
  }

  /** One recv(2) into `buffer`; on success its first `ret` bytes hold the data. */
  async recv(sockfd: number, buffer: Buffer, flags = 0): Promise<Outcome> {
    this.refuseIfStopping();
    const planned = plan.recv(sockfd, buffer.length, flags);
    const { raw, timing } = await this.hold('recv', planned, sockfd, () => libc.recv(sockfd, buffer, flags));
    return this.unlessStopping(this.record('recv', timing, raw, fillOutputs(planned, { buf: this.receivedInto(buffer, raw) })));
  }

  /** One sendto(2): a datagram to `addr`; UDP sends it whole or not at all. */
  async sendto(sockfd: number, data: Buffer, addr: InetSockAddr, flags = 0): Promise<Outcome> {
    this.refuseIfStopping();
    const { bytes, args } = plan.sendto(sockfd, this.capture(data, data.length), data.length, flags, addr);
    const { raw, timing } = await this.hold('sendto', args, sockfd, () => libc.sendto(sockfd, data, flags, bytes));
    return this.unlessStopping(this.record('sendto', timing, raw, args));
  }

  /**
   * One recvfrom(2) into `buffer`, with room for a sender's address of `family`: on success the
   * first `ret` bytes hold one datagram and `addr` the address the kernel wrote.
   */
  async recvfrom(sockfd: number, buffer: Buffer, family: number, flags = 0): Promise<AddressOutcome> {
    this.refuseIfStopping();
    const addr = Buffer.alloc(sockaddrSize(family));
    const length = socklen(addr.length);
    const planned = plan.recvfrom(sockfd, buffer.length, flags);
    const { raw, timing } = await this.hold('recvfrom', planned, sockfd, () => libc.recvfrom(sockfd, buffer, flags, addr, length));
    const after = length.readUInt32LE(0);
    // As strace: a failed call shows both buffers by address and the length as passed; an address
    // shorter than its family field (a wake-up with no datagram) is shown by address too.
    const decoded = raw.value >= 0 && after >= 2 ? decodeSockaddr(addr, after) : null;
    const outcome = this.record(
      'recvfrom',
      timing,
      raw,
      fillOutputs(planned, {
        buf: this.receivedInto(buffer, raw),
        src_addr: decoded
          ? { name: 'src_addr', type: 'sockaddr', addr: decoded }
          : { name: 'src_addr', type: 'pointer', value: libc.addressOf(addr) },
        addrlen: { name: 'addrlen', type: 'socklen', before: addr.length, after: raw.value >= 0 ? after : addr.length },
      }),
    );
    return this.unlessStopping({ ...outcome, addr: decoded });
  }

  /**
   * poll(2): waits until one of `fds` is ready, or `timeout` ms have passed (-1: no limit). Held on all
   * of them, so releaseAll's shutdown of each wakes it. `ready` lists the entries the kernel marked.
   */
  async poll(fds: readonly PollRequest[], timeout: number): Promise<PollOutcome> {
    this.refuseIfStopping();
    const bytes = encodePollFds(fds);
    const planned = plan.poll(fds.map((entry) => ({ ...entry, revents: 0 })), timeout);
    const { raw, timing } = await this.hold('poll', planned, fds.map((entry) => entry.fd), () => libc.poll(bytes, timeout));
    const revents = decodeRevents(bytes);
    const ready = raw.value > 0 ? fds.map((entry, i) => ({ ...entry, revents: revents[i] })).filter((entry) => entry.revents !== 0) : [];
    const outcome = this.record('poll', timing, raw, planned, raw.value >= 0 ? ready : undefined);
    return this.unlessStopping({ ...outcome, ready });
  }

  shutdown(sockfd: number, how: number): Outcome {
    this.refuseIfStopping();
    return this.shutdownNow(sockfd, how);
  }

  /**
   * close(2). A program must not close a descriptor another of its calls is still waiting on: Linux
   * would let that call go on, and the number could be reused under it. That is a bug in netsys, so it
   * fails loudly here rather than tracing a close that a careful C program would not make.
   */
  close(sockfd: number): Outcome {
    this.refuseIfStopping();
    if ([...this.held.values()].some((fds) => fds.includes(sockfd))) {
      throw new Error(`close(${sockfd}) while another call on it is still in the kernel`);
    }
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
    return this.record('setsockopt', timing, raw, plan.setsockoptInt(sockfd, level, option, value));
  }

  /**
   * setsockopt(2) with a struct timeval, as for SO_RCVTIMEO. strace 6.1 does not decode this
   * option's value: it shows the struct's 16 bytes as a string, and so does netsys.
   */
  setsockoptTimeval(sockfd: number, level: number, option: number, microseconds: number): Outcome {
    this.refuseIfStopping();
    const bytes = Buffer.alloc(TIMEVAL_SIZE);
    bytes.writeBigInt64LE(BigInt(Math.floor(microseconds / 1e6)), 0);
    bytes.writeBigInt64LE(BigInt(microseconds % 1e6), 8);
    const { raw, timing } = timed(() => libc.setsockopt(sockfd, level, option, bytes));
    const optval: Arg = { name: 'optval', type: 'bytes', head: this.capture(bytes, bytes.length), length: bytes.length };
    return this.record('setsockopt', timing, raw, plan.setsockopt(sockfd, level, option, optval, bytes.length));
  }

  /** getaddrinfo(3): a library call that reads /etc/hosts and may ask DNS; not a system call. */
  async getaddrinfo(node: string, service: string, hints: AddrinfoHints): Promise<ResolveOutcome> {
    this.refuseIfStopping();
    const started = now();
    const result = await resolve(node, service, hints);
    const timing = { started, ended: now() };
    const error = result.status === 0 ? null : addrinfoErrorInfo(result.status);
    const args = fillOutputs(plan.getaddrinfo(node, service, hints), {
      res: { name: 'res', type: 'addrinfo', entries: result.entries },
    });
    this.emitEvent('getaddrinfo', 'libc', timing, result.status, error, args);
    return this.unlessStopping({ ret: result.status, error, entries: result.entries });
  }

  /**
   * Ends the program's use of the kernel: later calls are refused, calls the kernel is holding are
   * woken with shutdown(SHUT_RDWR) (close would not wake them on Linux), and once they have
   * returned, every descriptor still open is closed. Each of those calls is traced.
   */
  async releaseAll(): Promise<void> {
    this.stopping = true;
    for (const sockfd of new Set([...this.held.values()].flat())) this.shutdownNow(sockfd, SHUT_RDWR);
    await Promise.allSettled([...this.held.keys()]);
    for (const sockfd of [...this.open].reverse()) this.closeNow(sockfd);
  }

  private shutdownNow(sockfd: number, how: number): Outcome {
    const { raw, timing } = timed(() => libc.shutdown(sockfd, how));
    return this.record('shutdown', timing, raw, plan.shutdown(sockfd, how));
  }

  private closeNow(sockfd: number): Outcome {
    const { raw, timing } = timed(() => libc.close(sockfd));
    // After close(2) the descriptor is gone even when it reports an error (see close(2), NOTES).
    this.open.delete(sockfd);
    return this.record('close', timing, raw, plan.close(sockfd));
  }

  /** A receive buffer as strace shows it after the call: the bytes received, or (failed) its address. */
  private receivedInto(buffer: Buffer, raw: libc.RawResult): Arg {
    return raw.value >= 0
      ? { name: 'buf', type: 'bytes', head: this.capture(buffer, raw.value), length: raw.value }
      : { name: 'buf', type: 'pointer', value: libc.addressOf(buffer) };
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
    const outcome = this.record(
      name,
      timing,
      raw,
      fillOutputs(plan.addressQuery(sockfd), {
        addr: decoded
          ? { name: 'addr', type: 'sockaddr', addr: decoded }
          : { name: 'addr', type: 'pointer', value: libc.addressOf(addr) },
        addrlen: { name: 'addrlen', type: 'socklen', before: addr.length, after },
      }),
    );
    return { ...outcome, addr: decoded };
  }

  private capture(data: Buffer, length: number): Buffer {
    return Buffer.from(data.subarray(0, Math.min(length, this.captureLimit)));
  }

  private record(name: string, timing: Timing, raw: libc.RawResult, args: Arg[], ready?: readonly PollFd[]): Outcome {
    const error = raw.value === -1 ? errnoInfo(raw.errno) : null;
    this.emitEvent(name, 'syscall', timing, raw.value, error, args, ready);
    return { ret: raw.value, error };
  }

  private emitEvent(
    name: string,
    kind: CallKind,
    timing: Timing,
    ret: number,
    error: ErrorInfo | null,
    args: Arg[],
    ready?: readonly PollFd[],
  ): void {
    const { args: observedArgs, ...kernel } = this.view?.enabled ? this.view.observe(name, args, ret) : { args };
    this.emit({
      seq: this.seam ? this.seam.nextSeq() : ++this.seq,
      pid: process.pid,
      name,
      kind,
      args: observedArgs,
      ret,
      error,
      startedAt: timing.started,
      durationMs: timing.ended - timing.started,
      ...(timing.blocked ? { blocked: true } : {}),
      ...(timing.wokenToLeave ? { wokenToLeave: true } : {}),
      ...(ready ? { ready } : {}),
      ...kernel,
    });
  }

  /**
   * Runs a call the kernel may hold, remembering which descriptor it waits on until it returns.
   * If it has not returned after BLOCKED_AFTER_MS, it is reported as blocked, with its planned args.
   */
  private async hold<T>(
    name: string,
    planned: readonly Arg[],
    sockfd: number | readonly number[],
    start: () => Promise<T>,
  ): Promise<{ raw: T; timing: Timing }> {
    if (this.seam) return this.holdHere(name, planned, sockfd, start);
    const started = now();
    let blocked = false;
    const timer = setTimeout(() => {
      blocked = true;
      this.onBlocked({ pid: process.pid, name, kind: 'syscall', args: this.view ? this.view.annotate(planned) : planned, startedAt: started });
    }, BLOCKED_AFTER_MS);
    const call = start();
    this.held.set(call, typeof sockfd === 'number' ? [sockfd] : sockfd);
    try {
      const raw = await call;
      return { raw, timing: { started, ended: now(), blocked, ...(this.stopping ? { wokenToLeave: true } : {}) } };
    } finally {
      clearTimeout(timer);
      this.held.delete(call);
    }
  }

  /**
   * hold() on a call thread: the call is made synchronously (start() returns a settled Promise) and
   * timed by ffi.ts right around the libc call; the main thread sees it through the seam meanwhile.
   */
  private async holdHere<T>(
    name: string,
    planned: readonly Arg[],
    sockfd: number | readonly number[],
    start: () => Promise<T>,
  ): Promise<{ raw: T; timing: Timing }> {
    const seam = this.seam!;
    const fds = typeof sockfd === 'number' ? [sockfd] : sockfd;
    const ticket = seam.enter(name, fds, this.view ? this.view.annotate(planned) : planned, now());
    const call = start();
    const times = libc.lastCallTimes();
    const { blocked, wokenToLeave } = seam.leave(ticket);
    const raw = await call;
    return { raw, timing: { ...times, blocked, ...(wokenToLeave ? { wokenToLeave: true } : {}) } };
  }

  private refuseIfStopping(): void {
    if (this.stopping || this.seam?.stopping) throw new Interrupted();
  }

  private unlessStopping<T>(outcome: T): T {
    this.refuseIfStopping();
    return outcome;
  }
}
