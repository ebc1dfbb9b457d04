// The main thread of a program that makes its calls on call threads (worker.ts): it starts them, and
// then only supervises. It makes no call of the program's own, and loads neither ffi-rs nor chalk
// until it must (a held call to report, a signal, -c's table). It:
// - reports a call as blocked (strace's `accept(3,  <unfinished ...>` and a note) only when the kernel
//   shows the call thread asleep in that very system call (task.ts), looked at every LOOK_EVERY_MS;
// - on SIGINT or SIGTERM (or when the program ends, or a thread fails), wakes every held call with
//   shutdown(SHUT_RDWR), made and traced here, has each thread close what it opened (traced there),
//   and exits 0, 1, 130 or 143;
// - never waits for ever on a thread: one still held in the kernel (a read of a terminal, a slow
//   getaddrinfo) is left behind with _exit(2), where process.exit would wait to join it.
import * as fs from 'node:fs';
import { isatty } from 'node:tty';
import { Worker } from 'node:worker_threads';
import { ENDING_SIGNAL_NAMES, signalExitCode } from '../signals';
import type { OutputOptions, TraceOutput } from '../render/output';
import type { Recorder } from '../calls/recorder';
import type { CountedCalls } from '../render/count';
import type { KernelView } from '../calls/kernelview';
import type { whatHoldsIt } from '../calls/held';
import { CallSlot, SharedState } from './slot';
import { asleepIn, LOOK_AFTER_MS, LOOK_EVERY_MS } from './task';
import { FromCallThread, Job, PRIMARY_SLOT, Program, SENDER_SLOT, SLOT_COUNT, ToCallThread } from './protocol';
import { exitThroughThread, startCallThread, takePrestarted } from './prestart';
import { internalErrorLine } from '../bug';

/** How long the way out waits for a thread that was woken (or was not in a call) to close and end, in ms. */
const RELEASE_WAIT_MS = 3000;
/** ... and for a thread in no call of its own: it may be reading a terminal, which nothing will wake. */
const IDLE_RELEASE_WAIT_MS = 100;
/** ... and for the primary thread in no call: it may be stuck writing to a standard output nobody reads. */
const STUCK_WAIT_MS = 500;
/** How long the primary call thread is given to end the process, before the main thread does, in ms. */
const EXIT_WAIT_MS = 1000;

/** The trace as the command line asked for it, before it has a descriptor. */
export type TraceRequest = Omit<OutputOptions, 'fd'>;

/** The trace file could not be opened: a usage error, reported before any call is made. */
export class TraceFileError extends Error {}

interface Thread {
  readonly worker: Worker;
  readonly slot: CallSlot;
  /** The thread has ended, or has closed what it opened and is idle (and can be ended by process.exit). */
  exited: boolean;
  /** Resolves once the thread has closed what it opened (or has ended). */
  readonly released: Promise<void>;
  /** Resolves once the thread has ended. */
  readonly gone: Promise<void>;
  counts: CountedCalls | null;
  /** It did not close its sockets in time on the way out (the main thread did): it cannot end the process. */
  stuck: boolean;
}

/** Watches a started call thread: when it has released what it opened, when it has ended. */
function watch(worker: Worker, slot: CallSlot): Thread {
  const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const released = new Promise<void>((resolve) => {
    void gone.then(resolve);
    worker.on('message', (message: FromCallThread) => {
      if (message.type === 'released') resolve();
    });
  });
  const thread: Thread = { worker, slot, exited: false, released, gone, counts: null, stuck: false };
  void gone.then(() => (thread.exited = true));
  return thread;
}

/** What the main thread needs only when it traces something itself: loaded on first need. */
interface MainSide {
  readonly output: TraceOutput;
  readonly calls: Recorder;
  readonly shutRdwr: number;
  readonly exitNow: (code: number) => never;
  readonly whatHoldsIt: typeof whatHoldsIt;
}

/**
 * Runs `program` on its call thread(s) to its end, and exits the process: 0 when it completed, 1 when
 * a call failed, 2 for an unknown host, 130/143 on SIGINT/SIGTERM, 70 for a bug in netsys.
 * Throws TraceFileError (before any call) when -o names a file that cannot be written.
 */
export async function supervise(program: Program, request: TraceRequest, kernel: Job['kernel']): Promise<never> {
  const { refuseFifoWithoutReader, giveUpFullWritesWhen } = await import('../render/output');
  let fd = 2;
  if (request.file) {
    try {
      refuseFifoWithoutReader(request.file);
      // A FIFO or a socket may never be read: written without blocking, each thread tries again while
      // it is full, and gives up once the program is leaving (output.ts writeAllSync); never a terminal,
      // whose flags the shell shares.
      const kind = fs.statSync(request.file, { throwIfNoEntry: false });
      const mayStayFull = Boolean(kind && (kind.isFIFO() || kind.isSocket()));
      fd = fs.openSync(request.file, mayStayFull ? fs.constants.O_WRONLY | fs.constants.O_NONBLOCK : 'w');
    } catch (error) {
      const { nodeErrorText } = await import('../libc/native/errno'); // libc's words for the error: ffi-rs loads here only
      throw new TraceFileError(`cannot write the trace to ${request.file}: ${nodeErrorText(error)}; -o needs a file netsys can create or overwrite`);
    }
  }
  const { wantsColor } = await import('../render/paint');
  const trace = { ...request, fd, color: !request.file && wantsColor(request.color, { isTTY: isatty(2) } as NodeJS.WriteStream) };

  const started = takePrestarted();
  const state = started ? new SharedState(started.buffer, SLOT_COUNT) : SharedState.create(SLOT_COUNT);
  const primaryWorker = started?.worker ?? startCallThread(state.buffer, PRIMARY_SLOT);
  if (!started) exitThroughThread(primaryWorker);
  primaryWorker.ref();
  const primary = watch(primaryWorker, state.slots[PRIMARY_SLOT]);
  const threads = [primary];
  /**
   * The client's sender, started once the primary thread has connected, and given the socket: a
   * refused connect needs none (started with the program, its start slowed that start-up by a
   * third), and the first bytes wait for its start (about 25 ms). Until it has the socket it has
   * nothing to close or write: the way out does not wait for it.
   */
  let sender: Thread | null = null;
  let senderHasSocket = false;
  const startSender = (): Thread => {
    if (!sender) {
      sender = watch(startCallThread(state.buffer, SENDER_SLOT), state.slots[SENDER_SLOT]);
      threads.push(sender);
      begin(sender, { program: 'sender' });
    }
    return sender;
  };

  let side: Promise<MainSide> | null = null;
  const mainSide = (): Promise<MainSide> =>
    (side ??= (async () => {
      const [{ TraceOutput }, { Recorder, SHUT_RDWR }, libc, { nodeErrorText }, { whatHoldsIt }, view] = await Promise.all([
        import('../render/output'),
        import('../calls/recorder'),
        import('../libc/native/ffi'),
        import('../libc/native/errno'),
        import('../calls/held'),
        kernel ? import('../calls/kernelview').then(({ KernelView }): KernelView => new KernelView(kernel)) : Promise.resolve(undefined),
      ]);
      const output = new TraceOutput({ ...trace, errorText: nodeErrorText });
      // The trace cannot be written (a full disk, a reader gone): the program ends rather than go on unseen.
      output.onWriteError((message) => {
        if (!leaving) void leave(1, message);
      });
      const seam = {
        stopping: false,
        nextSeq: () => state.nextSeq(),
        enter: (): number => {
          throw new Error('the main thread makes no call that may wait');
        },
        leave: () => ({ blocked: false, wokenToLeave: false }),
      };
      const calls = new Recorder((event) => output.call(event), trace.stringLimit, undefined, view, seam);
      return { output, calls, shutRdwr: SHUT_RDWR, exitNow: libc.exitNow, whatHoldsIt };
    })());

  /**
   * Ends the process. The primary call thread, which has ffi-rs loaded, does it with _exit(2): at
   * once, where process.exit would tear down and join every thread (15 ms here), and would wait for
   * ever on one held in the kernel. Without it, the main thread loads ffi-rs and does the same.
   */
  const exit = async (code: number): Promise<never> => {
    if (!primary.exited && !primary.stuck) {
      primary.worker.postMessage({ type: 'exit', code } satisfies ToCallThread);
      await Promise.race([primary.gone, delay(EXIT_WAIT_MS)]);
    }
    if (threads.every((thread) => thread.exited)) process.exit(code);
    return (await mainSide()).exitNow(code);
  };

  let leaving = false;
  giveUpFullWritesWhen(() => leaving);
  /** The status the process ends with: the first cause of leaving, or a signal that came while leaving after a success. */
  let exitCode = 0;
  /** The way out, whatever its cause: wake, release, wait (bounded), the -c table, the last line, exit. */
  const leave = async (code: number, message?: string, note?: string): Promise<never> => {
    leaving = true;
    exitCode = code;
    try {
      await wakeAndRelease(note);
    } catch (error) {
      // Whatever failed on the way out (a trace nobody reads any more), the process still ends.
      message ??= `${internalErrorLine(error)} (on the way out)`;
    }
    if (message) {
      try {
        fs.writeSync(2, `netsys: ${message}\n`);
      } catch {
        // standard error is gone (a closed pipe): the exit status still tells
      }
    }
    return exit(exitCode);
  };

  /** Wakes the held calls (each shutdown traced here), has every thread close what it opened, then -c's table. */
  async function wakeAndRelease(note: string | undefined): Promise<void> {
    state.stop();
    const held = new Set<number>();
    const wasInCall = threads.map((thread) => {
      const call = thread.slot.current();
      for (const heldFd of call?.fds ?? []) held.add(heldFd);
      return call !== null;
    });
    try {
      if (note !== undefined || held.size > 0) {
        const { output, calls, shutRdwr } = await mainSide();
        if (note !== undefined) output.aside(note);
        for (const heldFd of held) calls.call('shutdown', { sockfd: heldFd, how: shutRdwr });
        output.flush();
      }
    } finally {
      state.woken();
      for (const thread of threads) {
        if (!thread.exited) thread.worker.postMessage({ type: 'release' } satisfies ToCallThread);
      }
    }
    const released = await Promise.all(
      threads.map(async (thread, i) => {
        if (thread === sender && !senderHasSocket) return true; // nothing to close or write yet
        const wait = wasInCall[i] ? RELEASE_WAIT_MS : thread === primary ? STUCK_WAIT_MS : IDLE_RELEASE_WAIT_MS;
        return Promise.race([thread.released.then(() => true), delay(wait).then(() => false)]);
      }),
    );
    // A thread stuck outside any call (writing to a standard output nobody reads) has not closed its
    // sockets: the main thread closes them, each close traced, as the thread would have.
    for (const [i, thread] of threads.entries()) {
      if (released[i]) continue;
      const fds = thread.slot.takeOverClosing();
      if (fds === null) {
        await Promise.race([thread.released, delay(RELEASE_WAIT_MS)]);
        continue;
      }
      thread.stuck = true;
      if (fds.length === 0) continue;
      const { output, calls } = await mainSide();
      for (const fd of [...fds].reverse()) calls.call('close', { fd });
      output.flush();
    }
    if (trace.summary) {
      const { output } = await mainSide();
      for (const thread of threads) if (thread.counts) output.addCounts(thread.counts);
      await output.finish();
    }
  }

  const onMessage = (thread: Thread) => (message: FromCallThread) => {
    switch (message.type) {
      case 'ending':
        if (!leaving && (thread === primary || message.code !== 0)) void leave(message.code, message.message);
        break;
      case 'connected':
        if (leaving || senderHasSocket) break;
        senderHasSocket = true;
        startSender().worker.postMessage({ type: 'socket', fd: message.fd } satisfies ToCallThread);
        break;
      case 'counts':
        thread.counts = message.counts;
        break;
      case 'released':
        break;
    }
  };
  /** Gives a call thread its program, and listens to it. */
  function begin(thread: Thread, given: Program): void {
    thread.worker.on('message', onMessage(thread));
    thread.worker.on('error', (error: Error) => {
      if (!leaving) void leave(70, `the thread that makes the calls failed: ${internalErrorLine(error)}`);
    });
    thread.worker.postMessage({ type: 'job', program: given, trace, kernel } satisfies ToCallThread);
  }
  begin(primary, program);

  for (const signal of ENDING_SIGNAL_NAMES) {
    const code = signalExitCode(signal);
    process.on(signal, () => {
      // A signal while leaving: the closing takes milliseconds, and is shown, so it finishes (each
      // wait on the way out is bounded); the status tells of the signal if the program had succeeded.
      if (leaving) {
        if (exitCode === 0) exitCode = code;
        return;
      }
      void leave(code, undefined, `${signal}: closing every socket netsys opened`);
    });
  }
  process.on('uncaughtException', (error) => {
    if (!leaving) void leave(70, internalErrorLine(error));
  });

  const reported = new Set<string>();
  const look = async (): Promise<void> => {
    if (leaving) return;
    for (const [index, thread] of threads.entries()) {
      const call = thread.slot.current();
      if (!call || Date.now() - call.startedAt < LOOK_AFTER_MS) continue;
      const key = `${index}:${call.ticket}`;
      if (reported.has(key) || !asleepIn(thread.slot.tid, call.syscalls)) continue;
      const args = thread.slot.planned(call.ticket);
      if (!args) continue;
      const { output, whatHoldsIt } = await mainSide();
      if (leaving || !thread.slot.claim(call.ticket)) continue;
      reported.add(key);
      output.blocked({ pid: process.pid, name: call.name, kind: 'syscall', args, startedAt: call.startedAt, ...whatHoldsIt(call.name, args) });
      output.flush();
      thread.slot.written(call.ticket);
    }
  };
  let looking = false;
  setInterval(() => {
    if (looking) return;
    looking = true;
    void look().finally(() => (looking = false));
  }, LOOK_EVERY_MS).unref();

  return new Promise<never>(() => undefined);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
