// UDP and IPv6 lines, checked against what strace 6.1 printed for a small C program making the
// same calls (socket(SOCK_DGRAM), sendto, recvfrom with a sockaddr_in / sockaddr_in6 /
// sockaddr_storage, SO_RCVTIMEO, IPV6_V6ONLY, and a recvfrom woken by shutdown).
import type { InetSockAddr } from '../../src/libc/addresses';
import { MESSAGE_FLAGS, SHUTDOWN_MODES, SOCKET_LEVELS } from '../../src/libc/xlat';
import type { Arg, CallEvent } from '../../src/calls/event';
import { formatJson } from '../../src/render/json';
import { formatLine } from '../../src/render/strace';
import { splitLines } from '../../src/programs/datagrams';

const options = { stringLimit: 32 };

function call(name: string, args: Arg[], ret: number, error: CallEvent['error'] = null): CallEvent {
  return { seq: 1, pid: 1, name, kind: 'syscall', args, ret, error, startedAt: 0, durationMs: 0 };
}
const fd = (value: number): Arg => ({ name: 'sockfd', type: 'fd', value });
const int = (name: string, value: number): Arg => ({ name, type: 'int', value });
const noFlags: Arg = { name: 'flags', type: 'flags', table: MESSAGE_FLAGS, value: 0 };
const bytes = (text: string | Buffer): Arg => {
  const head = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  return { name: 'buf', type: 'bytes', head, length: head.length };
};
const v4 = (address: string, port: number): InetSockAddr => ({ family: 2, address, port, flowinfo: 0, scopeId: 0 });
const v6 = (address: string, port: number): InetSockAddr => ({ family: 10, address, port, flowinfo: 0, scopeId: 0 });
const socklen = (before: number, after: number): Arg => ({ name: 'addrlen', type: 'socklen', before, after });
const pointer = (name: string, value: bigint): Arg => ({ name, type: 'pointer', value });

function sendto(sockfd: number, data: string, to: InetSockAddr, ret: number): CallEvent {
  const size = to.family === 10 ? 28 : 16;
  return call('sendto', [fd(sockfd), bytes(data), int('len', data.length), noFlags, { name: 'dest_addr', type: 'sockaddr', addr: to }, int('addrlen', size)], ret);
}
function recvfrom(sockfd: number, data: string, from: InetSockAddr, length: Arg): CallEvent {
  return call('recvfrom', [fd(sockfd), bytes(data), int('len', 65536), noFlags, { name: 'src_addr', type: 'sockaddr', addr: from }, length], data.length);
}
const EAGAIN = { code: 11, name: 'EAGAIN', message: 'Resource temporarily unavailable' };

describe('UDP lines as strace prints them', () => {
  it.each<[string, CallEvent]>([
    [
      'sendto(4, "hi\\n", 3, 0, {sa_family=AF_INET, sin_port=htons(40153), sin_addr=inet_addr("127.0.0.1")}, 16) = 3',
      sendto(4, 'hi\n', v4('127.0.0.1', 40153), 3),
    ],
    [
      // room for a sockaddr_in: the kernel leaves the length as it was
      'recvfrom(3, "hi\\n", 65536, 0, {sa_family=AF_INET, sin_port=htons(49257), sin_addr=inet_addr("127.0.0.1")}, [16]) = 3',
      recvfrom(3, 'hi\n', v4('127.0.0.1', 49257), socklen(16, 16)),
    ],
    [
      // room for a sockaddr_storage: the kernel shortens it
      'recvfrom(4, "hi\\n", 65536, 0, {sa_family=AF_INET, sin_port=htons(40153), sin_addr=inet_addr("127.0.0.1")}, [128 => 16]) = 3',
      recvfrom(4, 'hi\n', v4('127.0.0.1', 40153), socklen(128, 16)),
    ],
    [
      'sendto(6, "v6", 2, 0, {sa_family=AF_INET6, sin6_port=htons(45697), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 2',
      sendto(6, 'v6', v6('::1', 45697), 2),
    ],
    [
      'recvfrom(5, "v6", 65536, 0, {sa_family=AF_INET6, sin6_port=htons(35359), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, [28]) = 2',
      recvfrom(5, 'v6', v6('::1', 35359), socklen(28, 28)),
    ],
    [
      // an IPv4 sender reaching an IPv6 socket bound to ::
      'recvfrom(8, "m", 65536, 0, {sa_family=AF_INET6, sin6_port=htons(49257), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, [28]) = 1',
      recvfrom(8, 'm', v6('::ffff:127.0.0.1', 49257), socklen(28, 28)),
    ],
    [
      // SO_RCVTIMEO ran out: both buffers by address, the length as passed
      'recvfrom(4, 0x7ffff018d7a0, 65536, 0, 0x7ffff018d760, [16]) = -1 EAGAIN (Resource temporarily unavailable)',
      call('recvfrom', [fd(4), pointer('buf', 0x7ffff018d7a0n), int('len', 65536), noFlags, pointer('src_addr', 0x7ffff018d760n), socklen(16, 16)], -1, EAGAIN),
    ],
    [
      // woken by shutdown(SHUT_RDWR) with no datagram: no address was written
      'recvfrom(3, "", 65536, 0, 0x7f98b91f1eb0, [16 => 0]) = 0',
      call('recvfrom', [fd(3), bytes(''), int('len', 65536), noFlags, pointer('src_addr', 0x7f98b91f1eb0n), socklen(16, 0)], 0),
    ],
    [
      'shutdown(3, SHUT_RDWR)                  = -1 ENOTCONN (Transport endpoint is not connected)',
      call('shutdown', [fd(3), { name: 'how', type: 'enum', table: SHUTDOWN_MODES, value: 2 }], -1, {
        code: 107,
        name: 'ENOTCONN',
        message: 'Transport endpoint is not connected',
      }),
    ],
  ])('%s', (expected, event) => {
    expect(formatLine(event, options)).toBe(expected);
  });
});

describe('setsockopt with a struct timeval', () => {
  const timeval = (seconds: number, micros: number): Buffer => {
    const value = Buffer.alloc(16);
    value.writeBigInt64LE(BigInt(seconds), 0);
    value.writeBigInt64LE(BigInt(micros), 8);
    return value;
  };
  const rcvtimeo = (value: Buffer): CallEvent =>
    call('setsockopt', [
      fd(4),
      { name: 'level', type: 'enum', table: SOCKET_LEVELS, value: 1 },
      { name: 'optname', type: 'sockopt', level: 1, value: 20 },
      { name: 'optval', type: 'bytes', head: value, length: value.length },
      int('optlen', 16),
    ], 0);

  it('is shown as its 16 bytes, as strace 6.1 shows SO_RCVTIMEO_OLD', () => {
    expect(formatLine(rcvtimeo(timeval(2, 0)), options)).toBe(
      'setsockopt(4, SOL_SOCKET, SO_RCVTIMEO_OLD, "\\2\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0", 16) = 0',
    );
    expect(formatLine(rcvtimeo(timeval(0, 200000)), options)).toBe(
      'setsockopt(4, SOL_SOCKET, SO_RCVTIMEO_OLD, "\\0\\0\\0\\0\\0\\0\\0\\0@\\r\\3\\0\\0\\0\\0\\0", 16) = 0',
    );
  });

  it('keeps the bytes in --json', () => {
    const record = JSON.parse(formatJson(rcvtimeo(timeval(2, 0)), options));
    expect(record.args[3]).toMatchObject({ name: 'optval', type: 'bytes', length: 16, hex: '02000000000000000000000000000000' });
  });
});

describe('the UDP client reads one datagram per line', () => {
  it('keeps each newline and carries an unfinished line over', () => {
    const first = splitLines(Buffer.alloc(0), Buffer.from('one\ntwo\nthr'));
    expect(first.lines.map(String)).toEqual(['one\n', 'two\n']);
    expect(String(first.rest)).toBe('thr');
    const second = splitLines(first.rest, Buffer.from('ee\n\n'));
    expect(second.lines.map(String)).toEqual(['three\n', '\n']);
    expect(second.rest.length).toBe(0);
  });
});
