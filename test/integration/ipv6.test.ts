// IPv6 for real, on ::1 and ::, checked line by line against strace: -6, address literals with and
// without brackets, a dual-stack server reached by an IPv4 client, and --v6only refusing one.
import { finish, netsys, python, Running, scratchDirPerTest } from './helpers';
import { callLines, linesOf, notSeenByStrace, signalTraced, straceLines, underStrace } from './oracle';

const v6 = (address: string, port: string | number): string =>
  `{sa_family=AF_INET6, sin6_port=htons(${port}), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "${address}", &sin6_addr), sin6_scope_id=0}`;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An IPv4 TCP client: prints its own port, sends a line, prints what comes back; exit 3 when refused. */
const PYTHON_V4_TCP_CLIENT = `
import socket, sys
try:
    c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
except ConnectionRefusedError:
    print("refused", file=sys.stderr, flush=True)
    sys.exit(3)
print("me", c.getsockname()[1], file=sys.stderr, flush=True)
c.sendall(b"v4\\n")
c.shutdown(socket.SHUT_WR)
data = b""
while True:
    chunk = c.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.buffer.write(data)
`;

const PYTHON_V4_UDP_CLIENT = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
s.bind(("127.0.0.1", 0))
print("me", s.getsockname()[1], file=sys.stderr, flush=True)
s.sendto(b"v4\\n", ("127.0.0.1", int(sys.argv[1])))
data, sender = s.recvfrom(65536)
sys.stdout.buffer.write(data)
`;

async function serverPort(server: Running): Promise<string> {
  return (await server.waitForStderr(/(?:listening on|receiving datagrams on) \S+:(\d+)/))[1];
}

describe('IPv6', () => {
  const dir = scratchDirPerTest('netsys-oracle-');

  function expectStraceAgrees(run: Running, name: string, calls = 0): void {
    expect(notSeenByStrace(run.stderr, dir(), name)).toEqual([]);
    if (calls) expect(callLines(run.stderr)).toHaveLength(calls);
  }

  it('TCP: server -6 on ::1, clients with [::1] and with -6 ::1, line for line as strace saw them', async () => {
    const server = underStrace(dir(), 'server', ['server', '-6', '0']);
    const port = await serverPort(server);
    expect(server.stderr).toMatch(new RegExp(`^bind\\(\\d+, ${escape(v6('::1', 0))}, 28\\) += 0$`, 'm'));
    const bracketed = underStrace(dir(), 'bracketed', ['client', '-m', 'one', '[::1]', port]);
    expect((await finish(bracketed)).code).toBe(0);
    const flagged = underStrace(dir(), 'flagged', ['client', '-6', '-m', 'two', '::1', port]);
    expect((await finish(flagged)).code).toBe(0);
    signalTraced(server, 'SIGTERM');
    expect((await finish(server, 5000)).code).toBe(143);

    expect(bracketed.stdout.toString()).toBe('one\n');
    expect(flagged.stdout.toString()).toBe('two\n');
    for (const client of [bracketed, flagged]) {
      expect(client.stderr).toMatch(/^socket\(AF_INET6, SOCK_STREAM, IPPROTO_IP\) += \d+$/m);
      expect(client.stderr).toMatch(new RegExp(`^connect\\(\\d+, ${escape(v6('::1', port))}, 28\\) += 0$`, 'm'));
    }
    expect(server.stderr).toMatch(new RegExp(`^accept\\(\\d+, ${escape(v6('::1', 0)).replace('htons\\(0\\)', 'htons\\(\\d+\\)')}, \\[28\\]\\) += \\d+$`, 'm'));
    expectStraceAgrees(server, 'server');
    expectStraceAgrees(bracketed, 'bracketed', 8);
    expectStraceAgrees(flagged, 'flagged', 8);
  });

  it('UDP: server -u -6 and client -u ::1, line for line as strace saw them', async () => {
    const server = underStrace(dir(), 'server', ['server', '-u', '-6', '--once', '0']);
    const port = await serverPort(server);
    const client = underStrace(dir(), 'client', ['client', '-u', '-m', 'six', '::1', port]);
    expect((await finish(client)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(client.stdout.toString()).toBe('six\n');
    expect(client.stderr).toMatch(new RegExp(`^sendto\\(\\d+, "six\\\\n", 4, 0, ${escape(v6('::1', port))}, 28\\) += 4$`, 'm'));
    expect(client.stderr).toMatch(new RegExp(`^recvfrom\\(\\d+, "six\\\\n", 65536, 0, ${escape(v6('::1', port))}, \\[28\\]\\) += 4$`, 'm'));
    expectStraceAgrees(server, 'server', 6);
    expectStraceAgrees(client, 'client', 5);
    for (const [side, run] of [['server', server], ['client', client]] as const) {
      expect(linesOf(callLines(run.stderr), ['sendto', 'recvfrom'])).toEqual(linesOf(straceLines(dir(), side), ['sendto', 'recvfrom']));
    }
  });

  it('TCP: an IPv4 client reaches a server on ::, which accepts it as ::ffff:127.0.0.1', async () => {
    const server = underStrace(dir(), 'server', ['server', '--host', '::', '--once', '0']);
    const port = await serverPort(server);
    expect(server.stderr).toMatch(/^# without IPV6_V6ONLY, a socket bound to :: takes IPv4 clients too/m);
    expect(server.stderr).toMatch(/^# :: accepts connections from the network, not only from this machine$/m);
    const peer = python(PYTHON_V4_TCP_CLIENT, [port]);
    expect((await finish(peer)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(peer.stdout.toString()).toBe('v4\n');
    const peerPort = peer.stderr.match(/^me (\d+)$/m)![1];
    expect(server.stderr).toMatch(new RegExp(`^accept\\(\\d+, ${escape(v6('::ffff:127.0.0.1', peerPort))}, \\[28\\]\\) += \\d+$`, 'm'));
    expect(server.stderr).not.toMatch(/IPV6_V6ONLY, \[/);
    expectStraceAgrees(server, 'server');
  });

  it('UDP: an IPv4 datagram reaches a server on ::, from ::ffff:127.0.0.1', async () => {
    const server = underStrace(dir(), 'server', ['server', '-u', '--host', '::', '--once', '0']);
    const port = await serverPort(server);
    const peer = python(PYTHON_V4_UDP_CLIENT, [port]);
    expect((await finish(peer)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(peer.stdout.toString()).toBe('v4\n');
    const peerPort = peer.stderr.match(/^me (\d+)$/m)![1];
    expect(server.stderr).toMatch(new RegExp(`^recvfrom\\(\\d+, "v4\\\\n", 65536, 0, ${escape(v6('::ffff:127.0.0.1', peerPort))}, \\[28\\]\\) += 3$`, 'm'));
    expect(server.stderr).toMatch(new RegExp(`^sendto\\(\\d+, "v4\\\\n", 3, 0, ${escape(v6('::ffff:127.0.0.1', peerPort))}, 28\\) += 3$`, 'm'));
    expectStraceAgrees(server, 'server', 6);
  });

  it('--v6only sets IPV6_V6ONLY as a step of its own: IPv4 clients are refused, IPv6 ones served', async () => {
    const server = underStrace(dir(), 'server', ['server', '--host', '::', '--v6only', '0']);
    const port = await serverPort(server);
    const fd = server.stderr.match(/^socket\(AF_INET6, SOCK_STREAM, IPPROTO_IP\) += (\d+)$/m)![1];
    const [, setsockopt, bind] = callLines(server.stderr);
    expect(setsockopt).toBe(`setsockopt(${fd}, SOL_IPV6, IPV6_V6ONLY, [1], 4) = 0`);
    expect(bind).toMatch(/^bind\(/);
    expect(server.stderr).toMatch(/^# IPV6_V6ONLY: this socket takes IPv6 only/m);

    const refused = python(PYTHON_V4_TCP_CLIENT, [port]);
    expect((await finish(refused)).code).toBe(3);
    const client = netsys(['client', '-m', 'still here', '::1', port]);
    expect((await finish(client)).code).toBe(0);
    expect(client.stdout.toString()).toBe('still here\n');
    signalTraced(server, 'SIGTERM');
    expect((await finish(server, 5000)).code).toBe(143);
    expect(server.stderr.match(/^accept\(\d+, \{/gm)).toHaveLength(1);
    expectStraceAgrees(server, 'server');
  });
});

describe('IPv6 usage errors', () => {
  it.each<[string[], RegExp]>([
    [['server', '-6', '--host', '127.0.0.1', '0'], /-6 needs an IPv6 --host such as ::1 or ::, not 127\.0\.0\.1/],
    [['server', '--v6only', '--host', '0.0.0.0', '0'], /--v6only needs an IPv6 --host/],
    [['client', '-6', '127.0.0.1', '80'], /-6 asks for IPv6, but 127\.0\.0\.1 is an IPv4 address/],
  ])('netsys %j', async (args, message) => {
    const run = netsys(args);
    expect((await finish(run)).code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
