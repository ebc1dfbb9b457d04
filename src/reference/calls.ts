// What `netsys explain CALL` says about each call: its C prototype, what it does, what it waits for,
// its common errors, and the lesson that makes it. Content, in the words the lessons use.

export interface CallNote {
  readonly name: string;
  readonly headers: readonly string[];
  readonly prototype: string;
  /** A library function rather than a system call (getaddrinfo). */
  readonly library?: boolean;
  readonly does: string;
  readonly blocks: string;
  /** errno names (or EAI_* for getaddrinfo), each with why it happens for this call. */
  readonly errors: readonly (readonly [name: string, why: string])[];
  readonly related: readonly string[];
  readonly lesson: string;
}

const SOCKET_H = ['<sys/socket.h>'];

export const CALLS: readonly CallNote[] = [
  {
    name: 'socket', headers: SOCKET_H, prototype: 'int socket(int domain, int type, int protocol);',
    does: 'Creates a socket, one end of a future conversation, and returns the lowest file descriptor not open in the process. domain is the address family (AF_INET, AF_INET6), type the kind of communication (SOCK_STREAM: a byte stream, TCP; SOCK_DGRAM: datagrams, UDP), protocol 0 or the matching IPPROTO_*.',
    blocks: 'Never.',
    errors: [['EAFNOSUPPORT', 'the family is not supported'], ['EPROTONOSUPPORT', 'the protocol does not fit the type'], ['EMFILE', 'the process has no descriptor left'], ['ENFILE', 'the system has no file left'], ['EACCES', 'not allowed to create this kind of socket']],
    related: ['bind', 'connect', 'close'], lesson: 'tcp-server',
  },
  {
    name: 'bind', headers: SOCKET_H, prototype: 'int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);',
    does: 'Gives the socket its local address: an IP address of this machine and a port. Port 0 lets the kernel pick a free one (getsockname tells which). Servers bind so that clients know where to find them; clients usually let connect choose.',
    blocks: 'Never.',
    errors: [['EADDRINUSE', 'another socket holds this address and port'], ['EACCES', 'a port below 1024 needs privilege'], ['EADDRNOTAVAIL', 'the address is not one of this machine\'s'], ['EINVAL', 'the socket is already bound, or addrlen is wrong']],
    related: ['listen', 'getsockname', 'setsockopt'], lesson: 'tcp-server',
  },
  {
    name: 'listen', headers: SOCKET_H, prototype: 'int listen(int sockfd, int backlog);',
    does: 'Makes a stream socket a listening socket. From then on the kernel completes TCP handshakes with clients by itself and queues the new connections (the accept queue, bounded by backlog) until accept takes them. A listening socket never carries data.',
    blocks: 'Never.',
    errors: [['EADDRINUSE', 'another socket already listens on this port'], ['EOPNOTSUPP', 'the socket type cannot listen (UDP)'], ['EBADF', 'not an open descriptor']],
    related: ['bind', 'accept'], lesson: 'tcp-server',
  },
  {
    name: 'accept', headers: SOCKET_H, prototype: 'int accept(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);',
    does: 'Takes the first connection from a listening socket\'s accept queue and returns a new descriptor for it, connected to that client; the listening socket goes on listening. If addr is given, the kernel writes the client\'s address there, and its length in *addrlen (a value-result argument).',
    blocks: 'Until a connection is in the accept queue (unless the socket is non-blocking: then EAGAIN).',
    errors: [['EINVAL', 'the socket is not listening'], ['EAGAIN', 'non-blocking socket and an empty queue'], ['ECONNABORTED', 'a queued connection was reset'], ['EMFILE', 'no descriptor left for the new socket'], ['EINTR', 'a signal arrived while waiting']],
    related: ['listen', 'accept4', 'poll'], lesson: 'tcp-server',
  },
  {
    name: 'accept4', headers: SOCKET_H, prototype: 'int accept4(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen, int flags);',
    does: 'accept with flags for the new descriptor: SOCK_NONBLOCK, SOCK_CLOEXEC. Many runtimes (Python, Node.js) call accept4 where C programs call accept.',
    blocks: 'As accept.',
    errors: [['EINVAL', 'the socket is not listening, or a flag is not valid'], ['EAGAIN', 'non-blocking socket and an empty queue']],
    related: ['accept'], lesson: 'tcp-server',
  },
  {
    name: 'connect', headers: SOCKET_H, prototype: 'int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);',
    does: 'For TCP: opens a connection to addr; the kernel sends a SYN, waits for the SYN-ACK and sends the final ACK, choosing a local address and ephemeral port if the socket has none. connect returns when the handshake is done, before the server calls accept. For UDP: only sets the default destination; nothing is sent.',
    blocks: 'TCP: until the handshake completes or fails (with no answer at all, about two minutes). UDP: never.',
    errors: [['ECONNREFUSED', 'nothing listens there'], ['ETIMEDOUT', 'no answer to the SYN'], ['ENETUNREACH', 'no route to that network'], ['EHOSTUNREACH', 'no route to that host'], ['EINPROGRESS', 'non-blocking socket: the handshake goes on'], ['EISCONN', 'already connected'], ['EADDRNOTAVAIL', 'no ephemeral port left']],
    related: ['getaddrinfo', 'getsockname', 'accept'], lesson: 'tcp-client',
  },
  {
    name: 'send', headers: SOCKET_H, prototype: 'ssize_t send(int sockfd, const void *buf, size_t len, int flags);',
    does: 'Copies bytes into the kernel\'s send buffer for a connected socket; the kernel transmits them on its own. Returns how many bytes it took, which can be fewer than len: careful programs send the rest. The kernel sees sendto with no address.',
    blocks: 'Until the send buffer has room, which it gets as the peer acknowledges and reads.',
    errors: [['EPIPE', 'the peer closed, or this side shut down writing (SIGPIPE too, unless MSG_NOSIGNAL)'], ['ECONNRESET', 'the peer reset the connection'], ['ENOTCONN', 'not connected'], ['EAGAIN', 'non-blocking and the buffer is full'], ['EINTR', 'a signal arrived while waiting']],
    related: ['recv', 'sendto', 'shutdown'], lesson: 'tcp-server',
  },
  {
    name: 'recv', headers: SOCKET_H, prototype: 'ssize_t recv(int sockfd, void *buf, size_t len, int flags);',
    does: 'Copies bytes the kernel has received on a connected socket into buf, at most len. On TCP it returns what has arrived, which may be part of one send or several together: there are no message boundaries. 0 means the end of the stream: the peer closed or shut down its side. The kernel sees recvfrom with no address.',
    blocks: 'Until at least one byte has arrived, or the end of the stream, or an error.',
    errors: [['ECONNRESET', 'the peer reset the connection'], ['ENOTCONN', 'not connected'], ['EAGAIN', 'non-blocking and nothing to read, or SO_RCVTIMEO expired'], ['EINTR', 'a signal arrived while waiting']],
    related: ['send', 'recvfrom', 'poll'], lesson: 'tcp-server',
  },
  {
    name: 'sendto', headers: SOCKET_H, prototype: 'ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *dest_addr, socklen_t addrlen);',
    does: 'Sends one datagram to dest_addr (UDP): the whole datagram or nothing. Each datagram can go to another address. The first sendto on an unbound socket gives it an ephemeral port, so that replies can come back.',
    blocks: 'Rarely: only while the socket\'s send buffer is full.',
    errors: [['EMSGSIZE', 'larger than one datagram may be (65507 bytes of data over IPv4)'], ['EACCES', 'a broadcast address without SO_BROADCAST'], ['ENETUNREACH', 'no route to that network'], ['EAGAIN', 'non-blocking and the buffer is full']],
    related: ['recvfrom', 'send'], lesson: 'udp',
  },
  {
    name: 'recvfrom', headers: SOCKET_H, prototype: 'ssize_t recvfrom(int sockfd, void *restrict buf, size_t len, int flags, struct sockaddr *restrict src_addr, socklen_t *restrict addrlen);',
    does: 'Takes one datagram from the socket\'s receive queue (UDP) and writes who sent it into src_addr. One sendto, one recvfrom: boundaries are kept, and a datagram longer than len is cut (the rest is lost). netsys sets SO_RCVTIMEO so that a lost reply ends in EAGAIN instead of waiting for ever.',
    blocks: 'Until a datagram arrives, or the SO_RCVTIMEO timeout expires (EAGAIN).',
    errors: [['EAGAIN', 'the timeout expired with no datagram'], ['ECONNREFUSED', 'an earlier datagram came back as port unreachable (connected UDP)'], ['EINTR', 'a signal arrived while waiting']],
    related: ['sendto', 'recv', 'setsockopt'], lesson: 'udp',
  },
  {
    name: 'shutdown', headers: SOCKET_H, prototype: 'int shutdown(int sockfd, int how);',
    does: 'Closes one direction of a connection or both, without closing the descriptor. SHUT_WR ends this side\'s stream (TCP sends a FIN; the peer\'s recv returns 0) while data can still be received. SHUT_RDWR also wakes calls blocked on the socket in other threads, which close does not do.',
    blocks: 'Never.',
    errors: [['ENOTCONN', 'not connected (always so for an unconnected UDP socket)'], ['EINVAL', 'how is not SHUT_RD, SHUT_WR or SHUT_RDWR']],
    related: ['close', 'recv'], lesson: 'conversation',
  },
  {
    name: 'close', headers: ['<unistd.h>'], prototype: 'int close(int fd);',
    does: 'Releases the descriptor. When it was the last descriptor of a TCP socket, the kernel ends the connection on its own: a FIN after any data still queued (or a reset if received data was never read). The side that closes first keeps the connection in TIME_WAIT for a minute.',
    blocks: 'Normally not (with SO_LINGER set, it can wait for the data to go out).',
    errors: [['EBADF', 'not an open descriptor: closed twice?'], ['EINTR', 'a signal arrived; the descriptor is closed anyway on Linux']],
    related: ['shutdown'], lesson: 'tcp-server',
  },
  {
    name: 'getsockname', headers: SOCKET_H, prototype: 'int getsockname(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);',
    does: 'Asks the kernel for the socket\'s local address: the port bind picked for port 0, or the ephemeral port connect chose.',
    blocks: 'Never.',
    errors: [['EBADF', 'not an open descriptor'], ['ENOTSOCK', 'not a socket']],
    related: ['getpeername', 'bind', 'connect'], lesson: 'tcp-client',
  },
  {
    name: 'getpeername', headers: SOCKET_H, prototype: 'int getpeername(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);',
    does: 'Asks the kernel for the address of the peer a socket is connected to.',
    blocks: 'Never.',
    errors: [['ENOTCONN', 'the socket is not connected']],
    related: ['getsockname', 'accept'], lesson: 'tcp-server',
  },
  {
    name: 'setsockopt', headers: SOCKET_H, prototype: 'int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);',
    does: 'Sets an option of the socket at a level: SOL_SOCKET for the socket itself (SO_REUSEADDR, SO_RCVTIMEO, SO_SNDBUF), SOL_TCP for TCP (TCP_NODELAY), SOL_IPV6 for IPv6 (IPV6_V6ONLY).',
    blocks: 'Never.',
    errors: [['ENOPROTOOPT', 'the option is unknown at that level'], ['EINVAL', 'optlen or the value is not valid']],
    related: ['getsockopt', 'bind'], lesson: 'udp',
  },
  {
    name: 'getsockopt', headers: SOCKET_H, prototype: 'int getsockopt(int sockfd, int level, int optname, void *restrict optval, socklen_t *restrict optlen);',
    does: 'Reads an option of the socket, or state the kernel keeps for it: SO_ERROR (the result of a non-blocking connect), TCP_INFO (TCP state and counters).',
    blocks: 'Never.',
    errors: [['ENOPROTOOPT', 'the option is unknown at that level']],
    related: ['setsockopt'], lesson: 'conversation',
  },
  {
    name: 'poll', headers: ['<poll.h>'], prototype: 'int poll(struct pollfd *fds, nfds_t nfds, int timeout);',
    does: 'Waits until one of several descriptors is ready: POLLIN (data to read, a connection to accept, or the end of the stream), POLLOUT (room to send). It returns how many are ready and marks them in revents, so one process can serve many clients without blocking on any one of them.',
    blocks: 'Until a descriptor is ready, the timeout (milliseconds; -1: no limit) expires, or a signal arrives.',
    errors: [['EINTR', 'a signal arrived while waiting'], ['EINVAL', 'nfds is larger than the descriptor limit']],
    related: ['accept', 'recv', 'send'], lesson: 'poll',
  },
  {
    name: 'getaddrinfo', headers: ['<sys/types.h>', '<sys/socket.h>', '<netdb.h>'], library: true,
    prototype: 'int getaddrinfo(const char *restrict node, const char *restrict service, const struct addrinfo *restrict hints, struct addrinfo **restrict res);',
    does: 'Not a system call: a C library function. It turns a host name and a service (port) into a list of socket addresses, reading /etc/hosts and, for other names, asking DNS, as /etc/nsswitch.conf says. It returns 0 or an EAI_* code (gai_strerror gives its message), not -1 and errno. A careful client tries each address in turn.',
    blocks: 'While it reads files and waits for DNS answers.',
    errors: [['EAI_NONAME', 'the name is not known'], ['EAI_AGAIN', 'the name server did not answer in time'], ['EAI_FAMILY', 'the family in the hints is not supported'], ['EAI_SERVICE', 'the service is not known for this socket type']],
    related: ['connect', 'socket'], lesson: 'tcp-client',
  },
];

export function findCall(name: string): CallNote | undefined {
  return CALLS.find((call) => call.name === name);
}
