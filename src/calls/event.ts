// One recorded call: what was passed, what came back, and when. Renderers are pure functions of it.
import type { ErrorInfo } from '../libc/results';
import type { Addrinfo, AddrinfoHints } from '../libc/results';
import type { SockAddr } from '../libc/addresses';
import type { Xlat } from '../libc/xlat';

interface Named {
  /** The parameter's name in the C prototype: `sockfd`, `addrlen`. */
  readonly name: string;
}

export type Arg = Named &
  (
    | { readonly type: 'int'; readonly value: number }
    | ({ readonly type: 'fd'; readonly value: number } & SocketName)
    | { readonly type: 'enum'; readonly table: Xlat; readonly value: number }
    | { readonly type: 'flags'; readonly table: Xlat; readonly value: number }
    | { readonly type: 'socktype'; readonly value: number }
    | { readonly type: 'sockopt'; readonly level: number; readonly value: number }
    | { readonly type: 'sockaddr'; readonly addr: SockAddr }
    /** A buffer whose contents were not read (the call failed): strace prints its address; 0 is NULL. */
    | { readonly type: 'pointer'; readonly value: bigint }
    /** Data passed or received: the first bytes (as many as may be shown) and the full length. */
    | { readonly type: 'bytes'; readonly head: Buffer; readonly length: number }
    /** A value-result length: `[16]`, or `[128 => 16]` when the kernel changed it. */
    | { readonly type: 'socklen'; readonly before: number; readonly after: number }
    /** An int passed by address, as for setsockopt's optval: `[1]`. */
    | { readonly type: 'intref'; readonly value: number }
    | { readonly type: 'string'; readonly value: string }
    | { readonly type: 'hints'; readonly hints: AddrinfoHints }
    | { readonly type: 'addrinfo'; readonly entries: readonly Addrinfo[] }
    /** poll's array of struct pollfd, as passed: `[{fd=3, events=POLLIN}, ...]`. */
    | { readonly type: 'pollfds'; readonly fds: readonly PollFd[] }
    /** An argument the kernel fills in, before it has: only its name is known (`buf`, `addrlen`). */
    | { readonly type: 'output' }
  );

/**
 * The socket a descriptor names, read from the kernel when -y or -yy asked for it: `inode` as strace -y
 * shows it (`socket:[74061]`, the /proc/self/fd link), `endpoint` as strace -yy does (`TCP:[127.0.0.1:8080]`).
 */
export interface SocketName {
  readonly endpoint?: string;
  readonly inode?: number;
}

/** One struct pollfd: what was asked (events) and what the kernel answered (revents, 0 before it has). */
export interface PollFd extends SocketName {
  readonly fd: number;
  readonly events: number;
  readonly revents: number;
}

export type CallKind = 'syscall' | 'libc';

/** What every form of a call has: a call about to be made, one the kernel holds, one that returned. */
export interface CallShape {
  /** The name the program called: `recv`, even though the kernel sees recvfrom. */
  readonly name: string;
  /** A system call, or a library function (getaddrinfo) that is not one. */
  readonly kind: CallKind;
  /** The arguments; before the kernel has answered, those it fills in are of type 'output'. */
  readonly args: readonly Arg[];
}

/**
 * A listener's accept queue as the kernel keeps it: `waiting` connections (sk_ack_backlog) and the
 * `backlog` listen() was given, capped at somaxconn (sk_max_ack_backlog). It is full, and new SYNs are
 * dropped, once more than `backlog` wait (include/net/sock.h, sk_acceptq_is_full).
 */
export interface AcceptQueue {
  readonly waiting: number;
  readonly backlog: number;
}

/** A TCP socket's state as the kernel reported it just after a call (--state); not a traced call. */
export interface SocketState {
  readonly fd: number;
  /** The kernel's name for tcpi_state: `LISTEN`, `ESTABLISHED`, `CLOSE_WAIT`. */
  readonly state: string;
  /** A listener's accept queue: connections waiting for accept, and the backlog. */
  readonly acceptQueue?: AcceptQueue;
  /** Bytes received and not yet read; bytes sent and not yet acknowledged. */
  readonly unread?: number;
  readonly unacked?: number;
  /** This side's FIN is sent and not yet acknowledged (FIN_WAIT1, CLOSING, LAST_ACK). */
  readonly finUnacked?: boolean;
  /**
   * For a socket in CLOSE that had a connection: its endpoints (`127.0.0.1:8080`), and its state in
   * the kernel's tables now (TIME_WAIT: held by no descriptor), absent once it is gone from them.
   */
  readonly connection?: { readonly local: string; readonly peer: string; readonly state?: string };
}

export interface CallEvent {
  readonly seq: number;
  readonly pid: number;
  /** The name the program called: `recv`, even though the kernel sees recvfrom. */
  readonly name: string;
  /** A system call, or a library function (getaddrinfo) that is not one. */
  readonly kind: CallKind;
  readonly args: readonly Arg[];
  readonly ret: number;
  /** errno (or getaddrinfo's EAI_* code) when the call failed, else null. */
  readonly error: ErrorInfo | null;
  /** Wall-clock start, in milliseconds since the epoch, with sub-millisecond precision. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** poll: the entries whose revents the kernel set, which strace prints after the result. */
  readonly ready?: readonly PollFd[];
  /** True when the call was reported as blocked (a BlockedCall) before it returned. */
  readonly blocked?: boolean;
  /** True when the call returned after netsys began to leave (a signal, `q` in a lesson), woken by that. */
  readonly wokenToLeave?: boolean;
  /** With -y or -yy: the socket a returned descriptor names (socket, accept), as strace -yy shows it. */
  readonly retEndpoint?: string;
  /** With -y or -yy: that socket's inode, as strace -y shows it. */
  readonly retInode?: number;
  /** With --state: the TCP sockets the call touched (and any other whose state changed), just after it. */
  readonly states?: readonly SocketState[];
}

/** A call the kernel has not returned from yet: strace's `accept(3,  <unfinished ...>`. */
export interface BlockedCall {
  readonly pid: number;
  readonly name: string;
  readonly kind: CallKind;
  /** The arguments as passed: those the kernel will fill in are still of type 'output'. */
  readonly args: readonly Arg[];
  readonly startedAt: number;
  /**
   * For a connect: the accept queue of the socket listening on its address on this machine, as the
   * kernel showed it when the call was reported held (sock_diag); absent when netsys cannot see the
   * listener (the server is on another machine) or did not look.
   */
  readonly listener?: AcceptQueue;
}
