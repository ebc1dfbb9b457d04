// The one module that talks to ffi-rs. The traced system calls are bound from their registry
// signatures (syscallNow, called from calls/invoke.ts); the probes and helpers here. Every traced
// call netsys makes runs synchronously on the thread that makes it (a program's call thread, a
// lesson's or the shell's side thread, src/callthread/, or the main thread for a call that never
// waits), timed right around ffi-rs's load (lastCallTimes), errno read by ffi-rs on that thread right
// after the call. Only getaddrinfo, off a call thread, runs on a libuv thread-pool thread
// (runInNewThread), so that the event loop stays free while it looks a name up (and syscallOnPool,
// which only the bench calls, to measure that hop).
import { performance } from 'node:perf_hooks';
import { restoreReport } from './quiet-report';
import { arrayConstructor, DataType as T, FFIParams, load, open } from 'ffi-rs';

restoreReport();

const LIB = 'libc';
open({ library: LIB, path: 'libc.so.6' });

interface WithErrno {
  value: number;
  errnoCode: number;
}

/**
 * One libc function, described to ffi-rs once. ffi-rs's own `define` builds the description anew
 * (an object spread, an array type per Buffer argument) on every call; here only the values change,
 * which takes 5 to 13 µs off each call (README, Performance). ffi-rs reads the description before `load`
 * returns, even for a call that then runs on the thread pool, so the next call may reuse it.
 */
function libcFunction<Result>(funcName: string, retType: T, paramsType: readonly T[], options: { errno?: true; runInNewThread?: true } = {}): (values: unknown[]) => Result {
  const params: FFIParams<T, true | undefined, true | undefined> = {
    library: LIB,
    funcName,
    retType,
    paramsType: paramsType.map((type) => (type === T.U8Array ? arrayConstructor({ type, length: 0 }) : type)),
    paramsValue: [],
    errno: options.errno,
    runInNewThread: options.runInNewThread,
    freeResultMemory: false,
  };
  // The same function made synchronously, for a call thread: a second description, so that neither is
  // changed between calls.
  const direct: typeof params = { ...params, runInNewThread: undefined };
  return (values) => {
    if (callThread && options.runInNewThread) {
      direct.paramsValue = values;
      return Promise.resolve(timedLoad(direct)) as Result; // Result is a Promise for these (getaddrinfo)
    }
    params.paramsValue = values;
    return (options.runInNewThread ? load(params) : timedLoad(params)) as unknown as Result;
  };
}

/** Set by useCallThread: calls the kernel may hold are made on this thread, not on the pool. */
let callThread = false;
/** performance.now() just before and just after the last call made on this thread (timedLoad), in ms. */
let lastStarted = 0;
let lastEnded = 0;

/** One ffi-rs call on this thread, timed immediately around it. */
function timedLoad(params: FFIParams<T, true | undefined, true | undefined>): unknown {
  lastStarted = performance.now();
  const result = load(params);
  lastEnded = performance.now();
  return result;
}

/**
 * Makes every call of this thread synchronous: for a worker_threads call thread (src/callthread/),
 * where waiting in the kernel holds only that thread. The functions below keep their signatures
 * (those that may wait still return a Promise, already settled when it is returned).
 */
export function useCallThread(): void {
  callThread = true;
}

/** True on a call thread (useCallThread): every call is made synchronously here. */
export function isCallThread(): boolean {
  return callThread;
}

/**
 * When the last call made on this thread (not on the pool) started and returned, in milliseconds
 * since the epoch, read from performance.now() immediately around ffi-rs's load: ffi-rs's own
 * argument conversion (a few µs) is inside, the recorder's work is not.
 */
export function lastCallTimes(): { started: number; ended: number } {
  return { started: performance.timeOrigin + lastStarted, ended: performance.timeOrigin + lastEnded };
}

/** A system call made on this thread, synchronously (syscallNow), and the kernel-view probes. */
function immediate(funcName: string, retType: T, paramsType: readonly T[]): (values: unknown[]) => WithErrno {
  return libcFunction<WithErrno>(funcName, retType, paramsType, { errno: true });
}

/** A system call made on a thread-pool thread (syscallOnPool). */
function onPool(funcName: string, retType: T, paramsType: readonly T[]): (values: unknown[]) => Promise<WithErrno> {
  return libcFunction<Promise<WithErrno>>(funcName, retType, paramsType, { errno: true, runInNewThread: true });
}

const SENDTO = [T.I32, T.U8Array, T.U64, T.I32, T.U8Array, T.U32];
const RECVFROM = [T.I32, T.U8Array, T.U64, T.I32, T.U8Array, T.U8Array];

const fns = {
  // The kernel-view probes (untraced): getsockopt for TCP_INFO, ioctl for queue sizes, fgetxattr for a
  // socket's protocol name, and a netlink socket with sendto/recvfrom on this thread for sock_diag
  // queries, which the kernel answers at once.
  socketNow: immediate('socket', T.I32, [T.I32, T.I32, T.I32]),
  closeNow: immediate('close', T.I32, [T.I32]),
  getsockopt: immediate('getsockopt', T.I32, [T.I32, T.I32, T.I32, T.U8Array, T.U8Array]),
  ioctl: immediate('ioctl', T.I32, [T.I32, T.U64, T.U8Array]),
  fgetxattr: immediate('fgetxattr', T.I64, [T.I32, T.String, T.U8Array, T.U64]),
  sendtoNow: immediate('sendto', T.I64, SENDTO),
  recvfromNow: immediate('recvfrom', T.I64, RECVFROM),
  getaddrinfo: libcFunction<Promise<number>>('getaddrinfo', T.I32, [T.String, T.String, T.U8Array, T.U8Array], { runInNewThread: true }),
  freeaddrinfo: libcFunction<void>('freeaddrinfo', T.Void, [T.BigInt]),
  inet_pton: libcFunction<number>('inet_pton', T.I32, [T.I32, T.String, T.U8Array]),
  inet_ntop: libcFunction<BigInt>('inet_ntop', T.BigInt, [T.I32, T.U8Array, T.U8Array, T.U32]),
  strerror: libcFunction<BigInt>('strerror', T.BigInt, [T.I32]),
  strerrorname_np: libcFunction<BigInt>('strerrorname_np', T.BigInt, [T.I32]),
  gai_strerror: libcFunction<BigInt>('gai_strerror', T.BigInt, [T.I32]),
  strlen: libcFunction<number>('strlen', T.U64, [T.BigInt]),
  gettid: libcFunction<number>('gettid', T.I32, []),
  _exit: libcFunction<void>('_exit', T.Void, [T.I32]),
  memcpy: libcFunction<BigInt>('memcpy', T.BigInt, [T.U8Array, T.BigInt, T.U64]),
  memmove: libcFunction<BigInt>('memmove', T.BigInt, [T.U8Array, T.U8Array, T.U64]),
};

/** What a system call returned: its value, and errno when the value is -1 (else 0). */
export interface RawResult {
  readonly value: number;
  readonly errno: number;
}

function raw(result: WithErrno): RawResult {
  return { value: Number(result.value), errno: result.value === -1 ? result.errnoCode : 0 };
}

/** A C parameter's type as ffi-rs passes it: ints by value, a Buffer as a pointer to its bytes. */
export type CType = 'i32' | 'u32' | 'u64' | 'u8array';

/** A system call's glibc wrapper as ffi-rs calls it: its name, C return type and parameter types. */
export interface SyscallSignature {
  readonly func: string;
  /** int, or a 64-bit ssize_t */
  readonly returns: 'i32' | 'i64';
  readonly params: readonly CType[];
}

const C_TYPES: Readonly<Record<CType, T>> = { i32: T.I32, u32: T.U32, u64: T.U64, u8array: T.U8Array };
const RETURN_TYPES = { i32: T.I32, i64: T.I64 } as const;

/**
 * Memory that holds at least this many bytes is passed by its address: a loop's buffers (recv's,
 * standard input's, Node's 8 KiB pool) live that long, and a Buffer argument costs ffi-rs about
 * 2 µs more than a 64-bit integer (a send and a recv: 7.5 µs a call against 5.8 µs, hot loop). A
 * sockaddr made for one call is passed as a Buffer: learning its address would cost a call.
 */
const BY_ADDRESS_FROM_BYTES = 4096;

/** Where each ArrayBuffer's bytes are, learned once (V8 never moves an ArrayBuffer's backing store). */
const addresses = new WeakMap<ArrayBufferLike, bigint>();

function bytesAddress(buffer: Buffer): bigint {
  let base = addresses.get(buffer.buffer);
  if (base === undefined) {
    base = addressOf(buffer) - BigInt(buffer.byteOffset);
    addresses.set(buffer.buffer, base);
  }
  return base + BigInt(buffer.byteOffset);
}

/**
 * The wrapper called on this thread, synchronously: any call on a thread of netsys's own (a call or
 * side thread), a call that never waits (socket, bind, close, ...) on the main thread. errno is read
 * by ffi-rs right after the call, on the same thread. `values` is the caller's to give: Buffers in it
 * are replaced by their addresses when they qualify.
 */
export function syscallNow(signature: SyscallSignature): (values: unknown[]) => RawResult {
  const types = signature.params.map((type) => C_TYPES[type]);
  const call = immediate(signature.func, RETURN_TYPES[signature.returns], types);
  const buffers = signature.params.flatMap((type, index) => (type === 'u8array' ? [index] : []));
  if (buffers.length === 0) return (values) => raw(call(values));
  const byAddress = immediate(signature.func, RETURN_TYPES[signature.returns], types.map((type) => (type === T.U8Array ? T.BigInt : type)));
  return (values) => {
    for (const index of buffers) if ((values[index] as Buffer).buffer.byteLength < BY_ADDRESS_FROM_BYTES) return raw(call(values));
    for (const index of buffers) values[index] = bytesAddress(values[index] as Buffer);
    return raw(byAddress(values));
  };
}

/**
 * The wrapper called on a libuv thread-pool thread, as netsys made every call that may wait before it
 * made them on threads of its own: no traced call goes this way any more; the bench measures this hop
 * (`npm run bench`, "one call via ffi-rs, thread pool") beside the call made in place.
 */
export function syscallOnPool(signature: SyscallSignature): (values: unknown[]) => Promise<RawResult> {
  const call = onPool(signature.func, RETURN_TYPES[signature.returns], signature.params.map((type) => C_TYPES[type]));
  return async (values) => raw(await call(values));
}

/** Copies `length` bytes at a C address into a new Buffer, with libc's own memcpy. */
export function readMemory(address: bigint, length: number): Buffer {
  const copy = Buffer.alloc(length);
  if (length > 0) fns.memcpy([copy, address, length]);
  return copy;
}

/** ffi-rs types a returned pointer as the BigInt wrapper object; this unwraps it. */
function pointer(value: BigInt): bigint {
  return value.valueOf();
}

function readCString(address: bigint): string | null {
  if (address === 0n) return null;
  return readMemory(address, fns.strlen([address])).toString('utf8');
}

/** The address of a Buffer's bytes as C sees them: strace prints it when it cannot show the contents. */
export function addressOf(buffer: Buffer): bigint {
  return pointer(fns.memmove([buffer, buffer, 0]));
}

export function getsockopt(fd: number, level: number, name: number, value: Buffer, valueLength: Buffer): RawResult {
  return raw(fns.getsockopt([fd, level, name, value, valueLength]));
}
/** ioctl(2) with an int-sized out argument, as for SIOCINQ and SIOCOUTQ. */
export function ioctlInt(fd: number, request: number, value: Buffer): RawResult {
  return raw(fns.ioctl([fd, request, value]));
}
/** fgetxattr(2): the attribute's bytes are left in `value`; the return value is their length. */
export function fgetxattr(fd: number, name: string, value: Buffer): RawResult {
  return raw(fns.fgetxattr([fd, name, value, value.length]));
}

/** socket(2) and close(2), untraced: for the kernel view's netlink socket. */
export function socketNow(domain: number, type: number, protocol: number): RawResult {
  return raw(fns.socketNow([domain, type, protocol]));
}
export function closeNow(fd: number): RawResult {
  return raw(fns.closeNow([fd]));
}

/** sendto(2) on this thread: for the kernel-view's netlink queries, which never block. */
export function sendtoNow(fd: number, data: Buffer, flags: number, addr: Buffer): RawResult {
  return raw(fns.sendtoNow([fd, data, data.length, flags, addr, addr.length]));
}
/** recvfrom(2) on this thread: for the kernel-view's netlink replies, already queued when it is called. */
export function recvfromNow(fd: number, buffer: Buffer, flags: number, addr: Buffer, addrlen: Buffer): RawResult {
  return raw(fns.recvfromNow([fd, buffer, buffer.length, flags, addr, addrlen]));
}

/** getaddrinfo(3): `result` receives the `struct addrinfo *`; the return value is 0 or an EAI_* code. */
export async function getaddrinfo(node: string, service: string, hints: Buffer, result: Buffer): Promise<number> {
  return Number(await fns.getaddrinfo([node, service, hints, result]));
}
export function freeaddrinfo(list: bigint): void {
  fns.freeaddrinfo([list]);
}

/** inet_pton(3): the address's bytes in network order, or null when `text` is not an address of `family`. */
export function inetPton(family: number, text: string, size: number): Buffer | null {
  const bytes = Buffer.alloc(size);
  return fns.inet_pton([family, text, bytes]) === 1 ? bytes : null;
}

/** inet_ntop(3): libc's own text for an address, so netsys prints what strace prints. */
export function inetNtop(family: number, bytes: Buffer): string {
  const text = Buffer.alloc(64);
  fns.inet_ntop([family, bytes, text, text.length]);
  return text.toString('latin1', 0, text.indexOf(0));
}

export function strerror(code: number): string {
  return readCString(pointer(fns.strerror([code]))) ?? `Unknown error ${code}`;
}
/** strerrorname_np(3): `ECONNREFUSED` for 111; null for a number libc has no name for. */
export function strerrorname(code: number): string | null {
  return readCString(pointer(fns.strerrorname_np([code])));
}
export function gaiStrerror(code: number): string {
  return readCString(pointer(fns.gai_strerror([code]))) ?? `Unknown getaddrinfo error ${code}`;
}

/** gettid(2): this thread's id, as /proc/self/task/TID names it. */
export function gettid(): number {
  return fns.gettid([]);
}

/**
 * _exit(2): ends the process at once with `code`, without waiting for any thread. process.exit
 * joins every worker thread first, and one held in the kernel would never be joined (README, How it
 * is built); whatever must be written has to be written synchronously before this.
 */
export function exitNow(code: number): never {
  fns._exit([code]);
  throw new Error('_exit returned');
}
