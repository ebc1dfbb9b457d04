// Faults in the middle of a conversation, each produced for real on loopback by a Python peer:
// every one is traced, explained in a note and handled, and a server goes on to its next client.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, NETSYS, netsys, python, Running, scratchDirPerTest, sleep, startServer, traceLines, until } from './helpers';
import { ignoredSignals, onlyChild, SYSCALL, threadIn, tgkill } from './proc';

const SIGINT = 2;
const SIGPIPE = 13;

/** A Python server that accepts one client, reads what it sends, then resets the connection. */
const RESETTING_SERVER = `
import socket, struct, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], file=sys.stderr, flush=True)
c, _ = l.accept()
c.recv(100)
time.sleep(0.3)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
`;

/** A Python client that sends a line, reads the echo, then resets: close with SO_LINGER {1, 0}. */
const RESETTING_CLIENT = `
import socket, struct, sys, time
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.sendall(b"reset me\\n")
c.recv(100)
time.sleep(0.3)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
`;

/**
 * A client that never reads its echo, driven one command per line on standard input: `send` sends
 * 64 KiB; `acked` answers once the server's kernel has acknowledged every byte sent (SIOCOUTQ is 0);
 * `inq` answers how many bytes of echo wait unread in its receive queue (SIOCINQ);
 * `fin` shuts down its sending side; `close` closes with the echo unread, so its kernel answers the
 * server with RST. Each command is answered with one line.
 */
const VANISHING_CLIENT = `
import fcntl, socket, struct, sys, time
SIOCINQ, SIOCOUTQ = 0x541B, 0x5411
s = socket.socket()
s.connect(("127.0.0.1", int(sys.argv[1])))
for command in sys.stdin:
    command = command.strip()
    if command == "send":
        s.sendall(b"v" * 65536)
        print("sent", flush=True)
    elif command == "acked":
        deadline = time.time() + 5
        while struct.unpack("i", fcntl.ioctl(s, SIOCOUTQ, b"\\0" * 4))[0] and time.time() < deadline:
            time.sleep(0.001)
        print("acked" if time.time() < deadline else "not acked", flush=True)
    elif command == "inq":
        print(struct.unpack("i", fcntl.ioctl(s, SIOCINQ, b"\\0" * 4))[0], flush=True)
    elif command == "fin":
        s.shutdown(socket.SHUT_WR)
        print("fin sent", flush=True)
    elif command == "close":
        s.close()
        break
`;

/** A server that reads slowly (small reads, with pauses) for a while, then fast; prints count and sha256. */
const SLOW_SINK = `
import socket, sys, hashlib, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], file=sys.stderr, flush=True)
c, _ = l.accept()
h = hashlib.sha256(); n = 0
slow_until = time.time() + float(sys.argv[1])
while True:
    slow = time.time() < slow_until
    d = c.recv(2048 if slow else 65536)
    if not d: break
    h.update(d); n += len(d)
    if slow: time.sleep(0.002)
print(n, h.hexdigest(), flush=True)
c.close()
`;

/** A server that accepts and then says nothing for a long time. */
const SILENT_SERVER = `
import socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], file=sys.stderr, flush=True)
c, _ = l.accept()
time.sleep(30)
`;

async function pythonPort(peer: Running): Promise<string> {
  return (await peer.waitForStderr(/^(\d+)$/m))[1];
}

/** Whether the last thing `server` printed is a send the kernel holds. */
function heldInSend(server: Running): boolean {
  return /\nsend\([^\n]*<unfinished \.\.\.>\n# blocked in send[^\n]*\n$/.test(server.stderr);
}

/** The bytes the server's recv calls have returned so far. */
function bytesReceived(server: Running): number {
  return traceLines(server.stderr).reduce((sum, line) => sum + Number(line.match(/^recv\(\d+, .*\) += (\d+)$/)?.[1] ?? 0), 0);
}

/** The send lines of a trace as [asked, returned] pairs; a failed send returns -1. */
function sends(trace: string): Array<[number, number]> {
  return traceLines(trace)
    .map((line) => line.match(/^send\(\d+, .*, (\d+), \w+\) += (-?\d+)/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map((match) => [Number(match[1]), Number(match[2])]);
}

describe('the peer resets the connection', () => {
  it('netsys server: recv = -1 ECONNRESET, a note, close, and the next client is served', async () => {
    const { server, port } = await startServer();
    const peer = python(RESETTING_CLIENT, [String(port)]);
    expect((await finish(peer)).code).toBe(0);
    const reset = await server.waitForStderr(/^recv\((\d+), 0x[0-9a-f]+, 262144, 0\) += -1 ECONNRESET \(Connection reset by peer\)$/m);
    await server.waitForStderr(new RegExp(`^close\\(${reset[1]}\\) += 0$`, 'm'));
    expect(server.stderr).toMatch(/^# recv failed with ECONNRESET: the peer reset the connection: it sent RST .*; this connection is over; the server closes it and goes on to the next client$/m);

    const next = netsys(['client', '-m', 'after the reset', '127.0.0.1', String(port)]);
    expect((await finish(next)).code).toBe(0);
    expect(next.stdout.toString()).toBe('after the reset\n');
    server.child.kill('SIGINT');
    expect((await finish(server, 5000)).code).toBe(130);
  });

  it('netsys client: recv = -1 ECONNRESET, a note, close, exit 1', async () => {
    const peer = python(RESETTING_SERVER);
    const client = netsys(['client', '127.0.0.1', await pythonPort(peer)], 'hello\n');
    expect((await finish(client)).code).toBe(1);
    await finish(peer);
    const fd = client.stderr.match(/^socket\(.*\) += (\d+)$/m)![1];
    expect(client.stderr).toMatch(new RegExp(`^recv\\(${fd}, 0x[0-9a-f]+, 262144, 0\\) += -1 ECONNRESET \\(Connection reset by peer\\)$`, 'm'));
    expect(client.stderr).toMatch(/^# recv failed with ECONNRESET: the peer reset the connection.*; the conversation is over$/m);
    const lines = client.stderr.trim().split('\n');
    expect(lines[lines.length - 2]).toMatch(new RegExp(`^close\\(${fd}\\) += 0$`));
    expect(lines[lines.length - 1]).toBe('netsys: recv: ECONNRESET (Connection reset by peer)');
  });
});

describe('the client vanishes while the server sends', () => {
  it('the blocked send fails with EPIPE (SIGPIPE is ignored), a short send first if it had copied bytes, and the server goes on', async () => {
    const { server, port } = await startServer(['-s', '0']);
    expect(ignoredSignals(server.child.pid!) & (1n << BigInt(SIGPIPE - 1))).not.toBe(0n); // Node.js: SIGPIPE is SIG_IGN
    const peer = python(VANISHING_CLIENT, [String(port)]);
    let answers = 0;
    const command = async (line: string): Promise<string> => {
      peer.child.stdin!.write(`${line}\n`);
      answers += 1;
      return (await peer.waitForStdout(new RegExp(`^(?:.*\\n){${answers - 1}}(.*)\\n`)))[1];
    };
    // 64 KiB at a time, each only once the server has read all before it, until its echo is stuck in
    // send: the client reads nothing, so its receive queue and then the server's send buffer fill. The
    // server then holds at most the last 64 KiB unread, which its receive buffer has room for.
    const stuck = async (): Promise<boolean> => {
      const [trace, unread] = [server.stderr, await command('inq')];
      await sleep(300);
      return heldInSend(server) && server.stderr === trace && (await command('inq')) === unread;
    };
    for (let sent = 65536; ; sent += 65536) {
      expect(sent).toBeLessThanOrEqual(200 * 65536); // 12.5 MiB: more than any send buffer tcp_wmem allows here
      await command('send');
      // A send held only because this machine is busy goes on by itself: wait for it, or for it to stick.
      let settled: 'read all' | 'stuck' | undefined;
      while (!settled) {
        await until(`the server to read ${sent} bytes or be held in send`, () => (bytesReceived(server) === sent || heldInSend(server) ? true : undefined));
        if (heldInSend(server)) settled = (await stuck()) ? 'stuck' : undefined;
        else settled = 'read all';
      }
      if (settled === 'stuck') break;
    }
    // One more 64 KiB for the server's receive queue: should the held send still go through (the
    // client's kernel can find room by compacting its queue), the server has that to echo, and is
    // sending again, not reading the FIN, when the RST comes.
    await command('send');
    expect(await command('acked')).toBe('acked');
    await command('fin'); // the server's kernel has all the data and the FIN: CLOSE_WAIT
    await sleep(50);
    peer.child.stdin!.end('close\n'); // RST while the server is in CLOSE_WAIT: its error is EPIPE
    await finish(peer);
    await server.waitForStderr(/EPIPE \(Broken pipe\)$/m);

    const calls = sends(server.stderr);
    const [asked, returned] = calls[calls.length - 1];
    expect(returned).toBe(-1);
    const [askedBefore, returnedBefore] = calls[calls.length - 2];
    if (returnedBefore < askedBefore) {
      // The blocked send had copied some bytes when the RST woke it: it returned that count.
      expect(asked).toBe(askedBefore - returnedBefore);
      expect(server.stderr).toMatch(new RegExp(`^# short send: the kernel took ${returnedBefore} of ${askedBefore} bytes\\. .*the connection failed \\(the peer reset it\\); send is called again with the other ${asked}, and if the connection failed, that call says how$`, "m"));
    }
    expect(server.stderr).toMatch(/^# send failed with EPIPE: .*SIGPIPE.*SIG_IGN.*MSG_NOSIGNAL.*; this connection is over; the server closes it and goes on to the next client$/m);

    const next = netsys(['client', '-m', 'still serving', '127.0.0.1', String(port)]);
    expect((await finish(next)).code).toBe(0);
    expect(next.stdout.toString()).toBe('still serving\n');
    server.child.kill('SIGTERM');
    expect((await finish(server, 5000)).code).toBe(143);
  });
});

describe('a short send with nothing wrong', () => {
  it('a stop signal cuts a blocked send short; sendAll sends the rest and every byte arrives', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const sink = python(SLOW_SINK, ['4']);
    const client = netsys(['client', '-s', '0', '127.0.0.1', await pythonPort(sink)], data);
    const pid = client.child.pid!;
    await client.waitForStderr(/^send\(\d+, ""\.\.\., 65536, 0 <unfinished \.\.\.>$/m);
    // SIGSTOP wakes every thread; a send that had copied some bytes returns that count (signal(7)).
    for (let attempt = 0; attempt < 20 && !/^# short send/m.test(client.stderr); attempt++) {
      process.kill(pid, 'SIGSTOP');
      await sleep(30);
      process.kill(pid, 'SIGCONT');
      await sleep(120);
    }
    expect((await finish(client, 30000)).code).toBe(0);
    await finish(sink);
    expect(sink.stdout.toString().trim()).toBe(`${data.length} ${createHash('sha256').update(data).digest('hex')}`);

    const calls = sends(client.stderr);
    const short = calls.findIndex(([asked, returned]) => returned < asked);
    expect(short).toBeGreaterThanOrEqual(0);
    const [asked, returned] = calls[short];
    expect(calls[short + 1][0]).toBe(asked - returned); // the next send asks for exactly the rest
    expect(calls.reduce((sum, [, sent]) => sum + sent, 0)).toBe(data.length);
  });
});

describe('EINTR', () => {
  const dir = scratchDirPerTest('netsys-eintr-');

  it('a signal handled on the very thread blocked in recv: the kernel restarts recv (SA_RESTART), netsys never sees EINTR', async () => {
    const silent = python(SILENT_SERVER);
    const port = await pythonPort(silent);
    const traced = new Running('strace', ['-qq', '-ff', '-o', path.join(dir(), 'client'), '-e', 'trace=recvfrom', '-e', 'signal=SIGINT', NETSYS, 'client', '127.0.0.1', port]);
    await traced.waitForStderr(/^# blocked in recv/m);
    const pid = onlyChild(traced.child.pid!);
    const tid = await threadIn(pid, SYSCALL.recvfrom);
    await tgkill(pid, tid, SIGINT); // libuv's handler runs on that thread, installed with SA_RESTART
    expect((await finish(traced, 10000)).code).toBe(130);
    silent.child.kill('SIGKILL');
    await finish(silent);

    expect(traced.stderr).not.toContain('EINTR');
    expect(traced.stderr).toMatch(/^recv\(\d+, "", 262144, 0\) += 0$/m); // woken later by shutdown(SHUT_RDWR)
    const seen = fs.readFileSync(path.join(dir(), `client.${tid}`), 'utf8');
    expect(seen).toMatch(/^recvfrom\(\d+, .*\) = \? ERESTARTSYS \(To be restarted if SA_RESTART is set\)$/m);
    expect(seen).toMatch(/^--- SIGINT \{si_signo=SIGINT, si_code=SI_TKILL, .*\} ---$/m);
    expect(seen).toMatch(/^recvfrom\(\d+, "", 262144, 0, NULL, NULL\) += 0$/m);
  });
});

describe('EINTR from poll, which is never restarted', () => {
  it('a signal handled on the thread blocked in poll: poll = -1 EINTR, explained; then netsys closes all and exits 130', async () => {
    const { server } = await startServer(['--poll']);
    const pid = server.child.pid!;
    const tid = await threadIn(pid, SYSCALL.poll);
    await tgkill(pid, tid, SIGINT);
    expect((await finish(server, 5000)).code).toBe(130);
    const listener = server.stderr.match(/^socket\(.*\) += (\d+)$/m)![1];
    expect(server.stderr).toMatch(new RegExp(`^poll\\(\\[\\{fd=${listener}, events=POLLIN\\}\\], 1, -1\\) += -1 EINTR \\(Interrupted system call\\)$`, 'm'));
    // Which the main thread hears first, poll's return or the signal, is the scheduler's choice.
    expect(server.stderr).toMatch(/^# poll (failed with EINTR|returned after .* in the kernel: EINTR).* not restarted .*\(signal\(7\)\)/m);
    expect(traceLines(server.stderr).slice(-1)).toEqual([`close(${listener})                               = 0`]);
  });
});

describe('standard input and output', () => {
  it.each<[string, string]>([
    ['is /dev/null', 'exec "$0" client 127.0.0.1 "$1" < /dev/null'],
    ['is closed', 'exec "$0" client 127.0.0.1 "$1" <&-'],
  ])('standard input %s: nothing is sent, then shutdown(SHUT_WR), recv returns 0, exit 0', async (_name, script) => {
    const { server, port } = await startServer(['--once']);
    const client = new Running('sh', ['-c', script, NETSYS, String(port)]);
    expect((await finish(client)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(client.stdout.toString()).toBe('');
    expect(sends(client.stderr)).toEqual([]);
    expect(client.stderr).toMatch(/^shutdown\(\d+, SHUT_WR\) += 0$/m);
    expect(client.stderr).toMatch(/^recv\(\d+, "", 262144, 0\) += 0$/m);
  });

  it('standard input is a pipe whose writer goes slowly: each line is sent as it comes, then shutdown(SHUT_WR), and all comes back', async () => {
    const { server, port } = await startServer(['--once']);
    const client = netsys(['client', '127.0.0.1', String(port)]);
    for (const [i, line] of ['one\n', 'two\n', 'three\n'].entries()) {
      client.child.stdin!.write(line);
      await until(`send number ${i + 1}`, () => (sends(client.stderr).length > i ? true : undefined));
    }
    client.child.stdin!.end();
    expect((await finish(client)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(client.stdout.toString()).toBe('one\ntwo\nthree\n');
    expect(sends(client.stderr)).toEqual([[4, 4], [4, 4], [6, 6]]);
    expect(client.stderr).toMatch(/^shutdown\(\d+, SHUT_WR\) += 0$/m);
    expect(client.stderr).toMatch(/^recv\(\d+, "", 262144, 0\) += 0$/m);
  });

  it.each([
    { transport: 'TCP', options: ['-s', '0'], input: randomBytes(4 * 1024 * 1024) },
    { transport: 'UDP', options: ['-u'], input: Buffer.from('hello\n'.repeat(2000)) },
  ])('standard output closed by its reader ($transport): one line, the socket closed, exit 1 (nc would die of SIGPIPE)', async ({ options, input }) => {
    const server = netsys(['server', ...options, '0']);
    const port = (await server.waitForStderr(/(?:listening|receiving datagrams) on 127\.0\.0\.1:(\d+)/))[1];
    const client = netsys(['client', ...options, '127.0.0.1', port], input);
    await new Promise((resolve) => client.child.stdout!.once('data', resolve));
    client.child.stdout!.destroy(); // as `| head -c 1` does once it has its byte
    expect((await finish(client)).code).toBe(1);
    const fd = client.stderr.match(/^socket\(.*\) += (\d+)$/m)![1];
    expect(client.stderr).toMatch(new RegExp(`^close\\(${fd}\\) += 0$`, 'm'));
    expect(client.stderr.trim().split('\n').pop()).toBe('netsys: cannot write to standard output: EPIPE (Broken pipe); whoever read it has gone');
    server.child.kill('SIGINT');
    expect((await finish(server, 5000)).code).toBe(130);
  });
});
