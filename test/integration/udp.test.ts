// UDP for real: netsys server -u and netsys client -u with each other and with Python's socket
// module, each run under strace so every line is checked against what strace saw the process do.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { finish, netsys, NETSYS, python, Running, scratchDirPerTest, unusedPort } from './helpers';
import { callLines, linesOf, notSeenByStrace, straceLines, underStrace } from './oracle';

/** Waits for a UDP server's first notes and returns the port the kernel chose. */
async function udpPort(server: Running): Promise<string> {
  return (await server.waitForStderr(/receiving datagrams on \S+:(\d+)/))[1];
}

function callNames(text: string): string[] {
  return callLines(text).map((line) => line.slice(0, line.indexOf('(')));
}

const PYTHON_UDP_CLIENT = `
import socket, sys
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.settimeout(10)
s.bind((sys.argv[1], 0))
s.sendto(b"from python\\n", (sys.argv[1], int(sys.argv[2])))
data, sender = s.recvfrom(65536)
sys.stdout.buffer.write(data)
print("me", s.getsockname()[0], s.getsockname()[1], "sender", sender[1], file=sys.stderr, flush=True)
`;

/** A UDP socket that receives and never answers: the reply is "lost". */
const PYTHON_SILENT_PEER = `
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], file=sys.stderr, flush=True)
time.sleep(30)
`;

describe('netsys server -u and netsys client -u', () => {
  const dir = scratchDirPerTest('netsys-oracle-');

  it('echo each line as one datagram, every line as strace saw it, peer addresses included', async () => {
    const server = underStrace(dir(), 'server', ['server', '-u', '--once', '0']);
    const port = await udpPort(server);
    const client = underStrace(dir(), 'client', ['client', '-u', '127.0.0.1', port], 'hello\n');
    expect(await finish(client)).toEqual({ code: 0, signal: null });
    expect(await finish(server)).toEqual({ code: 0, signal: null });
    expect(client.stdout.toString()).toBe('hello\n');

    expect(callNames(server.stderr)).toEqual(['socket', 'bind', 'getsockname', 'recvfrom', 'sendto', 'close']);
    expect(callNames(client.stderr)).toEqual(['socket', 'setsockopt', 'sendto', 'recvfrom', 'close']);
    expect(client.stderr).toMatch(/^# no connect: UDP has no connection/m);
    expect(client.stderr).not.toContain('this reply came from'); // the server answered from the port written to
    expect(server.stderr).toMatch(/^# no listen, no accept: UDP has no connections/m);

    for (const [side, run] of [['server', server], ['client', client]] as const) {
      expect(notSeenByStrace(run.stderr, dir(), side)).toEqual([]);
      // and the other way round: every sendto and recvfrom strace saw is one netsys showed
      expect(linesOf(callLines(run.stderr), ['sendto', 'recvfrom'])).toEqual(linesOf(straceLines(dir(), side), ['sendto', 'recvfrom']));
    }

    // the server's recvfrom names the client's port, and its sendto goes back there
    const clientPort = server.stderr.match(/^recvfrom\(\d+, "hello\\n", 65536, 0, \{sa_family=AF_INET, sin_port=htons\((\d+)\)/m)![1];
    expect(server.stderr).toMatch(new RegExp(`^sendto\\(\\d+, "hello\\\\n", 6, 0, \\{sa_family=AF_INET, sin_port=htons\\(${clientPort}\\), sin_addr=inet_addr\\("127.0.0.1"\\)\\}, 16\\) += 6$`, 'm'));
    expect(client.stderr).toMatch(/^setsockopt\(\d+, SOL_SOCKET, SO_RCVTIMEO_OLD, "\\2\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0", 16\) += 0$/m);
    expect(client.stderr).toMatch(new RegExp(`^recvfrom\\(\\d+, "hello\\\\n", 65536, 0, \\{sa_family=AF_INET, sin_port=htons\\(${port}\\), sin_addr=inet_addr\\("127.0.0.1"\\)\\}, \\[16\\]\\) += 6$`, 'm'));
  });

  it('keep message boundaries: two lines are two datagrams, two recvfrom results', async () => {
    const server = netsys(['server', '-u', '0']);
    const port = await udpPort(server);
    const client = netsys(['client', '-u', '127.0.0.1', port], 'one\ntwo\n');
    expect((await finish(client)).code).toBe(0);
    expect(client.stdout.toString()).toBe('one\ntwo\n');
    expect(server.stderr.match(/^recvfrom\(\d+, "(one|two)\\n", 65536, 0, /gm)).toHaveLength(2);
    server.child.kill('SIGTERM');
    expect((await finish(server, 5000)).code).toBe(143);
  });

  it('serve a Python UDP client: the sender address is the one Python bound', async () => {
    const server = underStrace(dir(), 'server', ['server', '-u', '--once', '0']);
    const port = await udpPort(server);
    const peer = python(PYTHON_UDP_CLIENT, ['127.0.0.1', port]);
    expect((await finish(peer)).code).toBe(0);
    expect(await finish(server)).toEqual({ code: 0, signal: null });
    expect(peer.stdout.toString()).toBe('from python\n');
    const [, peerPort, sender] = peer.stderr.match(/^me 127\.0\.0\.1 (\d+) sender (\d+)$/m)!;
    expect(sender).toBe(port);
    expect(server.stderr).toMatch(new RegExp(`^recvfrom\\(\\d+, "from python\\\\n", 65536, 0, \\{sa_family=AF_INET, sin_port=htons\\(${peerPort}\\), sin_addr=inet_addr\\("127.0.0.1"\\)\\}, \\[16\\]\\) += 12$`, 'm'));
    expect(server.stderr).toMatch(new RegExp(`^# a datagram of 12 bytes from 127\\.0\\.0\\.1:${peerPort}`, 'm'));
    expect(notSeenByStrace(server.stderr, dir(), 'server')).toEqual([]);
    expect(linesOf(callLines(server.stderr), ['sendto', 'recvfrom'])).toEqual(linesOf(straceLines(dir(), 'server'), ['sendto', 'recvfrom']));
  });

  it('a reply from another port than the one written to is used, and the note says so', async () => {
    const peer = python(`
import socket, sys
listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); listener.bind(("127.0.0.1", 0))
other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); other.bind(("127.0.0.1", 0))
print(listener.getsockname()[1], other.getsockname()[1], file=sys.stderr, flush=True)
data, sender = listener.recvfrom(65536)
other.sendto(data, sender)
`);
    const [, port, otherPort] = await peer.waitForStderr(/^(\d+) (\d+)$/m);
    const client = netsys(['client', '-u', '-m', 'hi', '127.0.0.1', port]);
    expect((await finish(client)).code).toBe(0);
    expect(client.stdout.toString()).toBe('hi\n');
    expect(client.stderr).toMatch(new RegExp(`^# this reply came from 127\\.0\\.0\\.1:${otherPort}, not 127\\.0\\.0\\.1:${port} where the datagram went: a socket with no connect takes datagrams from anyone`, 'm'));
    await finish(peer);
  });

  it('a reply that never comes: recvfrom fails with EAGAIN after --timeout, explained, exit 1', async () => {
    const silent = python(PYTHON_SILENT_PEER);
    const port = (await silent.waitForStderr(/^(\d+)$/m))[1];
    try {
      const started = Date.now();
      const client = underStrace(dir(), 'client', ['client', '-u', '--timeout', '0.3', '-m', 'anyone?', '127.0.0.1', port]);
      expect(await finish(client)).toEqual({ code: 1, signal: null });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(client.stderr).toMatch(/^setsockopt\(\d+, SOL_SOCKET, SO_RCVTIMEO_OLD, "\\0\\0\\0\\0\\0\\0\\0\\0\\340\\223\\4\\0\\0\\0\\0\\0", 16\) += 0$/m);
      expect(client.stderr).toMatch(/^recvfrom\(\d+, 0x[0-9a-f]+, 65536, 0, 0x[0-9a-f]+, \[16\]\) = -1 EAGAIN \(Resource temporarily unavailable\)$/m);
      expect(client.stderr).toMatch(/^# no reply within 0\.3 s, so recvfrom failed with EAGAIN/m);
      expect(client.stderr).toMatch(/^close\(\d+\) += 0$/m);
      expect(client.stderr.trim().split('\n').pop()).toBe(
        `netsys: no reply from 127.0.0.1:${port} within 0.3 s (recvfrom): EAGAIN (Resource temporarily unavailable)`,
      );
      // the buffers' addresses too are the ones strace saw
      expect(notSeenByStrace(client.stderr, dir(), 'client')).toEqual([]);
    } finally {
      silent.child.kill('SIGKILL');
      await finish(silent);
    }
  });

  it('SIGINT while the server waits in recvfrom: shutdown wakes it, the socket is closed, exit 130 at once', async () => {
    const server = netsys(['server', '-u', '0']);
    const port = await udpPort(server);
    await new Promise((resolve) => setTimeout(resolve, 300)); // recvfrom is now blocked in the kernel
    const signalled = Date.now();
    server.child.kill('SIGINT');
    expect(await finish(server, 5000)).toEqual({ code: 130, signal: null });
    expect(Date.now() - signalled).toBeLessThan(2000);
    const fd = server.stderr.match(/^socket\(AF_INET, SOCK_DGRAM, IPPROTO_IP\) += (\d+)$/m)![1];
    const tail = callLines(server.stderr.slice(server.stderr.indexOf('# SIGINT')));
    expect(tail).toEqual([
      `shutdown(${fd}, SHUT_RDWR)`.padEnd(40) + '= -1 ENOTCONN (Transport endpoint is not connected)',
      expect.stringMatching(new RegExp(`^recvfrom\\(${fd}, "", 65536, 0, 0x[0-9a-f]+, \\[16 => 0\\]\\) = 0$`)),
      `close(${fd})`.padEnd(40) + '= 0',
    ]);
    expect(server.stderr).toMatch(/^# shutdown on a UDP socket fails with ENOTCONN/m);

    // the port is free again at once
    const again = netsys(['server', '-u', '--once', port]);
    await udpPort(again);
    again.child.kill('SIGTERM');
    expect((await finish(again, 5000)).code).toBe(143);
  });

  it('SIGTERM while the client waits for ever (--timeout 0) for a reply: exit 143, socket closed', async () => {
    const silent = python(PYTHON_SILENT_PEER);
    const port = (await silent.waitForStderr(/^(\d+)$/m))[1];
    try {
      const client = netsys(['client', '-u', '--timeout', '0', '-m', 'hello', '127.0.0.1', port]);
      await client.waitForStderr(/^sendto\(/m);
      await new Promise((resolve) => setTimeout(resolve, 300));
      client.child.kill('SIGTERM');
      expect(await finish(client, 5000)).toEqual({ code: 143, signal: null });
      expect(client.stderr).toMatch(/^# SO_RCVTIMEO .*zero, so recvfrom waits for ever$/m);
      const fd = client.stderr.match(/^socket\(AF_INET, SOCK_DGRAM, IPPROTO_IP\) += (\d+)$/m)![1];
      expect(client.stderr).toMatch(new RegExp(`^recvfrom\\(${fd}, "", 65536, 0, 0x[0-9a-f]+, \\[16 => 0\\]\\) += 0$`, 'm'));
      expect(client.stderr).toMatch(new RegExp(`^close\\(${fd}\\) += 0$`, 'm'));
    } finally {
      silent.child.kill('SIGKILL');
      await finish(silent);
    }
  });
});

describe('a line no datagram can hold', () => {
  it('standard input with no newline (/dev/zero): sent when it outgrows any datagram, EMSGSIZE explained, exit 1; memory stayed bounded (it grew for ever, 300 MB in 12 s)', async () => {
    const zero = fs.openSync('/dev/zero', 'r');
    const child = spawn(process.execPath, [NETSYS, 'client', '-u', '127.0.0.1', String(await unusedPort())], { stdio: [zero, 'ignore', 'pipe'] });
    fs.closeSync(zero);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sendto\(\d+, "\\0\\0.*"\.\.\., \d+, 0, .* = -1 EMSGSIZE \(Message too long\)\n# a datagram is sent whole or not at all: \d+ bytes is more than one UDP datagram holds/m);
    expect(stderr).toMatch(/^close\(\d+\) += 0$/m);
  });
});

describe('UDP usage errors', () => {
  it.each<[string[], RegExp]>([
    [['server', '-u', '--backlog', '5', '0'], /--backlog sets the queue of listen\(\), and a UDP server \(-u\) does not listen/],
    [['client', '--timeout', '1', '127.0.0.1', '80'], /--timeout sets how long a UDP client \(-u\) waits for a reply; add -u/],
    [['client', '-u', '--timeout', 'soon', '127.0.0.1', '80'], /--timeout must be seconds from 0 to 86400/],
  ])('netsys %j', async (args, message) => {
    const run = netsys(args);
    expect((await finish(run)).code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
