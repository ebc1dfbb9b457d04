// What usually causes each error a socket program meets on Linux, and which calls return it.
// Plain data: the numbers and messages are not here, they come from libc at run time
// (strerrorname_np, strerror, gai_strerror). Every claim follows the Linux man pages
// (socket(2), bind(2), connect(2), accept(2), send(2), recv(2), socket(7), ip(7), tcp(7),
// udp(7), signal(7), getaddrinfo(3)) and was checked on Linux where a test could provoke it.

export interface ErrorNote {
  /** One line for the table: what it usually means, at most 55 characters. */
  readonly summary: string;
  /** What usually causes it on Linux, in a sentence or two. */
  readonly cause: string;
  /** The calls that return it, the most common first. */
  readonly calls: readonly string[];
}

/** The errno values socket calls return, keyed by libc's name for the number (EAGAIN, not EWOULDBLOCK). */
export const SOCKET_ERRORS: Readonly<Record<string, ErrorNote>> = {
  EPERM: {
    summary: 'a firewall rule, or a raw socket without privilege',
    cause:
      'Not permitted: a local firewall rule refused the connection or the packet, or socket() was asked ' +
      'for a SOCK_RAW socket by a process without the CAP_NET_RAW capability.',
    calls: ['connect', 'sendto', 'send', 'accept', 'socket'],
  },
  EINTR: {
    summary: 'a signal handler ran while the call was blocked',
    cause:
      'A signal arrived while the call was blocked and its handler ran, and the call was not restarted: ' +
      'the handler was installed without SA_RESTART, or the call is one Linux never restarts (poll(), and ' +
      'socket calls on a socket with a timeout set). Most calls can simply be made again; not close() ' +
      '(on Linux the descriptor is closed anyway), nor connect() (the handshake goes on: wait with poll()).',
    calls: ['accept', 'connect', 'recv', 'recvfrom', 'send', 'sendto', 'poll', 'close'],
  },
  EBADF: {
    summary: 'the number is not an open file descriptor',
    cause:
      'The descriptor passed is not open in this process: it was never opened, or it was already closed ' +
      '(a double close(), or a socket used after close()). Every call that takes a descriptor can return it.',
    calls: [
      'close', 'recv', 'send', 'accept', 'connect', 'bind', 'listen', 'shutdown',
      'getsockname', 'getpeername', 'setsockopt', 'getsockopt',
    ],
  },
  EAGAIN: {
    summary: 'would have to wait: nonblocking, or a timeout expired',
    cause:
      'The call would have to wait and was told not to: the socket is nonblocking (SOCK_NONBLOCK, ' +
      'O_NONBLOCK, or MSG_DONTWAIT) and nothing is ready, or a SO_RCVTIMEO or SO_SNDTIMEO timeout expired ' +
      'before any data moved. Try again later, typically once poll() reports the socket ready. ' +
      'EWOULDBLOCK is another name for the same number.',
    calls: ['recv', 'recvfrom', 'accept', 'send', 'sendto'],
  },
  ENOMEM: {
    summary: 'the kernel could not allocate memory',
    cause:
      'The kernel could not allocate memory for the call: for poll()\'s tables, or for a new socket in ' +
      'socket() or accept(), where it is often a socket buffer limit rather than the machine\'s memory.',
    calls: ['poll', 'accept', 'socket'],
  },
  EACCES: {
    summary: 'privileged port, broadcast address, or a policy',
    cause:
      'Permission denied: bind() to a port below net.ipv4.ip_unprivileged_port_start (1024) without the ' +
      'CAP_NET_BIND_SERVICE capability, connect() or sendto() to a broadcast address without SO_BROADCAST ' +
      'set, or a firewall or security policy (such as SELinux) that forbids the socket or the connection.',
    calls: ['bind', 'connect', 'sendto', 'send', 'socket'],
  },
  EFAULT: {
    summary: 'a pointer argument points outside the process memory',
    cause:
      'A buffer, address or length pointer passed to the call is not in the process\'s address space. ' +
      'In C this is a bug in the program; netsys always passes real buffers.',
    calls: ['recv', 'send', 'accept', 'bind', 'connect', 'getsockname', 'setsockopt', 'getsockopt', 'poll'],
  },
  EINVAL: {
    summary: 'an argument makes no sense for this socket now',
    cause:
      'An argument does not fit the socket or its state: bind() on a socket that is already bound, ' +
      'accept() on a socket that is not listening (listen() was never called, or it was shut down), an ' +
      'addrlen too short for the family, an unknown how in shutdown(), or an optlen too short for the ' +
      'option in setsockopt().',
    calls: ['bind', 'accept', 'connect', 'shutdown', 'setsockopt', 'socket', 'poll'],
  },
  ENFILE: {
    summary: 'the whole system has too many files open',
    cause:
      'The system-wide limit on open files (fs.file-max) has been reached. Like open(), socket() and ' +
      'accept() need a new open file and fail until some are closed, in any process.',
    calls: ['socket', 'accept'],
  },
  EMFILE: {
    summary: 'this process has as many descriptors as it may',
    cause:
      'The process already has as many descriptors open as its limit allows (RLIMIT_NOFILE, shown by ' +
      'ulimit -n, often 1024). A server that never close()s its accepted sockets ends here.',
    calls: ['accept', 'socket'],
  },
  EPIPE: {
    summary: 'sending on a connection that can no longer carry data',
    cause:
      'A send on a stream that cannot carry data any more: this side already called shutdown(SHUT_WR), ' +
      'the peer closed and answered the next data with a reset, or the socket was never connected (Linux ' +
      'gives EPIPE, not ENOTCONN, for send() on an unconnected TCP socket). The process also gets SIGPIPE, ' +
      'which kills it unless it passed MSG_NOSIGNAL or ignores the signal, as Node.js (and so netsys) does.',
    calls: ['send', 'sendto'],
  },
  ENOTSOCK: {
    summary: 'the descriptor is open but is not a socket',
    cause:
      'The descriptor is open but refers to something else (a file, a pipe, a terminal), usually a ' +
      'descriptor number mixed up with another.',
    calls: [
      'bind', 'listen', 'accept', 'connect', 'send', 'recv', 'shutdown',
      'getsockname', 'getpeername', 'setsockopt', 'getsockopt',
    ],
  },
  EDESTADDRREQ: {
    summary: 'a datagram socket has nowhere to send to',
    cause:
      'send() on a datagram (UDP) socket that has no peer: give sendto() a destination address, or ' +
      'connect() the socket first to set a default one.',
    calls: ['send', 'sendto'],
  },
  EMSGSIZE: {
    summary: 'a datagram too big to send in one piece',
    cause:
      'A datagram must go out whole and this one cannot: more than 65507 bytes of data over IPv4 or 65527 ' +
      'over IPv6 (the most one UDP datagram holds), or more than the path MTU when fragmentation is ' +
      'forbidden. TCP never returns it: it is a byte stream and splits data as it likes.',
    calls: ['sendto', 'send'],
  },
  ENOPROTOOPT: {
    summary: 'no such option at that level',
    cause:
      'setsockopt() or getsockopt() named an option the given level does not have, such as a TCP option ' +
      'with level SOL_SOCKET instead of IPPROTO_TCP, or an option this kernel lacks.',
    calls: ['setsockopt', 'getsockopt'],
  },
  EPROTONOSUPPORT: {
    summary: 'the protocol does not go with this family and type',
    cause:
      'socket() was given a protocol that the family and type do not support, such as ' +
      'socket(AF_INET, SOCK_STREAM, IPPROTO_UDP). Passing 0 picks the default: TCP for SOCK_STREAM, ' +
      'UDP for SOCK_DGRAM.',
    calls: ['socket'],
  },
  ESOCKTNOSUPPORT: {
    summary: 'socket() was given a type the family does not have',
    cause:
      'socket() was asked for a socket type this address family does not provide; AF_INET and AF_INET6 ' +
      'offer SOCK_STREAM, SOCK_DGRAM and SOCK_RAW.',
    calls: ['socket'],
  },
  EOPNOTSUPP: {
    summary: 'this kind of socket cannot do that',
    cause:
      'The socket\'s type does not support the operation: listen() or accept() on a datagram (UDP) socket, ' +
      'or a flag the type does not support, such as MSG_OOB when sending on UDP. ' +
      'ENOTSUP is another name for the same number.',
    calls: ['listen', 'accept', 'send', 'sendto'],
  },
  EAFNOSUPPORT: {
    summary: 'the address family does not match the socket',
    cause:
      'The address given has an sa_family the socket does not use, such as a sockaddr_in6 passed to bind() ' +
      'or connect() on an AF_INET socket, or socket() was asked for a family this kernel does not provide ' +
      '(AF_INET6 on a kernel booted without IPv6).',
    calls: ['bind', 'connect', 'sendto', 'socket'],
  },
  EADDRINUSE: {
    summary: 'another socket already has this address and port',
    cause:
      'The local address and port are taken: another socket is bound to them, often a server that is ' +
      'still running, or the old connections of one that just stopped, which stay in TIME_WAIT for a ' +
      'minute unless the new socket sets SO_REUSEADDR. listen() returns it when another socket already ' +
      'listens on the port; connect() when a connection with the same local and remote address and port ' +
      'already exists.',
    calls: ['bind', 'listen', 'connect'],
  },
  EADDRNOTAVAIL: {
    summary: 'not this machine\'s address, or no free local port',
    cause:
      'bind() asked for an IP address that no interface of this machine has, or connect() on an unbound ' +
      'socket found every port of the ephemeral range (net.ipv4.ip_local_port_range) in use.',
    calls: ['bind', 'connect'],
  },
  ENETUNREACH: {
    summary: 'no route to that network',
    cause:
      'The routing table has no route to the destination\'s network, typically no default route, or an ' +
      'IPv6 destination on a machine without IPv6 connectivity. The call fails at once: no packet was sent.',
    calls: ['connect', 'sendto', 'send'],
  },
  ECONNABORTED: {
    summary: 'a pending connection was aborted',
    cause:
      'accept() returns it when a connection in the queue was aborted before it was accepted. On Linux a ' +
      'connection the client reset while queued is usually still handed out by accept(), and its first ' +
      'recv() fails with ECONNRESET instead. Either way a server should simply accept() again.',
    calls: ['accept'],
  },
  ECONNRESET: {
    summary: 'the peer reset the connection (RST)',
    cause:
      'The peer ended the connection with a reset (RST) instead of an orderly close: it closed its socket ' +
      'while received data was still unread, closed with SO_LINGER set to 0, or its host no longer knows the ' +
      'connection (it rebooted). Data not yet read is lost.',
    calls: ['recv', 'recvfrom', 'send', 'sendto'],
  },
  ENOBUFS: {
    summary: 'the kernel has no memory for socket buffers',
    cause:
      'The kernel could not allocate memory for the socket or its buffers, usually because of the socket ' +
      'buffer limits rather than the machine\'s memory. Linux rarely returns it for a full network device ' +
      'queue: it drops such packets silently.',
    calls: ['socket', 'accept', 'send', 'sendto', 'getsockname'],
  },
  EISCONN: {
    summary: 'the socket is already connected',
    cause:
      'connect() on a stream socket that is already connected; a TCP socket connects once, so open a new ' +
      'socket for a new connection. (A UDP socket may connect() again to change its peer.)',
    calls: ['connect'],
  },
  ENOTCONN: {
    summary: 'the socket is not connected',
    cause:
      'The call needs a connected socket and this one is not: recv() on a TCP socket that never connected ' +
      '(or whose connect() failed), getpeername() before connect() or accept(), or shutdown() on an ' +
      'unconnected socket.',
    calls: ['recv', 'recvfrom', 'getpeername', 'shutdown'],
  },
  ETIMEDOUT: {
    summary: 'the peer never answered',
    cause:
      'The other end stopped answering: connect() sent SYNs and got no reply at all (about 127 seconds with ' +
      'the default net.ipv4.tcp_syn_retries of 6; a firewall that drops packets looks like this), or on an ' +
      'established connection retransmissions or keepalive probes went unanswered, and the next recv() or ' +
      'send() reports it. A SO_RCVTIMEO timeout gives EAGAIN, not this.',
    calls: ['connect', 'recv', 'send'],
  },
  ECONNREFUSED: {
    summary: 'nothing listens on that port there',
    cause:
      'Nothing is listening on that port at the destination: the host answered the connection request ' +
      '(SYN) with a reset (RST). connect() returns it. On a connected UDP socket, send() or recv() returns ' +
      'it after an earlier datagram came back as ICMP port unreachable.',
    calls: ['connect', 'recv', 'send'],
  },
  EHOSTUNREACH: {
    summary: 'no way to reach that host',
    cause:
      'The host cannot be reached: no machine answered address resolution (ARP or neighbour discovery) on ' +
      'the local network, the route is marked unreachable, or a router or firewall answered with ICMP host ' +
      'unreachable (a REJECT rule often does this).',
    calls: ['connect', 'sendto', 'send', 'recv'],
  },
  EALREADY: {
    summary: 'a nonblocking connect() is still in progress',
    cause:
      'connect() was called again on a nonblocking socket whose previous connection attempt has not ' +
      'finished. Wait for the socket to become writable with poll(), then read the outcome with ' +
      'getsockopt(SO_ERROR).',
    calls: ['connect'],
  },
  EINPROGRESS: {
    summary: 'a nonblocking connect() has started, not finished',
    cause:
      'Not a failure: connect() on a nonblocking socket sent the SYN but cannot wait for the handshake. ' +
      'poll() for POLLOUT tells when it is done, and getsockopt(SO_ERROR) whether it succeeded. A blocking ' +
      'connect() returns it too when a SO_SNDTIMEO timeout expires first.',
    calls: ['connect'],
  },
};

/** getaddrinfo()'s own return values, keyed by name: not errno values, worded by gai_strerror(). */
export const ADDRINFO_ERROR_NOTES: Readonly<Record<string, ErrorNote>> = {
  EAI_BADFLAGS: {
    summary: 'hints.ai_flags holds an invalid flag',
    cause: 'hints.ai_flags contains an invalid flag, or AI_CANONNAME with no node name to look up.',
    calls: ['getaddrinfo'],
  },
  EAI_NONAME: {
    summary: 'the name or service is not known',
    cause:
      'The host name or the service is not known: a typo, a name that neither /etc/hosts nor DNS knows, ' +
      'both node and service NULL, or AI_NUMERICHOST or AI_NUMERICSERV with text that is not a number.',
    calls: ['getaddrinfo'],
  },
  EAI_AGAIN: {
    summary: 'the name server failed for now; try again later',
    cause:
      'The name server returned a temporary failure, or did not answer in time: often no network, or a ' +
      'nameserver in /etc/resolv.conf that cannot be reached. Trying again later may work.',
    calls: ['getaddrinfo'],
  },
  EAI_FAIL: {
    summary: 'the name server failed for good',
    cause: 'The name server returned a permanent failure for this name.',
    calls: ['getaddrinfo'],
  },
  EAI_NODATA: {
    summary: 'the host exists but has no addresses',
    cause: 'The name exists, but no network addresses are defined for it.',
    calls: ['getaddrinfo'],
  },
  EAI_FAMILY: {
    summary: 'hints.ai_family is not supported',
    cause: 'The address family in hints.ai_family is not supported; use AF_INET, AF_INET6 or AF_UNSPEC.',
    calls: ['getaddrinfo'],
  },
  EAI_SOCKTYPE: {
    summary: 'hints.ai_socktype is not supported',
    cause:
      'The socket type in hints is not supported, or it contradicts hints.ai_protocol ' +
      '(SOCK_DGRAM with IPPROTO_TCP, for example).',
    calls: ['getaddrinfo'],
  },
  EAI_SERVICE: {
    summary: 'the service is not offered for this socket type',
    cause:
      'The service (port) name is not available for the requested socket type, for example a name ' +
      'that /etc/services lists only for TCP, asked for with SOCK_DGRAM.',
    calls: ['getaddrinfo'],
  },
  EAI_ADDRFAMILY: {
    summary: 'the host has no address in the requested family',
    cause: 'The host has no network addresses in the family asked for in hints.ai_family.',
    calls: ['getaddrinfo'],
  },
  EAI_MEMORY: {
    summary: 'out of memory',
    cause: 'libc could not allocate memory for the answer.',
    calls: ['getaddrinfo'],
  },
  EAI_SYSTEM: {
    summary: 'a system error: errno tells which',
    cause: 'A system call inside getaddrinfo() failed; errno holds that error.',
    calls: ['getaddrinfo'],
  },
  EAI_OVERFLOW: {
    summary: 'a result buffer was too small (getnameinfo)',
    cause:
      'getnameinfo() was given a host or service buffer too small for the answer; getaddrinfo() ' +
      'does not return it.',
    calls: ['getnameinfo'],
  },
};
