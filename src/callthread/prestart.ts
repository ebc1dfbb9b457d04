// The first thing bin/netsys does for `netsys server` and `netsys client`: start the program's primary
// call thread (worker.ts), before the command line's bundle is even loaded, so that the thread's own
// start (a V8 isolate, Node's bootstrap, ffi-rs: about 35 ms here) overlaps all of the main thread's.
// Built as its own small bundle (dist/prestart.js); supervisor.ts takes the thread over, or starts
// one itself when nothing was started here (the tests, which load src/ directly).
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../paths';
import { SharedState } from './slot';
import { PRIMARY_SLOT, SLOT_COUNT, ThreadData } from './protocol';

/** The call threads' bundle (package.json "build"). */
export const THREAD_FILE = path.join(PACKAGE_ROOT, 'dist', 'callthread.js');

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
  return new Worker(THREAD_FILE, { workerData: data });
}

/** Starts the primary call thread and leaves it for takePrestarted(); it does not keep the process alive until taken. */
export function prestart(): void {
  const holder = globalThis as { [PRESTARTED]?: Started };
  if (holder[PRESTARTED]) return;
  const buffer = SharedState.create(SLOT_COUNT).buffer;
  const worker = startCallThread(buffer, PRIMARY_SLOT);
  worker.unref(); // a usage error, --help: the process must not wait for it
  holder[PRESTARTED] = { buffer, worker };
}

/** The prestarted primary thread, once (null when none was started or it was taken). */
export function takePrestarted(): Started | null {
  const holder = globalThis as { [PRESTARTED]?: Started };
  const started = holder[PRESTARTED] ?? null;
  delete holder[PRESTARTED];
  return started;
}
