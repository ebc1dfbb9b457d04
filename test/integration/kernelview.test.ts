// The kernel's view beside the calls: --state read from the kernel (checked against ss, which asks the
// kernel on its own), and -y checked against strace -yy for the same process.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, NETSYS, netsys, python, Running, startServer, traceLines, unusedPort, scratchDirPerTest, until } from './helpers';

/** A client that connects, optionally sends, says its port, and closes when its standard input ends. */
const PYTHON_HOLDER = `
import socket, sys
conn = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
if len(sys.argv) > 2:
    conn.sendall(sys.argv[2].encode())
print(conn.getsockname()[1], file=sys.stderr, flush=True)
sys.stdin.read()
conn.close()
`;

/** A server that reads until the client's FIN, answers, and closes only when its standard input ends. */
const PYTHON_LATE_CLOSER = `
import socket, sys
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print(listener.getsockname()[1], file=sys.stderr, flush=True)
conn, _ = listener.accept()
data = b""
while True:
    chunk = conn.recv(65536)
    if not chunk:
        break
    data += chunk
conn.sendall(b"got " + data)
sys.stdin.read()
conn.close()
`;

/** ss's state names, and the kernel's own (include/net/tcp_states.h) that TCP_INFO reports. */
const SS_STATES: Record<string, string> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  UNCONN: 'CLOSE',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

interface SsSocket {
  state: string;
  recvQ: number;
  sendQ: number;
  local: string;
  peer: string;
}

/** `ss -tan`: every TCP socket, as iproute2 reads it from the kernel. */
function ss(): SsSocket[] {
  return execFileSync('ss', ['-Htan'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([state, recvQ, sendQ, local, peer]) => ({ state: SS_STATES[state] ?? state, recvQ: Number(recvQ), sendQ: Number(sendQ), local, peer }));
}

/** `fd 18: FIN_WAIT2, 3 bytes waiting to be read` → its parts, in ss's terms (the FIN counts in Send-Q). */
function parseState(line: string): { fd: number; state: string; unread: number; unacked: number } {
  const match = line.match(/^# {3}fd (\d+): ([A-Z_0-9]+)(.*)$/)!;
  const unread = match[3].match(/(\d+) bytes? waiting to be read/);
  const unacked = match[3].match(/(?:(\d+) bytes?)?(?: and)?( the FIN)? not yet acknowledged/);
  return {
    fd: Number(match[1]),
    state: match[2],
    unread: unread ? Number(unread[1]) : 0,
    unacked: unacked ? Number(unacked[1] ?? 0) + (unacked[2] ? 1 : 0) : 0,
  };
}

describe('--state', () => {
  it('shows a listener\'s accept queue as the kernel counts it: 2 waiting, then 1 after an accept', async () => {
    const { server, port } = await startServer(['--state', '--backlog', '4']);
    const holders: Running[] = [];
    try {
      expect(server.stderr).toMatch(/^listen\((\d+), 4\) += 0\n# {3}fd \1: LISTEN, accept queue 0\/4$/m);
      const first = python(PYTHON_HOLDER, [String(port), 'hold\n']);
      holders.push(first);
      await server.waitForStderr(/^send\(\d+, "hold\\n", 5, 0\)/m);
      holders.push(python(PYTHON_HOLDER, [String(port)]), python(PYTHON_HOLDER, [String(port)]));
      await Promise.all(holders.slice(1).map((holder) => holder.waitForStderr(/^\d+$/m)));
      // Both handshakes are done and nothing has accepted them: ss sees them queued on the listener.
      const listener = await until('two queued connections', () =>
        ss().find((s) => s.state === 'LISTEN' && s.local === `127.0.0.1:${port}` && s.recvQ === 2),
      );
      expect(listener.sendQ).toBe(4);

      first.child.stdin!.end(); // the server's recv returns 0, it closes, and accepts the next
      await server.waitForStderr(/^accept\(.* = \d+\n(?:.*\n)*accept\(.* = \d+\n#.*\n/m); // two accepts returned
      const lines = server.stderr.split('\n');
      const accepts = lines.flatMap((line, index) => (line.startsWith('accept(') && !line.endsWith('<unfinished ...>') ? [index] : []));
      const listenerFd = lines[accepts[0]].match(/^accept\((\d+),/)![1];
      const queuedTwo = lines.indexOf(`#   fd ${listenerFd}: LISTEN, accept queue 2/4`);
      expect(queuedTwo).toBeGreaterThan(accepts[0]);
      expect(queuedTwo).toBeLessThan(accepts[1]);
      expect(lines[accepts[1] + 1]).toBe(`#   fd ${listenerFd}: LISTEN, accept queue 1/4`);
      expect(lines[accepts[1] + 2]).toMatch(/^# {3}fd \d+: ESTABLISHED$/);
    } finally {
      for (const holder of holders) holder.child.stdin!.end();
      await Promise.all(holders.map((holder) => finish(holder)));
      server.child.kill('SIGTERM');
      await finish(server);
    }
  });

  it('after send and shutdown(SHUT_WR), shows the states ss shows for the same sockets', async () => {
    const peer = python(PYTHON_LATE_CLOSER);
    const port = (await peer.waitForStderr(/^(\d+)$/m))[1];
    const client = netsys(['client', '--state', '-m', 'hello', '127.0.0.1', port]);
    try {
      // The answer came after the server had read the FIN: the client waits in recv, the server has not closed.
      const [, stateLine] = await client.waitForStderr(/^recv\(\d+, "got hello\\n", 262144, 0\) += 10\n(#.*)\n/m);
      const shown = parseState(stateLine);
      const clientPort = client.stderr.match(/^getsockname\(.*sin_port=htons\((\d+)\)/m)![1];
      const sockets = ss();
      const mine = sockets.find((s) => s.local === `127.0.0.1:${clientPort}` && s.peer === `127.0.0.1:${port}`)!;
      const theirs = sockets.find((s) => s.local === `127.0.0.1:${port}` && s.peer === `127.0.0.1:${clientPort}`)!;
      expect(shown.state).toBe('FIN_WAIT2');
      expect({ state: mine.state, unread: mine.recvQ, unacked: mine.sendQ }).toEqual({ state: shown.state, unread: shown.unread, unacked: shown.unacked });
      expect(theirs.state).toBe('CLOSE_WAIT');
      expect(client.stderr).toMatch(/^shutdown\((\d+), SHUT_WR\) += 0\n# {3}fd \1: FIN_WAIT[12]/m);
    } finally {
      peer.child.stdin!.end();
      await finish(peer);
    }
    expect(await finish(client)).toEqual({ code: 0, signal: null });
    // After the last FIN the descriptor's socket is CLOSE: the connection's TIME_WAIT has no descriptor.
    expect(client.stderr).toMatch(/^recv\((\d+), "", 262144, 0\) += 0\n# {3}fd \1: CLOSE, no connection any more: 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+ now in TIME_WAIT, held by no descriptor \(ss -tan\)$/m);
  });

  it('adds the states to --json as a field of the call, and never as a call', async () => {
    const { server, port } = await startServer(['--once', '--state', '--json']);
    const client = netsys(['client', '-m', 'x', '127.0.0.1', String(port)]);
    expect((await finish(client)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    const records = server.stderr.trim().split('\n').map((line) => JSON.parse(line));
    const listen = records.find((r) => r.call === 'listen');
    expect(listen.state).toEqual([{ fd: listen.args[0].value, state: 'LISTEN', accept_queue: 0, backlog: 16, text: `fd ${listen.args[0].value}: LISTEN, accept queue 0/16` }]);
    expect(records.filter((r) => r.type === 'call').map((r) => r.call)).toEqual(['socket', 'bind', 'listen', 'getsockname', 'accept', 'recv', 'send', 'recv', 'close', 'close']);
  });
});

describe('-y and -yy agree with strace -y and -yy', () => {
  const TRACED = 'socket,bind,listen,accept,accept4,connect,sendto,recvfrom,shutdown,close,getsockname,getpeername,setsockopt,getsockopt';
  const dir = scratchDirPerTest('netsys-yy-');

  function underStrace(name: string, args: string[], decode = '-yy'): Running {
    return new Running('strace', ['-qq', '-ff', decode, '-o', path.join(dir(), name), '-e', `trace=${TRACED}`, NETSYS, ...args]);
  }

  function straceLines(name: string): Set<string> {
    const files = fs.readdirSync(dir()).filter((file) => file.startsWith(`${name}.`));
    return new Set(files.flatMap((file) => fs.readFileSync(path.join(dir(), file), 'utf8').split('\n')).map((line) => line.replace(/\) +=/, ') =')));
  }

  function expectSeen(output: string, name: string): string[] {
    const seen = straceLines(name);
    const lines = traceLines(output);
    const asKernelSawIt = (line: string) =>
      line
        .replace(/\) +=/, ') =')
        .replace(/^recv\((.*)\) =/, 'recvfrom($1, NULL, NULL) =')
        .replace(/^send\((.*)\) =/, 'sendto($1, NULL, 0) =');
    expect(lines.filter((line) => !seen.has(asKernelSawIt(line)))).toEqual([]);
    return lines;
  }

  it.each([
    ['127.0.0.1', '-yy'],
    ['::1', '-yy'],
    ['127.0.0.1', '-y'],
    ['::1', '-y'],
  ])('for a conversation on %s, and a refused connect, with %s', async (host, decode) => {
    const server = underStrace('server', ['server', '--once', decode, '--host', host, '0'], decode);
    const port = (await server.waitForStderr(/listening on \S+:(\d+)/))[1];
    const client = underStrace('client', ['client', decode, '-m', 'hi', host, port], decode);
    expect((await finish(client)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    const tcp = decode === '-y' ? 'socket' : host === '::1' ? 'TCPv6' : 'TCP';
    const serverLines = expectSeen(server.stderr, 'server');
    expect(serverLines).toHaveLength(10);
    expect(serverLines[0]).toMatch(new RegExp(`^socket\\(.*\\) = \\d+<${tcp}:\\[\\d+\\]>$`));
    const accepted = decode === '-y' ? `socket:\\[\\d+\\]` : `${tcp}:\\[.*:${port}->.*\\]`;
    expect(serverLines.find((line) => line.startsWith('accept('))).toMatch(new RegExp(`\\) = \\d+<${accepted}>$`));
    expect(expectSeen(client.stderr, 'client')).toHaveLength(8);

    const closed = String(await unusedPort());
    const refused = underStrace('refused', ['client', decode, '-m', 'x', '127.0.0.1', closed], decode);
    expect((await finish(refused)).code).toBe(1);
    // Unbound before connect, and unhashed again after the refusal: strace -yy shows the inode both times.
    const name = decode === '-y' ? 'socket' : 'TCP';
    expect(expectSeen(refused.stderr, 'refused')).toEqual([
      expect.stringMatching(new RegExp(`^socket\\(.*= (\\d+)<${name}:\\[(\\d+)\\]>$`)),
      expect.stringMatching(new RegExp(`^connect\\(\\d+<${name}:\\[\\d+\\]>, .* = -1 ECONNREFUSED`)),
      expect.stringMatching(new RegExp(`^close\\(\\d+<${name}:\\[\\d+\\]>\\) += 0$`)),
    ]);
  });
});
