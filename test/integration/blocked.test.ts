// A call the kernel holds is shown as blocked, strace-style, within a second, and then completed.
import { finish, netsys, python, startServer } from './helpers';

describe('blocked calls', () => {
  it('a server waiting in accept shows it as blocked, then the accept a client completes', async () => {
    const started = Date.now();
    const { server, port } = await startServer(['--once']);
    const listener = server.stderr.match(/^socket\(.*\) += (\d+)$/m)![1];
    await server.waitForStderr(new RegExp(`^accept\\(${listener},  <unfinished \\.\\.\\.>$`, 'm'), 1000 + (Date.now() - started));
    expect(server.stderr).toMatch(/^# blocked in accept: no connection is waiting in the accept queue yet$/m);
    expect(server.stderr).not.toMatch(/^accept\(.*= \d+$/m);

    const peer = python('import socket,sys; s=socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.close()', [String(port)]);
    expect((await finish(server)).code).toBe(0);
    await finish(peer);
    expect(server.stderr).toMatch(new RegExp(`^accept\\(${listener}, \\{sa_family=AF_INET, .*\\}, \\[16\\]\\) += \\d+$`, 'm'));
    expect(server.stderr).toMatch(/^# accept returned after [\d.]+ m?s in the kernel$/m);
  });

  it('a call that returns at once is not reported as blocked', async () => {
    const { server, port } = await startServer(['--once']);
    const client = netsys(['client', '-m', 'hi', '127.0.0.1', String(port)]);
    expect((await finish(client)).code).toBe(0);
    expect(client.stderr).not.toMatch(/^connect\(.*<unfinished/m);
    await finish(server);
  });

  it('with -yy, names the socket in the unfinished line as strace -yy does', async () => {
    const { server, port } = await startServer(['--once', '-yy']);
    await server.waitForStderr(new RegExp(`^accept\\(\\d+<TCP:\\[127\\.0\\.0\\.1:${port}\\]>,  <unfinished \\.\\.\\.>$`, 'm'));
    server.child.kill('SIGINT');
    expect((await finish(server)).code).toBe(130);
  });
});
