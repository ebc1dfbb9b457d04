// The first thing bin/netsys does for `netsys server` and `netsys client`: start the program's primary
// call thread (worker.ts), before the command line's bundle is even loaded, so that the thread's own
// start (a V8 isolate, Node's bootstrap, ffi-rs: about 35 ms here) overlaps all of the main thread's.
// For a lesson and `netsys shell` it starts the two sides' threads (sidethread.ts) the same way.
// Built as its own small bundle (dist/prestart.js); supervisor.ts and sides.ts take the threads over,
// or start their own when nothing was started here (the tests, which load src/ directly).
import * as path from 'node:path';
import { MessageChannel, MessagePort, SHARE_ENV, Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../paths';
import { ADDRESS_SPACE_FLOOR_KIB, addressSpaceProblem } from '../limits';
import { SharedState } from './slot';
import { PRIMARY_SLOT, SIDE_CONTROL_BYTES, SIDE_WORDS, SideThreadData, SLOT_COUNT, ThreadData, ToCallThread, ToSideThread } from './protocol';

/** The call threads' bundle (package.json "build"). */
export const THREAD_FILE = path.join(PACKAGE_ROOT, 'dist', 'callthread.js');

/** The side threads' bundle (package.json "build"). */
const SIDE_THREAD_FILE = path.join(PACKAGE_ROOT, 'dist', 'sidethread.js');

/** The address space V8 reserves for a call thread's compiled code, in MiB (see startCallThread). */
const CODE_RANGE_MB = 32;

/** A call thread, started, with the shared buffer it was given. */
export interface Started {
  readonly buffer: SharedArrayBuffer;
  readonly worker: Worker;
}

/** Where a prestarted thread waits for supervisor.ts, which is in another bundle. */
const PRESTARTED = Symbol.for('netsys.prestarted');

/** Starts a call thread for `slot` of the shared state in `buffer`. */
export function startCallThread(buffer: SharedArrayBuffer, slot: number): Worker {
  const data: ThreadData = { buffer, slot };
  // Its standard streams are its own (stdout, stderr: true): it writes with write(2) on descriptors 1
  // and 2, and so nothing is piped through the main thread; the environment is shared, not copied.
  // V8 reserves address space for each isolate's code (128 MiB by default): 32 MiB is far more than a
  // call thread compiles, and under `ulimit -v` the thread then starts wherever Node.js itself does
  // (a default reservation needed 300 MiB more than the main thread alone, and V8 aborts without it).
  return new Worker(THREAD_FILE, { workerData: data, env: SHARE_ENV, stdout: true, stderr: true, resourceLimits: { codeRangeSizeMb: CODE_RANGE_MB } });
}

/** A side thread, started: its control words (protocol.ts SIDE_WORDS) and the main thread's end of its port. */
export interface StartedSide {
  readonly worker: Worker;
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
  /** Why the thread failed (its 'error' event: it could not load, or start), once it has; else null. */
  readonly failure: () => string | null;
}

/** Starts a side thread (sidethread.ts), as startCallThread starts a call thread; it never keeps the process alive. */
export function startSideThread(): StartedSide {
  const { port1, port2 } = new MessageChannel();
  const control = new SharedArrayBuffer(SIDE_CONTROL_BYTES);
  const data: SideThreadData = { control, port: port2 };
  const worker = new Worker(SIDE_THREAD_FILE, { workerData: data, transferList: [port2], env: SHARE_ENV, stdout: true, stderr: true, resourceLimits: { codeRangeSizeMb: CODE_RANGE_MB } });
  worker.unref();
  let failure: string | null = null;
  worker.on('error', (error: Error) => (failure = error.message));
  return { worker, control, port: port1, failure: () => failure };
}

/** Where prestarted side threads wait for sides.ts, which is in another bundle. */
const PRESTARTED_SIDES = Symbol.for('netsys.prestarted-sides');

/**
 * Starts the side threads of a lesson or of `netsys shell` (one per side) and leaves them for
 * takePrestartedSide(). Until sides.ts takes the process's exit over, process.exit (a usage error,
 * an unknown lesson, --help) and an empty event loop end the process from the first of them, with
 * _exit(2), as exitThroughThread does for a program's call thread.
 */
export function prestartSides(count: number): void {
  const holder = globalThis as { [PRESTARTED_SIDES]?: StartedSide[] };
  if (holder[PRESTARTED_SIDES]) return;
  if (addressSpaceProblem('lesson', ADDRESS_SPACE_FLOOR_KIB.lesson)) return;
  const sides = Array.from({ length: count }, startSideThread);
  holder[PRESTARTED_SIDES] = sides;
  const first = sides[0];
  const control = new Int32Array(first.control);
  exitThroughThread(first.worker, (code) => {
    first.port.postMessage({ type: 'exit', code } satisfies ToSideThread);
    Atomics.add(control, SIDE_WORDS.REQUESTS, 1);
    Atomics.notify(control, SIDE_WORDS.REQUESTS);
  });
  process.once('beforeExit', (code) => process.exit(code));
}

/** A prestarted side thread not yet taken, or null. */
export function takePrestartedSide(): StartedSide | null {
  const holder = globalThis as { [PRESTARTED_SIDES]?: StartedSide[] };
  return holder[PRESTARTED_SIDES]?.shift() ?? null;
}

/**
 * The threads bin/netsys starts before it loads the command line, from its arguments: the program's
 * call thread for `server` and `client`, two side threads for `shell` and for `lesson ID` (not for
 * the list of lessons, nor --help). A guess that misses costs only the thread's later start.
 */
export function prestartFor(argv: readonly string[]): void {
  const [command, ...rest] = argv.slice(2);
  if (command === 'server' || command === 'client') prestart();
  else if (command === 'shell' && !rest.some(isHelp)) prestartSides(2);
  else if (command === 'lesson' && !rest.some(isHelp) && lessonIdGiven(rest)) prestartSides(2);
}

function isHelp(arg: string): boolean {
  return arg === '-h' || arg === '--help';
}

/** The lesson command's options that take a value (cli.ts): their value is not the lesson's id. */
const LESSON_VALUE_OPTIONS = ['-s', '--string-limit', '--lessons-dir'];

function lessonIdGiven(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    if (LESSON_VALUE_OPTIONS.includes(args[i])) i++;
    else if (!args[i].startsWith('-')) return true;
  }
  return false;
}

/** How long process.exit waits for the call thread to end the process, before it does so itself (ms). */
const EXIT_HANDOVER_MS = 2000;

/**
 * Starts the primary call thread and leaves it for takePrestarted(); it does not keep the process
 * alive until taken. From now on process.exit hands the exit over to that thread (exitThroughThread).
 */
export function prestart(): void {
  const holder = globalThis as { [PRESTARTED]?: Started };
  if (holder[PRESTARTED]) return;
  // Under an address-space limit too small, no thread: the command line says so in one line (cli.ts).
  if (addressSpaceProblem('program', ADDRESS_SPACE_FLOOR_KIB.program)) return;
  const buffer = SharedState.create(SLOT_COUNT).buffer;
  const worker = startCallThread(buffer, PRIMARY_SLOT);
  worker.unref(); // a usage error, --help: the process must not wait for it
  holder[PRESTARTED] = { buffer, worker };
  exitThroughThread(worker);
}

/**
 * Node's process.exit tears down every worker thread, and tearing down one that has loaded ffi-rs
 * crashes the process (SIGSEGV, every time here: ffi-rs's clean-up is not safe in a worker). So once a
 * call thread exists, process.exit (a usage error, --help, the supervisor's last resort) asks that
 * thread to end the process with _exit(2) and waits, at most EXIT_HANDOVER_MS, for it to do so; the
 * 'exit' listeners run first, as process.exit runs them. Output already written is not lost: standard
 * output and error are synchronous for files, pipes and terminals on Linux. `askToExit` tells the
 * thread (a program's call thread by message, a side thread by message and its request word).
 */
export function exitThroughThread(worker: Worker, askToExit: (code: number) => void = (code) => worker.postMessage({ type: 'exit', code } satisfies ToCallThread)): void {
  let gone = false;
  worker.once('exit', () => (gone = true));
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    const status = Number(code ?? process.exitCode ?? 0);
    if (gone) return exit(status);
    process.exitCode = status;
    process.emit('exit', status);
    askToExit(status);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, EXIT_HANDOVER_MS);
    return exit(status);
  }) as typeof process.exit;
}

/** The prestarted primary thread, once (null when none was started or it was taken). */
export function takePrestarted(): Started | null {
  const holder = globalThis as { [PRESTARTED]?: Started };
  const started = holder[PRESTARTED] ?? null;
  delete holder[PRESTARTED];
  return started;
}
