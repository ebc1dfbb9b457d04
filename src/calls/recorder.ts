// The traced calls programs make, all by one path: the call's plan (from its registry entry) in,
// its C values to libc (invoke.ts, the one place libc is called), what the kernel filled in decoded,
// one CallEvent recorded. The recorder also knows which descriptors are open and which calls the
// kernel is holding (descriptors.ts), so that an interrupted program can wake them and close all.
import { addrinfoErrorInfo, errnoInfo } from '../libc/native/errno';
import type { ErrorInfo } from '../libc/results';
import { resolve } from '../libc/native/resolve';
import type { Addrinfo } from '../libc/results';
import type { SockAddr } from '../libc/addresses';
import { SHUTDOWN_MODES, valueOf } from '../libc/xlat';
import { Descriptors } from './descriptors';
import { Interrupted } from './interrupted';
import { whatHoldsIt } from './held';
import type { Arg, BlockedCall, CallEvent, PollFd } from './event';
import { CallPlace, Invocation, invoke, now, Pending } from './invoke';
import type { EntryNames, KernelView } from './kernelview';
import { Filled, planCall, Planned, PlannedCall, Returned } from './plans';
import { ArgsOf, CallName, Has, specOf, SyscallName, Waits } from './registry';

export const SHUT_WR = valueOf(SHUTDOWN_MODES, 'SHUT_WR');
export const SHUT_RDWR = valueOf(SHUTDOWN_MODES, 'SHUT_RDWR');

export interface Outcome {
  readonly ret: number;
  /** errno (getaddrinfo: its EAI_* code) when the call failed, else null. */
  readonly error: ErrorInfo | null;
}

export interface AddressOutcome extends Outcome {
  /** The address the kernel wrote (accept's peer, getsockname's local end, recvfrom's sender); null when none. */
  readonly addr: SockAddr | null;
}

export interface PollOutcome extends Outcome {
  /** The entries whose revents the kernel set; empty on timeout or failure. */
  readonly ready: readonly PollFd[];
}

export interface ResolveOutcome extends Outcome {
  readonly entries: readonly Addrinfo[];
}

/** What call `N` gives back: its result, and what the kernel wrote for it to read. */
export type OutcomeOf<N extends CallName> = Outcome &
  (Has<N, 'sockaddrOut'> extends true ? Pick<AddressOutcome, 'addr'> : unknown) &
  (Has<N, 'pollfds'> extends true ? Pick<PollOutcome, 'ready'> : unknown) &
  (Has<N, 'addrinfoOut'> extends true ? Pick<ResolveOutcome, 'entries'> : unknown);

/** A call that may wait in the kernel gives its outcome as a promise; one that never waits, at once. */
export type ResultOf<N extends CallName> = Waits<N> extends true ? Promise<OutcomeOf<N>> : OutcomeOf<N>;


/** How a call went, besides its result: whether it was reported blocked, and whether leaving woke it. */
interface Held {
  readonly blocked?: boolean;
  readonly wokenToLeave?: boolean;
}

/** Everything the generic path knows of a call once it has returned. */
type Full = Outcome & Omit<Filled, 'args'>;

/**
 * What a call thread (src/callthread/) gives its recorder: calls that may wait are then made
 * synchronously on that thread (invoke.ts) and timed there, and the main thread, which supervises,
 * learns which call the thread is in without being woken (a CallSlot), and reports it blocked.
 */
export interface CallSeam {
  /** True once the main thread has asked the program to leave: no call is made after it. */
  readonly stopping: boolean;
  /** The next event's sequence number, shared by every thread of the process. */
  nextSeq(): number;
  /**
   * Just before a call that may wait: its name, the descriptors it waits on, its planned arguments
   * and its start (ms since the epoch) are published; returns a ticket for leave(). Throws
   * Interrupted (and publishes nothing) when the program is leaving.
   */
  enter(name: string, fds: readonly number[], planned: readonly Arg[], startedAt: number): number;
  /**
   * Just after: whether the main thread reported it blocked (its unfinished line is then written),
   * and whether it returned because the program is leaving (the main thread's wake-up calls are
   * then written too, so that this call's line follows them).
   */
  leave(ticket: number): { blocked: boolean; wokenToLeave: boolean };
}

export class Recorder {
  private seq = 0;
  private stopping = false;
  private readonly descriptors = new Descriptors();

  /**
   * @param emit         receives every event, in the order the calls completed
   * @param captureLimit how many bytes of data each event keeps (the most any renderer shows)
   * @param onBlocked    receives a call the kernel holds (its thread asleep in it), before its event
   * @param view         reads the kernel after each call (-y, --state); none by default, and then
   *                     its module is never loaded. Recorders given one KernelView share what it saw.
   * @param seam         on a call thread: calls that may wait are made there synchronously, and the
   *                     main thread reports them blocked (onBlocked is then not called here)
   * @param place        where the calls are made when not on this thread (a lesson's or the shell's
   *                     side thread, sides.ts); without seam or place, only calls that never wait
   *                     may be made (invoke.ts)
   */
  constructor(
    private readonly emit: (event: CallEvent) => void,
    private readonly captureLimit: number,
    private readonly onBlocked: (call: BlockedCall) => void = () => undefined,
    private readonly view?: KernelView,
    private readonly seam?: CallSeam,
    private readonly place?: CallPlace,
  ) {}

  get openDescriptors(): readonly number[] {
    return this.descriptors.open;
  }

  /** The calls the kernel is still holding on `sockfd`; each settles when its call returns. */
  heldOn(sockfd: number): Promise<unknown>[] {
    return this.descriptors.heldOn(sockfd);
  }

  /** Plans call `name` with `args` (by parameter name), for showing before it is made, then `make`. */
  plan<N extends CallName>(name: N, args: ArgsOf<N>): PlannedCall<N> {
    return planCall(name, args, this.captureLimit);
  }

  /** Makes call `name` with `args` by parameter name, traced: `calls.call('listen', { sockfd: 3, backlog: 4 })`. */
  call<N extends CallName>(name: N, args: ArgsOf<N>): ResultOf<N> {
    return this.make(this.plan(name, args));
  }

  /**
   * Makes a planned call and records its event. Throws Interrupted once the program is leaving (before
   * the call, or when a held call returns after that), and Error for close on a descriptor a call
   * of this program is still waiting on. `onHeld` is called (after onBlocked) if this call is
   * reported blocked: a lesson then goes on to its next step, the shell frees its prompt.
   */
  make<N extends CallName>(planned: PlannedCall<N>, onHeld?: () => void): ResultOf<N> {
    this.refuseIfStopping();
    const spec = specOf(planned.name);
    if (spec.descriptor === 'closes') for (const fd of planned.fds) this.descriptors.refuseIfHeld(fd);
    const made = this.traced(planned, onHeld);
    // On a call thread a call that may wait has decided for itself, as it returned, whether leaving woke it.
    if (this.seam && planned.kind !== 'libc' && made instanceof Promise) return made as ResultOf<N>;
    return (made instanceof Promise ? made.then((outcome) => this.unlessStopping(outcome)) : made) as ResultOf<N>;
  }

  /**
   * Ends the program's use of the kernel: later calls are refused, calls the kernel is holding are
   * woken with shutdown(SHUT_RDWR) (close would not wake them on Linux), and once they have
   * returned, every descriptor still open is closed. Each of those calls is traced.
   */
  async releaseAll(): Promise<void> {
    this.stopping = true;
    await this.descriptors.releaseAll(
      (fd) => this.traced(this.plan('shutdown', { sockfd: fd, how: SHUT_RDWR })),
      (fd) => this.traced(this.plan('close', { fd })),
    );
  }

  /** The one traced-call path: invoke, decode, record. A call that may wait is held while it does. */
  private traced(planned: Planned, onHeld?: () => void): Full | Promise<Full> {
    if (planned.kind === 'libc') return this.library(planned);
    const name = planned.name as SyscallName;
    const entry = this.view?.beforeCall(planned.fds);
    if (this.seam && specOf(name).waits) {
      try {
        return Promise.resolve(this.tracedHere(planned, this.seam, entry));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const invocation = invoke(name, planned.cValues, this.place);
    if (!('done' in invocation)) return this.finish(planned, invocation.raw, invocation, {}, entry);
    const watch = this.watch(planned, invocation, onHeld);
    return this.descriptors.hold(invocation.done, planned.fds).then(
      (done) => this.finish(planned, done.raw, done, watch.returned(), entry),
      (error: unknown) => {
        watch.cancel();
        throw error;
      },
    );
  }

  /**
   * A call that may wait, on a call thread: published through the seam, made synchronously (invoke.ts
   * on a call thread) and timed right around the libc call, then recorded like any other. Throws
   * Interrupted (after recording it) when the program's leaving woke it.
   */
  private tracedHere(planned: Planned, seam: CallSeam, entry: EntryNames | undefined): Full {
    const args = this.view ? this.view.annotate(planned.args) : planned.args;
    const ticket = seam.enter(planned.name, planned.fds, args, now());
    const invocation = invoke(planned.name as SyscallName, planned.cValues) as Invocation;
    const { blocked, wokenToLeave } = seam.leave(ticket);
    const full = this.finish(planned, invocation.raw, invocation, { blocked, ...(wokenToLeave ? { wokenToLeave: true } : {}) }, entry);
    // Woken because the program is leaving: recorded, and the program goes no further. A call that
    // returned before that (poll's EINTR from the very signal) is the program's to see and explain.
    if (wokenToLeave) throw new Interrupted();
    return full;
  }

  /** getaddrinfo(3): a library call that reads /etc/hosts and may ask DNS; not a system call. */
  private async library(planned: Planned): Promise<Full> {
    const started = now();
    const { node, service, hints } = planned.values as ArgsOf<'getaddrinfo'>;
    const result = await resolve(node, service, hints);
    return this.finish(planned, { value: result.status, errno: 0, entries: result.entries }, { started, ended: now() });
  }

  /**
   * Reports the call as blocked, with its planned args, once the kernel shows its thread asleep in it
   * (the Pending's `blocked`). `returned()` stops watching and says how the call went.
   */
  private watch(planned: Planned, pending: Pending, onHeld?: () => void): { cancel(): void; returned(): Held } {
    let blocked = false;
    let over = false;
    const report = () => {
      if (over) return;
      blocked = true;
      const args = this.view ? this.view.annotate(planned.args) : planned.args;
      this.onBlocked({ pid: process.pid, name: planned.name, kind: 'syscall', args, startedAt: pending.started, ...whatHoldsIt(planned.name, args) });
      onHeld?.();
    };
    void pending.blocked.then(report);
    const cancel = () => {
      over = true;
    };
    return {
      cancel,
      returned: () => {
        cancel();
        return { blocked, ...(this.stopping ? { wokenToLeave: true } : {}) };
      },
    };
  }

  /** Decodes what the kernel filled in, keeps the open descriptors up to date, and records the event. */
  private finish(planned: Planned, returned: Returned, timing: Omit<Invocation, 'raw'>, held: Held = {}, entry?: EntryNames): Full {
    const { args, ...filled } = planned.fill(returned);
    const ret = returned.value;
    const error = planned.kind === 'libc' ? (ret === 0 ? null : addrinfoErrorInfo(ret)) : ret === -1 ? errnoInfo(returned.errno) : null;
    const descriptor = specOf(planned.name).descriptor;
    if (descriptor === 'returns' && !error) this.descriptors.add(ret);
    if (descriptor === 'closes') for (const fd of planned.fds) this.descriptors.remove(fd);
    this.emitEvent(planned, args, ret, error, timing, held, filled.ready !== undefined && ret >= 0 ? filled.ready : undefined, entry);
    return { ret, error, ...filled };
  }

  private emitEvent(
    planned: Planned,
    args: Arg[],
    ret: number,
    error: ErrorInfo | null,
    timing: Omit<Invocation, 'raw'>,
    held: Held,
    ready: readonly PollFd[] | undefined,
    entry?: EntryNames,
  ): void {
    const { args: observedArgs, ...kernel } = this.view?.enabled ? this.view.observe(planned.name, args, ret, entry) : { args };
    this.emit({
      seq: this.seam ? this.seam.nextSeq() : ++this.seq,
      pid: process.pid,
      name: planned.name,
      kind: planned.kind,
      args: observedArgs,
      ret,
      error,
      startedAt: timing.started,
      durationMs: timing.ended - timing.started,
      ...(held.blocked ? { blocked: true } : {}),
      ...(held.wokenToLeave ? { wokenToLeave: true } : {}),
      ...(ready ? { ready } : {}),
      ...kernel,
    });
  }

  private refuseIfStopping(): void {
    if (this.stopping || this.seam?.stopping) throw new Interrupted();
  }

  private unlessStopping<T>(outcome: T): T {
    this.refuseIfStopping();
    return outcome;
  }
}
