// Load: nothing leaks over many connections, nothing is lost in a large echo, and `--poll` serves
// many clients at once. The peers are Python's socket module and socat.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, netsys, NETSYS, python, Running, scratchDirPerTest, sleep, startServer, traceLines, until, unusedPort } from './helpers';
import { openDescriptorCount } from './proc';

const SIXTEEN_MIB = 16 * 1024 * 1024;

/**
 * Makes connections one after another, as many as each line of standard input says, and answers
 * `done` after each batch. Every connection sends one line and checks that the echo is that line.
 */
const SEQUENTIAL_CLIENTS = `
import socket, sys
port, made = int(sys.argv[1]), 0
for line in sys.stdin:
    for _ in range(int(line)):
        message = b"connection %d\\n" % made
        c = socket.create_connection(("127.0.0.1", port))
        c.sendall(message)
        c.shutdown(socket.SHUT_WR)
        echo = b""
        while True:
            chunk = c.recv(100)
            if not chunk: break
            echo += chunk
        c.close()
        if echo != message: sys.exit("connection %d: sent %r, got back %r" % (made, message, echo))
        made += 1
    print("done", made, flush=True)
`;

/**
 * Opens N connections and holds them all open at once; then sends a different line on each before
 * reading any echo; then reads every echo and closes. Prints how many came back right.
 */
const CONCURRENT_CLIENTS = `
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
conns = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(n)]
print("connected", len(conns), flush=True)
for i, c in enumerate(conns):
    c.sendall(b"client %d of %d\\n" % (i, n))
right = 0
for i, c in enumerate(conns):
    expected, echo = b"client %d of %d\\n" % (i, n), b""
    while len(echo) < len(expected):
        chunk = c.recv(100)
        if not chunk: break
        echo += chunk
    right += echo == expected
for c in conns:
    c.close()
print("echoed", right, flush=True)
`;

/** Connects and sends without end, never reading its echo; prints its port once connected. */
const HOG_CLIENT = `
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(c.getsockname()[1], flush=True)
while True:
    c.sendall(b"h" * 65536)
`;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** How many times `pattern` (global) occurs in `text`. */
function occurrences(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Waits until `pattern` occurs at least `count` times in the standard error of `running`. */
async function untilCount(running: Running, pattern: RegExp, count: number): Promise<void> {
  await until(`${count} × ${pattern}`, () => (occurrences(running.stderr, pattern) >= count ? true : undefined), 20000);
}

describe('no leaks', () => {
  it.each([[[] as string[]], [['--poll']]])('netsys server %p handles 1000 connections one after another with a flat descriptor count', async (mode) => {
    const { server, port } = await startServer(['-s', '0', ...mode]);
    const pid = server.child.pid!;
    const closes = /^close\(\d+\) += 0$/gm;
    await server.waitForStderr(/^(accept|poll)\(.*<unfinished \.\.\.>$/m);
    const baseline = openDescriptorCount(pid);

    const clients = python(SEQUENTIAL_CLIENTS, [String(port)]);
    const counts: number[] = [];
    for (let batch = 1; batch <= 10; batch++) {
      clients.child.stdin!.write('100\n');
      await clients.waitForStdout(new RegExp(`^done ${batch * 100}$`, 'm'), 30000);
      await untilCount(server, closes, batch * 100); // the server has closed its side of each
      counts.push(openDescriptorCount(pid));
    }
    clients.child.stdin!.end();
    expect((await finish(clients)).code).toBe(0);
    expect(counts).toEqual(Array(10).fill(baseline));

    server.child.kill('SIGINT');
    expect((await finish(server, 5000)).code).toBe(130);
  }, 120000);
});

describe('no loss: 16 MiB of random bytes echoed back byte-identical', () => {
  const data = randomBytes(SIXTEEN_MIB);

  it('netsys client → netsys server → netsys client', async () => {
    const { server, port } = await startServer(['--once', '-s', '0']);
    const client = netsys(['client', '-s', '0', '127.0.0.1', String(port)], data);
    expect((await finish(client, 60000)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(client.stdout.length).toBe(SIXTEEN_MIB);
    expect(sha256(client.stdout)).toBe(sha256(data));
  }, 90000);

  const dir = scratchDirPerTest();
  it('netsys client reading a regular file sends it 256 KiB at a time, and it all comes back', async () => {
    const file = path.join(dir(), 'input');
    fs.writeFileSync(file, data);
    const { server, port } = await startServer(['--once', '-s', '0']);
    const client = new Running('sh', ['-c', 'exec "$@" < "$0"', file, NETSYS, 'client', '-s', '0', '127.0.0.1', String(port)]);
    expect((await finish(client, 60000)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(sha256(client.stdout)).toBe(sha256(data));
    const sends = traceLines(client.stderr).filter((line) => line.startsWith('send('));
    expect(sends).toHaveLength(SIXTEEN_MIB / 262144);
    for (const line of sends) expect(line).toMatch(/^send\(\d+, ""\.\.\., 262144, 0\) += 262144$/);
  }, 90000);

  it('socat → netsys server → socat', async () => {
    const { server, port } = await startServer(['--once', '-s', '0']);
    const peer = new Running('socat', ['-t', '30', '-b', '65536', '-', `TCP:127.0.0.1:${port}`], data);
    expect((await finish(peer, 60000)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(sha256(peer.stdout)).toBe(sha256(data));
  }, 90000);

  it('netsys client → socat echo server → netsys client', async () => {
    const port = await unusedPort();
    // fork: the readiness probe is a connection too. -b 4096: socat writes what it read from TCP into
    // its own PIPE only when poll says the pipe is writable, which is one free 4 KiB page; its default
    // 8 KiB write then blocks on a pipe only socat itself drains, and socat hangs (seen 1 run in 6 under load).
    const echo = new Running('socat', ['-b', '4096', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, 'PIPE']);
    await untilListening(port);
    const client = netsys(['client', '-s', '0', '127.0.0.1', String(port)], data);
    expect((await finish(client, 60000)).code).toBe(0);
    expect(sha256(client.stdout)).toBe(sha256(data));
    echo.child.kill('SIGTERM');
    await finish(echo);
  }, 90000);
});

/** Waits until something listens on 127.0.0.1:`port` (socat cannot say when it is ready). */
async function untilListening(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = python('import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()', [String(port)]);
    if ((await finish(probe)).code === 0) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on port ${port}`);
}

describe('many clients at once', () => {
  it('netsys server --poll: 100 clients connected together, all served, none refused, every descriptor closed after', async () => {
    const { server, port } = await startServer(['--poll', '--backlog', '128', '-s', '0']);
    const pid = server.child.pid!;
    await server.waitForStderr(/^poll\(.*<unfinished \.\.\.>$/m);
    const baseline = openDescriptorCount(pid);

    const clients = python(CONCURRENT_CLIENTS, [String(port), '100']);
    expect((await finish(clients, 60000)).code).toBe(0);
    expect(clients.stdout.toString()).toBe('connected 100\nechoed 100\n');
    expect(server.stderr).toMatch(/^# accepted a connection from 127\.0\.0\.1:\d+ as fd \d+; 100 client\(s\) now$/m);
    expect(server.stderr).not.toMatch(/ECONNREFUSED|= -1/);

    await untilCount(server, /^close\(\d+\) += 0$/gm, 100);
    expect(openDescriptorCount(pid)).toBe(baseline);
    server.child.kill('SIGINT');
    expect((await finish(server, 5000)).code).toBe(130);
  }, 90000);

  it('netsys server --poll: a client that never reads is held to one recv of bytes and does not hold up the others', async () => {
    const { server, port } = await startServer(['--poll', '-s', '4']);
    const hog = python(HOG_CLIENT, [String(port)]);
    const hogPort = (await hog.waitForStdout(/^(\d+)$/m))[1];
    const fd = (await server.waitForStderr(new RegExp(`^# accepted a connection from 127\\.0\\.0\\.1:${hogPort} as fd (\\d+)`, 'm')))[1];
    // Its echo no longer fits: what the kernel did not take waits, and the client is polled for POLLOUT only.
    await server.waitForStderr(new RegExp(`^# (send would block \\(EAGAIN\\): the client on fd ${fd} |short send: .* wait until poll says POLLOUT for fd ${fd}$)`, 'm'));
    await sleep(300);
    const recvsFromHog = (): number => occurrences(server.stderr, new RegExp(`^recv\\(${fd}, `, 'gm'));
    const before = recvsFromHog();

    const other = netsys(['client', '-m', 'not held up', '127.0.0.1', String(port)]);
    expect((await finish(other)).code).toBe(0);
    expect(other.stdout.toString()).toBe('not held up\n');
    await sleep(300);
    expect(recvsFromHog()).toBe(before); // nothing more is read from it while its echo waits
    expect(server.stderr).toMatch(new RegExp(`\\{fd=${fd}, events=POLLOUT\\}`)); // -s 4: poll's array is shown

    hog.child.kill('SIGKILL');
    await finish(hog);
    server.child.kill('SIGINT');
    expect((await finish(server, 5000)).code).toBe(130);
  });
});
