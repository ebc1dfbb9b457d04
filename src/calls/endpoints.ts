// Descriptors named the way strace -yy names them: `3<TCP:[127.0.0.1:8080]>`,
// `4<TCP:[127.0.0.1:8080->127.0.0.1:51234]>`, `5<TCPv6:[[::1]:8080]>`, and `6<TCP:[74061]>` (the inode)
// for a socket the kernel's tables do not list yet. Like strace, a socket's name is kept once it is
// known (strace caches it by inode), so a connection that has ended keeps the name it had.
import { endpointText } from '../libc/addresses';
import { findInetSocket, SocketEndpoints, SocketIdentity, socketIdentity } from '../libc/native/sockdiag';
import type { SocketName } from './event';

/** `TCP:[127.0.0.1:8080->127.0.0.1:51234]`; `TCP:[74061]` when the socket has no endpoints to show. */
export function formatEndpoint(protocolName: string, inode: number, endpoints: SocketEndpoints | null): string {
  if (!endpoints) return `${protocolName}:[${inode}]`;
  const local = endpointText(endpoints.local);
  return endpoints.peer ? `${protocolName}:[${local}->${endpointText(endpoints.peer)}]` : `${protocolName}:[${local}]`;
}

interface Known {
  readonly identity: SocketIdentity;
  /** The name found in the kernel's tables; once found it stays, as in strace's cache. */
  found: string | null;
}

/** What strace -yy would print beside each descriptor of this process. */
export class EndpointNames {
  private readonly known = new Map<number, Known>();

  /** The name of `fd` as it stands before the call being recorded: known, or looked up now; {} when not a socket. */
  describe(fd: number): SocketName {
    const entry = this.known.get(fd) ?? this.learn(fd);
    if (!entry) return {};
    const { inode, protocolName } = entry.identity;
    return { endpoint: entry.found ?? formatEndpoint(protocolName, inode, null), inode };
  }

  /** After a call on `fd`: look the socket up in the kernel's tables, unless its name is known already. */
  settle(fd: number): void {
    const entry = this.known.get(fd) ?? this.learn(fd);
    if (!entry || entry.found) return;
    const endpoints = findInetSocket(entry.identity);
    if (endpoints) entry.found = formatEndpoint(entry.identity.protocolName, entry.identity.inode, endpoints);
  }

  /** The descriptor was closed: a later one with the same number is another socket. */
  forget(fd: number): void {
    this.known.delete(fd);
  }

  private learn(fd: number): Known | undefined {
    const identity = socketIdentity(fd);
    if (!identity) return undefined;
    const entry = { identity, found: null };
    this.known.set(fd, entry);
    return entry;
  }
}
