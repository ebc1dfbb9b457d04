// struct sockaddr_in and struct sockaddr_in6, encoded and decoded from their real byte layout
// (<netinet/in.h>): the family in host byte order, port and address in network byte order.
// Address text comes from libc's inet_ntop, so it is the text strace prints.
import { AF_INET, AF_INET6, InetSockAddr, SOCKADDR_IN_SIZE, SOCKADDR_IN6_SIZE, SockAddr, sockaddrSize } from '../addresses';
import { inetNtop, inetPton } from './ffi';
import { interfaceIndex } from '../interfaces';

/** An address literal as typed: its family, inet_ntop's text, and an IPv6 scope id (0 when none was given). */
export interface InetLiteral {
  readonly family: number;
  readonly address: string;
  readonly scopeId: number;
}

/** Link-local unicast fe80::/10, node-local and link-local multicast ff01::/16, ff02::/16 (any flags), from the address's bytes. */
function scopeIsInterface(bytes: Buffer): boolean {
  return (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) || (bytes[0] === 0xff && ((bytes[1] & 0x0f) === 1 || (bytes[1] & 0x0f) === 2));
}

/**
 * The scope id after `%`, read as glibc's getaddrinfo reads it (inet/inet6_scopeid_pton.c): an
 * interface's name for a link-local or node-local address, else a decimal number; null when neither.
 */
function parseScope(scope: string, bytes: Buffer): number | null {
  const named = scopeIsInterface(bytes) ? interfaceIndex(scope) : null;
  if (named !== null) return named;
  return /^\d+$/.test(scope) && Number(scope) <= 0xffffffff ? Number(scope) : null;
}

/** Parses an IPv4 or IPv6 literal (`[::1]`, `fe80::1%lo`, `[::1%1]` allowed); null when `text` is not one. */
export function parseInetAddress(text: string): InetLiteral | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (inetPton(AF_INET, bare, 4)) return { family: AF_INET, address: bare, scopeId: 0 };
  const [address, scope, ...extra] = bare.split('%');
  const v6 = extra.length === 0 ? inetPton(AF_INET6, address, 16) : null;
  if (!v6) return null;
  const scopeId = scope === undefined ? 0 : parseScope(scope, v6);
  return scopeId === null ? null : { family: AF_INET6, address: inetNtop(AF_INET6, v6), scopeId };
}

export function encodeSockaddr(addr: InetSockAddr): Buffer {
  const size = sockaddrSize(addr.family);
  const bytes = addr.family === AF_INET6 ? inetPton(AF_INET6, addr.address, 16) : inetPton(AF_INET, addr.address, 4);
  if (!bytes) throw new Error(`not an address of its family: ${addr.address}`);
  const out = Buffer.alloc(size);
  out.writeUInt16LE(addr.family, 0);
  out.writeUInt16BE(addr.port, 2);
  if (addr.family === AF_INET6) {
    out.writeUInt32BE(addr.flowinfo, 4);
    bytes.copy(out, 8);
    out.writeUInt32LE(addr.scopeId, 24);
  } else {
    bytes.copy(out, 4);
  }
  return out;
}

/** Decodes the first `length` bytes of a sockaddr as the kernel wrote or read them. */
export function decodeSockaddr(buffer: Buffer, length: number): SockAddr {
  const bytes = buffer.subarray(0, Math.min(length, buffer.length));
  const family = bytes.length >= 2 ? bytes.readUInt16LE(0) : 0;
  if (family === AF_INET && bytes.length >= SOCKADDR_IN_SIZE) {
    return {
      family,
      port: bytes.readUInt16BE(2),
      address: inetNtop(AF_INET, bytes.subarray(4, 8)),
      flowinfo: 0,
      scopeId: 0,
    };
  }
  if (family === AF_INET6 && bytes.length >= SOCKADDR_IN6_SIZE) {
    return {
      family,
      port: bytes.readUInt16BE(2),
      flowinfo: bytes.readUInt32BE(4),
      address: inetNtop(AF_INET6, bytes.subarray(8, 24)),
      scopeId: bytes.readUInt32LE(24),
    };
  }
  return { family, data: Buffer.from(bytes.subarray(2)) };
}
