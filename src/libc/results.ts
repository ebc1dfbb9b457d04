// What libc hands back, as plain data (no binding loaded): an error by number, name and message, and
// getaddrinfo's hints and entries. The native modules fill them; events and renderers carry them.
import type { InetSockAddr } from './addresses';

export interface ErrorInfo {
  readonly code: number;
  /** `ECONNREFUSED`, `EAI_NONAME`. */
  readonly name: string;
  /** `Connection refused`, as strerror(3) or gai_strerror(3) words it. */
  readonly message: string;
}

export interface AddrinfoHints {
  readonly flags: number;
  readonly family: number;
  readonly socktype: number;
  readonly protocol: number;
}

/** One entry of getaddrinfo()'s list: what to pass to socket() and connect() or bind(). */
export interface Addrinfo {
  readonly family: number;
  readonly socktype: number;
  readonly protocol: number;
  readonly addr: InetSockAddr;
  readonly addrlen: number;
}
