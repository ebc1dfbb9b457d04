// The one module that talks to ffi-rs. Every function is declared once, here.
// Calls that can block in the kernel run on a libuv thread-pool thread
// (runInNewThread) so the event loop stays free for signals, timers and input;
// errno is read by ffi-rs on that same thread, right after the call returns.
import { restoreReport } from './quiet-report';
import { DataType as T, define, load, open } from 'ffi-rs';

restoreReport();

const LIB = 'libc';
open({ library: LIB, path: 'libc.so.6' });

const fns = define({
  socket: { library: LIB, retType: T.I32, paramsType: [T.I32, T.I32, T.I32], errno: true },
  bind: { library: LIB, retType: T.I32, paramsType: [T.I32, T.U8Array, T.U32], errno: true },
  listen: { library: LIB, retType: T.I32, paramsType: [T.I32, T.I32], errno: true },
  accept: {
    library: LIB, retType: T.I32, paramsType: [T.I32, T.U8Array, T.U8Array], errno: true, runInNewThread: true,
  },
  connect: {
    library: LIB, retType: T.I32, paramsType: [T.I32, T.U8Array, T.U32], errno: true, runInNewThread: true,
  },
  send: {
    library: LIB, retType: T.I64, paramsType: [T.I32, T.U8Array, T.U64, T.I32], errno: true, runInNewThread: true,
  },
  recv: {
    library: LIB, retType: T.I64, paramsType: [T.I32, T.U8Array, T.U64, T.I32], errno: true, runInNewThread: true,
  },
  sendto: {
    library: LIB, retType: T.I64, paramsType: [T.I32, T.U8Array, T.U64, T.I32, T.U8Array, T.U32], errno: true,
    runInNewThread: true,
  },
  recvfrom: {
    library: LIB, retType: T.I64, paramsType: [T.I32, T.U8Array, T.U64, T.I32, T.U8Array, T.U8Array], errno: true,
    runInNewThread: true,
  },
  poll: {
    library: LIB, retType: T.I32, paramsType: [T.U8Array, T.U64, T.I32], errno: true, runInNewThread: true,
  },
  shutdown: { library: LIB, retType: T.I32, paramsType: [T.I32, T.I32], errno: true },
  close: { library: LIB, retType: T.I32, paramsType: [T.I32], errno: true },
  getsockname: { library: LIB, retType: T.I32, paramsType: [T.I32, T.U8Array, T.U8Array], errno: true },
  getpeername: { library: LIB, retType: T.I32, paramsType: [T.I32, T.U8Array, T.U8Array], errno: true },
  setsockopt: { library: LIB, retType: T.I32, paramsType: [T.I32, T.I32, T.I32, T.U8Array, T.U32], errno: true },
  getsockopt: { library: LIB, retType: T.I32, paramsType: [T.I32, T.I32, T.I32, T.U8Array, T.U8Array], errno: true },
  // The kernel-view probes (untraced): ioctl for queue sizes, fgetxattr for a socket's protocol name.
  ioctl: { library: LIB, retType: T.I32, paramsType: [T.I32, T.U64, T.U8Array], errno: true },
  fgetxattr: { library: LIB, retType: T.I64, paramsType: [T.I32, T.String, T.U8Array, T.U64], errno: true },
  getaddrinfo: {
    library: LIB, retType: T.I32, paramsType: [T.String, T.String, T.U8Array, T.U8Array], runInNewThread: true,
  },
  freeaddrinfo: { library: LIB, retType: T.Void, paramsType: [T.BigInt] },
  inet_pton: { library: LIB, retType: T.I32, paramsType: [T.I32, T.String, T.U8Array] },
  inet_ntop: { library: LIB, retType: T.BigInt, paramsType: [T.I32, T.U8Array, T.U8Array, T.U32] },
  strerror: { library: LIB, retType: T.BigInt, paramsType: [T.I32] },
  strerrorname_np: { library: LIB, retType: T.BigInt, paramsType: [T.I32] },
  gai_strerror: { library: LIB, retType: T.BigInt, paramsType: [T.I32] },
  strlen: { library: LIB, retType: T.U64, paramsType: [T.BigInt] },
  memcpy: { library: LIB, retType: T.BigInt, paramsType: [T.U8Array, T.BigInt, T.U64] },
  memmove: { library: LIB, retType: T.BigInt, paramsType: [T.U8Array, T.U8Array, T.U64] },
});

/** sizeof(struct pollfd): int fd, short events, short revents. */
export const POLLFD_SIZE = 8;

/** What a system call returned: its value, and errno when the value is -1 (else 0). */
export interface RawResult {
  readonly value: number;
  readonly errno: number;
}

interface WithErrno {
  value: number;
  errnoCode: number;
}

function raw(result: WithErrno): RawResult {
  return { value: Number(result.value), errno: result.value === -1 ? result.errnoCode : 0 };
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

export function socket(domain: number, type: number, protocol: number): RawResult {
  return raw(fns.socket([domain, type, protocol]));
}
export function bind(fd: number, addr: Buffer, addrlen: number): RawResult {
  return raw(fns.bind([fd, addr, addrlen]));
}
export function listen(fd: number, backlog: number): RawResult {
  return raw(fns.listen([fd, backlog]));
}
export async function accept(fd: number, addr: Buffer, addrlen: Buffer): Promise<RawResult> {
  return raw(await fns.accept([fd, addr, addrlen]));
}
export async function connect(fd: number, addr: Buffer, addrlen: number): Promise<RawResult> {
  return raw(await fns.connect([fd, addr, addrlen]));
}
export async function send(fd: number, data: Buffer, flags: number): Promise<RawResult> {
  return raw(await fns.send([fd, data, data.length, flags]));
}
export async function recv(fd: number, buffer: Buffer, flags: number): Promise<RawResult> {
  return raw(await fns.recv([fd, buffer, buffer.length, flags]));
}
export async function sendto(fd: number, data: Buffer, flags: number, addr: Buffer): Promise<RawResult> {
  return raw(await fns.sendto([fd, data, data.length, flags, addr, addr.length]));
}
/** recvfrom(2): `addr` receives the sender's address, `addrlen` (a socklen_t) its length. */
export async function recvfrom(fd: number, buffer: Buffer, flags: number, addr: Buffer, addrlen: Buffer): Promise<RawResult> {
  return raw(await fns.recvfrom([fd, buffer, buffer.length, flags, addr, addrlen]));
}
/** poll(2) on an array of struct pollfd (8 bytes each); the kernel writes each revents into `fds`. */
export async function poll(fds: Buffer, timeout: number): Promise<RawResult> {
  return raw(await fns.poll([fds, fds.length / POLLFD_SIZE, timeout]));
}
export function shutdown(fd: number, how: number): RawResult {
  return raw(fns.shutdown([fd, how]));
}
export function close(fd: number): RawResult {
  return raw(fns.close([fd]));
}
export function getsockname(fd: number, addr: Buffer, addrlen: Buffer): RawResult {
  return raw(fns.getsockname([fd, addr, addrlen]));
}
export function getpeername(fd: number, addr: Buffer, addrlen: Buffer): RawResult {
  return raw(fns.getpeername([fd, addr, addrlen]));
}
export function setsockopt(fd: number, level: number, name: number, value: Buffer): RawResult {
  return raw(fns.setsockopt([fd, level, name, value, value.length]));
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

/**
 * A synchronous binding of a function `define` binds to the thread pool: ffi-rs names a defined
 * function by its key, so the twin goes through load. For calls that cannot block (a netlink query
 * the kernel answers at once).
 */
function immediate(funcName: string, retType: T, paramsType: T[]): (values: unknown[]) => WithErrno {
  return (paramsValue) => load({ library: LIB, funcName, retType, paramsType, paramsValue, errno: true }) as unknown as WithErrno;
}
const sendtoImmediate = immediate('sendto', T.I64, [T.I32, T.U8Array, T.U64, T.I32, T.U8Array, T.U32]);
const recvfromImmediate = immediate('recvfrom', T.I64, [T.I32, T.U8Array, T.U64, T.I32, T.U8Array, T.U8Array]);

/** sendto(2) on this thread: for the kernel-view's netlink queries, which never block. */
export function sendtoNow(fd: number, data: Buffer, flags: number, addr: Buffer): RawResult {
  return raw(sendtoImmediate([fd, data, data.length, flags, addr, addr.length]));
}
/** recvfrom(2) on this thread: for the kernel-view's netlink replies, already queued when it is called. */
export function recvfromNow(fd: number, buffer: Buffer, flags: number, addr: Buffer, addrlen: Buffer): RawResult {
  return raw(recvfromImmediate([fd, buffer, buffer.length, flags, addr, addrlen]));
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
