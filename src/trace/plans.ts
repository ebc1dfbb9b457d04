// The arguments of each traced call as the program passes them, before the kernel has answered:
// those the kernel fills in are placeholders of type 'output'. Built here once, and used three ways:
// the recorder completes them into the call's event, a blocked call is shown with them, and a lesson
// prints them as the call it is about to make.
import { AF_INET, AF_INET6, InetSockAddr } from '../libc/addresses';
import { decodeSockaddr, encodeSockaddr } from '../libc/sockaddr';
import { ADDRESS_FAMILIES, IP_PROTOCOLS, MESSAGE_FLAGS, SHUTDOWN_MODES, SOCKET_LEVELS } from '../libc/xlat';
import type { AddrinfoHints } from '../libc/resolve';
import type { Arg, PollFd } from './event';

export function fdArg(value: number, name = 'sockfd'): Arg {
  return { name, type: 'fd', value };
}

export function outputArg(name: string): Arg {
  return { name, type: 'output' };
}

function intArg(name: string, value: number): Arg {
  return { name, type: 'int', value };
}

function flagsArg(value: number): Arg {
  return { name: 'flags', type: 'flags', table: MESSAGE_FLAGS, value };
}

/** The address as the kernel receives it: encoded, then decoded again, so it prints as strace prints it. */
function addressArgs(addr: InetSockAddr, name = 'addr'): { bytes: Buffer; args: Arg[] } {
  const bytes = encodeSockaddr(addr);
  return {
    bytes,
    args: [
      { name, type: 'sockaddr', addr: decodeSockaddr(bytes, bytes.length) },
      intArg('addrlen', bytes.length),
    ],
  };
}

export const plan = {
  socket(domain: number, type: number, protocol: number): Arg[] {
    const inet = domain === AF_INET || domain === AF_INET6;
    return [
      { name: 'domain', type: 'enum', table: ADDRESS_FAMILIES, value: domain },
      { name: 'type', type: 'socktype', value: type },
      inet ? { name: 'protocol', type: 'enum', table: IP_PROTOCOLS, value: protocol } : intArg('protocol', protocol),
    ];
  },
  /** bind and connect: the encoded address goes to libc, the args to the trace. */
  withAddress(sockfd: number, addr: InetSockAddr): { bytes: Buffer; args: Arg[] } {
    const { bytes, args } = addressArgs(addr);
    return { bytes, args: [fdArg(sockfd), ...args] };
  },
  listen(sockfd: number, backlog: number): Arg[] {
    return [fdArg(sockfd), intArg('backlog', backlog)];
  },
  /** accept, getsockname, getpeername: the kernel writes the address and its length. */
  addressQuery(sockfd: number): Arg[] {
    return [fdArg(sockfd), outputArg('addr'), outputArg('addrlen')];
  },
  send(sockfd: number, head: Buffer, length: number, flags: number): Arg[] {
    return [fdArg(sockfd), { name: 'buf', type: 'bytes', head, length }, intArg('len', length), flagsArg(flags)];
  },
  /** sendto: the encoded destination goes to libc, the args to the trace. */
  sendto(sockfd: number, head: Buffer, length: number, flags: number, addr: InetSockAddr): { bytes: Buffer; args: Arg[] } {
    const destination = addressArgs(addr, 'dest_addr');
    return { bytes: destination.bytes, args: [...plan.send(sockfd, head, length, flags), ...destination.args] };
  },
  recvfrom(sockfd: number, length: number, flags: number): Arg[] {
    return [...plan.recv(sockfd, length, flags), outputArg('src_addr'), outputArg('addrlen')];
  },
  recv(sockfd: number, length: number, flags: number): Arg[] {
    return [fdArg(sockfd), outputArg('buf'), intArg('len', length), flagsArg(flags)];
  },
  shutdown(sockfd: number, how: number): Arg[] {
    return [fdArg(sockfd), { name: 'how', type: 'enum', table: SHUTDOWN_MODES, value: how }];
  },
  close(fd: number): Arg[] {
    return [fdArg(fd, 'fd')];
  },
  poll(fds: readonly PollFd[], timeout: number): Arg[] {
    return [{ name: 'fds', type: 'pollfds', fds }, intArg('nfds', fds.length), intArg('timeout', timeout)];
  },
  getaddrinfo(node: string, service: string, hints: AddrinfoHints): Arg[] {
    return [
      { name: 'node', type: 'string', value: node },
      { name: 'service', type: 'string', value: service },
      { name: 'hints', type: 'hints', hints },
      outputArg('res'),
    ];
  },
  setsockopt(sockfd: number, level: number, option: number, optval: Arg, optlen: number): Arg[] {
    return [
      fdArg(sockfd),
      { name: 'level', type: 'enum', table: SOCKET_LEVELS, value: level },
      { name: 'optname', type: 'sockopt', level, value: option },
      optval,
      intArg('optlen', optlen),
    ];
  },
  setsockoptInt(sockfd: number, level: number, option: number, value: number): Arg[] {
    return plan.setsockopt(sockfd, level, option, { name: 'optval', type: 'intref', value }, 4);
  },
};

/** The planned args with the kernel's answers in place of the outputs, matched by name. */
export function fillOutputs(planned: readonly Arg[], filled: Readonly<Record<string, Arg>>): Arg[] {
  return planned.map((arg) => (arg.type === 'output' ? filled[arg.name] ?? arg : arg));
}
