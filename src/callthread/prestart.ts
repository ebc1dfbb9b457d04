// The first thing bin/netsys does for `netsys server` and `netsys client`: start the program's primary
// call thread (worker.ts), before the command line's bundle is even loaded, so that the thread's own
// start (a V8 isolate, Node's bootstrap, ffi-rs: about 35 ms here) overlaps all of the main thread's.
// Built as its own small bundle (dist/prestart.js); supervisor.ts takes the thread over, or starts
// one itself when nothing was started here (the tests, which load src/ directly).
import * as path from 'node:path';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../paths';
import { ADDRESS_SPACE_FLOOR_KIB, addressSpaceProblem } from '../limits';
import { SharedState } from './slot';
import { PRIMARY_SLOT, SLOT_COUNT, ThreadData, ToCallThread } from './protocol';

/** The call threads' bundle (package.json "build"). */
export const THREAD_FILE = path.join(PACKAGE_ROOT, 'dist', 'callthread.js');

/** The address space V8 reserves for a call thread's compiled code, in MiB (see startCallThread). */
export const CODE_RANGE_MB = 32;

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
 * output and error are synchronous for files, pipes and terminals on Linux.
 */
export function exitThroughThread(worker: Worker): void {
  let gone = false;
  worker.once('exit', () => (gone = true));
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    const status = Number(code ?? process.exitCode ?? 0);
    if (gone) return exit(status);
    process.exitCode = status;
    process.emit('exit', status);
    worker.postMessage({ type: 'exit', code: status } satisfies ToCallThread);
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
