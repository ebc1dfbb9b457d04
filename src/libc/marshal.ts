// C values as the kernel reads and writes them (x86_64): socklen_t for a value-result length, and
// setsockopt()'s option values. Pure byte layout, no libc; sockaddr.ts and pollfd.ts hold the structs.
import { SOCKET_LEVELS, SOCKET_OPTIONS, valueOf } from './xlat';

/**
 * `size` bytes of C memory for a call to read or fill, zeroed, in a SharedArrayBuffer: a lesson's or
 * the shell's side thread (src/callthread/sides.ts) then passes the kernel these very bytes, at the
 * address netsys shows (strace prints a buffer it cannot decode by its address), and what the kernel
 * writes there needs no copying back. An empty one is an ordinary Buffer (C sees NULL).
 */
export function cMemory(size: number): Buffer {
  return size > 0 ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.alloc(0);
}

/** sizeof(socklen_t): an unsigned 32-bit int (<sys/socket.h>). */
const SOCKLEN_SIZE = 4;
/** struct timeval on x86_64: tv_sec and tv_usec, 8 bytes each (<sys/time.h>). */
const TIMEVAL_SIZE = 16;

/** A value-result length as passed: a socklen_t holding `value`, which the kernel may overwrite. */
export function encodeSocklen(value: number): Buffer {
  const length = cMemory(SOCKLEN_SIZE);
  length.writeUInt32LE(value, 0);
  return length;
}

/** The socklen_t the kernel left. */
export function decodeSocklen(length: Buffer): number {
  return length.readUInt32LE(0);
}

/**
 * setsockopt()'s value: an int (SO_REUSEADDR, TCP_NODELAY), or a struct timeval given in
 * microseconds (SO_RCVTIMEO, socket(7)).
 */
export type OptionValue = { readonly int: number } | { readonly timevalMicroseconds: number };

/**
 * The options whose value is a struct timeval (socket(7)): SO_RCVTIMEO and SO_SNDTIMEO at SOL_SOCKET.
 * On x86_64 these are options 20 and 21, which the kernel (and strace) call SO_RCVTIMEO_OLD and
 * SO_SNDTIMEO_OLD since Linux added the _NEW ones for 32-bit systems with a 64-bit time.
 */
const TIMEVAL_OPTIONS = [valueOf(SOCKET_OPTIONS, 'SO_RCVTIMEO_OLD'), valueOf(SOCKET_OPTIONS, 'SO_SNDTIMEO_OLD')];
const SOL_SOCKET = valueOf(SOCKET_LEVELS, 'SOL_SOCKET');

/** True when option `optname` at `level` takes a struct timeval, not an int. */
export function takesTimeval(level: number, optname: number): boolean {
  return level === SOL_SOCKET && TIMEVAL_OPTIONS.includes(optname);
}

/** The option value's bytes, as the kernel reads them at optval, optlen of them. */
export function encodeOptionValue(value: OptionValue): Buffer {
  if ('int' in value) {
    const bytes = cMemory(4);
    bytes.writeInt32LE(value.int, 0);
    return bytes;
  }
  const bytes = cMemory(TIMEVAL_SIZE);
  const us = value.timevalMicroseconds;
  bytes.writeBigInt64LE(BigInt(Math.floor(us / 1e6)), 0);
  bytes.writeBigInt64LE(BigInt(us % 1e6), 8);
  return bytes;
}
