// Ctrl-C (SIGINT) and SIGTERM while the kernel holds a call: netsys wakes the call, closes every
// socket it opened (each close shown) and exits 130 or 143; the port is free again at once.
import { finish, netsys, python, sleep, startServer, traceLines } from './helpers';

describe('interrupted while blocked', () => {
  it('SIGINT during accept closes the listener, exits 130, and the port can be bound again', async () => {
    const { server, port } = await startServer();
    await sleep(300); // accept is now blocked in the kernel
    server.child.kill('SIGINT');
    expect(await finish(server, 5000)).toEqual({ code: 130, signal: null });
    const listener = server.stderr.match(/^socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)$/m)![1];
    expect(server.stderr).toMatch(new RegExp(`^shutdown\\(${listener}, SHUT_RDWR\\) += 0$`, 'm'));
    expect(server.stderr).toMatch(/^# accept returned after .* in the kernel: EINVAL, because the shutdown\(SHUT_RDWR\) above woke it; close alone would have left it waiting$/m);
    expect(server.stderr).toMatch(new RegExp(`^close\\(${listener}\\) += 0$`, 'm'));

    const again = netsys(['server', '--once', String(port)]);
    await again.waitForStderr(/listening on/);
    again.child.kill('SIGTERM');
    expect((await finish(again, 5000)).code).toBe(143);
  });

  it('SIGTERM while the client waits in recv closes its socket and exits 143', async () => {
    const silent = python(`
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], file=sys.stderr, flush=True)
c, _ = s.accept()
time.sleep(30)
`);
    const port = (await silent.waitForStderr(/^(\d+)$/m))[1];
    const client = netsys(['client', '127.0.0.1', port]); // standard input stays open: nothing to send yet
    await client.waitForStderr(/^getsockname/m);
    await sleep(300);
    client.child.kill('SIGTERM');
    expect(await finish(client, 5000)).toEqual({ code: 143, signal: null });
    const fd = client.stderr.match(/^socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)$/m)![1];
    expect(client.stderr).toMatch(new RegExp(`^recv\\(${fd}, "", 262144, 0\\) += 0$`, 'm'));
    expect(client.stderr).toMatch(new RegExp(`^close\\(${fd}\\) += 0$`, 'm'));
    silent.child.kill('SIGKILL');
    await finish(silent);
  });

  it('SIGINT while the client waits in connect (the server\'s accept queue is full) wakes it, closes, exits 130', async () => {
    // listen(0) queues one connection; further SYNs are dropped and the client's connect waits.
    const full = python(`
import socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(0)
held = []
for _ in range(3):
    s = socket.socket(); s.setblocking(False)
    try: s.connect(l.getsockname())
    except BlockingIOError: pass
    held.append(s)
time.sleep(0.3)
print(l.getsockname()[1], file=sys.stderr, flush=True)
time.sleep(30)
`);
    const port = (await full.waitForStderr(/^(\d+)$/m))[1];
    const client = netsys(['client', '127.0.0.1', port], '');
    // The note says what the kernel shows of the listener: its queue holds 1, more than listen(0)'s backlog.
    await client.waitForStderr(/^# blocked in connect: no SYN-ACK has come back yet: the listener's accept queue is full \(1 waiting, backlog 0\), so its kernel drops the SYN; .*$/m, 3000);
    client.child.kill('SIGINT');
    expect(await finish(client, 5000)).toEqual({ code: 130, signal: null });
    const fd = client.stderr.match(/^socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)$/m)![1];
    const after = client.stderr.slice(client.stderr.indexOf('# SIGINT'));
    expect(traceLines(after)).toEqual([
      `shutdown(${fd}, SHUT_RDWR)                 = 0`,
      expect.stringMatching(new RegExp(`^connect\\(${fd}, \\{sa_family=AF_INET, sin_port=htons\\(${port}\\), .*\\) += -1 ECONNRESET \\(Connection reset by peer\\)$`)),
      `close(${fd})                               = 0`,
    ]);
    full.child.kill('SIGKILL');
    await finish(full);
  });

  it('a server goes on to its next client after one finishes', async () => {
    const { server, port } = await startServer();
    for (const word of ['first', 'second']) {
      const client = netsys(['client', '-m', word, '127.0.0.1', String(port)]);
      expect((await finish(client)).code).toBe(0);
      expect(client.stdout.toString()).toBe(`${word}\n`);
    }
    server.child.kill('SIGINT');
    expect((await finish(server, 5000)).code).toBe(130);
    expect(traceLines(server.stderr).filter((line) => line.startsWith('accept('))).toHaveLength(3);
  });
});
