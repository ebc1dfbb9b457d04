// A real TCP conversation between netsys server and netsys client, and between each of them and
// peers no one here wrote (Python's socket module, socat).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, netsys, NETSYS, python, Running, scratchDirPerTest, startServer, traceLines, unusedPort } from './helpers';

const ONE_MIB = 1024 * 1024;

const PYTHON_ECHO_SERVER = `
import socket, sys
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print(listener.getsockname()[1], file=sys.stderr, flush=True)
conn, _ = listener.accept()
while True:
    data = conn.recv(65536)
    if not data:
        break
    conn.sendall(data)
conn.close()
`;

const PYTHON_CLIENT = `
import socket, sys, threading
data = sys.stdin.buffer.read()
conn = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
received = []
def reader():
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            return
        received.append(chunk)
t = threading.Thread(target=reader)
t.start()
conn.sendall(data)
conn.shutdown(socket.SHUT_WR)
t.join()
sys.stdout.buffer.write(b"".join(received))
`;

async function pythonEchoServer(): Promise<{ peer: Running; port: number }> {
  const peer = python(PYTHON_ECHO_SERVER);
  const match = await peer.waitForStderr(/^(\d+)$/m);
  return { peer, port: Number(match[1]) };
}

describe('netsys server and netsys client', () => {
  it('echo a message, tracing every call of both sides', async () => {
    const { server, port } = await startServer(['--once']);
    const client = netsys(['client', '-m', 'hello', '127.0.0.1', String(port)]);
    expect(await finish(client)).toEqual({ code: 0, signal: null });
    expect(await finish(server)).toEqual({ code: 0, signal: null });
    expect(client.stdout.toString()).toBe('hello\n');

    const calls = traceLines(client.stderr).map((line) => line.slice(0, line.indexOf('(')));
    expect(calls).toEqual(['socket', 'connect', 'getsockname', 'send', 'shutdown', 'recv', 'recv', 'close']);
    expect(client.stderr).toMatch(/^send\((\d+), "hello\\n", 6, 0\) +?= 6$/m);
    expect(client.stderr).toMatch(/^shutdown\(\d+, SHUT_WR\) += 0$/m);

    const serverCalls = traceLines(server.stderr).map((line) => line.slice(0, line.indexOf('(')));
    expect(serverCalls).toEqual(['socket', 'bind', 'listen', 'getsockname', 'accept', 'recv', 'send', 'recv', 'close', 'close']);
    expect(server.stderr).toMatch(/^recv\(\d+, "hello\\n", 262144, 0\) +?= 6$/m);
    expect(server.stderr).toMatch(/^recv\(\d+, "", 262144, 0\) +?= 0$/m);
    // The port the client's getsockname reports is the peer port the server's accept reports.
    const clientPort = client.stderr.match(/^getsockname\(.*sin_port=htons\((\d+)\)/m)![1];
    expect(server.stderr).toMatch(new RegExp(`^accept\\(\\d+, \\{sa_family=AF_INET, sin_port=htons\\(${clientPort}\\), sin_addr=inet_addr\\("127.0.0.1"\\)\\}, \\[16\\]\\) = \\d+$`, 'm'));
  });

  it('a client pointed at a closed port shows ECONNREFUSED and exits 1', async () => {
    const port = await unusedPort();
    const client = netsys(['client', '-m', 'x', '127.0.0.1', String(port)]);
    expect((await finish(client)).code).toBe(1);
    expect(client.stderr).toMatch(
      new RegExp(`^connect\\(\\d+, \\{sa_family=AF_INET, sin_port=htons\\(${port}\\), sin_addr=inet_addr\\("127.0.0.1"\\)\\}, 16\\) = -1 ECONNREFUSED \\(Connection refused\\)$`, 'm'),
    );
    expect(client.stderr).toMatch(/^close\(\d+\) += 0$/m);
    expect(client.stderr.trim().split('\n').pop()).toMatch(/^netsys: cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED \(Connection refused\)$/);
  });

  it('a second server on a taken port shows EADDRINUSE and exits 1', async () => {
    const { server, port } = await startServer();
    const second = netsys(['server', String(port)]);
    expect((await finish(second)).code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`^bind\\(\\d+, \\{sa_family=AF_INET, sin_port=htons\\(${port}\\), sin_addr=inet_addr\\("127.0.0.1"\\)\\}, 16\\) = -1 EADDRINUSE \\(Address already in use\\)$`, 'm'),
    );
    expect(second.stderr).toMatch(/^close\(\d+\) +?= 0$/m);
    server.child.kill('SIGTERM');
    expect((await finish(server)).code).toBe(143);
  });

  it('resolves a name with getaddrinfo, shown as a library call', async () => {
    const { server, port } = await startServer(['--once']);
    const client = netsys(['client', '-m', 'hi', 'localhost', String(port)]);
    expect((await finish(client)).code).toBe(0);
    await finish(server);
    expect(client.stderr).toMatch(new RegExp(`^libc: getaddrinfo\\("localhost", "${port}", \\{ai_flags=0, ai_family=AF_UNSPEC, ai_socktype=SOCK_STREAM, ai_protocol=IPPROTO_IP\\}, \\[.*\\{AF_INET, "127.0.0.1"\\}.*\\]\\) = 0$`, 'm'));
    expect(client.stdout.toString()).toBe('hi\n');
  });

  it('a host that does not resolve gets getaddrinfo\'s own error and exit 2', async () => {
    const client = netsys(['client', '-m', 'x', 'no-such-host.invalid', '80']);
    expect((await finish(client)).code).toBe(2);
    expect(client.stderr).toMatch(/^libc: getaddrinfo\("no-such-host.invalid", "80", .*\) = -\d+ EAI_NONAME \(Name or service not known\)$/m);
    expect(client.stderr.trim().split('\n').pop()).toMatch(/^netsys: cannot resolve host no-such-host.invalid: EAI_NONAME \(Name or service not known\); /);
  });

  it('sends standard input and writes what comes back to standard output, like nc', async () => {
    const { server, port } = await startServer(['--once']);
    const client = netsys(['client', '127.0.0.1', String(port)], 'one\ntwo\n');
    expect((await finish(client)).code).toBe(0);
    await finish(server);
    expect(client.stdout.toString()).toBe('one\ntwo\n');
  });
});

describe('peers no one here wrote', () => {
  it('Python\'s socket module talks to netsys server', async () => {
    const { server, port } = await startServer(['--once']);
    const peer = python(PYTHON_CLIENT, [String(port)], 'from python\n');
    expect((await finish(peer)).code).toBe(0);
    expect(peer.stdout.toString()).toBe('from python\n');
    expect((await finish(server)).code).toBe(0);
    expect(server.stderr).toMatch(/^recv\(\d+, "from python\\n", 262144, 0\) += 12$/m);
  });

  it('socat talks to netsys server', async () => {
    const { server, port } = await startServer(['--once']);
    const peer = new Running('socat', ['-t', '5', '-', `TCP:127.0.0.1:${port}`], 'via socat\n');
    expect((await finish(peer)).code).toBe(0);
    expect(peer.stdout.toString()).toBe('via socat\n');
    expect((await finish(server)).code).toBe(0);
  });

  it('netsys client talks to a Python echo server', async () => {
    const { peer, port } = await pythonEchoServer();
    const client = netsys(['client', '127.0.0.1', String(port)], 'to python\n');
    expect((await finish(client)).code).toBe(0);
    expect(client.stdout.toString()).toBe('to python\n');
    expect((await finish(peer)).code).toBe(0);
  });

  it('one mebibyte of random bytes comes back byte-identical through netsys server (Python client)', async () => {
    const data = randomBytes(ONE_MIB);
    const { server, port } = await startServer(['--once']);
    const peer = python(PYTHON_CLIENT, [String(port)], data);
    expect((await finish(peer)).code).toBe(0);
    expect(peer.stdout.equals(data)).toBe(true);
    expect((await finish(server)).code).toBe(0);
  });

  it('one mebibyte of random bytes comes back byte-identical through netsys client (Python server)', async () => {
    const data = randomBytes(ONE_MIB);
    const { peer, port } = await pythonEchoServer();
    const client = netsys(['client', '-s', '0', '127.0.0.1', String(port)], data);
    expect((await finish(client)).code).toBe(0);
    expect(client.stdout.length).toBe(ONE_MIB);
    expect(client.stdout.equals(data)).toBe(true);
    await finish(peer);
  });

  it('one mebibyte through netsys client and netsys server comes back byte-identical', async () => {
    const data = randomBytes(ONE_MIB);
    const { server, port } = await startServer(['--once', '-s', '0']);
    const client = netsys(['client', '-s', '0', '127.0.0.1', String(port)], data);
    expect((await finish(client)).code).toBe(0);
    expect(client.stdout.equals(data)).toBe(true);
    expect((await finish(server)).code).toBe(0);
  });
});

/**
 * A server that reads nothing for a second (a client with much to send fills the buffers and is held
 * in send), then says "bye" and shuts down its sending side (FIN); half a second later it reads and
 * discards the rest, so that its kernel never answers the client with RST.
 */
const SERVER_THAT_LEAVES_FIRST = `
import socket, sys, time
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print(listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
time.sleep(1)
conn.sendall(b"bye\\n")
conn.shutdown(socket.SHUT_WR)
time.sleep(0.5)
while conn.recv(65536):
    pass
conn.close()
`;

describe('the server closes first', () => {
  const dir = scratchDirPerTest();
  const LEFT = /^# recv returned 0: the server closed the connection; the rest of the input is not sent$/m;

  async function clientAgainstLeavingServer(start: (port: string) => Running): Promise<Running> {
    const server = python(SERVER_THAT_LEAVES_FIRST);
    const port = (await server.waitForStdout(/^(\d+)\n/))[1];
    const client = start(port);
    expect((await finish(client, 30000)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(client.stdout.toString()).toBe('bye\n');
    expect(client.stderr).toMatch(LEFT);
    const calls = traceLines(client.stderr);
    expect(calls.filter((line) => line.startsWith('recv('))).toEqual([
      expect.stringMatching(/^recv\(\d+, "(bye\\n)?"(\.\.\.)?, 262144, 0\) += 4$/),
      expect.stringMatching(/^recv\(\d+, "", 262144, 0\) += 0$/),
    ]);
    // Closed once, last, after every send has returned: no call meets a closed descriptor.
    expect(calls[calls.length - 1]).toMatch(/^close\(\d+\) += 0$/);
    expect(calls.filter((line) => line.startsWith('close('))).toHaveLength(1);
    expect(client.stderr).not.toContain('EBADF');
    return client;
  }

  it('a pipe on standard input that has not ended: netsys stops reading it and closes its socket', async () => {
    const client = await clientAgainstLeavingServer((port) => {
      const running = netsys(['client', '127.0.0.1', port]);
      running.child.stdin!.write('x'); // and the pipe stays open
      return running;
    });
    expect(traceLines(client.stderr).filter((line) => line.startsWith('send('))).toEqual([expect.stringMatching(/^send\(\d+, "x", 1, 0\) += 1$/)]);
  });

  it('a file on standard input: what is not sent yet stays unsent', async () => {
    const file = path.join(dir(), 'input');
    const size = 64 * 1024 * 1024;
    fs.writeFileSync(file, Buffer.alloc(size, 'y'));
    const client = await clientAgainstLeavingServer((port) => new Running('sh', ['-c', 'exec "$@" < "$0"', file, NETSYS, 'client', '-s', '0', '127.0.0.1', port]));
    const sent = traceLines(client.stderr).filter((line) => line.startsWith('send(')).map((line) => Number(line.split(' = ')[1]));
    expect(sent.reduce((total, count) => total + count, 0)).toBeLessThan(size);
  });
});

describe('netsys demo', () => {
  it('runs a real server and a real client and shows both traces, server lane left, client lane right', async () => {
    const demo = netsys(['demo', '--no-color', '-m', 'demo line'], undefined, { COLUMNS: '200' });
    expect((await finish(demo)).code).toBe(0);
    const out = demo.stdout.toString();
    const client = ' '.repeat(Math.floor(200 / 3)); // where the right lane starts at 200 columns
    expect(out).toMatch(/^listen\(\d+, 16\) = 0$/m);
    expect(out).toMatch(/^accept\(\d+, \{sa_family=AF_INET, .*\) = \d+$/m);
    expect(out).toMatch(new RegExp(`^${client}connect\\(\\d+, \\{sa_family=AF_INET, .*\\}, 16\\) = 0$`, 'm'));
    expect(out).toMatch(new RegExp(`^${client}send\\(\\d+, "demo line\\\\n", 10, 0\\) = 10$`, 'm'));
    expect(out).toMatch(/^close\(\d+\) = 0$/m);
  });
});
