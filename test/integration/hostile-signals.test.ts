// Signals that end a program are all treated as SIGINT is: every held call woken with a visible
// shutdown(SHUT_RDWR), every socket closed visibly, exit 128 + the signal. A second signal lets the
// closing finish; SIGUSR1 opens no inspector.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, netsys, NETSYS, python, scratchDirPerTest, sleep, startServer } from './helpers';

const SIGNALS: ReadonlyArray<[NodeJS.Signals, number]> = [
  ['SIGHUP', 129],
  ['SIGQUIT', 131],
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGUSR2', 140],
  ['SIGALRM', 142],
  ['SIGXCPU', 152],
];

describe('a signal that ends a program', () => {
  it.each(SIGNALS)('%s during accept: shutdown, close shown, exit %i', async (signal, code) => {
    const { server } = await startServer();
    await server.waitForStderr(/# blocked in accept/);
    server.child.kill(signal);
    expect(await finish(server, 5000)).toEqual({ code, signal: null });
    const fd = server.stderr.match(/^socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)$/m)![1];
    expect(server.stderr).toContain(`# ${signal}: closing every socket netsys opened`);
    expect(server.stderr).toMatch(new RegExp(`^shutdown\\(${fd}, SHUT_RDWR\\) += 0$[\\s\\S]*^close\\(${fd}\\) += 0$`, 'm'));
  });

  it.each(SIGNALS.slice(0, 2))('%s while the client waits in recv: shutdown, close shown, exit %i', async (signal, code) => {
    const silent = python('import socket, sys, time\ns = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)\nprint(s.getsockname()[1], file=sys.stderr, flush=True)\nc, _ = s.accept()\ntime.sleep(30)\n');
    const port = (await silent.waitForStderr(/^(\d+)$/m))[1];
    const client = netsys(['client', '127.0.0.1', port]);
    await client.waitForStderr(/# blocked in recv/);
    client.child.kill(signal);
    expect(await finish(client, 5000)).toEqual({ code, signal: null });
    const fd = client.stderr.match(/^socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)$/m)![1];
    expect(client.stderr).toMatch(new RegExp(`^shutdown\\(${fd}, SHUT_RDWR\\) += 0$[\\s\\S]*^close\\(${fd}\\) += 0$`, 'm'));
    silent.child.kill('SIGKILL');
    await finish(silent);
  });

  describe('inside a lesson with sockets open', () => {
    const dir = scratchDirPerTest('netsys-signal-lesson-');
    it.each(SIGNALS.slice(0, 2))('%s: every socket closed, exit %i', async (signal, code) => {
      fs.writeFileSync(
        path.join(dir(), 'held.lesson'),
        'id: held\ntitle: H\nsummary: S\norder: 1\nstep server: l = socket(AF_INET, SOCK_STREAM)\nstep server: bind(l, 127.0.0.1:0)\nstep server: listen(l, 1)\nstep server: u = socket(AF_INET, SOCK_DGRAM)\nstep server: c = accept(l)\n',
      );
      const run = netsys(['lesson', 'held', '--no-pause', '--no-color', '--lessons-dir', dir()], undefined, { XDG_STATE_HOME: dir(), COLUMNS: '200' });
      await run.waitForStdout(/# blocked in accept/);
      run.child.kill(signal);
      expect(await finish(run, 5000)).toEqual({ code, signal: null });
      const output = run.stdout.toString();
      for (const [, fd] of output.matchAll(/^socket\(.*\) += (\d+)$/gm)) expect(output).toMatch(new RegExp(`^close\\(${fd}\\) += 0$`, 'm'));
    });
  });

  it('a second SIGINT while closing lets the closing finish, and it is shown', async () => {
    const { server } = await startServer();
    await server.waitForStderr(/# blocked in accept/);
    server.child.kill('SIGINT');
    server.child.kill('SIGINT');
    server.child.kill('SIGINT');
    expect(await finish(server, 5000)).toEqual({ code: 130, signal: null });
    const fd = server.stderr.match(/^socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)$/m)![1];
    expect(server.stderr).toMatch(new RegExp(`^close\\(${fd}\\) += 0$`, 'm'));
  });

  it('SIGUSR1 opens no inspector and does not end netsys', async () => {
    const { server } = await startServer();
    server.child.kill('SIGUSR1');
    await sleep(500);
    expect(server.child.exitCode).toBeNull();
    expect(server.stderr).not.toMatch(/Debugger listening/);
    server.child.kill('SIGINT');
    expect((await finish(server, 5000)).code).toBe(130);
    expect(server.stderr).not.toMatch(/Debugger listening|inspector/i);
  });
});

describe('standard output nobody reads', () => {
  const dir = scratchDirPerTest('netsys-unread-');

  it('SIGINT: the socket is closed, shown, and the client exits 130 within a bounded wait', async () => {
    const { server, port } = await startServer();
    const input = path.join(dir(), 'input');
    fs.writeFileSync(input, Buffer.alloc(20 << 20, 7));
    // Standard output a pipe held open and never read, as by a paused `less`; the trace on a
    // terminal (a pseudo-terminal, read all along), as when a learner runs it.
    const driver = python(
      `import json, os, pty, select, signal, subprocess, sys, time
master, slave = pty.openpty()
r, w = os.pipe()
p = subprocess.Popen(sys.argv[1:], stdin=open(${JSON.stringify(input)}, "rb"), stdout=w, stderr=slave)
os.close(w); os.close(slave)
trace = b""
def drain(seconds):
    global trace
    end = time.time() + seconds
    while time.time() < end:
        if select.select([master], [], [], 0.05)[0]:
            try: trace += os.read(master, 65536)
            except OSError: return
drain(1.5)
p.send_signal(signal.SIGINT)
start = time.time()
while p.poll() is None and time.time() - start < 8: drain(0.1)
code = p.poll()
if code is None: p.kill()
drain(0.3)
print(json.dumps({"code": code, "seconds": time.time() - start, "trace": trace.decode("utf8", "replace")}))
`,
      [NETSYS, 'client', '--no-color', '127.0.0.1', String(port)],
    );
    expect((await finish(driver, 15000)).code).toBe(0);
    const report = JSON.parse(driver.stdout.toString()) as { code: number | null; seconds: number; trace: string };
    expect(report.code).toBe(130);
    expect(report.seconds).toBeLessThan(4);
    const fd = report.trace.match(/^socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)\r?$/m)![1];
    expect(report.trace).toMatch(new RegExp(`^close\\(${fd}\\) += 0\\r?$`, 'm'));
    server.child.kill('SIGINT');
    await finish(server, 5000);
  });
});

describe('standard output read slowly', () => {
  const dir = scratchDirPerTest('netsys-slow-');

  it('after a success the client waits for its reader, however slow: nothing is lost', async () => {
    const { server, port } = await startServer();
    const input = path.join(dir(), 'input');
    fs.writeFileSync(input, Buffer.alloc(70000, 9)); // more than a pipe holds, less than Node queues without waiting
    // The reader starts only after the conversation has ended, well past the wait a signal allows.
    const driver = python(
      `import os, subprocess, sys, time
r, w = os.pipe()
p = subprocess.Popen(sys.argv[1:], stdin=open(${JSON.stringify(input)}, "rb"), stdout=w, stderr=subprocess.DEVNULL)
os.close(w)
time.sleep(4)
total = 0
while (chunk := os.read(r, 1 << 16)): total += len(chunk)
print(total, p.wait())
`,
      [NETSYS, 'client', '127.0.0.1', String(port)],
    );
    expect((await finish(driver, 20000)).code).toBe(0);
    expect(driver.stdout.toString().trim()).toBe("70000 0");
    server.child.kill('SIGINT');
    await finish(server, 5000);
  });
});

describe('keys at a lesson prompt, on a real terminal', () => {
  const drive = async (keys: string[]): Promise<{ exit: number; output: string }> => {
    const driver = python(fs.readFileSync(path.join(__dirname, 'fixtures/pty_lesson.py'), 'utf8'), [NETSYS, 'tcp-server', ...keys]);
    expect((await finish(driver, 30000)).code).toBe(0);
    return JSON.parse(driver.stdout.toString()) as { exit: number; output: string };
  };

  it('Ctrl-D quits as q does: not SIGINT, every socket closed, exit 0', async () => {
    const report = await drive(['enter', 'ctrl-d']);
    expect(report.exit).toBe(0);
    expect(report.output).not.toContain('SIGINT');
    expect(report.output).toContain('# quitting: closing every socket this lesson opened');
    const fd = report.output.match(/socket\(AF_INET, SOCK_STREAM, IPPROTO_TCP\) += (\d+)/)![1];
    expect(report.output).toMatch(new RegExp(`close\\(${fd}\\) += 0`));
  });

  it('? twice shows more once; any other key gets a hint', async () => {
    const report = await drive(['?', '?', 'x', 'q']);
    expect(report.exit).toBe(0);
    expect(report.output.match(/int socket\(int domain/g)).toHaveLength(1);
    expect(report.output).toContain('# more about this call is shown above');
    // A note goes on under itself at the terminal's width (80 here): read it as one line.
    expect(report.output.replace(/\r?\n {2}/g, ' ')).toContain('# that key does nothing here: Enter or space makes the call, ? tells more, q or Ctrl-D quits');
  });
});
