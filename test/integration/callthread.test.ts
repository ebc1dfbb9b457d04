// Each program makes its calls on a call thread of its own (src/callthread/): a call is shown as blocked
// only while the kernel shows that thread asleep in it, and the main thread, which supervises, wakes it
// on Ctrl-C with shutdown(SHUT_RDWR), shown, before every socket is closed.
import * as net from 'node:net';
import { finish, python, startServer, traceLines } from './helpers';
import { ACCEPT_SYSCALLS, threadsOf } from './proc';


function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('the call thread', () => {
  it('a server held in accept is shown blocked while a thread of it sleeps in accept; Ctrl-C wakes it with shutdown, closes, exits 130', async () => {
    const started = Date.now();
    const { server, port } = await startServer();
    const listener = server.stderr.match(/^socket\(.*\) += (\d+)$/m)![1];
    await server.waitForStderr(new RegExp(`^accept\\(${listener},  <unfinished \\.\\.\\.>$`, 'm'), 1000 + (Date.now() - started));
    expect(server.stderr).toMatch(/^# blocked in accept: /m);

    // At that moment the kernel shows one of the process's threads asleep in accept: the call thread,
    // not the main thread, which is free for the signal.
    const inAccept = threadsOf(server.child.pid!).filter((thread) => thread.syscall !== null && ACCEPT_SYSCALLS.includes(thread.syscall));
    expect(inAccept).toHaveLength(1);
    expect(inAccept[0].state).toBe('S');
    expect(inAccept[0].tid).not.toBe(server.child.pid);

    server.child.kill('SIGINT');
    expect(await finish(server, 5000)).toEqual({ code: 130, signal: null });
    const after = server.stderr.slice(server.stderr.indexOf('# SIGINT: closing every socket netsys opened'));
    expect(traceLines(after)).toEqual([
      `shutdown(${listener}, SHUT_RDWR)`.padEnd(40) + '= 0',
      expect.stringMatching(new RegExp(`^accept\\(${listener}, .*\\) += -1 EINVAL \\(Invalid argument\\)$`)),
      `close(${listener})`.padEnd(40) + '= 0',
    ]);
    expect(await portIsFree(port)).toBe(true);
  });

  it('a call held only briefly (20 ms) is never shown blocked', async () => {
    const { server, port } = await startServer(['--once']);
    const peer = python(`
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
for _ in range(20):
    s.sendall(b"x"); s.recv(1); time.sleep(0.02)
s.close()
`, [String(port)]);
    expect((await finish(peer)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    // Each recv waited at most the peer's 20 ms between round trips, each send not at all: neither is
    // shown blocked (only a call still in the kernel after 200 ms, and asleep there, is).
    expect(traceLines(server.stderr).filter((line) => /^(recv|send)\(/.test(line))).toHaveLength(41);
    expect(server.stderr).not.toMatch(/^(send|recv)\(.*<unfinished/m);
  });
});
