// What `netsys explain` says about each call. Plain data, no logic.
// Prototypes are the man pages' SYNOPSIS in plain C: Linux man-pages 5.13 wording. (Release 6 adds
// `_Nullable` and `buf[.len]` annotations, which are not C; the declarations are the same.)
// Every claim follows the call's man page and socket(7), ip(7), tcp(7), udp(7).

import type { ExplainedName } from '../calls/registry';

export interface CallReference {
  /** The man page that documents it: `accept(2)`, `getaddrinfo(3)`. */
  readonly page: string;
  /** A system call (the kernel does it) or a library call (code in libc). */
  readonly kind: 'system call' | 'library call';
  /** The NAME line of the man page. */
  readonly summary: string;
  /** The SYNOPSIS lines before the prototype: `#include <sys/socket.h>`. */
  readonly headers: readonly string[];
  /** The C prototype, on one line. */
  readonly prototype: string;
  readonly does: string;
  /** What it waits for, or that it never waits. */
  readonly blocks: string;
  /** How it shows in a trace, when that differs from the call the program made. */
  readonly trace?: string;
  /** Its common errors: the name, and why it happens with this call. */
  readonly errors: ReadonlyArray<readonly [name: string, why: string]>;
  /** Calls to read next: only calls this reference explains (a test holds every entry to it). */
  readonly related: readonly string[];
}

const SOCKET_H = ['#include <sys/socket.h>'];

/** Every call in the registry has its entry here; `netsys explain` lists them in the registry's order. */
export const CALLS: Readonly<Record<ExplainedName, CallReference>> = {
  getaddrinfo: {
    page: 'getaddrinfo(3)',
    kind: 'library call',
    summary: 'network address and service translation',
    headers: ['#include <sys/types.h>', '#include <sys/socket.h>', '#include <netdb.h>'],
    prototype:
      'int getaddrinfo(const char *restrict node, const char *restrict service, ' +
      'const struct addrinfo *restrict hints, struct addrinfo **restrict res);',
    does:
      'Turns a host name and a service (a port number or name) into a list of socket addresses to try in ' +
      'order, stored in *res as a linked list of struct addrinfo (free it with freeaddrinfo()). hints ' +
      'narrows the answer: family, socket type, and flags such as AI_PASSIVE or AI_NUMERICHOST. It ' +
      'returns 0, or an EAI_* code rather than -1 and errno; gai_strerror() words that code. It is code in ' +
      'libc, not a system call: it reads /etc/hosts and may ask a DNS server, as /etc/nsswitch.conf says.',
    blocks:
      'Can block for seconds while it asks DNS servers over the network: a server that does not answer ' +
      'costs 5 seconds per try by default (resolv.conf(5)). A numeric address such as 127.0.0.1 or ::1 ' +
      'needs no lookup.',
    trace:
      'strace shows no getaddrinfo line: only the system calls it makes, such as reading /etc/hosts and ' +
      'a UDP socket to port 53 of the DNS server. netsys prints the call itself, on a line starting ' +
      'with libc:.',
    errors: [
      ['EAI_NONAME', 'the name is not known to /etc/hosts or DNS, or a typo'],
      ['EAI_AGAIN', 'no answer from DNS, or a temporary failure; try again later'],
      ['EAI_FAIL', 'the DNS server failed for good'],
      ['EAI_SERVICE', 'the service name is not offered for this socket type'],
      ['EAI_FAMILY', 'hints.ai_family is not AF_INET, AF_INET6 or AF_UNSPEC'],
      ['EAI_SYSTEM', 'a system call inside it failed; errno says which'],
    ],
    related: ['socket', 'connect', 'bind'],
  },
  socket: {
    page: 'socket(2)',
    kind: 'system call',
    summary: 'create an endpoint for communication',
    headers: SOCKET_H,
    prototype: 'int socket(int domain, int type, int protocol);',
    does:
      'Creates a socket and returns a file descriptor for it, the lowest number not in use. domain picks ' +
      'the address family (AF_INET for IPv4, AF_INET6 for IPv6); type the kind of communication ' +
      '(SOCK_STREAM: a reliable, ordered byte stream, TCP; SOCK_DGRAM: separate datagrams, UDP), with ' +
      'SOCK_NONBLOCK and SOCK_CLOEXEC or-ed in if wanted; protocol 0 picks the default for the two ' +
      '(strace shows 0 as IPPROTO_IP). The new socket has no address and is connected to nothing.',
    blocks: 'Never blocks.',
    errors: [
      ['EAFNOSUPPORT', 'the kernel does not provide this address family'],
      ['EPROTONOSUPPORT', 'the protocol does not go with this family and type'],
      ['ESOCKTNOSUPPORT', 'the family has no socket type of that number'],
      ['EINVAL', 'unknown flags or-ed into type'],
      ['EMFILE', 'this process has all the descriptors its limit allows'],
      ['ENFILE', 'the system-wide limit on open files is reached'],
      ['EACCES', 'a security policy forbids creating this kind of socket'],
    ],
    related: ['bind', 'connect', 'listen', 'close', 'setsockopt'],
  },
  bind: {
    page: 'bind(2)',
    kind: 'system call',
    summary: 'bind a name to a socket',
    headers: SOCKET_H,
    prototype: 'int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);',
    does:
      'Gives the socket its local address: an IP address and a port. A server binds to a known port so ' +
      'that clients can find it: 127.0.0.1 takes connections from this machine only, 0.0.0.0 (or ::) from ' +
      'every network the machine is on. Port 0 lets the kernel choose a free port; getsockname() tells ' +
      'which. A client usually does not call bind(): connect(), or the first sendto(), binds it to a free ' +
      'port.',
    blocks: 'Never blocks.',
    errors: [
      ['EADDRINUSE', 'another socket has this address and port, or its old connections are in ' +
        'TIME_WAIT and SO_REUSEADDR was not set'],
      ['EADDRNOTAVAIL', 'the IP address is not one of this machine\'s'],
      ['EACCES', 'a port below 1024 without CAP_NET_BIND_SERVICE'],
      ['EINVAL', 'already bound, or addrlen does not fit the family'],
      ['EAFNOSUPPORT', 'the address family does not match the socket\'s'],
    ],
    related: ['socket', 'listen', 'getsockname', 'setsockopt', 'connect'],
  },
  listen: {
    page: 'listen(2)',
    kind: 'system call',
    summary: 'listen for connections on a socket',
    headers: SOCKET_H,
    prototype: 'int listen(int sockfd, int backlog);',
    does:
      'Makes a stream socket passive: from now on the kernel itself completes the TCP handshake with each ' +
      'client that connects, and queues the established connections, up to backlog of them (capped by ' +
      'net.core.somaxconn), until accept() takes them. A listening socket never carries data; each accepted ' +
      'connection gets a socket of its own. A socket not yet bound gets a free port.',
    blocks: 'Never blocks.',
    errors: [
      ['EADDRINUSE', 'another socket already listens on this port'],
      ['EOPNOTSUPP', 'the socket is not a stream socket (UDP has no connections)'],
      ['EBADF', 'the descriptor is not open'],
      ['ENOTSOCK', 'the descriptor is not a socket'],
    ],
    related: ['bind', 'accept', 'socket', 'connect'],
  },
  accept: {
    page: 'accept(2)',
    kind: 'system call',
    summary: 'accept a connection on a socket',
    headers: SOCKET_H,
    prototype: 'int accept(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);',
    does:
      'Takes the first established connection from a listening socket\'s queue and returns a new file ' +
      'descriptor for it. Data flows on that new socket; the listening socket stays open for the next ' +
      'client. If addr is not NULL, the client\'s address is written there, and *addrlen (in: the size ' +
      'of the buffer) is set to the size of the address.',
    blocks:
      'Until a connection is in the queue. The handshake does not wait for accept(): the kernel has ' +
      'already completed it, so the client\'s connect() may have returned long before. On a nonblocking ' +
      'socket it fails with EAGAIN instead of waiting, and after a SO_RCVTIMEO timeout too.',
    errors: [
      ['EAGAIN', 'no connection yet: nonblocking, or SO_RCVTIMEO expired'],
      ['EINVAL', 'not listening: listen() not called, or shut down'],
      ['EMFILE', 'this process has all the descriptors its limit allows'],
      ['ENFILE', 'the system-wide limit on open files is reached'],
      ['EINTR', 'a signal handler ran while it waited'],
      ['ECONNABORTED', 'a queued connection was aborted before it was taken'],
      ['EOPNOTSUPP', 'the socket is not a stream socket'],
    ],
    related: ['listen', 'accept4', 'connect', 'poll', 'getpeername', 'close'],
  },
  accept4: {
    page: 'accept(2)',
    kind: 'system call',
    summary: 'accept a connection on a socket',
    headers: ['#define _GNU_SOURCE             /* See feature_test_macros(7) */', '#include <sys/socket.h>'],
    prototype:
      'int accept4(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen, int flags);',
    does:
      'accept() with a flags argument: SOCK_NONBLOCK and SOCK_CLOEXEC set those flags on the new ' +
      'descriptor at once, without further fcntl() calls; flags 0 makes it exactly accept(). Linux ' +
      'specific. Python\'s socket.accept() calls it with SOCK_CLOEXEC.',
    blocks:
      'As accept(): until a connection is in the queue, unless the listening socket is nonblocking ' +
      '(EAGAIN). SOCK_NONBLOCK in flags concerns the new socket, not this wait.',
    errors: [
      ['EAGAIN', 'no connection yet: nonblocking, or SO_RCVTIMEO expired'],
      ['EINVAL', 'the socket is not listening, or flags holds an unknown flag'],
      ['EMFILE', 'this process has all the descriptors its limit allows'],
      ['EINTR', 'a signal handler ran while it waited'],
    ],
    related: ['accept', 'listen', 'socket'],
  },
  connect: {
    page: 'connect(2)',
    kind: 'system call',
    summary: 'initiate a connection on a socket',
    headers: SOCKET_H,
    prototype: 'int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);',
    does:
      'On a stream socket, connects it to the address given: if the socket is not bound, the kernel ' +
      'first binds it to a free local port (getsockname() shows which), then performs TCP\'s three-way ' +
      'handshake (SYN, SYN-ACK, ACK). On a datagram socket it only records a default peer: send() then ' +
      'goes there, and only datagrams from there are received.',
    blocks:
      'On TCP, until the handshake is over: the server\'s kernel answers SYN-ACK (success, before the ' +
      'server calls accept()), RST (ECONNREFUSED), or nothing (ETIMEDOUT after about two minutes of ' +
      'retries). On a nonblocking socket it returns EINPROGRESS at once. On UDP it never blocks.',
    errors: [
      ['ECONNREFUSED', 'nothing listens on that port: the host answered with a reset'],
      ['ETIMEDOUT', 'no answer to the SYNs, often a firewall that drops packets'],
      ['ENETUNREACH', 'no route to that network'],
      ['EHOSTUNREACH', 'no way to reach that host'],
      ['EADDRNOTAVAIL', 'no free local port in the ephemeral range'],
      ['EINPROGRESS', 'nonblocking: the handshake started; poll() for POLLOUT'],
      ['EISCONN', 'the socket is already connected'],
      ['EINTR', 'a signal handler ran; the handshake goes on regardless'],
      ['EAFNOSUPPORT', 'the address family does not match the socket\'s'],
    ],
    related: ['socket', 'getaddrinfo', 'getsockname', 'accept', 'listen', 'poll'],
  },
  send: {
    page: 'send(2)',
    kind: 'system call',
    summary: 'send a message on a socket',
    headers: SOCKET_H,
    prototype: 'ssize_t send(int sockfd, const void *buf, size_t len, int flags);',
    does:
      'Hands len bytes from buf to the kernel for sending on a connected socket and returns how many it ' +
      'took. On TCP they join a byte stream: the peer may receive them in pieces of other sizes, together ' +
      'with the bytes of earlier or later sends. Returning means the kernel has the bytes, not that the ' +
      'peer has received or read them. With flags 0 it is write() on a socket.',
    blocks:
      'Until all len bytes have been copied into the socket\'s send buffer, which is full when the peer ' +
      'reads more slowly than this side sends; it does not wait for the peer to receive or acknowledge ' +
      'them. It returns fewer than len only when that wait is cut short after some bytes went in: by a ' +
      'signal, by SO_SNDTIMEO\'s timeout, or by the connection failing (its error comes from the next ' +
      'call). On a nonblocking socket it takes what fits and returns, or fails with EAGAIN when nothing fits.',
    trace:
      'glibc makes the sendto system call: strace shows sendto(fd, buf, len, flags, NULL, 0). ' +
      'netsys keeps the name the program called.',
    errors: [
      ['EPIPE', 'this side shut down writing, or the peer closed and reset'],
      ['ECONNRESET', 'the peer reset the connection'],
      ['EAGAIN', 'send buffer full: nonblocking, or SO_SNDTIMEO expired'],
      ['EDESTADDRREQ', 'a UDP socket that is not connected: use sendto()'],
      ['EMSGSIZE', 'a datagram too big to send in one piece'],
      ['EINTR', 'a signal handler ran before any byte was sent'],
    ],
    related: ['recv', 'sendto', 'write', 'shutdown', 'poll'],
  },
  recv: {
    page: 'recv(2)',
    kind: 'system call',
    summary: 'receive a message from a socket',
    headers: SOCKET_H,
    prototype: 'ssize_t recv(int sockfd, void *buf, size_t len, int flags);',
    does:
      'Copies bytes that have arrived on a connected socket into buf, at most len, and returns how many. ' +
      'On TCP, 0 means end of stream: the peer shut down its sending side and everything it sent has been ' +
      'read. One recv() may return fewer bytes than one send() sent, or the bytes of several. On UDP it ' +
      'returns one datagram, cut to len if longer. With flags 0 it is read() on a socket.',
    blocks:
      'Until at least one byte is there to read (TCP), a datagram arrives (UDP), or the peer ends the ' +
      'stream (returns 0). It does not wait for len bytes unless flags holds MSG_WAITALL. On a ' +
      'nonblocking socket, or after a SO_RCVTIMEO timeout, it fails with EAGAIN.',
    trace:
      'glibc makes the recvfrom system call: strace shows recvfrom(fd, buf, len, flags, NULL, NULL). ' +
      'netsys keeps the name the program called.',
    errors: [
      ['ECONNRESET', 'the peer reset the connection; unread data is lost'],
      ['EAGAIN', 'nothing to read, and nonblocking or the timeout expired'],
      ['ENOTCONN', 'a TCP socket that is not connected'],
      ['ETIMEDOUT', 'the connection was lost: the peer stopped acknowledging'],
      ['ECONNREFUSED', 'connected UDP: ICMP port unreachable for an earlier datagram'],
      ['EINTR', 'a signal handler ran before any data arrived'],
    ],
    related: ['send', 'recvfrom', 'read', 'shutdown', 'poll', 'setsockopt'],
  },
  sendto: {
    page: 'send(2)',
    kind: 'system call',
    summary: 'send a message on a socket',
    headers: SOCKET_H,
    prototype:
      'ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, ' +
      'const struct sockaddr *dest_addr, socklen_t addrlen);',
    does:
      'send() with a destination address. On a UDP socket each call sends one datagram of len bytes to ' +
      'dest_addr; it arrives whole or not at all, and UDP neither retransmits nor reports a loss. The first ' +
      'sendto() on an unbound socket binds it to a free port. On a connected TCP socket Linux ignores ' +
      'dest_addr; with dest_addr NULL and addrlen 0 it is send().',
    blocks:
      'On UDP it seldom blocks: the datagram is handed to the network at once (only a full send buffer ' +
      'makes it wait). On TCP, as send().',
    errors: [
      ['EMSGSIZE', 'more than one datagram can hold (65507 bytes over IPv4)'],
      ['EDESTADDRREQ', 'no dest_addr, and the socket is not connected'],
      ['EACCES', 'a broadcast address without SO_BROADCAST set'],
      ['ENETUNREACH', 'no route to that network'],
      ['EAFNOSUPPORT', 'the address family does not match the socket\'s'],
      ['EAGAIN', 'nonblocking and the send buffer is full'],
    ],
    related: ['recvfrom', 'send', 'connect', 'bind', 'socket'],
  },
  recvfrom: {
    page: 'recv(2)',
    kind: 'system call',
    summary: 'receive a message from a socket',
    headers: SOCKET_H,
    prototype:
      'ssize_t recvfrom(int sockfd, void *restrict buf, size_t len, int flags, ' +
      'struct sockaddr *restrict src_addr, socklen_t *restrict addrlen);',
    does:
      'recv() that also tells who sent the data: the sender\'s address is written to src_addr, and ' +
      '*addrlen (in: the size of that buffer) is set to its size, so a UDP server can sendto() its reply ' +
      'back. On UDP each call returns exactly one datagram, and the part of it that does not fit in len is ' +
      'discarded: two sendto() calls arrive as two recvfrom() results, never merged.',
    blocks:
      'Until a datagram arrives (UDP) or data or end of stream arrives (TCP). With SO_RCVTIMEO set it gives ' +
      'up after that time with EAGAIN: that is how a UDP client stops waiting for a reply that was lost.',
    errors: [
      ['EAGAIN', 'nothing arrived: nonblocking, or SO_RCVTIMEO expired'],
      ['ECONNREFUSED', 'connected UDP: ICMP port unreachable for an earlier datagram'],
      ['ECONNRESET', 'TCP: the peer reset the connection'],
      ['ENOTCONN', 'a TCP socket that is not connected'],
      ['EINTR', 'a signal handler ran before anything arrived'],
    ],
    related: ['sendto', 'recv', 'setsockopt', 'bind', 'poll'],
  },
  shutdown: {
    page: 'shutdown(2)',
    kind: 'system call',
    summary: 'shut down part of a full-duplex connection',
    headers: SOCKET_H,
    prototype: 'int shutdown(int sockfd, int how);',
    does:
      'Ends one direction of a connection without closing the descriptor. SHUT_WR: no more sending; TCP ' +
      'sends a FIN after the data already queued, and the peer\'s recv() returns 0 once it has read ' +
      'everything, while this side can still receive the reply. SHUT_RD: no more receiving. SHUT_RDWR: ' +
      'both. It acts on the connection even if other descriptors refer to the socket, and on Linux it ' +
      'wakes a thread blocked in recv() or accept() on it, which close() does not.',
    blocks: 'Never blocks: it does not wait for the peer.',
    errors: [
      ['ENOTCONN', 'the socket is not connected'],
      ['EINVAL', 'how is not SHUT_RD, SHUT_WR or SHUT_RDWR'],
      ['EBADF', 'the descriptor is not open'],
      ['ENOTSOCK', 'the descriptor is not a socket'],
    ],
    related: ['close', 'recv', 'send', 'connect'],
  },
  close: {
    page: 'close(2)',
    kind: 'system call',
    summary: 'close a file descriptor',
    headers: ['#include <unistd.h>'],
    prototype: 'int close(int fd);',
    does:
      'Releases the descriptor; its number can be handed out again by the next socket() or accept(). ' +
      'When it was the last descriptor for the socket, the connection ends: TCP sends a FIN after the data ' +
      'still queued (a RST instead if received data was left unread), and a listening socket resets the ' +
      'connections still in its queue. On Linux it does not wake another thread blocked on the same ' +
      'socket; shutdown() does.',
    blocks:
      'Normally never: queued data is still delivered by the kernel after close() returns. Only with ' +
      'SO_LINGER set to a nonzero time does it wait, up to that time, for the data to be sent.',
    errors: [
      ['EBADF', 'not open: never opened, or already closed (a double close)'],
      ['EINTR', 'a signal handler ran; Linux closed it anyway: do not retry'],
    ],
    related: ['shutdown', 'socket', 'accept', 'setsockopt'],
  },
  getsockname: {
    page: 'getsockname(2)',
    kind: 'system call',
    summary: 'get socket name',
    headers: SOCKET_H,
    prototype: 'int getsockname(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);',
    does:
      'Writes the socket\'s local address to addr, and its size to *addrlen (in: the size of the buffer). ' +
      'After bind() to port 0, or after connect() on a socket that was not bound, it shows the port the ' +
      'kernel chose.',
    blocks: 'Never blocks.',
    errors: [
      ['EBADF', 'the descriptor is not open'],
      ['ENOTSOCK', 'the descriptor is not a socket'],
      ['EINVAL', 'addrlen is invalid'],
      ['EFAULT', 'addr or addrlen points outside the process memory'],
    ],
    related: ['getpeername', 'bind', 'connect'],
  },
  getpeername: {
    page: 'getpeername(2)',
    kind: 'system call',
    summary: 'get name of connected peer socket',
    headers: SOCKET_H,
    prototype: 'int getpeername(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);',
    does:
      'Writes the address of the peer the socket is connected to into addr, and its size to *addrlen ' +
      '(in: the size of the buffer). After accept() it gives the address accept() reported.',
    blocks: 'Never blocks.',
    errors: [
      ['ENOTCONN', 'the socket is not connected'],
      ['EBADF', 'the descriptor is not open'],
      ['ENOTSOCK', 'the descriptor is not a socket'],
      ['EINVAL', 'addrlen is invalid'],
    ],
    related: ['getsockname', 'accept', 'connect'],
  },
  setsockopt: {
    page: 'getsockopt(2)',
    kind: 'system call',
    summary: 'get and set options on sockets',
    headers: SOCKET_H,
    prototype: 'int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);',
    does:
      'Sets an option on the socket. level names the layer that owns it (SOL_SOCKET for the socket ' +
      'itself, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6), optname the option, and optval and optlen its value: ' +
      'usually an int, 1 for on and 0 for off, sometimes a struct. For example SO_REUSEADDR (bind a port ' +
      'whose old connections are in TIME_WAIT), SO_RCVTIMEO (a struct timeval: receiving gives up with ' +
      'EAGAIN after that long), TCP_NODELAY, IPV6_V6ONLY.',
    blocks: 'Never blocks.',
    errors: [
      ['ENOPROTOOPT', 'the level has no such option'],
      ['EINVAL', 'optlen is wrong for the option, or the value is invalid'],
      ['EBADF', 'the descriptor is not open'],
      ['ENOTSOCK', 'the descriptor is not a socket'],
    ],
    related: ['getsockopt', 'socket', 'bind', 'recvfrom'],
  },
  getsockopt: {
    page: 'getsockopt(2)',
    kind: 'system call',
    summary: 'get and set options on sockets',
    headers: SOCKET_H,
    prototype:
      'int getsockopt(int sockfd, int level, int optname, void *restrict optval, socklen_t *restrict optlen);',
    does:
      'Reads a socket option: its value is written to optval and its size to *optlen (in: the size of ' +
      'the buffer). SO_ERROR is how a program learns the outcome of a nonblocking connect(): it returns ' +
      'the pending error, or 0, and clears it.',
    blocks: 'Never blocks.',
    errors: [
      ['ENOPROTOOPT', 'the level has no such option'],
      ['EINVAL', 'optlen is invalid'],
      ['EBADF', 'the descriptor is not open'],
      ['ENOTSOCK', 'the descriptor is not a socket'],
    ],
    related: ['setsockopt', 'connect', 'poll'],
  },
  poll: {
    page: 'poll(2)',
    kind: 'system call',
    summary: 'wait for some event on a file descriptor',
    headers: ['#include <poll.h>'],
    prototype: 'int poll(struct pollfd *fds, nfds_t nfds, int timeout);',
    does:
      'Waits until one of several descriptors is ready. fds is an array of nfds struct pollfd: fd, the ' +
      'events wanted (POLLIN: data or end of stream to read, or a connection to accept; POLLOUT: room ' +
      'to send) and revents, which the kernel fills in. It returns how many entries have revents ' +
      'set, or 0 on timeout. One thread can then serve many sockets, calling accept(), recv() or send() ' +
      'only on those that are ready. A descriptor that is not open is not an error: its revents is POLLNVAL.',
    blocks:
      'Until an event arrives on one of the descriptors (POLLERR and POLLHUP are always reported), the ' +
      'timeout in milliseconds passes (it returns 0), or a signal handler runs (EINTR). timeout -1 waits ' +
      'for ever; 0 never blocks.',
    errors: [
      ['EINTR', 'a signal handler ran first; poll() is never restarted'],
      ['EINVAL', 'nfds is larger than the RLIMIT_NOFILE limit'],
      ['EFAULT', 'fds points outside the process memory'],
      ['ENOMEM', 'no memory for the kernel\'s tables'],
    ],
    related: ['accept', 'recv', 'send', 'connect'],
  },
  read: {
    page: 'read(2)',
    kind: 'system call',
    summary: 'read from a file descriptor',
    headers: ['#include <unistd.h>'],
    prototype: 'ssize_t read(int fd, void *buf, size_t count);',
    does:
      'Copies up to count bytes from the descriptor into buf and returns how many: on a socket, the bytes ' +
      'that have arrived, as recv() with flags 0 would. 0 means end of stream: the peer shut down its ' +
      'sending side and everything it sent has been read. It works on any descriptor (files, pipes, ' +
      'terminals), which is why a socket can stand in for standard input.',
    blocks:
      'On a socket, as recv(): until at least one byte is there to read or the peer ends the stream, not ' +
      'until count bytes have come. On a nonblocking socket, or after a SO_RCVTIMEO timeout, it fails with ' +
      'EAGAIN.',
    trace:
      'The kernel sees read itself, not recvfrom: strace shows read(fd, "...", count), the bytes read ' +
      'after the call.',
    errors: [
      ['ECONNRESET', 'the peer reset the connection; unread data is lost'],
      ['EAGAIN', 'nothing to read, and nonblocking or the timeout expired'],
      ['ENOTCONN', 'a TCP socket that is not connected'],
      ['EBADF', 'the descriptor is not open for reading'],
      ['EINTR', 'a signal handler ran before any data arrived'],
    ],
    related: ['recv', 'write', 'recvfrom', 'poll', 'close'],
  },
  write: {
    page: 'write(2)',
    kind: 'system call',
    summary: 'write to a file descriptor',
    headers: ['#include <unistd.h>'],
    prototype: 'ssize_t write(int fd, const void *buf, size_t count);',
    does:
      'Hands count bytes from buf to the kernel and returns how many it took: on a connected socket, ' +
      'exactly what send() with flags 0 does. Returning means the kernel has the bytes, not that the peer ' +
      'has received or read them. It works on any descriptor, which is why a socket can stand in for ' +
      'standard output.',
    blocks:
      'On a socket, as send(): until every byte has been copied into the send buffer, which is full when ' +
      'the peer reads more slowly than this side writes. On a nonblocking socket it takes what fits, or ' +
      'fails with EAGAIN when nothing fits.',
    trace:
      'The kernel sees write itself, not sendto: strace shows write(fd, "...", count).',
    errors: [
      ['EPIPE', 'this side shut down writing, or the peer closed and reset'],
      ['ECONNRESET', 'the peer reset the connection'],
      ['EAGAIN', 'send buffer full: nonblocking, or SO_SNDTIMEO expired'],
      ['EDESTADDRREQ', 'a UDP socket that is not connected: use sendto()'],
      ['EBADF', 'the descriptor is not open for writing'],
      ['EINTR', 'a signal handler ran before any byte was written'],
    ],
    related: ['send', 'read', 'sendto', 'shutdown', 'poll'],
  },
};
