// Odd files and streams: a lesson that is a directory, a FIFO, a dangling symlink, /dev/zero, huge;
// progress.json that is a FIFO or sits where no folder can be made; -o to a FIFO nobody reads;
// standard output closed early. Each ends at once with one line, never a hang or a stack trace.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finish, flat, netsys, NETSYS, python, scratchDirPerTest, startServer } from './helpers';
import { oneLine } from './one-line';

const TINY = 'id: tiny\ntitle: T\nsummary: S\norder: 1\nstep server: s = socket(AF_INET, SOCK_DGRAM)\nstep server: close(s)\n';

describe('odd files', () => {
  const dir = scratchDirPerTest('netsys-odd-');

  it.each([
    ['a directory', (file: string) => fs.mkdirSync(file), /x\.lesson is a directory, not a regular file/],
    ['a dangling symlink', (file: string) => fs.symlinkSync('/nonexistent/nothing', file), /x\.lesson: cannot read it: ENOENT \(a symbolic link to nothing\)/],
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file]), /x\.lesson is a FIFO, not a regular file/],
    ['a symlink to /dev/zero', (file: string) => fs.symlinkSync('/dev/zero', file), /x\.lesson is a character device, not a regular file/],
    ['a socket file', (file: string) => execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', file]), /x\.lesson is a socket, not a regular file/],
    ['larger than any lesson', (file: string) => fs.writeFileSync(file, 'a'.repeat(2 << 20)), /x\.lesson is 2097152 bytes; at most 1048576 are read/],
  ])('a lesson file that is %s: one line, exit 2', async (_name, make, message) => {
    make(path.join(dir(), 'x.lesson'));
    for (const args of [['lesson'], ['lesson', 'x']]) {
      const run = netsys([...args, '--lessons-dir', dir()], undefined, { XDG_STATE_HOME: dir() });
      expect((await finish(run, 5000)).code).toBe(2);
      expect(oneLine(run.stderr)).toMatch(message);
    }
  });

  it('a lesson file starting with a UTF-8 byte-order mark is read as if it had none', async () => {
    fs.writeFileSync(path.join(dir(), 'tiny.lesson'), '\uFEFF' + TINY);
    const run = netsys(['lesson', 'tiny', '--no-pause', '--lessons-dir', dir()], undefined, { XDG_STATE_HOME: dir() });
    expect((await finish(run, 5000)).code).toBe(0);
  });

  it.each([
    ['under /proc, where no folder can be made', () => '/proc', /progress could not be saved: \/proc\/netsys\/progress\.json: ENOENT/],
    ['a FIFO', (state: string) => (fs.mkdirSync(path.join(state, 'netsys')), execFileSync('mkfifo', [path.join(state, 'netsys', 'progress.json')]), state), /progress could not be saved: .*progress\.json is a FIFO, not a regular file/],
  ])('progress.json %s: the lesson still ends, with one line on it, exit 0', async (_name, state, message) => {
    fs.writeFileSync(path.join(dir(), 'tiny.lesson'), TINY);
    const home = state(dir());
    const run = netsys(['lesson', 'tiny', '--no-pause', '--no-color', '--lessons-dir', dir()], undefined, { XDG_STATE_HOME: home });
    expect(await finish(run, 5000)).toEqual({ code: 0, signal: null });
    expect(flat(run.stdout.toString())).toMatch(message);
    const list = netsys(['lesson', '--lessons-dir', dir()], undefined, { XDG_STATE_HOME: home });
    expect((await finish(list, 5000)).code).toBe(0);
  });

  it('progress.json holding {"finished":[]} is replaced, and the lesson is recorded', async () => {
    fs.writeFileSync(path.join(dir(), 'tiny.lesson'), TINY);
    fs.mkdirSync(path.join(dir(), 'netsys'));
    fs.writeFileSync(path.join(dir(), 'netsys', 'progress.json'), '{"finished":[]}');
    expect((await finish(netsys(['lesson', 'tiny', '--no-pause', '--lessons-dir', dir()], undefined, { XDG_STATE_HOME: dir() }), 5000)).code).toBe(0);
    const list = netsys(['lesson', '--no-color', '--lessons-dir', dir()], undefined, { XDG_STATE_HOME: dir() });
    expect((await finish(list, 5000)).code).toBe(0);
    expect(list.stdout.toString()).toMatch(/^✓ tiny/m);
  });

  it('-o to a FIFO nobody reads: one line, exit 2, no wait', async () => {
    const fifo = path.join(dir(), 'trace');
    execFileSync('mkfifo', [fifo]);
    const run = netsys(['client', '-o', fifo, '127.0.0.1', '1']);
    expect((await finish(run, 5000)).code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(/cannot write the trace to .*trace: ENXIO/);
  });
});

describe('standard output closed early', () => {
  it('a lesson piped to a reader that leaves ends with one line, exit 1, no stack trace', async () => {
    const run = netsys(['lesson', 'tcp-server', '--no-pause', '--no-color']);
    run.child.stdout!.destroy();
    expect(await finish(run, 10000)).toEqual({ code: 1, signal: null });
    expect(oneLine(run.stderr)).toMatch(/^netsys: cannot write to standard output: EPIPE/);
  });

  it.each([
    ['a lesson', ['lesson', 'tcp-server', '--no-pause', '--no-color']],
    ['explain', ['explain', 'send']],
  ])('standard output on a full device (/dev/full), %s: ENOSPC, one line, exit 1, and no word of a reader gone', (_name, args) => {
    const out = fs.openSync('/dev/full', 'w');
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-full-'));
    try {
      const run = spawnSync(process.execPath, [NETSYS, ...args], { stdio: ['ignore', out, 'pipe'], timeout: 15000, env: { ...process.env, XDG_STATE_HOME: state } });
      expect(run.status).toBe(1);
      const line = oneLine(run.stderr.toString());
      expect(line).toMatch(/^netsys: cannot write to standard output: ENOSPC \(No space left on device\)/);
      expect(line).not.toMatch(/whoever read it has gone/);
    } finally {
      fs.closeSync(out);
      fs.rmSync(state, { recursive: true, force: true });
    }
  });
});

describe('-o to a FIFO whose reader never reads', () => {
  const dir = scratchDirPerTest('netsys-fifo-');

  it('Ctrl-C still works: netsys exits within a bounded wait, where it hung in a write before', async () => {
    const { server, port } = await startServer();
    const fifo = path.join(dir(), 'trace');
    execFileSync('mkfifo', [fifo]);
    const input = path.join(dir(), 'input');
    fs.writeFileSync(input, Buffer.alloc(4 << 20, 5));
    // The FIFO is held open for reading (so opening it succeeds) and never read: the trace, each
    // line up to 64 KiB with -s, fills it at once.
    const driver = python(
      `import os, signal, subprocess, sys, time
holder = os.open(${JSON.stringify(fifo)}, os.O_RDWR)
p = subprocess.Popen(sys.argv[1:], stdin=open(${JSON.stringify(input)}, "rb"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1.5)
p.send_signal(signal.SIGINT)
start = time.time()
try:
    code = p.wait(timeout=8)
except subprocess.TimeoutExpired:
    p.kill(); code = "hung"
print(code, round(time.time() - start))
`,
      [NETSYS, 'client', '-o', fifo, '-s', '65536', '127.0.0.1', String(port)],
    );
    expect((await finish(driver, 15000)).code).toBe(0);
    const [code, seconds] = driver.stdout.toString().trim().split(' ');
    expect(code).toMatch(/^(130|1)$/); // 1 when the unread trace passed its limit first
    expect(Number(seconds)).toBeLessThanOrEqual(3);
    server.child.kill('SIGINT');
    await finish(server, 5000);
  });
});

describe('standard input with no end of line', () => {
  it.each([
    ['netsys shell', ['shell'], 2, /^netsys: line 1 of standard input is longer than 16777216 bytes; no call or command is that long$/],
    ['a your-turn lesson', ['lesson', 'build-server', '--no-color'], 1, /^netsys: line 1 of standard input is longer than 16777216 bytes; no call or command is that long: its reading stopped there, before the goal of step 1 /],
  ])('%s < /dev/zero: one line at once, memory bounded (it grew to 600 MB, then "internal error: Invalid string length")', async (_name, args, status, message) => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-zero-'));
    const zero = fs.openSync('/dev/zero', 'r');
    try {
      const child = spawn(process.execPath, [NETSYS, ...args], { stdio: [zero, 'ignore', 'pipe'], env: { ...process.env, XDG_STATE_HOME: state } });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
      clearTimeout(timer);
      expect(code).toBe(status);
      expect(oneLine(stderr)).toMatch(message);
    } finally {
      fs.closeSync(zero);
      fs.rmSync(state, { recursive: true, force: true });
    }
  });

  it('a script whose last line has no newline still runs that line', async () => {
    const run = netsys(['shell'], 'fd = socket(AF_INET, SOCK_STREAM)\nclose(fd)');
    expect((await finish(run, 10000)).code).toBe(0);
    expect(run.stdout.toString() + run.stderr).toMatch(/close\(\d+\) += 0/);
  });
});
