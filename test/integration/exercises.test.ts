// Your-turn steps: the kernel checks the goal, not the text typed. Right answers written two ways pass;
// a wrong one shows the kernel's answer and the hint; the input running out ends the run with 1; a call
// that reads right but that the kernel refuses fails; at a terminal, solution shows the reference and
// a lesson met without it is marked solved.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { atTerminal, finish, flat, netsys, Running, scratchDirPerTest } from './helpers';
import { underStrace, unseenByStrace } from './oracle';

const BUILD_SERVER = (backlog: string) => [
  'listener = socket(AF_INET, SOCK_STREAM)',
  'bind(listener, 127.0.0.1:0)',
  `listen(listener, ${backlog})`,
  'conn = accept(listener)',
  'data = recv(conn, 1024)',
  'send(conn, data)',
  'close(conn)',
  'close(listener)',
];

const scratch = scratchDirPerTest('netsys-exercise-');

function lesson(args: readonly string[], lines: readonly string[]): Running {
  return netsys(['lesson', '--no-color', ...args], lines.map((line) => line + '\n').join(''), { XDG_STATE_HOME: scratch(), COLUMNS: '80' });
}

function progress(): { finished: Record<string, string>; solved?: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(scratch(), 'netsys', 'progress.json'), 'utf8'));
}

/** The recap's call lines, without their side's label. */
function recapCalls(output: string): string[] {
  return output
    .slice(output.indexOf('Recap:'))
    .split('\n')
    .flatMap((line) => line.match(/^ {2}(?:server|client) {2}([a-z_0-9]+\(.*)$/)?.[1] ?? []);
}

describe('build-server from piped answers', () => {
  it.each(['4', 'SOMAXCONN'])('passes with listen backlog %s, marks the lesson solved, and agrees with strace', async (backlog) => {
    const run = underStrace(scratch(), 'lesson', ['lesson', 'build-server', '--no-color'], [...BUILD_SERVER(backlog), 'lines after the last step are ignored'].join('\n') + '\n');
    expect(await finish(run)).toEqual({ code: 0, signal: null });
    const output = run.stdout.toString();
    expect(output.match(/# goal met: /g)).toHaveLength(8);
    expect(output).toMatch(new RegExp(`listen\\(\\d+, ${backlog === '4' ? 4 : 4096}\\)`));
    expect(unseenByStrace(recapCalls(output), scratch(), 'lesson')).toEqual([]);
    expect(recapCalls(output)).toHaveLength(15);
  });

  it('a missing listen: the accept fails with EINVAL, the hint follows, and the run ends with 1 when the input does', async () => {
    const run = lesson(['build-server'], ['listener = socket(AF_INET, SOCK_STREAM)', 'bind(listener, 127.0.0.1:0)', 'conn = accept(listener)']);
    expect((await finish(run)).code).toBe(1);
    const output = flat(run.stdout.toString());
    expect(output).toMatch(/accept\(\d+, 0x[0-9a-f]+, \[16\]\) += -1 EINVAL \(Invalid argument\)/);
    expect(output).toContain('Not yet: the kernel answered EINVAL: the call failed; the kernel says listener is CLOSE, not LISTEN.');
    expect(output).toContain('Hint: listen() takes the socket and a backlog');
    expect(run.stderr).toBe('netsys: the input ended before the goal of step 3 (lessons/build-server.lesson:37) was met\n');
    expect(output).toMatch(/close\(\d+\) += 0/);
  });

  it('a call of another kind at the accept step: the kernel\'s queue said in words that agree, and the hint', async () => {
    const run = lesson(['build-server'], [...BUILD_SERVER('4').slice(0, 3), 'conn = socket(AF_INET, SOCK_STREAM)']);
    expect((await finish(run)).code).toBe(1);
    const output = flat(run.stdout.toString());
    expect(output).toContain('Not yet: the kernel says conn is CLOSE, not ESTABLISHED; the kernel says 1 connection waits in listener\'s accept queue.');
    expect(output).toContain('Hint: accept() takes the listening socket');
    expect(output.match(/close\(\d+\) += 0/g)).toHaveLength(3);
  });

  it('a piped answer with control bytes is shown back without them, and is a miss that says why', async () => {
    const run = lesson(['build-server'], ['\u001b[2J\u0001']);
    expect((await finish(run)).code).toBe(1);
    expect(run.stdout.toString()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(flat(run.stdout.toString())).toContain('server> \u241b[2J\u2401 Not yet: \u241b[2J\u2401 does not read as a call at column 1: a control character (U+001b');
  });

  it('write and read are send and recv without flags: they meet the send and recv steps of both exercises', async () => {
    const server = lesson(['build-server'], [...BUILD_SERVER('4').slice(0, 4), 'data = read(conn, 1024)', 'write(conn, data)', 'close(conn)', 'close(listener)']);
    expect((await finish(server)).code).toBe(0);
    expect(server.stdout.toString()).toContain('# lesson build-server finished, and solved');
    const client = lesson(['build-client'], ['sock = socket(AF_INET, SOCK_STREAM)', 'connect(sock, server)', 'write(sock, "hello\\n")', 'reply = read(sock, 1024)', 'close(sock)']);
    expect((await finish(client)).code).toBe(0);
    expect(client.stdout.toString()).toContain('# lesson build-client finished, and solved');
  });

  it('a recv that takes part of the line: the learner hears where the rest is, then that the step cannot be met any more, and how to begin again', async () => {
    const run = lesson(['build-server'], [...BUILD_SERVER('4').slice(0, 4), 'data = recv(conn, 3)', 'data = recv(conn, 1024)', 'q']);
    expect((await finish(run)).code).toBe(0);
    const output = flat(run.stdout.toString());
    expect(output).toContain('Not yet: data is "hel", not "hello\\n" (its first 3 bytes: the rest is still in the kernel\'s receive queue).');
    expect(output).toContain('Not yet: data is "lo\\n", not "hello\\n" (its end: an earlier call took the start, and the kernel gives each byte once, so this step cannot be met any more; q quits, to begin the lesson again).');
  });

  it('a socket closed a step too early: its own close step is met already, not a dead end of EBADF', async () => {
    const run = lesson(['build-server'], [...BUILD_SERVER('4').slice(0, 6), 'close(listener)', 'close(conn)']);
    expect((await finish(run)).code).toBe(0);
    const output = flat(run.stdout.toString());
    expect(output).toContain('Not yet: conn (descriptor');
    expect(output).toContain('# goal met already: listener is closed (an earlier call closed it)');
    expect(output).not.toContain('EBADF');
    expect(output).toContain('# lesson build-server finished, and solved');
  });

  it('a call on a name closed by a wrong try: EBADF, and the learner hears the descriptor cannot be used again, and how to begin again', async () => {
    const run = lesson(['build-client'], ['sock = socket(AF_INET, SOCK_STREAM)', 'connect(sock, server)', 'send(sock, "hello\\n")', 'close(sock)', 'reply = recv(sock, 1024)']);
    expect((await finish(run)).code).toBe(1);
    expect(flat(run.stdout.toString())).toContain(
      'Not yet: the kernel answered EBADF: the call failed; reply stands for nothing yet; sock was closed by an earlier call, and a closed descriptor cannot be used again: if a later step needs it, q quits, to begin the lesson again.',
    );
  });

  it('at 50 columns every line of a your-turn step fits: the title, the instructions (under their indentation) and the notes wrap', async () => {
    const run = netsys(['lesson', '--no-color', 'build-server'], 'q\n', { XDG_STATE_HOME: scratch(), COLUMNS: '50' });
    expect((await finish(run)).code).toBe(0);
    const lines = run.stdout.toString().split('\n');
    expect(lines.filter((line) => line.length > 50)).toEqual([]);
    expect(lines).toContain('  hint, "solution" the reference call, "q" quits).');
  });

  it('a piped answer of megabytes is echoed and judged in a few short lines', async () => {
    const run = lesson(['build-server'], ['x'.repeat(3000000)]);
    expect((await finish(run)).code).toBe(1);
    const output = run.stdout.toString();
    expect(output.length).toBeLessThan(4000);
    expect(flat(output)).toContain('does not read as a call at column 3000001: expected "(" after xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…: a call such as');
  });

  it('a try of the step\'s call must name its result as the reference does, and solution counts the step as shown', async () => {
    const run = lesson(['build-server'], ['socket(AF_INET, SOCK_STREAM)', 'solution', 'listener = socket(AF_INET, SOCK_STREAM)']);
    expect((await finish(run)).code).toBe(1);
    const output = flat(run.stdout.toString());
    expect(output).toContain('Not yet: this step\'s result is to be named listener: write "listener = socket(...)".');
    expect(output).toContain('The reference call: listener = socket(AF_INET, SOCK_STREAM)');
    expect(output.match(/server │ socket\(/g)).toHaveLength(1);
  });

  it('a try the kernel holds is a miss; the shutdown that wakes it, then close, meet the goal', async () => {
    const lines = [...BUILD_SERVER('4').slice(0, 6), 'x = recv(conn, 10)', 'close(conn)', 'shutdown(conn, SHUT_RDWR)', 'close(conn)', 'close(listener)'];
    const run = lesson(['build-server'], lines);
    expect((await finish(run, 30000)).code).toBe(0);
    const output = flat(run.stdout.toString());
    expect(output).toContain('Not yet: your call is still waiting in the kernel, so it cannot meet the goal now.');
    expect(output).toContain('close(21) while another call on it is still in the kernel'.replace('21', output.match(/recv\((\d+), <unfinished/)![1]));
    expect(output).toMatch(/recv\(\d+, "", 10, 0\) += 0 .*close\(\d+\) += 0 server │ # goal met: conn is closed/);
  }, 40000);

  it('--no-pause makes the reference solution, which meets every goal; not solved', async () => {
    const run = lesson(['build-server', '--no-pause'], []);
    expect((await finish(run)).code).toBe(0);
    expect(run.stdout.toString()).toContain('# lesson build-server finished\n');
    expect(progress().solved?.['build-server']).toBeUndefined();
  });
});

describe('a goal the kernel checks', () => {
  /** A lesson with one your-turn step after a setup, in a lessons folder of its own. */
  function writeLesson(steps: string): string {
    const lessons = path.join(scratch(), 'lessons');
    fs.mkdirSync(lessons, { recursive: true });
    fs.writeFileSync(path.join(lessons, 'try.lesson'), `id: try\ntitle: t\nsummary: s\norder: 1\n${steps}`);
    return lessons;
  }

  it('a bind that reads right fails on what the kernel said (EADDRINUSE), and the next try passes', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const lessons = writeLesson(
        'step server: s = socket(AF_INET, SOCK_STREAM)\npause: no\nstep server: bind(s, 127.0.0.1:0)\ntask: Bind s to loopback.\nhint: Port 0.\ngoal: s is bound to 127.0.0.1\n',
      );
      const run = lesson(['--lessons-dir', lessons, 'try'], [`bind(s, 127.0.0.1:${port})`, 'bind(s, 127.0.0.1:0)']);
      expect((await finish(run)).code).toBe(0);
      const output = flat(run.stdout.toString());
      expect(output).toContain(`sin_port=htons(${port})`);
      expect(output).toContain('Not yet: the kernel answered EADDRINUSE: the call failed; the kernel says s is bound to no address yet.');
      expect(output).toMatch(/# goal met: the kernel says s is bound to 127\.0\.0\.1:\d+/);
      expect(output).toContain('# lesson try finished, and solved');
    } finally {
      holder.close();
    }
  });

  it('--no-pause: a reference call that misses its own goal fails the lesson, naming the step', async () => {
    const lessons = writeLesson('step server: s = socket(AF_INET, SOCK_STREAM)\ntask: Make a listening socket.\ngoal: s is LISTEN\n');
    const run = lesson(['--lessons-dir', lessons, 'try', '--no-pause'], []);
    expect((await finish(run)).code).toBe(1);
    expect(run.stderr).toBe("netsys: step 1 (lessons/try.lesson:5): the reference call does not meet the step's goal: the kernel says s is CLOSE, not LISTEN\n".replace('lessons/try', path.join(lessons, 'try')));
  });

  it('fails with ERRNO: provoking EADDRINUSE yourself is the goal', async () => {
    const lessons = writeLesson(
      [
        'step server: a = socket(AF_INET, SOCK_STREAM)',
        'pause: no',
        'step server: bind(a, 127.0.0.1:0)',
        'pause: no',
        'step server: taken = getsockname(a)',
        'pause: no',
        'step server: b = socket(AF_INET, SOCK_STREAM)',
        'pause: no',
        'step server: bind(b, taken)',
        'task: Bind b to the address a holds.',
        'goal: fails with EADDRINUSE',
        '',
      ].join('\n'),
    );
    // The wrong try leaves b bound (a second bind would fail with EINVAL): close it, and take a new socket.
    const run = lesson(['--lessons-dir', lessons, 'try'], ['bind(b, 127.0.0.1:0)', 'close(b)', 'b = socket(AF_INET, SOCK_STREAM)', 'bind(b, taken)']);
    expect((await finish(run)).code).toBe(0);
    const output = flat(run.stdout.toString());
    expect(output).toContain('Not yet: it succeeded (returned 0) instead of failing with EADDRINUSE.');
    expect(output).toContain('# goal met: it failed with EADDRINUSE');
  });

  it('errors: the your-turn step met, its failure explained once, by the lesson\'s words, not by errno\'s as if it were a mistake', async () => {
    const run = lesson(['errors'], ['bind(second, taken)']);
    expect((await finish(run)).code).toBe(0);
    const output = flat(run.stdout.toString());
    expect(output).toMatch(/Your turn: Make the kernel answer EADDRINUSE yourself: bind the socket named second \(descriptor \d+\) to the address and port that first \(descriptor \d+\) already holds, which getsockname gave the name taken \(127\.0\.0\.1:\d+\)\./);
    expect(output).toContain('# goal met: it failed with EADDRINUSE');
    expect(output).toContain('bind failed with EADDRINUSE, "Address already in use". Unless both set an option for it');
    expect(output).not.toContain('bind failed with EADDRINUSE (Address already in use).');
  });
});

describe('a your-turn step at a terminal', () => {
  it('shows the hint after a wrong try, the reference on solution, and marks a lesson met without it solved', async () => {
    const report = await atTerminal(scratch(), 'lesson build-client --no-color', [
      'line:sock = socket(AF_INET, SOCK_DGRAM)',
      'line:close(sock)',
      'tab:sock = sock',
      'raw:^U',
      'line:sock = socket(AF_INET, SOCK_STREAM)',
      'line:solution',
      'line:connect(sock, server)',
      'line:send(sock, "hello\\n")',
      'line:reply = recv(sock, 1024)',
      'raw:close(sock)\r',
      'wait:# lesson build-client finished',
    ]);
    const output = flat(report.output);
    expect(report.exit).toBe(0);
    expect(output).toContain('Not yet: the kernel says sock is not a TCP socket, not CLOSE.');
    expect(output).toContain('Hint: socket() takes a family');
    expect(output).toContain('sock = socket(');
    expect(output).toContain('The reference call: connect(sock, server)');
    expect(output).toContain('# lesson build-client finished ');
    expect(progress().solved?.['build-client']).toBeUndefined();

    await atTerminal(scratch(), 'lesson build-client --no-color', [
      'line:sock = socket(AF_INET, SOCK_STREAM)',
      'line:connect(sock, server)',
      'line:send(sock, "hello\\n")',
      'line:reply = recv(sock, 1024)',
      'raw:close(sock)\r',
      'wait:# lesson build-client finished',
    ]);
    expect(progress().solved?.['build-client']).toEqual(expect.any(String));
    const list = netsys(['lesson', '--no-color'], '', { XDG_STATE_HOME: scratch() });
    await finish(list);
    expect(flat(list.stdout.toString())).toMatch(/✓ build-client Your turn: build the TCP client yourself ★ solved/);
  });

  it('Ctrl-C on a call being typed clears it and Ctrl-D there deletes, as in netsys shell; Ctrl-C on an empty prompt leaves, closing every socket', async () => {
    const report = await atTerminal(scratch(), 'lesson build-server --no-color', [
      'line:listener = socket(AF_INET, SOCK_STREAM)',
      'raw:half a line^D^C',
      'line:bind(listener, 127.0.0.1:0)',
      'raw:^C',
    ]);
    const output = report.output.replace(/\r/g, '');
    expect(output).toContain('half a line^C');
    expect(output).toMatch(/^bind\(\d+, /m);
    expect(output).toContain('# goal met: the kernel says listener is bound to 127.0.0.1:');
    expect(output).toMatch(/# SIGINT: closing every socket netsys opened\nclose\(\d+\) += 0/);
    expect(report.exit).toBe(130);
  });
});
