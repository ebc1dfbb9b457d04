// Socket addresses as netsys holds them: plain data, no libc needed to read or print them.
import { interfaceName } from './interfaces';
import { ADDRESS_FAMILIES, valueOf } from './xlat';

export const AF_INET = valueOf(ADDRESS_FAMILIES, 'AF_INET');
export const AF_INET6 = valueOf(ADDRESS_FAMILIES, 'AF_INET6');

export const SOCKADDR_IN_SIZE = 16;
export const SOCKADDR_IN6_SIZE = 28;

export interface InetSockAddr {
  readonly family: number;
  /** libc's inet_ntop text: `127.0.0.1`, `::1`, `::ffff:127.0.0.1`. */
  readonly address: string;
  readonly port: number;
  /** sin6_flowinfo and sin6_scope_id: always 0 for AF_INET. */
  readonly flowinfo: number;
  readonly scopeId: number;
}

/** An address of a family netsys does not decode: shown by its family and raw bytes. */
export interface OtherSockAddr {
  readonly family: number;
  readonly data: Buffer;
}

export type SockAddr = InetSockAddr | OtherSockAddr;

/** True for INADDR_ANY and in6addr_any as inet_ntop writes them (`0.0.0.0`, `::`): bound to every address of the machine. */
export function isWildcardAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

export function isInet(addr: SockAddr): addr is InetSockAddr {
  return 'address' in addr;
}

export function sockaddrSize(family: number): number {
  return family === AF_INET6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
}

/** `127.0.0.1`, `::1`, `fe80::1%lo` (a scope id by its interface's name when one has it, else `%77`): how a person writes an address. */
export function hostText(addr: Pick<InetSockAddr, 'address' | 'scopeId'>): string {
  if (addr.scopeId === 0) return addr.address;
  return `${addr.address}%${interfaceName(addr.scopeId) ?? addr.scopeId}`;
}

/** `127.0.0.1:8080`, `[::1]:8080`, `[fe80::1%lo]:8080`: how a person writes an endpoint. */
export function endpointText(addr: SockAddr): string {
  if (!isInet(addr)) return `family ${addr.family}`;
  return addr.family === AF_INET6 ? `[${hostText(addr)}]:${addr.port}` : `${addr.address}:${addr.port}`;
}
