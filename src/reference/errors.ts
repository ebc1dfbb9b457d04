// What usually causes each errno a socket program meets, on Linux, and which calls return it.
// The numbers and messages are not here: they come from libc at run time (strerrorname_np, strerror).

export interface ErrorNote {
  readonly name: string;
  /** What usually causes it, in a sentence or two. */
  readonly cause: string;
  /** The calls that commonly return it. */
  readonly calls: readonly string[];
}

export const SOCKET_ERRORS: readonly ErrorNote[] = [
  { name: 'EACCES', cause: 'Permission denied: binding a port below 1024 without privilege (CAP_NET_BIND_SERVICE), or sending to a broadcast address without SO_BROADCAST.', calls: ['bind', 'connect', 'sendto', 'socket'] },
  { name: 'EADDRINUSE', cause: 'Another socket already holds this address and port: a running server, or connections of an earlier one still in TIME_WAIT (SO_REUSEADDR lets a server bind again then).', calls: ['bind', 'listen', 'connect'] },
  { name: 'EADDRNOTAVAIL', cause: 'The address is not one of this machine\'s (bind), or no ephemeral port is left to give the socket (connect).', calls: ['bind', 'connect'] },
  { name: 'EAFNOSUPPORT', cause: 'The address family is not supported: an AF_INET6 address given to an AF_INET socket, or IPv6 disabled in this kernel.', calls: ['socket', 'bind', 'connect'] },
  { name: 'EAGAIN', cause: 'Nothing could be done without waiting: no data, no connection or no buffer space on a non-blocking socket, or the SO_RCVTIMEO/SO_SNDTIMEO timeout expired. Try again later. (EWOULDBLOCK is the same number on Linux.)', calls: ['recv', 'recvfrom', 'send', 'sendto', 'accept', 'connect'] },
  { name: 'EALREADY', cause: 'A non-blocking connect is already in progress on this socket.', calls: ['connect'] },
  { name: 'EBADF', cause: 'The number is not an open file descriptor: it was never opened, or it was closed already.', calls: ['every call that takes a descriptor'] },
  { name: 'ECONNABORTED', cause: 'A connection in the accept queue was aborted (reset by the client) before accept took it.', calls: ['accept'] },
  { name: 'ECONNREFUSED', cause: 'Nothing listens at that address and port: the other machine\'s kernel answered the SYN with a reset (TCP), or an ICMP port-unreachable came back for an earlier datagram (connected UDP).', calls: ['connect', 'recv', 'recvfrom', 'send'] },
  { name: 'ECONNRESET', cause: 'The peer reset the connection: it closed with data still unread, closed with SO_LINGER set to 0, or its program died. Data in flight is lost.', calls: ['recv', 'send'] },
  { name: 'EDESTADDRREQ', cause: 'A datagram socket with no default destination: use sendto with an address, or connect first.', calls: ['send', 'write'] },
  { name: 'EFAULT', cause: 'A pointer argument points outside the program\'s memory.', calls: ['every call that takes a pointer'] },
  { name: 'EHOSTUNREACH', cause: 'No route to the host: the network says the machine cannot be reached.', calls: ['connect', 'sendto'] },
  { name: 'EINPROGRESS', cause: 'A non-blocking connect has started and the handshake is not finished: wait for the socket to become writable (poll POLLOUT), then read SO_ERROR.', calls: ['connect'] },
  { name: 'EINTR', cause: 'A signal arrived while the call was waiting, and its handler did not ask for the call to be restarted (SA_RESTART). Calling again is usually right.', calls: ['accept', 'connect', 'recv', 'send', 'poll', 'close'] },
  { name: 'EINVAL', cause: 'An argument is not valid here: bind on a socket that is already bound, accept on a socket that is not listening, a wrong address length, or an unknown shutdown mode.', calls: ['bind', 'accept', 'listen', 'shutdown', 'setsockopt'] },
  { name: 'EISCONN', cause: 'The socket is already connected.', calls: ['connect', 'sendto'] },
  { name: 'EMFILE', cause: 'This process has as many open descriptors as its limit allows (ulimit -n): something is not being closed.', calls: ['socket', 'accept'] },
  { name: 'EMSGSIZE', cause: 'The datagram is larger than the protocol allows in one message: at most 65507 bytes of data over IPv4 UDP.', calls: ['send', 'sendto'] },
  { name: 'ENETUNREACH', cause: 'No route to that network from this machine: for example an IPv6 address on a machine with no IPv6 route.', calls: ['connect', 'sendto'] },
  { name: 'ENFILE', cause: 'The whole system has reached its limit of open files.', calls: ['socket', 'accept'] },
  { name: 'ENOBUFS', cause: 'The kernel has no memory for socket buffers right now.', calls: ['socket', 'send', 'sendto'] },
  { name: 'ENOPROTOOPT', cause: 'The option is not known at this level (setsockopt, getsockopt).', calls: ['setsockopt', 'getsockopt'] },
  { name: 'ENOTCONN', cause: 'The socket is not connected: recv or send before connect or accept gave a connection, getpeername with no peer, or shutdown on a socket with no connection (such as UDP).', calls: ['recv', 'send', 'getpeername', 'shutdown'] },
  { name: 'ENOTSOCK', cause: 'The descriptor is open, but not a socket (a file or a pipe).', calls: ['every socket call'] },
  { name: 'EOPNOTSUPP', cause: 'This kind of socket does not do that: listen or accept on a UDP socket, or an unsupported flag.', calls: ['listen', 'accept', 'send', 'recv'] },
  { name: 'EPIPE', cause: 'Writing to a connection the peer has closed, or after shutdown(SHUT_WR). The kernel also sends SIGPIPE, which kills a C program unless it ignores the signal or passes MSG_NOSIGNAL; Node.js ignores SIGPIPE, so netsys sees EPIPE.', calls: ['send', 'write'] },
  { name: 'EPROTONOSUPPORT', cause: 'The protocol does not fit the type: IPPROTO_UDP with SOCK_STREAM, for example.', calls: ['socket'] },
  { name: 'ETIMEDOUT', cause: 'The other side did not answer in time: no reply to the SYN of connect (about two minutes with Linux defaults), or a connection whose retransmissions or keepalives went unanswered.', calls: ['connect', 'recv', 'send'] },
];

const BY_NAME: ReadonlyMap<string, ErrorNote> = new Map(SOCKET_ERRORS.map((note) => [note.name, note]));

/** A sentence on what usually causes this errno, for the errors listed here. */
export function explainErrno(name: string): string | undefined {
  return BY_NAME.get(name === 'EWOULDBLOCK' ? 'EAGAIN' : name)?.cause;
}

export function errorNote(name: string): ErrorNote | undefined {
  return BY_NAME.get(name);
}

/** getaddrinfo's own errors (EAI_*): not errno values, and returned rather than set in errno. */
export const ADDRINFO_NOTES: Readonly<Record<string, string>> = {
  EAI_NONAME: 'The name is not known: no entry in /etc/hosts and no DNS answer for it, or a service name that is not in /etc/services.',
  EAI_AGAIN: 'The name server did not answer in time, or answered "try again later".',
  EAI_FAIL: 'The name server failed for good.',
  EAI_FAMILY: 'The family in the hints is not supported.',
  EAI_SERVICE: 'The service (port) is not available for this socket type.',
  EAI_SOCKTYPE: 'The socket type in the hints is not supported.',
  EAI_NODATA: 'The host exists but has no address of the kind asked for.',
  EAI_ADDRFAMILY: 'The host has no address in the family asked for.',
  EAI_MEMORY: 'Out of memory.',
  EAI_SYSTEM: 'A system error: errno says which.',
  EAI_BADFLAGS: 'The flags in the hints are not valid.',
};
