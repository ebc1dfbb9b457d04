// THE SEAM between the traced-call path and libc: the one function that calls a registry entry's
// glibc wrapper with its marshalled C values. Everything before it (planning, marshalling) and after it
// (decoding what the kernel filled in, recording) is the recorder's; only this decides on which thread
// the call runs, and every call runs synchronously on a thread of netsys's own, timed there by ffi.ts
// immediately around ffi-rs's call:
// - on a program's call thread (src/callthread/worker.ts, after useCallThread), every call, there:
//   invoke then returns an Invocation for a call that may wait too;
// - for a lesson's or the shell's side, the recorder names a CallPlace (src/callthread/sides.ts), the
//   side's thread: a call that may wait comes back as a Pending;
// - otherwise (a supervisor's or a side's wake-up shutdown, a close), a call that never waits, here.
import { performance } from 'node:perf_hooks';
import { isCallThread, lastCallTimes, RawResult, syscallNow } from '../libc/native/ffi';
import { signatureOf } from './plans';
import { specOf, SyscallName } from './registry';

/** What one call returned, and when it started and ended, in milliseconds since the epoch. */
export interface Invocation {
  readonly raw: RawResult;
  readonly started: number;
  readonly ended: number;
}

/** Wall-clock time in milliseconds since the epoch, with sub-millisecond precision. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** A call the kernel may still hold: when it started, and its invocation once it returns. */
export interface Pending {
  readonly started: number;
  readonly done: Promise<Invocation>;
  /** Settles once the kernel shows the thread making the call asleep in it, and never if the call returns first. */
  readonly blocked: Promise<void>;
}

/** A thread other than this one on which a recorder's calls are made (a lesson's or the shell's side: sides.ts). */
export interface CallPlace {
  /**
   * Makes `name` with `values` there; `waits` tells whether the kernel may hold it (the registry's
   * `waits`). The Invocation at once for a call that never waits, a Pending for one that may. What
   * the kernel writes into a Buffer of `values` is in that Buffer when the call has returned.
   */
  make(name: SyscallName, values: readonly unknown[], waits: boolean): Invocation | Pending;
}

/** Each wrapper is described to ffi-rs once, on its first call. */
const bindings = new Map<SyscallName, (values: unknown[]) => RawResult>();

/**
 * Calls glibc's `name` with `values` (the C values in the prototype's order, from planCall): with
 * `place`, there (CallPlace.make); otherwise on this thread, synchronously, timed right around
 * ffi-rs's call (ffi.ts lastCallTimes), errno read on this thread. Throws Error for a call that may
 * wait, on the main thread, without a place: it would hold the thread that must stay free for
 * signals, timers and keys (a bug in netsys).
 */
export function invoke(name: SyscallName, values: readonly unknown[], place?: CallPlace): Invocation | Pending {
  const waits = Boolean(specOf(name).waits);
  if (place) return place.make(name, values, waits);
  if (waits && !isCallThread()) throw new Error(`${name} may wait in the kernel: it is made on a thread of its own (a CallPlace), never on the main thread`);
  let call = bindings.get(name);
  if (!call) {
    call = syscallNow(signatureOf(name));
    bindings.set(name, call);
  }
  const raw = call([...values]);
  return { raw, ...lastCallTimes() };
}
