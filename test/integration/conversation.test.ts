// A real TCP conversation between netsys server and netsys client, and between each of them and
// peers no one here wrote (Python's socket module, socat).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, netsys, NETSYS, python, Running, scratchDirPerTest, sleep, startServer, traceLines, unusedPort } from './helpers';

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
 * in send), then says "bye" and shuts down its sending side (FIN), and goes on reading: it counts
 * every byte until the client shuts down its own side, and prints the count.
 */
const SERVER_THAT_HALF_CLOSES_FIRST = `
import socket, sys, time
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print(listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
time.sleep(1)
conn.sendall(b"bye\\n")
conn.shutdown(socket.SHUT_WR)
received = 0
while (chunk := conn.recv(65536)):
    received += len(chunk)
print(received, flush=True)
conn.close()
`;

describe('the server shuts down its sending side first', () => {
  const dir = scratchDirPerTest();
  const GOES_ON = /^# recv returned 0: the server will send no more \(it shut down its sending side, or closed its socket\); it may still be reading, so the client goes on sending its input, then shuts down its own side$/m;

  /** Runs the client against the half-closing server; returns the client and how many bytes the server read. */
  async function clientAgainstHalfClose(start: (port: string) => Running): Promise<{ client: Running; received: number }> {
    const server = python(SERVER_THAT_HALF_CLOSES_FIRST);
    const port = (await server.waitForStdout(/^(\d+)\n/))[1];
    const client = start(port);
    expect((await finish(client, 30000)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(client.stdout.toString()).toBe('bye\n');
    const calls = traceLines(client.stderr);
    expect(calls.filter((line) => line.startsWith('recv('))).toEqual([
      expect.stringMatching(/^recv\(\d+, "(bye\\n)?"(\.\.\.)?, 262144, 0\) += 4$/),
      expect.stringMatching(/^recv\(\d+, "", 262144, 0\) += 0$/),
    ]);
    // Its own side shut down once the input ended, and closed once, last: no call meets a closed descriptor.
    expect(calls.slice(-2)).toEqual([expect.stringMatching(/^shutdown\(\d+, SHUT_WR\) += 0$/), expect.stringMatching(/^close\(\d+\) += 0$/)]);
    expect(calls.filter((line) => line.startsWith('close('))).toHaveLength(1);
    expect(client.stderr).not.toContain('EBADF');
    return { client, received: Number(server.stdout.toString().trim().split('\n').pop()) };
  }

  it('a pipe on standard input: what comes after the server\'s FIN is still sent, as nc -N sends it', async () => {
    const { client, received } = await clientAgainstHalfClose((port) => {
      const running = netsys(['client', '127.0.0.1', port]);
      running.child.stdin!.write('x');
      void running.waitForStderr(GOES_ON, 20000).then(() => running.child.stdin!.end('yz'));
      return running;
    });
    expect(client.stderr).toMatch(GOES_ON);
    expect(traceLines(client.stderr).filter((line) => line.startsWith('send('))).toEqual([
      expect.stringMatching(/^send\(\d+, "x", 1, 0\) += 1$/),
      expect.stringMatching(/^send\(\d+, "yz", 2, 0\) += 2$/),
    ]);
    expect(received).toBe(3);
  });

  it('a file on standard input larger than the buffers: every byte is sent', async () => {
    const file = path.join(dir(), 'input');
    const size = 16 * 1024 * 1024;
    fs.writeFileSync(file, Buffer.alloc(size, 'y'));
    const { client, received } = await clientAgainstHalfClose((port) => new Running('sh', ['-c', 'exec "$@" < "$0"', file, NETSYS, 'client', '-s', '0', '127.0.0.1', port]));
    const sent = traceLines(client.stderr).filter((line) => line.startsWith('send(')).map((line) => Number(line.split(' = ')[1]));
    expect(sent.reduce((total, count) => total + count, 0)).toBe(size);
    expect(received).toBe(size);
  });
});

describe('the server closes its socket first', () => {
  it('the client learns it from the send that follows (EPIPE), says so, and exits 1', async () => {
    const server = python(`
import socket
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept(); c.sendall(b"bye\\n"); c.close()
`);
    const port = (await server.waitForStdout(/^(\d+)\n/))[1];
    const client = netsys(['client', '127.0.0.1', port]);
    await client.waitForStderr(/^recv\(\d+, "", 262144, 0\) += 0$/m);
    client.child.stdin!.write('a\n');
    await sleep(300);
    client.child.stdin!.write('b\n');
    await sleep(300);
    client.child.stdin!.end('c\n');
    expect((await finish(client)).code).toBe(1);
    await finish(server);
    expect(client.stderr).toMatch(/^send\(\d+, "[bc]\\n", 2, 0\) += -1 (EPIPE|ECONNRESET) /m);
    expect(client.stderr).toMatch(/^# send failed with (EPIPE|ECONNRESET): /m);
    expect(traceLines(client.stderr).pop()).toMatch(/^close\(\d+\) += 0$/);
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
