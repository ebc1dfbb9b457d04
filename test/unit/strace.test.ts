// The strace text of recorded calls, checked against lines strace 6.1 printed for the same calls
// (a C program run under `strace -e trace=network,close`; see ../shared/reference too).
import { AF_INET, InetSockAddr } from '../../src/libc/addresses';
import type { ErrorInfo } from '../../src/libc/results';
import { ADDRESS_FAMILIES, IP_PROTOCOLS, MESSAGE_FLAGS, SHUTDOWN_MODES, SOCKET_LEVELS } from '../../src/libc/xlat';
import type { Arg, CallEvent } from '../../src/calls/event';
import { formatJson } from '../../src/render/json';
import { formatLine, formatUnfinished } from '../../src/render/strace';
import { planCall } from '../../src/calls/plans';

const options = { stringLimit: 32 };

function call(name: string, args: Arg[], ret: number, error: ErrorInfo | null = null): CallEvent {
  return { seq: 1, pid: 1, name, kind: 'syscall', args, ret, error, startedAt: 0, durationMs: 0 };
}
const fd = (value: number): Arg => ({ name: 'sockfd', type: 'fd', value });
const int = (name: string, value: number): Arg => ({ name, type: 'int', value });
const v4 = (address: string, port: number): InetSockAddr => ({ family: 2, address, port, flowinfo: 0, scopeId: 0 });
const v6 = (address: string, port: number): InetSockAddr => ({ family: 10, address, port, flowinfo: 0, scopeId: 0 });
const addr = (a: InetSockAddr): Arg => ({ name: 'addr', type: 'sockaddr', addr: a });
const bytes = (text: string | Buffer, length?: number): Arg => {
  const head = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  return { name: 'buf', type: 'bytes', head, length: length ?? head.length };
};
const flags = (value: number): Arg => ({ name: 'flags', type: 'flags', table: MESSAGE_FLAGS, value });
const setsockoptInt = (sockfd: number, level: number, option: number, value: number): CallEvent =>
  call('setsockopt', [
    fd(sockfd),
    { name: 'level', type: 'enum', table: SOCKET_LEVELS, value: level },
    { name: 'optname', type: 'sockopt', level, value: option },
    { name: 'optval', type: 'intref', value },
    int('optlen', 4),
  ], 0);
const ECONNREFUSED = { code: 111, name: 'ECONNREFUSED', message: 'Connection refused' };
const EINVAL = { code: 22, name: 'EINVAL', message: 'Invalid argument' };
const EBADF = { code: 9, name: 'EBADF', message: 'Bad file descriptor' };

describe('strace text', () => {
  it.each<[string, CallEvent]>([
    [
      'socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3',
      call('socket', [
        { name: 'domain', type: 'enum', table: ADDRESS_FAMILIES, value: 2 },
        { name: 'type', type: 'socktype', value: 1 },
        { name: 'protocol', type: 'enum', table: IP_PROTOCOLS, value: 0 },
      ], 3),
    ],
    [
      'socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 9',
      call('socket', [
        { name: 'domain', type: 'enum', table: ADDRESS_FAMILIES, value: 10 },
        { name: 'type', type: 'socktype', value: 1 | 0o2000000 | 0o4000 },
        { name: 'protocol', type: 'enum', table: IP_PROTOCOLS, value: 0 },
      ], 9),
    ],
    [
      'setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0',
      setsockoptInt(3, 1, 2, 1),
    ],
    [
      'setsockopt(7, SOL_IPV6, IPV6_V6ONLY, [1], 4) = 0',
      setsockoptInt(7, 41, 26, 1),
    ],
    [
      'bind(3, {sa_family=AF_INET, sin_port=htons(9401), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      call('bind', [fd(3), addr(v4('127.0.0.1', 9401)), int('addrlen', 16)], 0),
    ],
    [
      'bind(4, {sa_family=AF_INET, sin_port=htons(9401), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EADDRINUSE (Address already in use)',
      call('bind', [fd(4), addr(v4('127.0.0.1', 9401)), int('addrlen', 16)], -1, {
        code: 98,
        name: 'EADDRINUSE',
        message: 'Address already in use',
      }),
    ],
    ['listen(3, 4)                            = 0', call('listen', [fd(3), int('backlog', 4)], 0)],
    ['close(4)                                = 0', call('close', [fd(4)], 0)],
    ['close(999)                              = -1 EBADF (Bad file descriptor)', call('close', [fd(999)], -1, EBADF)],
    [
      'accept(3, {sa_family=AF_INET, sin_port=htons(36024), sin_addr=inet_addr("127.0.0.1")}, [128 => 16]) = 6',
      call('accept', [fd(3), addr(v4('127.0.0.1', 36024)), { name: 'addrlen', type: 'socklen', before: 128, after: 16 }], 6),
    ],
    [
      'accept(4, 0x7ffca7300fb0, [16])         = -1 EINVAL (Invalid argument)',
      call('accept', [fd(4), { name: 'addr', type: 'pointer', value: 0x7ffca7300fb0n }, { name: 'addrlen', type: 'socklen', before: 16, after: 16 }], -1, EINVAL),
    ],
    [
      'getsockname(4, {sa_family=AF_INET, sin_port=htons(46222), sin_addr=inet_addr("127.0.0.1")}, [16]) = 0',
      call('getsockname', [fd(4), addr(v4('127.0.0.1', 46222)), { name: 'addrlen', type: 'socklen', before: 16, after: 16 }], 0),
    ],
    [
      'connect(3, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)',
      call('connect', [fd(3), addr(v4('127.0.0.1', 9)), int('addrlen', 16)], -1, ECONNREFUSED),
    ],
    [
      'connect(8, {sa_family=AF_INET6, sin6_port=htons(1), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ECONNREFUSED (Connection refused)',
      call('connect', [fd(8), addr(v6('::1', 1)), int('addrlen', 28)], -1, ECONNREFUSED),
    ],
    [
      'connect(9, {sa_family=AF_INET6, sin6_port=htons(1), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, 28) = -1 EINPROGRESS (Operation now in progress)',
      call('connect', [fd(9), addr(v6('::ffff:127.0.0.1', 1)), int('addrlen', 28)], -1, {
        code: 115,
        name: 'EINPROGRESS',
        message: 'Operation now in progress',
      }),
    ],
    [
      'shutdown(4, SHUT_WR)                    = 0',
      call('shutdown', [fd(4), { name: 'how', type: 'enum', table: SHUTDOWN_MODES, value: 1 }], 0),
    ],
    [
      'shutdown(5, 0x7 /* SHUT_??? */)         = -1 EINVAL (Invalid argument)',
      call('shutdown', [fd(5), { name: 'how', type: 'enum', table: SHUTDOWN_MODES, value: 7 }], -1, EINVAL),
    ],
  ])('%s', (expected, event) => {
    expect(formatLine(event, options)).toBe(expected);
  });
});

describe('data, escaped and cut as strace does', () => {
  // strace prints recvfrom/sendto; netsys keeps the names recv/send and drops the two address arguments.
  const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  it.each<[string, CallEvent]>([
    ['send(4, "hello\\n", 6, 0)                = 6', call('send', [fd(4), bytes('hello\n'), int('len', 6), flags(0)], 6)],
    ['recv(5, "", 1024, 0)                    = 0', call('recv', [fd(5), bytes(''), int('len', 1024), flags(0)], 0)],
    [
      'send(5, "\\0\\1\\2\\3\\4\\5\\6\\7\\10\\t\\n\\v\\f\\r\\16\\17\\20\\21\\22\\23\\24\\25\\26\\27\\30\\31\\32\\33\\34\\35\\36\\37"..., 256, 0) = 256',
      call('send', [fd(5), bytes(everyByte.subarray(0, 32), 256), int('len', 256), flags(0)], 256),
    ],
    [
      // \0 before the digit 1 is written \000; \1 before the non-octal 9 stays short.
      'send(5, "\\0001\\19\\377\\t\\n\\r\\v\\f\\"\\\\ok\\0\\0", 16, MSG_NOSIGNAL) = 16',
      call('send', [fd(5), bytes('\x001\x019\xff\t\n\r\v\f"\\ok\0\0'), int('len', 16), flags(0x4000)], 16),
    ],
    [
      // At the cut, the look-ahead stops: \1 is short although the next byte passed is "2".
      'send(5, "0123456789012345678901234567890\\1"..., 33, 0) = 33',
      call('send', [fd(5), bytes('0123456789012345678901234567890\x012'), int('len', 33), flags(0)], 33),
    ],
    [
      'send(5, "a\\0b", 3, MSG_DONTWAIT|MSG_MORE) = 3',
      call('send', [fd(5), bytes('a\0b'), int('len', 3), flags(0x40 | 0x8000)], 3),
    ],
    [
      'recv(999, 0x7ffca73009f0, 1024, 0)      = -1 EBADF (Bad file descriptor)',
      call('recv', [fd(999), { name: 'buf', type: 'pointer', value: 0x7ffca73009f0n }, int('len', 1024), flags(0)], -1, EBADF),
    ],
  ])('%s', (expected, event) => {
    expect(formatLine(event, options)).toBe(expected);
  });

  it('shows as many bytes as -s allows', () => {
    const event = call('send', [fd(4), bytes('hello world\n'), int('len', 12), flags(0)], 12);
    expect(formatLine(event, { stringLimit: 5 })).toBe('send(4, "hello"..., 12, 0)'.padEnd(40) + '= 12');
    expect(formatLine(event, { stringLimit: 0 })).toBe('send(4, ""..., 12, 0)'.padEnd(40) + '= 12');
  });

  it('names unknown flag bits in hex, as strace does', () => {
    const event = call('recv', [fd(4), bytes('x'), int('len', 1), flags(0x2 | 0x100000)], 1);
    expect(formatLine(event, options)).toBe('recv(4, "x", 1, MSG_PEEK|0x100000)      = 1');
  });
});

describe('library calls', () => {
  it('are marked as not being system calls, with getaddrinfo\'s own error names', () => {
    const event: CallEvent = {
      ...call('getaddrinfo', [
        { name: 'node', type: 'string', value: 'nosuch.invalid' },
        { name: 'service', type: 'string', value: '80' },
        { name: 'hints', type: 'hints', hints: { flags: 0, family: 0, socktype: 1, protocol: 0 } },
        { name: 'res', type: 'addrinfo', entries: [] },
      ], -2, { code: -2, name: 'EAI_NONAME', message: 'Name or service not known' }),
      kind: 'libc',
    };
    expect(formatLine(event, options)).toBe(
      'libc: getaddrinfo("nosuch.invalid", "80", {ai_flags=0, ai_family=AF_UNSPEC, ai_socktype=SOCK_STREAM, ai_protocol=IPPROTO_IP}, []) = -2 EAI_NONAME (Name or service not known)',
    );
  });
});

describe('--json', () => {
  it('gives each call as one object with typed arguments and the strace text', () => {
    const event = call('connect', [fd(3), addr(v4('127.0.0.1', 9)), int('addrlen', 16)], -1, ECONNREFUSED);
    const record = JSON.parse(formatJson(event, options));
    expect(record).toMatchObject({
      type: 'call',
      call: 'connect',
      kind: 'syscall',
      ret: -1,
      errno: { code: 111, name: 'ECONNREFUSED', message: 'Connection refused' },
      text: 'connect(3, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)',
    });
    expect(record.args[1]).toEqual({
      name: 'addr',
      type: 'sockaddr',
      text: '{sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}',
      family: 'AF_INET',
      address: '127.0.0.1',
      port: 9,
      flowinfo: 0,
      scope_id: 0,
    });
    const data = JSON.parse(formatJson(call('send', [fd(3), bytes('a\0'), int('len', 2), flags(0)], 2), options));
    expect(data.args[1]).toEqual({ name: 'buf', type: 'bytes', text: '"a\\0"', length: 2, hex: '6100' });
  });
});

describe('calls the kernel is still holding', () => {
  // strace -f 6.1 on a threaded Python program: `[pid N] accept4(3,  <unfinished ...>`,
  // `recvfrom(5,  <unfinished ...>`, `sendto(4, "x", 1, 0, NULL, 0 <unfinished ...>`.
  const blocked = (name: string, args: Arg[]) => formatUnfinished({ pid: 1, name, kind: 'syscall', args, startedAt: 0 }, options);

  it('stops before the first argument the kernel fills in, as strace does', () => {
    expect(blocked('accept', [...planCall('accept', { sockfd: 3, addr: AF_INET }, 32).args])).toBe('accept(3,  <unfinished ...>');
    expect(blocked('recv', [...planCall('recv', { sockfd: 5, buf: Buffer.alloc(10), flags: 0 }, 32).args])).toBe('recv(5,  <unfinished ...>');
  });

  it('shows every argument of a call that only passes data in', () => {
    expect(blocked('send', [...planCall('send', { sockfd: 4, buf: Buffer.from('x'), flags: 0 }, 32).args])).toBe('send(4, "x", 1, 0 <unfinished ...>');
    expect(blocked('connect', [fd(5), addr(v4('127.0.0.1', 46909)), int('addrlen', 16)])).toBe(
      'connect(5, {sa_family=AF_INET, sin_port=htons(46909), sin_addr=inet_addr("127.0.0.1")}, 16 <unfinished ...>',
    );
  });
});

describe('sin6_scope_id, as strace prints it', () => {
  const ENETUNREACH = { code: 101, name: 'ENETUNREACH', message: 'Network is unreachable' };
  const connect = (address: string, scopeId: number): CallEvent =>
    call('connect', [fd(6), addr({ ...v6(address, 9), scopeId }), int('addrlen', 28)], -1, ENETUNREACH);

  // strace 6.1 -e trace=connect on a Python client (lo is interface 1 here and in every network namespace).
  it.each<[string, number, string, 0 | 2]>([
    ['fe80::1', 1, 'inet_pton(AF_INET6, "fe80::1", &sin6_addr), sin6_scope_id=if_nametoindex("lo")}', 0],
    ['fe80::1', 77, 'inet_pton(AF_INET6, "fe80::1", &sin6_addr), sin6_scope_id=77}', 0],
    ['ff12::1', 1, 'inet_pton(AF_INET6, "ff12::1", &sin6_addr), sin6_scope_id=if_nametoindex("lo")}', 0],
    ['::1', 1, 'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=1}', 0],
    [
      'fe80::1',
      1,
      'inet_pton(AF_INET6, "\\x66\\x65\\x38\\x30\\x3a\\x3a\\x31", &sin6_addr), sin6_scope_id=if_nametoindex("\\x6c\\x6f")}',
      2,
    ],
  ])('%s scope %d: a link-local address names its interface', (address, scopeId, text, hex) => {
    const line = formatLine(connect(address, scopeId), { ...options, hex });
    expect(line).toContain(text);
    expect(line).toMatch(/, 28\) = -1 ENETUNREACH \(Network is unreachable\)$/);
  });
});
