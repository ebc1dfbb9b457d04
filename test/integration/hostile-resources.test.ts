// Resources running short: a --poll server out of descriptors keeps serving the clients it has and
// accepts again when one leaves; under an address-space limit too small for it, netsys says so.
import { finish, NETSYS, python, Running } from './helpers';

describe('--poll out of descriptors (EMFILE)', () => {
  it('keeps serving, explains EMFILE, and accepts again as clients leave', async () => {
    const server = new Running('bash', ['-c', 'ulimit -n 24; exec "$0" server --poll --no-color 0', NETSYS]);
    const port = (await server.waitForStderr(/listening on \S+:(\d+)/))[1];
    // More clients than descriptors: all send a line at once, and the later ones wait in the accept
    // queue. Each in turn reads its echo and leaves, which frees a descriptor for the next.
    const peers = python(
      `import socket, sys, time
port = int(sys.argv[1])
clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
for i, c in enumerate(clients):
    c.sendall(b"client %d\\n" % i)
time.sleep(2)  # all connected at once: the server runs out of descriptors
echoed = 0
for i, c in enumerate(clients):
    c.settimeout(5)
    line = b"client %d\\n" % i
    got = b""
    while len(got) < len(line):
        chunk = c.recv(64)
        if not chunk: break
        got += chunk
    echoed += got == line
    c.close()
print(echoed)
`,
      [port],
    );
    expect((await finish(peers, 60000)).code).toBe(0);
    expect(peers.stdout.toString().trim()).toBe('16');
    await server.waitForStderr(/^accept\(\d+, 0x[0-9a-f]+, \[16\]\) += -1 EMFILE \(Too many open files\)$/m);
    expect(server.stderr).toMatch(/^# accept failed with EMFILE: this process has as many descriptors open as its limit allows \(ulimit -n, RLIMIT_NOFILE\)/m);
    expect(server.child.exitCode).toBeNull();
    server.child.kill('SIGINT');
    expect((await finish(server, 5000)).code).toBe(130);
  });
});

describe('an address-space limit too small (ulimit -v)', () => {
  // 1,200,000 KiB: a client's two call threads aborted there 11 times in 12 (V8 out of memory as a
  // thread starts), and below it a run could hang with the main thread and a worker deadlocked in Node.
  it.each([
    [800000, 'client -m hi 127.0.0.1 1', /^netsys: not enough address space for netsys client: it needs about \d+ KiB .*, but ulimit -v allows 800000 KiB: raise it with ulimit -v \d+ or more$/],
    [800000, 'server 0', /^netsys: not enough address space for netsys server/],
    [800000, 'lesson --no-pause conversation', /^netsys: not enough address space for netsys lesson/],
    [800000, 'shell', /^netsys: not enough address space for netsys shell/],
    [1200000, 'client -m hi 127.0.0.1 1', /^netsys: not enough address space for netsys client: .*, but ulimit -v allows 1200000 KiB/],
    [1200000, 'server 0', /^netsys: not enough address space for netsys server/],
  ])('under ulimit -v %d, netsys %s: one line saying what it needs, exit 1, never a silent abort', async (limit, args, message) => {
    const run = new Running('bash', ['-c', `ulimit -v ${limit}; exec "$0" ${args}`, NETSYS]);
    expect(await finish(run, 10000)).toEqual({ code: 1, signal: null });
    expect(run.stderr.trim()).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a command that needs no thread pool (netsys errno) still runs under it', async () => {
    const run = new Running('bash', ['-c', 'ulimit -v 800000; exec "$0" errno ECONNREFUSED', NETSYS]);
    expect((await finish(run, 10000)).code).toBe(0);
  });
});
