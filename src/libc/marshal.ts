// C values as the kernel reads and writes them (x86_64): socklen_t for a value-result length, and
// setsockopt()'s option values. Pure byte layout, no libc; sockaddr.ts and pollfd.ts hold the structs.

/** sizeof(socklen_t): an unsigned 32-bit int (<sys/socket.h>). */
const SOCKLEN_SIZE = 4;
/** struct timeval on x86_64: tv_sec and tv_usec, 8 bytes each (<sys/time.h>). */
const TIMEVAL_SIZE = 16;

/** A value-result length as passed: a socklen_t holding `value`, which the kernel may overwrite. */
export function encodeSocklen(value: number): Buffer {
  const length = Buffer.alloc(SOCKLEN_SIZE);
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

/** The option value's bytes, as the kernel reads them at optval, optlen of them. */
export function encodeOptionValue(value: OptionValue): Buffer {
  if ('int' in value) {
    const bytes = Buffer.alloc(4);
    bytes.writeInt32LE(value.int, 0);
    return bytes;
  }
  const bytes = Buffer.alloc(TIMEVAL_SIZE);
  const us = value.timevalMicroseconds;
  bytes.writeBigInt64LE(BigInt(Math.floor(us / 1e6)), 0);
  bytes.writeBigInt64LE(BigInt(us % 1e6), 8);
  return bytes;
}
