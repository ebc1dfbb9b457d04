// The main thread's end of a lesson's or the shell's side threads (sidethread.ts). Each side (server,
// client) has a SideCalls, given to its Recorder as the place its calls are made (invoke.ts CallPlace):
// a call goes to the side's thread, which makes it synchronously and replies with its result, its
// times and its buffers; the recorder decodes and records it here as before. A call that never waits
// is awaited on the spot (Atomics.wait: microseconds), so that its outcome stays synchronous; one that
// may wait comes back as a Pending, and is called blocked only once the kernel shows the side's thread
// asleep in that very system call (task.ts). When the side's thread is held in the kernel, a call that
// never waits (the shutdown that wakes it, a close) is made on the main thread, and one that may wait
// on another thread of the same side, started for it, as the pool did before.
import { MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { exitNow } from '../libc/native/exit';
import { CallPlace, Invocation, invoke, now, Pending } from '../calls/invoke';
import { syscallNumbersOf, SyscallName } from '../calls/registry';
import { asleepIn, cannotAsk, LOOK_AFTER_MS, LOOK_EVERY_MS } from './task';
import { startSideThread, StartedSide, takePrestartedSide } from './prestart';
import { ADDRESS_SPACE_FLOOR_KIB, addressSpaceLimitKib } from '../limits';
import { CallRequest, FromSideThread, SIDE_WORDS } from './protocol';

/** How long the main thread waits for a side thread to start (it takes 25-40 ms), in ms. */
const START_WAIT_MS = 10000;
/** How long it waits for a call that never waits to come back before it calls that a bug, in ms. */
const ANSWER_WAIT_MS = 10000;

/** Atomics.waitAsync (ES2024, in Node since 16), which this project's TypeScript lib does not declare. */
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync: WaitAsync = (array, index, value) => (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(array, index, value);

/** One side thread, seen from the main thread: at most one call out at a time. */
class SideThread {
  private readonly control: Int32Array;
  private readonly port: MessagePort;
  private sent = 0;
  private readonly failure: () => string | null;
  /** Rejects once the thread has failed (it could not start: EMFILE, ENOMEM) or ended: no reply will come. */
  private readonly lost: Promise<never>;
  /** A call has been handed over and its reply not taken yet. */
  busy = false;

  /** `started`: by bin/netsys (prestart.ts), or now. The way out is _exit(2) (exitAroundSideThreads). */
  constructor(started: StartedSide) {
    this.control = new Int32Array(started.control);
    this.port = started.port;
    this.failure = started.failure;
    this.lost = new Promise<never>((_, reject) => {
      const gone = (): void => reject(new Error(`the side thread failed: ${this.failure() ?? 'it ended'}`));
      if (this.failure() !== null) gone();
      started.worker.once('error', gone);
      started.worker.once('exit', gone);
    });
    this.lost.catch(() => undefined); // observed only by a call that is out
  }

  /** The thread's id (gettid), as /proc/self/task/TID names it; 0 until it has started. */
  get tid(): number {
    return Atomics.load(this.control, SIDE_WORDS.TID);
  }

  /** Makes a call that never waits: returns once the thread has made it. Throws Error if the thread fails. */
  callNow(name: SyscallName, values: readonly unknown[]): Invocation {
    this.waitUntilStarted();
    const expected = this.send(name, values);
    while (Atomics.load(this.control, SIDE_WORDS.REPLIES) < expected) {
      if (Atomics.wait(this.control, SIDE_WORDS.REPLIES, expected - 1, ANSWER_WAIT_MS) === 'timed-out') {
        throw new Error(`the side thread did not return from ${name} within ${ANSWER_WAIT_MS / 1000} s`);
      }
    }
    return this.take(values);
  }

  /**
   * Starts a call that may wait. Its `done` settles when the thread has made it (rejects if ffi-rs
   * failed); its `blocked` settles once the kernel shows the thread asleep in that system call, looked
   * at from LOOK_AFTER_MS on, and never if the call returns first. Looking keeps the process alive
   * while the call is out.
   */
  start(name: SyscallName, values: readonly unknown[]): Pending {
    const started = now();
    const expected = this.send(name, values);
    const done = Promise.race([this.replied(expected), this.lost]).then(() => this.take(values));
    const syscalls = syscallNumbersOf(name);
    let out = true;
    const blocked = new Promise<void>((resolve) => {
      let seen = false;
      const look = setInterval(() => {
        if (!out) clearInterval(look);
        // Without a descriptor to ask the kernel with (ulimit -n), the call is taken as held: the
        // learner's next line must not wait for ever on a question that cannot be asked.
        else if (!seen && now() - started >= LOOK_AFTER_MS && (asleepIn(this.tid, syscalls) || cannotAsk(this.tid))) {
          seen = true;
          resolve();
        }
      }, LOOK_EVERY_MS);
    });
    const returned = () => (out = false);
    done.then(returned, returned);
    return { started, done, blocked };
  }

  private async replied(expected: number): Promise<void> {
    while (Atomics.load(this.control, SIDE_WORDS.REPLIES) < expected) {
      const wait = waitAsync(this.control, SIDE_WORDS.REPLIES, expected - 1);
      if (wait.async) await wait.value;
    }
  }

  private waitUntilStarted(): void {
    if (this.tid !== 0) return;
    const deadline = Date.now() + START_WAIT_MS;
    while (this.tid === 0) {
      if (this.failure() !== null || Date.now() > deadline) throw new Error(`the side thread did not start: ${this.failure() ?? 'it timed out'}`);
      Atomics.wait(this.control, SIDE_WORDS.TID, 0, 100);
    }
  }

  private send(name: SyscallName, values: readonly unknown[]): number {
    const failure = this.failure();
    if (failure !== null) throw new Error(`the side thread failed: ${failure}`);
    this.busy = true;
    this.port.postMessage({ type: 'call', name, values } satisfies CallRequest);
    this.sent++;
    Atomics.store(this.control, SIDE_WORDS.REQUESTS, this.sent);
    Atomics.notify(this.control, SIDE_WORDS.REQUESTS);
    return this.sent;
  }

  /**
   * The reply to the call just made. A Buffer of `values` in shared memory (marshal.ts cMemory) is
   * the very memory the kernel was given; what the kernel wrote into any other is copied into it.
   */
  private take(values: readonly unknown[]): Invocation {
    this.busy = false;
    const received = receiveMessageOnPort(this.port);
    if (!received) throw new Error('the side thread replied without a message');
    const reply = received.message as FromSideThread;
    if (reply.type === 'failed') throw new Error(reply.message);
    values.forEach((value, i) => {
      const after = reply.values[i];
      if (Buffer.isBuffer(value) && !(value.buffer instanceof SharedArrayBuffer) && after instanceof Uint8Array) value.set(after.subarray(0, value.length));
    });
    return { raw: { value: reply.value, errno: reply.errno }, started: reply.started, ended: reply.ended };
  }
}

/**
 * Where one side's calls are made: on its thread, the one bin/netsys started before loading the
 * command line (prestart.ts), or one started now; the first call waits for it to be ready.
 */
export class SideCalls implements CallPlace {
  private readonly threads = [new SideThread(takePrestartedSide() ?? startSideThread())];

  constructor() {
    exitAroundSideThreads();
  }

  make(name: SyscallName, values: readonly unknown[], waits: boolean): Invocation | Pending {
    let thread = this.threads.find((candidate) => !candidate.busy);
    if (!thread) {
      // The side's thread is held in the kernel. A call that never waits is made here, on the main
      // thread, as the program's supervisor makes its wake-up shutdown (supervisor.ts); one that may
      // wait (a shell learner's second accept on the same side) gets a thread of its own.
      if (!waits) return invoke(name, values);
      const refusal = oneMoreThreadProblem(this.threads.length);
      if (refusal) throw new Error(refusal);
      thread = new SideThread(startSideThread());
      this.threads.push(thread);
    }
    return waits ? thread.start(name, values) : thread.callNow(name, values);
  }
}

/** The most threads one side has, so the most calls it holds in the kernel at once. */
const MOST_THREADS_PER_SIDE = 4;
/**
 * The address space each thread of a side needs, in KiB as `ulimit -v` counts (a V8 isolate: a shell
 * under 1,600,000 KiB aborted at its fifth held call, under 2,000,000 at its tenth), with room to spare.
 */
const THREAD_ADDRESS_SPACE_KIB = 80_000;

/** Why a side that has `threads` threads, all held in the kernel, may not start one more; null when it may. */
function oneMoreThreadProblem(threads: number): string | null {
  if (threads >= MOST_THREADS_PER_SIDE) {
    return `this side already has ${threads} calls held in the kernel, each on a thread of its own, the most netsys holds at once on one side: let one return first (a connect on the other side completes an accept)`;
  }
  const limit = addressSpaceLimitKib();
  const needed = ADDRESS_SPACE_FLOOR_KIB.lesson + threads * THREAD_ADDRESS_SPACE_KIB;
  if (limit !== null && limit < needed) {
    return `one more held call on this side needs a thread of its own, and about ${needed} KiB of address space in all, but ulimit -v allows ${limit} KiB`;
  }
  return null;
}

let exitGuarded = false;

/**
 * Once a side thread exists, the process must never be ended by Node's own exit, which tears down
 * every worker thread: tearing down one that has loaded ffi-rs crashes the process (SIGSEGV), and
 * one held in the kernel is never joined. process.exit (a late usage error) and an empty event loop
 * run the 'exit' listeners, as Node would, then end with _exit(2), as runProgram does.
 */
function exitAroundSideThreads(): void {
  if (exitGuarded) return;
  exitGuarded = true;
  const leave = (code: number): never => {
    process.emit('exit', code);
    return exitNow(code);
  };
  process.exit = ((code?: number | string | null) => leave(Number(code ?? process.exitCode ?? 0))) as typeof process.exit;
  process.once('beforeExit', (code) => leave(code));
}
