// -y and --state rendering. The -y lines are lines strace 6.1 printed with -yy (a Python peer and
// netsys itself run under `strace -yy -e trace=network,close`); the state lines are netsys's own form.
import type { InetSockAddr } from '../../src/libc/addresses';
import type { SocketEndpoints } from '../../src/libc/native/sockdiag';
import { ADDRESS_FAMILIES, IP_PROTOCOLS, SHUTDOWN_MODES } from '../../src/libc/xlat';
import { formatEndpoint } from '../../src/calls/endpoints';
import type { Arg, CallEvent, SocketState } from '../../src/calls/event';
import { formatJson } from '../../src/render/json';
import { decodeTraceLine } from '../../src/render/json-read';
import { formatSocketState, formatStateLine } from '../../src/render/state';
import { formatLine } from '../../src/render/strace';

const yy = { stringLimit: 32, decodeFds: 2 as const };
const plain = { stringLimit: 32 };

function call(name: string, args: Arg[], ret: number, extra: Partial<CallEvent> = {}): CallEvent {
  return { seq: 1, pid: 1, name, kind: 'syscall', args, ret, error: null, startedAt: 0, durationMs: 0, ...extra };
}
const fd = (value: number, endpoint?: string): Arg => ({ name: 'sockfd', type: 'fd', value, endpoint });
const int = (name: string, value: number): Arg => ({ name, type: 'int', value });
const v4 = (address: string, port: number): InetSockAddr => ({ family: 2, address, port, flowinfo: 0, scopeId: 0 });
const v6 = (address: string, port: number): InetSockAddr => ({ family: 10, address, port, flowinfo: 0, scopeId: 0 });
const addr = (a: InetSockAddr): Arg => ({ name: 'addr', type: 'sockaddr', addr: a });
const len = (before: number, after = before): Arg => ({ name: 'addrlen', type: 'socklen', before, after });
const socketArgs = (family: number): Arg[] => [
  { name: 'domain', type: 'enum', table: ADDRESS_FAMILIES, value: family },
  { name: 'type', type: 'socktype', value: 1 | 0o2000000 },
  { name: 'protocol', type: 'enum', table: IP_PROTOCOLS, value: 0 },
];

describe('-y: descriptors named as strace -y names them, by inode', () => {
  const y = { stringLimit: 32, decodeFds: 1 as const };
  const named = (value: number, inode: number): Arg => ({ name: 'fd', type: 'fd', value, inode, endpoint: 'TCP:[127.0.0.1:8080]' });

  // Printed by strace 6.1 -y (and -y -xx) for a Python client's calls.
  it.each<[string, CallEvent, object]>([
    ['close(3<socket:[24131]>)                = 0', call('close', [named(3, 24131)], 0), y],
    ['socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 6<socket:[24134]>', call('socket', socketArgs(10), 6, { retEndpoint: 'TCPv6:[24134]', retInode: 24134 }), y],
    [
      'close(3<\\x73\\x6f\\x63\\x6b\\x65\\x74\\x3a\\x5b\\x32\\x33\\x34\\x39\\x32\\x5d>) = 0',
      call('close', [named(3, 23492)], 0),
      { ...y, hex: 2 },
    ],
    ['close(3<TCP:[127.0.0.1:8080]>)          = 0', call('close', [named(3, 23492)], 0), { ...y, decodeFds: 2, hex: 2 }],
  ])('%s', (line, event, options) => {
    expect(formatLine(event, options as typeof y)).toBe(line);
  });

  it('names the descriptors inside poll\'s array, not those of its result, as strace -yy does', () => {
    const entry = { fd: 17, events: 1, revents: 1, endpoint: 'TCP:[127.0.0.1:41673]', inode: 5 };
    const event = call('poll', [{ name: 'fds', type: 'pollfds', fds: [entry] }, int('nfds', 1), int('timeout', -1)], 1, { ready: [{ fd: 17, events: 1, revents: 1 }] });
    expect(formatLine(event, yy)).toBe('poll([{fd=17<TCP:[127.0.0.1:41673]>, events=POLLIN}], 1, -1) = 1 ([{fd=17, revents=POLLIN}])');
    expect(formatLine(event, y)).toBe('poll([{fd=17<socket:[5]>, events=POLLIN}], 1, -1) = 1 ([{fd=17, revents=POLLIN}])');
  });
});

describe('-yy: descriptors named as strace -yy names them', () => {
  it.each<[string, CallEvent]>([
    [
      'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<TCP:[74061]>',
      call('socket', socketArgs(2), 3, { retEndpoint: 'TCP:[74061]' }),
    ],
    [
      'bind(3<TCP:[74061]>, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      call('bind', [fd(3, 'TCP:[74061]'), addr(v4('127.0.0.1', 0)), int('addrlen', 16)], 0),
    ],
    ['listen(3<TCP:[127.0.0.1:54319]>, 4)     = 0', call('listen', [fd(3, 'TCP:[127.0.0.1:54319]'), int('backlog', 4)], 0)],
    [
      'getsockname(5<TCP:[127.0.0.1:54319->127.0.0.1:37266]>, {sa_family=AF_INET, sin_port=htons(54319), sin_addr=inet_addr("127.0.0.1")}, [128 => 16]) = 0',
      call('getsockname', [fd(5, 'TCP:[127.0.0.1:54319->127.0.0.1:37266]'), addr(v4('127.0.0.1', 54319)), len(128, 16)], 0),
    ],
    [
      'shutdown(4<TCP:[127.0.0.1:37266->127.0.0.1:54319]>, SHUT_WR) = 0',
      call('shutdown', [fd(4, 'TCP:[127.0.0.1:37266->127.0.0.1:54319]'), { name: 'how', type: 'enum', table: SHUTDOWN_MODES, value: 1 }], 0),
    ],
    ['close(3<TCP:[127.0.0.1:54319]>)         = 0', call('close', [{ name: 'fd', type: 'fd', value: 3, endpoint: 'TCP:[127.0.0.1:54319]' }], 0)],
    ['listen(3<TCPv6:[[::1]:58501]>, 4)       = 0', call('listen', [fd(3, 'TCPv6:[[::1]:58501]'), int('backlog', 4)], 0)],
    [
      'accept(18<TCPv6:[[::1]:56325]>, {sa_family=AF_INET6, sin6_port=htons(44410), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, [28]) = 19<TCPv6:[[::1]:56325->[::1]:44410]>',
      call('accept', [fd(18, 'TCPv6:[[::1]:56325]'), addr(v6('::1', 44410)), len(28)], 19, { retEndpoint: 'TCPv6:[[::1]:56325->[::1]:44410]' }),
    ],
    ['close(7<UDPv6:[[::1]:57133]>)           = 0', call('close', [{ name: 'fd', type: 'fd', value: 7, endpoint: 'UDPv6:[[::1]:57133]' }], 0)],
  ])('%s', (line, event) => {
    expect(formatLine(event, yy)).toBe(line);
  });

  it('prints plain descriptors when -y is off, even when endpoints were read', () => {
    const event = call('accept', [fd(18, 'TCP:[127.0.0.1:8080]'), addr(v4('127.0.0.1', 5)), len(16)], 19, { retEndpoint: 'TCP:[x]' });
    expect(formatLine(event, plain)).toBe('accept(18, {sa_family=AF_INET, sin_port=htons(5), sin_addr=inet_addr("127.0.0.1")}, [16]) = 19');
  });

  it('does not name the -1 of a failed call', () => {
    const event = { ...call('socket', socketArgs(2), -1, { retEndpoint: 'TCP:[1]' }), error: { code: 97, name: 'EAFNOSUPPORT', message: 'Address family not supported by protocol' } };
    expect(formatLine(event, yy)).toBe('socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = -1 EAFNOSUPPORT (Address family not supported by protocol)');
  });

  it.each<[string, string, number, SocketEndpoints | null]>([
    ['TCP:[74061]', 'TCP', 74061, null],
    ['TCP:[127.0.0.1:8080]', 'TCP', 1, { local: v4('127.0.0.1', 8080), peer: null }],
    ['TCP:[127.0.0.1:8080->127.0.0.1:51234]', 'TCP', 1, { local: v4('127.0.0.1', 8080), peer: v4('127.0.0.1', 51234) }],
    ['TCPv6:[[::]:59527]', 'TCPv6', 1, { local: v6('::', 59527), peer: null }],
    ['TCPv6:[[::1]:39788->[::1]:58501]', 'TCPv6', 1, { local: v6('::1', 39788), peer: v6('::1', 58501) }],
    ['UDP:[127.0.0.1:56946]', 'UDP', 1, { local: v4('127.0.0.1', 56946), peer: null }],
  ])('endpoint text %s', (text, protocol, inode, endpoints) => {
    expect(formatEndpoint(protocol, inode, endpoints)).toBe(text);
  });

  it('adds the endpoints to --json', () => {
    const event = call('accept', [fd(18, 'TCP:[127.0.0.1:8080]'), addr(v4('127.0.0.1', 5)), len(16)], 19, { retEndpoint: 'TCP:[127.0.0.1:8080->127.0.0.1:5]' });
    const record = JSON.parse(formatJson(event, yy));
    expect(record.args[0]).toEqual({ name: 'sockfd', type: 'fd', text: '18<TCP:[127.0.0.1:8080]>', value: 18, endpoint: 'TCP:[127.0.0.1:8080]' });
    expect(record.ret_endpoint).toBe('TCP:[127.0.0.1:8080->127.0.0.1:5]');
    expect(record.text).toMatch(/^accept\(18<TCP:\[127\.0\.0\.1:8080\]>, .* = 19<TCP:\[127\.0\.0\.1:8080->127\.0\.0\.1:5\]>$/);
    expect(JSON.parse(formatJson(call('listen', [fd(3), int('backlog', 1)], 0), plain)).args[0]).not.toHaveProperty('endpoint');
  });
});

describe('--state: the kernel view of a socket, set apart from the call', () => {
  it.each<[string, SocketState]>([
    ['fd 18: LISTEN, accept queue 2/16', { fd: 18, state: 'LISTEN', acceptQueue: { waiting: 2, backlog: 16 } }],
    ['fd 18: LISTEN, accept queue 0/4', { fd: 18, state: 'LISTEN', acceptQueue: { waiting: 0, backlog: 4 } }],
    ['fd 19: ESTABLISHED', { fd: 19, state: 'ESTABLISHED', unread: 0, unacked: 0 }],
    ['fd 19: ESTABLISHED, 6 bytes waiting to be read', { fd: 19, state: 'ESTABLISHED', unread: 6, unacked: 0 }],
    ['fd 19: ESTABLISHED, 1 byte not yet acknowledged', { fd: 19, state: 'ESTABLISHED', unread: 0, unacked: 1 }],
    ['fd 18: FIN_WAIT1, the FIN not yet acknowledged', { fd: 18, state: 'FIN_WAIT1', unread: 0, unacked: 0, finUnacked: true }],
    [
      'fd 18: FIN_WAIT1, 3 bytes waiting to be read, 5 bytes and the FIN not yet acknowledged',
      { fd: 18, state: 'FIN_WAIT1', unread: 3, unacked: 5, finUnacked: true },
    ],
    ['fd 18: CLOSE_WAIT', { fd: 18, state: 'CLOSE_WAIT' }],
  ])('%s', (text, state) => {
    expect(formatSocketState(state)).toBe(text);
  });

  it('starts its line with # so it is never read as a call, indented under the call', () => {
    expect(formatStateLine({ fd: 3, state: 'LISTEN', acceptQueue: { waiting: 1, backlog: 4 } })).toBe('#   fd 3: LISTEN, accept queue 1/4');
  });

  it('leaves the strace line as it was, and adds a separate field to --json', () => {
    const states: SocketState[] = [{ fd: 18, state: 'LISTEN', acceptQueue: { waiting: 1, backlog: 16 } }, { fd: 19, state: 'ESTABLISHED', unread: 6, unacked: 0 }];
    const event = call('accept', [fd(18), addr(v4('127.0.0.1', 5)), len(16)], 19, { states });
    expect(formatLine(event, plain)).toBe('accept(18, {sa_family=AF_INET, sin_port=htons(5), sin_addr=inet_addr("127.0.0.1")}, [16]) = 19');
    const record = JSON.parse(formatJson(event, plain));
    expect(record.text).toBe(formatLine(event, plain));
    expect(record.state).toEqual([
      { fd: 18, state: 'LISTEN', accept_queue: 1, backlog: 16, text: 'fd 18: LISTEN, accept queue 1/16' },
      { fd: 19, state: 'ESTABLISHED', unread: 6, unacked: 0, text: 'fd 19: ESTABLISHED, 6 bytes waiting to be read' },
    ]);
  });
});

describe('-y and -yy through --json and back (the demo draws its children from it)', () => {
  it('keeps inode, endpoint, poll\'s names and a CLOSE socket\'s connection, so each line prints as traced', () => {
    const named = (value: number): Arg => ({ name: 'sockfd', type: 'fd', value, inode: 74061, endpoint: 'TCP:[127.0.0.1:8080]' });
    const states: SocketState[] = [{ fd: 3, state: 'CLOSE', connection: { local: '127.0.0.1:5', peer: '127.0.0.1:8080', state: 'TIME_WAIT' } }];
    const events: CallEvent[] = [
      call('accept', [named(3), addr(v4('127.0.0.1', 5)), len(16)], 4, { retEndpoint: 'TCP:[127.0.0.1:8080->127.0.0.1:5]', retInode: 74062 }),
      call('poll', [{ name: 'fds', type: 'pollfds', fds: [{ fd: 3, events: 1, revents: 0, inode: 74061, endpoint: 'TCP:[127.0.0.1:8080]' }] }, int('nfds', 1), int('timeout', -1)], 0, { ready: [] }),
      call('close', [named(3)], 0, { states }),
    ];
    for (const decodeFds of [1, 2] as const) {
      for (const event of events) {
        const item = decodeTraceLine(formatJson(event, { stringLimit: 32, decodeFds }));
        expect(item.type).toBe('call');
        if (item.type !== 'call') continue;
        expect(formatLine(item.event, { stringLimit: 32, decodeFds })).toBe(formatLine(event, { stringLimit: 32, decodeFds }));
        expect(item.event.states).toEqual(event.states);
      }
    }
  });
});
