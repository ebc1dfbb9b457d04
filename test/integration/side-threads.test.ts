// Each side of a lesson and of `netsys shell` makes its calls on a thread of its own (src/callthread/
// sides.ts, sidethread.ts): a call is shown as blocked only while the kernel shows that thread asleep
// in it, the main thread stays free (the other side's prompt, Ctrl-C), quick calls are never called
// blocked, and -T is the time of the libc call on that thread.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, netsys, NETSYS, Running, scratchDirPerTest, until } from './helpers';
import { ACCEPT_SYSCALLS, onlyChild, threadsOf } from './proc';
import { writeStuckLesson } from '../support/stuck-lesson';


/** The threads of `pid` asleep in accept now. */
function asleepInAccept(pid: number): { tid: number }[] {
  return threadsOf(pid).filter((thread) => thread.syscall !== null && ACCEPT_SYSCALLS.includes(thread.syscall) && thread.state === 'S');
}

const dir = scratchDirPerTest('netsys-sides-');


function lesson(args: readonly string[]): Running {
  return netsys(['lesson', '--no-color', ...args], undefined, { XDG_STATE_HOME: dir(), COLUMNS: '80' });
}

function shell(args: readonly string[] = [], input?: string): Running {
  return netsys(['shell', '--no-color', ...args], input, { XDG_STATE_HOME: dir(), COLUMNS: '200' });
}

/** The completed call lines of a lesson's or shell's output, without their side's label. */
function callLines(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.replace(/^(server|client) │ /, ''))
    .filter((line) => /^[a-z_0-9]+\(.*\) += /.test(line));
}

describe('a lesson side\'s thread', () => {
  beforeEach(() => writeStuckLesson(dir()));

  it('a held accept is shown blocked while a thread of netsys other than the main thread sleeps in accept; Ctrl-C wakes it and exits 130', async () => {
    const run = lesson(['stuck', '--no-pause', '--lessons-dir', dir()]);
    await run.waitForStdout(/^# blocked in accept/m);
    const pid = run.child.pid!;
    const inAccept = asleepInAccept(pid);
    expect(inAccept).toHaveLength(1);
    expect(inAccept[0].tid).not.toBe(pid);

    run.child.kill('SIGINT');
    expect(await finish(run, 5000)).toEqual({ code: 130, signal: null });
    const fd = run.stdout.toString().match(/socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)/)![1];
    expect(callLines(run.stdout.toString()).slice(-3)).toEqual([
      `shutdown(${fd}, SHUT_RDWR)`.padEnd(40) + '= 0',
      expect.stringMatching(new RegExp(`^accept\\(${fd}, .*\\) += -1 EINVAL \\(Invalid argument\\)`)),
      `close(${fd})`.padEnd(40) + '= 0',
    ]);
  });

  it('an accept held by strace before it enters the kernel (1.5 s) is not called blocked until it sleeps there', async () => {
    // strace stops the thread at the accept's entry for 1.5 s (the thread is then in state t, not
    // asleep): a call that has not reached its wait is not blocked, however long it takes.
    const trace = path.join(dir(), 'strace.out');
    const run = new Running('strace', ['-f', '-qq', '-o', trace, '-e', 'trace=accept,accept4', '-e', 'inject=accept,accept4:delay_enter=1500000', NETSYS, 'lesson', '--no-color', 'stuck', '--no-pause', '--lessons-dir', dir()], undefined, {
      XDG_STATE_HOME: dir(),
      COLUMNS: '80',
    });
    await run.waitForStdout(/^listen\(/m);
    const listened = Date.now();
    await run.waitForStdout(/^# blocked in accept/m, 10000);
    expect(Date.now() - listened).toBeGreaterThanOrEqual(1400);
    expect(asleepInAccept(onlyChild(run.child.pid!))).toHaveLength(1);
    run.child.kill('SIGINT'); // strace passes it on to netsys, and ends when netsys has
    await finish(run, 10000);
    expect(run.stdout.toString()).toMatch(/close\(\d+\) += 0\n/);
  });

  it('a lesson\'s quick calls (connect, accept with a connection queued, send, recv with data queued) are never shown blocked', async () => {
    const rounds = Array.from({ length: 10 }, () => [
      'step client: send(c, "ping\\n")',
      'step server: r = recv(a, 64)',
      'step server: send(a, "pong\\n")',
      'step client: q = recv(c, 64)',
    ]).flat();
    fs.writeFileSync(
      path.join(dir(), 'quick.lesson'),
      [
        'id: quick\ntitle: Q\nsummary: Q\norder: 2',
        'step server: l = socket(AF_INET, SOCK_STREAM)',
        'step server: bind(l, 127.0.0.1:0)',
        'step server: listen(l, 4)',
        'step server: here = getsockname(l)',
        'step client: c = socket(AF_INET, SOCK_STREAM)',
        'step client: connect(c, here)',
        'step server: a = accept(l)',
        ...rounds,
        'step client: close(c)',
        'step server: close(a)',
        'step server: close(l)',
      ].join('\n'),
    );
    const run = lesson(['quick', '--no-pause', '--lessons-dir', dir()]);
    expect((await finish(run)).code).toBe(0);
    const output = run.stdout.toString();
    expect(callLines(output.slice(0, output.indexOf('Recap:'))).filter((line) => /^(send|recv)\(/.test(line))).toHaveLength(40);
    expect(output).not.toContain('<unfinished ...>');
    expect(output).not.toContain('# blocked in');
  });
});

describe('a shell side\'s thread', () => {
  it('a held accept sleeps in a thread of its own, the prompt is free for the client, and the accept returns when the client connects', async () => {
    const run = shell();
    run.child.stdin!.write('server: s = socket(AF_INET, SOCK_STREAM)\nserver: bind(s, 127.0.0.1:0)\nserver: listen(s, 1)\nserver: here = getsockname(s)\nserver: a = accept(s)\n');
    await run.waitForStdout(/^server │ accept\(\d+,  <unfinished \.\.\.>$/m);
    const pid = run.child.pid!;
    const inAccept = asleepInAccept(pid);
    expect(inAccept).toHaveLength(1);
    expect(inAccept[0].tid).not.toBe(pid);

    // The main thread is free: the client's calls are made while the accept is held.
    run.child.stdin!.write('client: c = socket(AF_INET, SOCK_STREAM)\n');
    await run.waitForStdout(/^client │ socket\(/m);
    expect(run.stdout.toString()).not.toMatch(/^server │ accept\(\d+, \{/m);
    expect(asleepInAccept(pid).map((thread) => thread.tid)).toEqual([inAccept[0].tid]);

    run.child.stdin!.write('client: connect(c, here)\n');
    await run.waitForStdout(/^server │ accept\(\d+, \{sa_family=AF_INET, .*\}, \[16\]\) += \d+/m);
    await until('no thread in accept', () => (asleepInAccept(pid).length === 0 ? true : undefined), 2000);
    run.child.stdin!.end('client: close(c)\nserver: close(a)\nserver: close(s)\n');
    expect(await finish(run)).toEqual({ code: 0, signal: null });
    const calls = callLines(run.stdout.toString()).map((line) => line.slice(0, line.indexOf('(')));
    // The accept and the connect return together (the handshake wakes the accept during the connect): either line may come first.
    expect(calls.slice(0, 5)).toEqual(['socket', 'bind', 'listen', 'getsockname', 'socket']);
    expect(calls.slice(5, 7).sort()).toEqual(['accept', 'connect']);
    expect(calls.slice(7)).toEqual(['close', 'close', 'close']);
  });

  it('-T is the time of the libc call on the side\'s thread: a quick send or recv well under a millisecond, a held accept as long as it waited', async () => {
    const lines = [
      'server: s = socket(AF_INET, SOCK_STREAM)',
      'server: bind(s, 127.0.0.1:0)',
      'server: listen(s, 4)',
      'server: here = getsockname(s)',
      'server: a = accept(s)',
    ];
    const run = shell(['-T']);
    run.child.stdin!.write(lines.join('\n') + '\n');
    await run.waitForStdout(/^server │ # blocked in accept/m);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rounds = Array.from({ length: 10 }, () => ['client: send(c, "ping")', 'server: r = recv(a, 64)']).flat();
    run.child.stdin!.end(['client: c = socket(AF_INET, SOCK_STREAM)', 'client: connect(c, here)', ...rounds, 'client: close(c)', 'server: close(a)', 'server: close(s)'].join('\n') + '\n');
    expect((await finish(run)).code).toBe(0);
    const timed = callLines(run.stdout.toString()).map((line) => ({ name: line.slice(0, line.indexOf('(')), seconds: Number(line.match(/<(\d+\.\d{6})>$/)![1]) }));
    const quick = timed.filter((call) => call.name === 'send' || call.name === 'recv').map((call) => call.seconds).sort((a, b) => a - b);
    expect(quick).toHaveLength(20);
    // Not a benchmark: the hop to the thread pool this replaced alone took 0.1 to 6 ms.
    expect(quick[Math.floor(quick.length / 2)]).toBeLessThan(0.001);
    // The accept waited from its call (shown blocked, then 300 ms more) to the client's connect.
    expect(timed.find((call) => call.name === 'accept')!.seconds).toBeGreaterThanOrEqual(0.3);
  });

  const listenerThenAccepts = (count: number): string =>
    ['s = socket(AF_INET, SOCK_STREAM)', 'bind(s, 127.0.0.1:0)', 'listen(s, 1)', ...Array.from({ length: count }, (_, i) => `a${i} = accept(s)`)].join('\n') + '\n';

  it('a side holds at most 4 calls at once (a thread each): a fifth is refused with one line, and end of input wakes and closes the rest', async () => {
    const run = shell(['--no-state'], listenerThenAccepts(6));
    expect((await finish(run, 20000)).code).toBe(0);
    const out = run.stdout.toString();
    expect(out.match(/^server │ # netsys could not make this call: this side already has 4 calls held in the kernel/gm)).toHaveLength(2);
    expect(out.match(/^server │ accept\(\d+, 0x[0-9a-f]+, \[16\]\) += -1 EINVAL \(Invalid argument\)$/gm)).toHaveLength(4);
    expect(out).toMatch(/^server │ close\(\d+\) += 0$/m);
  });

  it('a held connect to a port two listeners share (SO_REUSEPORT) is not said to find room: which listener the kernel chose cannot be seen', async () => {
    const lines = [
      's1 = socket(AF_INET, SOCK_STREAM)', 'setsockopt(s1, SOL_SOCKET, SO_REUSEPORT, 1)', 'bind(s1, 127.0.0.1:0)', 'here = getsockname(s1)',
      's2 = socket(AF_INET, SOCK_STREAM)', 'setsockopt(s2, SOL_SOCKET, SO_REUSEPORT, 1)', 'bind(s2, here)', 'listen(s1, 0)', 'listen(s2, 100)',
      // The kernel sends each SYN to s1 or s2 by a hash of its addresses: with 12 connects, fewer than two
      // reach s1 (so that none is held) in 13 runs of 4096; with 6, in 7 of 64.
      ...Array.from({ length: 12 }, (_, i) => [`client: c${i} = socket(AF_INET, SOCK_STREAM)`, `client: connect(c${i}, here)`]).flat(),
    ];
    const run = shell(['--no-state'], lines.join('\n') + '\n');
    expect((await finish(run, 30000)).code).toBe(0);
    const notes = run.stdout.toString().match(/^client │ # blocked in connect: .*$/gm) ?? [];
    expect(notes.length).toBeGreaterThan(0); // s1's queue (backlog 0) is full after one: the SYNs the kernel sends it are dropped
    for (const note of notes) expect(note).toMatch(/: the server is far away, or its accept queue is full and its kernel drops the SYN/);
  });

  it('with -tt, a held call\'s unfinished line carries the moment it was made, as strace stamps it', async () => {
    const run = shell(['--no-state', '-tt'], listenerThenAccepts(1));
    expect((await finish(run)).code).toBe(0);
    expect(run.stdout.toString()).toMatch(/^server │ \d\d:\d\d:\d\d\.\d{6} accept\(\d+,  <unfinished \.\.\.>$/m);
  });

  it('a side thread that cannot start (ulimit -n) fails its call with a line, never leaving the shell waiting for ever', async () => {
    const run = new Running('bash', ['-c', 'ulimit -n 28; exec "$0" shell --no-color --no-state', NETSYS], listenerThenAccepts(3), { XDG_STATE_HOME: dir(), COLUMNS: '200' });
    const ended = await finish(run, 15000);
    expect(ended.signal).toBeNull();
    expect(run.stdout.toString() + run.stderr).toMatch(/EMFILE/);
  });
});
