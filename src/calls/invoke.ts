// THE SEAM between the traced-call path and libc: the one function that calls a registry entry's
// glibc wrapper with its marshalled C values. Everything before it (planning, marshalling) and after it
// (decoding what the kernel filled in, recording) is the recorder's; only this decides on which thread
// the call runs:
// - on a program's call thread (src/callthread/worker.ts, after useCallThread) every call is made
//   synchronously on that thread, and timed by ffi.ts immediately around ffi-rs's call: invoke then
//   returns an Invocation for a call that may wait too;
// - for a lesson's or the shell's side, the recorder names a CallPlace (src/callthread/sides.ts): the
//   call is made synchronously on that side's thread and timed there;
// - otherwise a call that never waits runs here, and one that may wait on a libuv thread-pool thread
//   (ffi-rs runInNewThread), timed around that hop: only a Recorder given neither (a test's) does so.
import { performance } from 'node:perf_hooks';
import { isCallThread, lastCallTimes, RawResult, syscallNow, syscallOnPool } from '../libc/native/ffi';
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
  /**
   * Settles once the kernel shows the thread making the call asleep in it, and never if the call
   * returns first; absent on the thread pool, whose threads netsys cannot name (the recorder then
   * calls a call blocked after BLOCKED_AFTER_MS).
   */
  readonly blocked?: Promise<void>;
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

type Binding = { readonly waits: false; readonly call: (values: unknown[]) => RawResult } | { readonly waits: true; readonly call: (values: unknown[]) => Promise<RawResult> };

/** Each wrapper is described to ffi-rs once, on its first call. */
const bindings = new Map<SyscallName, Binding>();

function bindingOf(name: SyscallName): Binding {
  let binding = bindings.get(name);
  if (!binding) {
    const signature = signatureOf(name);
    binding = specOf(name).waits && !isCallThread() ? { waits: true, call: syscallOnPool(signature) } : { waits: false, call: syscallNow(signature) };
    bindings.set(name, binding);
  }
  return binding;
}

/**
 * Calls glibc's `name` with `values` (the C values in the prototype's order, from planCall). Returns
 * the invocation at once for a call that never waits, and for every call on a call thread, timed
 * right around ffi-rs's call (ffi.ts lastCallTimes); for one that may wait elsewhere, a Pending whose promise
 * settles when the kernel returns (rejects only if ffi-rs itself fails). errno is read on the thread
 * that made the call. With `place`, the call is made there (CallPlace.make).
 */
export function invoke(name: SyscallName, values: readonly unknown[], place?: CallPlace): Invocation | Pending {
  if (place) return place.make(name, values, Boolean(specOf(name).waits));
  const binding = bindingOf(name);
  if (!binding.waits) {
    const raw = binding.call([...values]);
    return { raw, ...lastCallTimes() };
  }
  const started = now();
  return { started, done: binding.call([...values]).then((raw) => ({ raw, started, ended: now() })) };
}
