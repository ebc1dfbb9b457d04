// _exit(2) through libc. Node's process.exit runs libuv's exit handler, which joins every thread-pool
// thread: one still blocked in the kernel (a recv nothing will wake, a slow DNS lookup) would hold the
// process for ever, deaf to signals. netsys writes everything it has to say first, then leaves this way.
// (ffi.ts binds the calls that are traced; this one is not a socket call and is never traced.)
import { DataType, load } from 'ffi-rs';
import './ffi';

/** The name ffi.ts opened libc.so.6 under. */
const LIB = 'libc';

/** Ends the process at once with `code` (0-255): no exit handlers, no wait for any thread. */
export function exitNow(code: number): never {
  load({ library: LIB, funcName: '_exit', retType: DataType.Void, paramsType: [DataType.I32], paramsValue: [code] });
  process.exit(code); // not reached: _exit does not return
}
