// Every line true (issue 17): what netsys prints, held against strace 6.1 for the same process and
// against what Linux does, with Python peers as witnesses. Ports come from the kernel.
import * as path from 'node:path';
import { finish, netsys, NETSYS, python, Running, scratchDirPerTest, sleep, startServer, traceLines, unusedPort } from './helpers';
import { foldPadding, signalTraced, straceLines } from './oracle';

/** netsys under `strace -qq -ff` with strace's own options beside netsys's. */
function underStrace(dir: string, name: string, straceOptions: readonly string[], args: readonly string[], input?: Buffer): Running {
  return new Running('strace', ['-qq', '-ff', ...straceOptions, '-o', path.join(dir, name), NETSYS, ...args], input);
}

/** A Python echo server on `host`; prints its port, echoes one connection, then ends. */
function pythonEcho(family: 'AF_INET' | 'AF_INET6', host: string): Running {
  return python(`
import socket
l = socket.socket(socket.${family}); l.bind(('${host}', 0)); l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
while (b := c.recv(100)): c.sendall(b)
c.close()
`);
}

async function portOf(server: Running): Promise<string> {
  return (await server.waitForStdout(/^(\d+)\n/))[1];
}

describe('the trace, against strace', () => {
  const dir = scratchDirPerTest('netsys-truth-');

  it.each([['-yy'], ['-y']])('%s names the descriptors inside poll\'s array as strace does', async (decode) => {
    const server = underStrace(dir(), 'poll', [decode, '-e', 'trace=poll'], ['server', '--poll', decode, '0']);
    const port = (await server.waitForStderr(/listening on \S+:(\d+)/))[1];
    const client = python(`
import socket
c = socket.create_connection(('127.0.0.1', ${port})); c.sendall(b'x'); c.recv(1); c.close()`);
    expect((await finish(client)).code).toBe(0);
    await server.waitForStderr(/^recv\(\d+<.*>, "", /m);
    signalTraced(server, 'SIGINT');
    expect((await finish(server)).code).toBe(130);
    const polls = traceLines(server.stderr).filter((line) => line.startsWith('poll('));
    expect(polls.length).toBeGreaterThanOrEqual(3);
    const name = decode === '-yy' ? 'TCP:\\[127\\.0\\.0\\.1:\\d+\\]' : 'socket:\\[\\d+\\]';
    expect(polls[0]).toMatch(new RegExp(`^poll\\(\\[\\{fd=\\d+<${name}>, events=POLLIN\\}\\], 1, -1\\) += 1 \\(\\[\\{fd=\\d+, revents=POLLIN\\}\\]\\)$`));
    const seen = new Set(straceLines(dir(), 'poll'));
    expect(polls.map(foldPadding).filter((line) => !seen.has(line))).toEqual([]);
  });

  it('a link-local scope id names its interface, as strace prints it, and the last line keeps it', async () => {
    const client = underStrace(dir(), 'll', ['-e', 'trace=connect'], ['client', '-m', 'hi', 'fe80::1%lo', '9']);
    expect((await finish(client)).code).toBe(1);
    const connect = traceLines(client.stderr).find((line) => line.startsWith('connect('))!;
    expect(connect).toContain('sin6_scope_id=if_nametoindex("lo")}');
    expect(straceLines(dir(), 'll')).toContain(foldPadding(connect));
    expect(client.stderr.trim().split('\n').pop()).toMatch(/^netsys: cannot connect to \[fe80::1%lo\]:9: /);
  });

  it('-x writes a string with a byte that is not text in hex, and leaves "hi\\n" as it is, as strace -x does', async () => {
    const server = pythonEcho('AF_INET', '127.0.0.1');
    const port = await portOf(server);
    const client = underStrace(dir(), 'x', ['-x', '-e', 'trace=sendto,recvfrom'], ['client', '-x', '127.0.0.1', port], Buffer.from([0xff, 0x01, 0x68, 0x69, 0x0a]));
    expect((await finish(client)).code).toBe(0);
    await finish(server);
    const sends = traceLines(client.stderr).filter((line) => line.startsWith('send('));
    expect(sends[0]).toMatch(/^send\(\d+, "(\\x[0-9a-f]{2})+", \d+, 0\) += \d+$/);
    const seen = new Set(straceLines(dir(), 'x'));
    const asKernel = (line: string) => foldPadding(line).replace(/^send\((.*)\) =/, 'sendto($1, NULL, 0) =').replace(/^recv\((.*)\) =/, 'recvfrom($1, NULL, NULL) =');
    expect(traceLines(client.stderr).filter((line) => /^(send|recv)\(/.test(line)).filter((line) => !seen.has(asKernel(line)))).toEqual([]);
  });

  it('-xx writes every string in hex, addresses too, as strace -xx does', async () => {
    const server = pythonEcho('AF_INET', '127.0.0.1');
    const port = await portOf(server);
    const client = underStrace(dir(), 'xx', ['-xx', '-e', 'trace=connect,sendto,recvfrom,getsockname'], ['client', '-xx', '-m', 'hi', '127.0.0.1', port]);
    expect((await finish(client)).code).toBe(0);
    await finish(server);
    const lines = traceLines(client.stderr).filter((line) => /^(connect|getsockname|send|recv)\(/.test(line));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('inet_addr("\\x31\\x32\\x37\\x2e\\x30\\x2e\\x30\\x2e\\x31")');
    const seen = new Set(straceLines(dir(), 'xx'));
    const asKernel = (line: string) => foldPadding(line).replace(/^send\((.*)\) =/, 'sendto($1, NULL, 0) =').replace(/^recv\((.*)\) =/, 'recvfrom($1, NULL, NULL) =');
    expect(lines.filter((line) => !seen.has(asKernel(line)))).toEqual([]);
  });

  it('-x leaves text as text; -xx writes every string in hex, addresses too', async () => {
    const port = String(await unusedPort());
    const x = netsys(['client', '-x', '-m', 'hi', '127.0.0.1', port]);
    const xx = netsys(['client', '-xx', '-m', 'hi', '127.0.0.1', port]);
    await Promise.all([finish(x), finish(xx)]);
    expect(x.stderr).toContain('sin_addr=inet_addr("127.0.0.1")');
    expect(xx.stderr).toContain('sin_addr=inet_addr("\\x31\\x32\\x37\\x2e\\x30\\x2e\\x30\\x2e\\x31")');
  });

  it('-r stamps each line with the time since the previous one, as strace -r', async () => {
    const port = String(await unusedPort());
    const client = netsys(['client', '-r', '-m', 'hi', '127.0.0.1', port]);
    expect((await finish(client)).code).toBe(1);
    const lines = client.stderr.split('\n').filter((line) => /^ *\d+\.\d{6} [a-z]+\(/.test(line));
    expect(lines.map((line) => line.replace(/\(.*/, ''))).toEqual([
      expect.stringMatching(/^     0\.000000 socket$/),
      expect.stringMatching(/^ {5}0\.\d{6} connect$/),
      expect.stringMatching(/^ {5}0\.\d{6} close$/),
    ]);
  });

  it('-e trace=%network shows the network calls and not close, as strace classes them', async () => {
    const port = String(await unusedPort());
    const client = netsys(['client', '-e', 'trace=%network', '-m', 'hi', '127.0.0.1', port]);
    expect((await finish(client)).code).toBe(1);
    expect(traceLines(client.stderr).map((line) => line.replace(/\(.*/, ''))).toEqual(['socket', 'connect']);
  });
});

describe('addresses as typed', () => {
  it.each([['[::1%1]'], ['::1%1'], ['[::1]']])('%s connects (a scope id in brackets too)', async (host) => {
    const server = pythonEcho('AF_INET6', '::1');
    const port = await portOf(server);
    const client = netsys(['client', '-m', 'hi', host, port]);
    expect((await finish(client)).code).toBe(0);
    await finish(server);
    expect(client.stdout.toString()).toBe('hi\n');
    expect(client.stderr).not.toContain('getaddrinfo');
  });

  it('[fe80::1%lo] is read as fe80::1 on lo, as getaddrinfo reads fe80::1%lo', async () => {
    const client = netsys(['client', '-m', 'hi', '[fe80::1%lo]', '9']);
    expect((await finish(client)).code).toBe(1);
    expect(client.stderr).toContain('sin6_scope_id=if_nametoindex("lo")');
  });
});

describe('notes go with their lines', () => {
  it('-c prints no note; -e prints none for a call it hides', async () => {
    const server = pythonEcho('AF_INET', '127.0.0.1');
    const port = await portOf(server);
    const counted = netsys(['client', '-c', '-m', 'hi', '127.0.0.1', port]);
    expect((await finish(counted)).code).toBe(0);
    await finish(server);
    expect(counted.stderr.split('\n').filter((line) => line.startsWith('#'))).toEqual([]);
    expect(counted.stderr).toMatch(/^% time/m);

    const again = pythonEcho('AF_INET', '127.0.0.1');
    const selected = netsys(['client', '-e', 'trace=connect,close', '-m', 'hi', '127.0.0.1', await portOf(again)]);
    expect((await finish(selected)).code).toBe(0);
    await finish(again);
    expect(selected.stderr).not.toMatch(/^# connected/m);
    expect(selected.stderr).not.toMatch(/^# recv returned 0/m);
  });

  it.each([
    [['server', '--host', '192.0.2.1', '0'], /^bind\(.* = -1 EADDRNOTAVAIL .*\n# bind failed with EADDRNOTAVAIL: no interface of this machine has that address/m],
    [['server', '-u', '--host', '192.0.2.1', '0'], /^bind\(.* = -1 EADDRNOTAVAIL .*\n# bind failed with EADDRNOTAVAIL: /m],
    [['client', '-u', '-m', 'hi', 'fe80::1%lo', '9'], /^sendto\(.* = -1 ENETUNREACH .*\n# sendto failed with ENETUNREACH: this machine has no route/m],
    [['client', '-m', 'hi', 'fe80::1%lo', '9'], /^connect\(.* = -1 ENETUNREACH .*\n# connect failed with ENETUNREACH: /m],
  ])('a failed call is explained under its line: %j', async (args, note) => {
    const run = netsys(args);
    expect((await finish(run)).code).toBe(1);
    expect(run.stderr).toMatch(note);
  });

  it.each([[[]], [['-u']]])('-c %j: a server says only where it listens, even when a signal stops it', async (udp) => {
    const server = netsys(['server', '-c', ...udp, '0']);
    await server.waitForStderr(/^# (listening on|receiving datagrams on) /m);
    server.child.kill('SIGINT');
    expect((await finish(server)).code).toBe(130);
    expect(server.stderr.split('\n').filter((line) => line.startsWith('#'))).toEqual([expect.stringMatching(/^# (listening on|receiving datagrams on) 127\.0\.0\.1:\d+; try: /)]);
    expect(server.stderr).toMatch(/^% time/m);
  });

  it.each([['trace=accept'], ['trace=!shutdown']])('-e %s: the note of a call woken to leave does not point at a shutdown line it hides', async (expr) => {
    const { server } = await startServer(['-e', expr]);
    await server.waitForStderr(/^# blocked in accept/m);
    server.child.kill('SIGINT');
    expect((await finish(server)).code).toBe(130);
    expect(server.stderr).not.toMatch(/^shutdown\(/m);
    expect(server.stderr).not.toMatch(/shutdown\(SHUT_RDWR\) above/);
    expect(server.stderr).toMatch(/^# accept returned after .* in the kernel: EINVAL, because netsys's shutdown\(SHUT_RDWR\) woke it \(its line is left out by -e\); close alone would have left it waiting$/m);
  });

  it('without -e, the note points at the shutdown line above it', async () => {
    const { server } = await startServer();
    await server.waitForStderr(/^# blocked in accept/m);
    server.child.kill('SIGINT');
    expect((await finish(server)).code).toBe(130);
    expect(server.stderr).toMatch(/^shutdown\(\d+, SHUT_RDWR\) += 0\n(.*\n)*# accept returned after .*: EINVAL, because the shutdown\(SHUT_RDWR\) above woke it/m);
  });

  it('a refused connect is explained under its line', async () => {
    const client = netsys(['client', '-m', 'hi', '127.0.0.1', String(await unusedPort())]);
    expect((await finish(client)).code).toBe(1);
    expect(client.stderr).toMatch(/^connect\(.* = -1 ECONNREFUSED \(Connection refused\)\n# connect failed with ECONNREFUSED: nothing listens on that address and port/m);
  });
});

describe('data after the call that read it', () => {
  it('where the trace and standard output reach one place (2>&1), recv\'s line comes before the bytes it read', async () => {
    const server = pythonEcho('AF_INET', '127.0.0.1');
    const port = await portOf(server);
    const client = new Running('sh', ['-c', 'exec "$@" 2>&1', 'sh', NETSYS, 'client', '--no-color', '-m', 'hi', '127.0.0.1', port]);
    expect((await finish(client)).code).toBe(0);
    await finish(server);
    const lines = client.stdout.toString().split('\n');
    const read = lines.findIndex((line) => /^recv\(\d+, "hi\\n", 262144, 0\) += 3$/.test(line));
    expect(read).toBeGreaterThanOrEqual(0);
    expect(lines.indexOf('hi')).toBe(read + 1);
  });
});

describe('a half-close is not a full close', () => {
  it('after the server shuts down its sending side, the client still sends its input, then shuts down its own', async () => {
    const server = python(`
import socket
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
c.sendall(b'hello\\n'); c.shutdown(socket.SHUT_WR)
got = b''
while (b := c.recv(100)): got += b
print(got.decode(), end='', flush=True)
`);
    const port = await portOf(server);
    const client = netsys(['client', '127.0.0.1', port]);
    await client.waitForStderr(/^recv\(\d+, "", 262144, 0\) += 0$/m);
    client.child.stdin!.end('data\n');
    expect((await finish(client)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(server.stdout.toString()).toBe(`${port}\ndata\n`);
    expect(client.stdout.toString()).toBe('hello\n');
    expect(client.stderr).toMatch(/^# recv returned 0: the server will send no more .*; it may still be reading, so the client goes on sending its input/m);
    const calls = traceLines(client.stderr).map((line) => line.replace(/\(.*/, ''));
    expect(calls.slice(-4)).toEqual(['recv', 'send', 'shutdown', 'close']);
  });
});

describe('EADDRINUSE, told as Linux decides it', () => {
  /** A netsys server on a port of its own, stopped while a client is connected: its side of the connection stays in TIME_WAIT. */
  async function leaveTimeWait(serverArgs: readonly string[]): Promise<number> {
    const { server, port } = await startServer(serverArgs);
    const client = python(`
import socket, time
c = socket.create_connection(('127.0.0.1', ${port})); c.sendall(b'x'); c.recv(9)
print('connected', flush=True)
while c.recv(9): pass
time.sleep(0.2); c.close()`);
    await client.waitForStdout(/connected/);
    server.child.kill('SIGTERM');
    await finish(server);
    await finish(client);
    await sleep(100);
    return port;
  }

  it('over a TIME_WAIT connection left by a server without --reuseaddr, --reuseaddr does not help and is not advised', async () => {
    const port = await leaveTimeWait([]);
    const again = netsys(['server', '--reuseaddr', '--once', String(port)]);
    expect((await finish(again)).code).toBe(1);
    expect(again.stderr).toMatch(/^bind\(.* = -1 EADDRINUSE/m);
    expect(again.stderr).toMatch(/^# no socket listens on port \d+, but sockets that do not listen hold it \(1 in TIME_WAIT; .*This socket set SO_REUSEADDR, but Linux binds over them only when the socket each came from had set it too/m);
  });

  it('with --reuseaddr on both servers, the restart binds at once', async () => {
    const port = await leaveTimeWait(['--reuseaddr']);
    const again = netsys(['server', '--reuseaddr', '--once', String(port)]);
    await again.waitForStderr(/listening on/);
    again.child.kill('SIGTERM');
    expect((await finish(again)).code).toBe(143);
  });

  it.each([
    [false, 1],
    [true, 143],
  ])('against a socket only bound (SO_REUSEADDR %s on it): --reuseaddr binds only when both set it', async (itsReuse, code) => {
    const holder = python(`
import socket, sys
s = socket.socket()
if ${itsReuse ? 'True' : 'False'}: s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 0)); print(s.getsockname()[1], flush=True); sys.stdin.read()`);
    const port = await portOf(holder);
    const server = netsys(['server', '--reuseaddr', port]);
    if (code === 143) {
      await server.waitForStderr(/listening on/);
      server.child.kill('SIGTERM');
    }
    expect((await finish(server)).code).toBe(code);
    holder.child.stdin!.end();
    await finish(holder);
    if (code === 1) expect(server.stderr).toMatch(/^# no socket listens on port \d+, but sockets that do not listen hold it \(1 only bound \(CLOSE\)/m);
  });

  it('against a listening socket, says so, whatever --reuseaddr says', async () => {
    const { server, port } = await startServer(['--reuseaddr']);
    const second = netsys(['server', '--reuseaddr', String(port)]);
    expect((await finish(second)).code).toBe(1);
    server.child.kill('SIGTERM');
    await finish(server);
    expect(second.stderr).toMatch(/^# a socket is listening on port \d+ .*SO_REUSEADDR never lets a socket bind where another listens$/m);
    expect(second.stderr).not.toMatch(/--reuseaddr (lets|would)/);
  });
});
