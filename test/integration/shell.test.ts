// `netsys shell`: a scripted session makes the calls strace sees, both sides in one process, a held
// accept completed by the client's connect; mistakes get one line; save writes a lesson that runs;
// on a real terminal, Tab completes and exit closes everything.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { atTerminal, finish, netsys, Running, scratchDirPerTest } from './helpers';
import { underStrace, unseenByStrace } from './oracle';

const SESSION = [
  'server: s = socket(AF_INET, SOCK_STREAM)',
  'server: bind(s, 127.0.0.1:0)',
  'server: listen(s, 4)',
  'server: here = getsockname(s)',
  'server: a = accept(s)',
  'client: c = socket(AF_INET, SOCK_STREAM)',
  'client: connect(c, here)',
  'client: send(c, "hello\\n")',
  'server: data = recv(a, 100)',
  'server: send(a, data)',
  'client: r = recv(c, 100)',
  'server: accept(c)',
  'client: close(c)',
  'server: close(a)',
  'server: close(s)',
];

const scratch = scratchDirPerTest('netsys-shell-');

function shell(lines: readonly string[], args: readonly string[] = []): Running {
  return netsys(['shell', ...args], lines.join('\n') + '\n', { XDG_STATE_HOME: scratch() });
}

/** The completed call lines of a shell's output, without their side's label. */
function callLines(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.replace(/^(server|client) │ /, ''))
    .filter((line) => /^[a-z_0-9]+\(.*\) += /.test(line));
}

describe('netsys shell, scripted', () => {
  it('makes each call for real, both sides, and every line is one strace printed', async () => {
    const run = underStrace(scratch(), 'shell', ['shell'], SESSION.join('\n') + '\n');
    expect(await finish(run)).toEqual({ code: 0, signal: null });
    const output = run.stdout.toString();
    const calls = callLines(output);
    expect(calls.map((line) => line.slice(0, line.indexOf('(')))).toEqual([
      'socket', 'bind', 'listen', 'getsockname', 'socket', expect.stringMatching(/^(accept|connect)$/), expect.stringMatching(/^(accept|connect)$/),
      'send', 'recv', 'send', 'recv', 'accept', 'close', 'close', 'close',
    ]);
    expect(unseenByStrace(calls, scratch(), 'shell')).toEqual([]);
    expect(output).toMatch(/^server │ accept\(\d+,  <unfinished \.\.\.>$/m);
    expect(output).toMatch(/^server │ accept\(\d+, 0x[0-9a-f]+, \[16\]\) += -1 EINVAL \(Invalid argument\)$/m);
    expect(output).toContain('accept failed with EINVAL (Invalid argument)');
    expect(output).toMatch(/^client │ recv\(\d+, "hello\\n", 100, 0\) += 6$/m);
    expect(run.stderr).toBe('');
  });

  it('stops with exit 2 at a line that does not parse: one line, a caret under the place, every socket closed', async () => {
    const run = shell(['s = socket(AF_INET, SOCK_STREAM)', 'bind(s, 127.0.0.1:99999)', 'listen(s, 4)']);
    expect((await finish(run)).code).toBe(2);
    expect(run.stderr).toBe(
      'netsys: line 2: bind(s, 127.0.0.1:99999)\n' +
        '                        ^ addr: "127.0.0.1:99999" is not an address with a port, such as 127.0.0.1:0 or [::1]:0\n',
    );
    expect(callLines(run.stdout.toString()).map((line) => line.replace(/ +=/, ' ='))).toEqual([
      expect.stringMatching(/^socket\(/),
      expect.stringMatching(/^close\(\d+\) = 0$/),
    ]);
  });

  it.each([
    ['an unknown name', 'accept(nobody)', '"nobody" is not a name given by an earlier step'],
    ['an unknown constant', 'x = socket(AF_INTE, SOCK_STREAM)', 'domain: unknown constant AF_INTE'],
    ['a malformed call', 'x = socket(AF_INET, SOCK_STREAM', 'expected ")" to close the call'],
  ])('gives %s one line and exit 2, with no stack trace', async (_, line, problem) => {
    const run = shell([line]);
    expect((await finish(run)).code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ +\^ /);
    expect(lines[1]).toContain(problem);
  });

  it('refuses to rebind a name that holds an open descriptor, and to close one a held call waits on', async () => {
    const run = shell([
      's = socket(AF_INET, SOCK_STREAM)',
      's = socket(AF_INET, SOCK_STREAM)',
      'bind(s, 127.0.0.1:0)',
      'listen(s, 1)',
      'a = accept(s)',
      'close(s)',
      'shutdown(s, SHUT_RDWR)',
      'close(s)',
    ]);
    expect((await finish(run)).code).toBe(0);
    const output = run.stdout.toString();
    expect(output).toContain('"s" holds descriptor');
    expect(output).toContain('on Linux close would not wake it: shutdown(s, SHUT_RDWR) does');
    const calls = callLines(output).map((line) => line.slice(0, line.indexOf('(')));
    expect(calls).toEqual(['socket', 'bind', 'listen', 'shutdown', 'accept', 'close']);
  });

  it('save writes a lesson that netsys lesson runs to its end', async () => {
    const run = shell([...SESSION, `save ${path.join(scratch(), 'my-session')}`]);
    expect((await finish(run)).code).toBe(0);
    const file = path.join(scratch(), 'my-session.lesson');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('id: my-session\n');
    expect(text).toContain('step server: accept(c)\nexpect: EINVAL\nbefore:\n');
    const lesson = netsys(['lesson', '--lessons-dir', scratch(), 'my-session', '--no-pause', '--no-color'], '', { XDG_STATE_HOME: scratch() });
    expect((await finish(lesson)).code).toBe(0);
    expect(lesson.stdout.toString()).toContain('# lesson my-session finished');
  });

  it('--json writes one record per call on standard output; -o FILE writes the trace there', async () => {
    const lines = ['s = socket(AF_INET, SOCK_STREAM)', 'listen(s, 1)', 'close(s)'];
    const json = shell(lines, ['--json']);
    expect((await finish(json)).code).toBe(0);
    const records = json.stdout.toString().trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; call?: string });
    expect(records.filter((record) => record.type === 'call').map((record) => record.call)).toEqual(['socket', 'listen', 'close']);

    const file = path.join(scratch(), 'trace.txt');
    const traced = shell(lines, ['-o', file, '-T']);
    expect((await finish(traced)).code).toBe(0);
    expect(callLines(traced.stdout.toString())).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^listen\(\d+, 1\) += 0 <\d\.\d{6}>$/m);
  });
});

describe('netsys shell, leaving', () => {
  it('SIGTERM with an accept held: the accept is woken by shutdown, every socket closed, each call shown, exit 143', async () => {
    const run = netsys(['shell'], undefined, { XDG_STATE_HOME: scratch() });
    run.child.stdin!.write('s = socket(AF_INET, SOCK_STREAM)\nbind(s, 127.0.0.1:0)\nlisten(s, 1)\na = accept(s)\nclient: c = socket(AF_INET, SOCK_STREAM)\n');
    await run.waitForStdout(/^client │ socket\(/m);
    run.child.kill('SIGTERM');
    expect(await finish(run)).toEqual({ code: 143, signal: null });
    const calls = callLines(run.stdout.toString()).map((line) => line.slice(0, line.indexOf('(')));
    expect(calls.slice(-4).sort()).toEqual(['accept', 'close', 'close', 'shutdown']);
    expect(run.stdout.toString()).toContain('# SIGTERM: closing every socket netsys opened');
    expect(run.stdout.toString()).toContain('because the shutdown(SHUT_RDWR) above woke it');
  });
});

describe('netsys shell at a terminal', () => {
  it('completes with Tab, completes a held accept when the client connects, keeps history, and exit closes everything', async () => {
    const report = await atTerminal(scratch(), 'shell --no-color', [
      'line:s = socket(AF_INET, SOCK_STREAM)',
      'line:bind(s, 127.0.0.1:0)',
      'line:listen(s, 4)',
      'line:here = getsockname(s)',
      'line:a = accept(s)',
      'line:client',
      'tab:c = sock',
      'raw:^U',
      'line:c = socket(AF_INET, SOCK_STREAM)',
      'line:connect(c, here)',
      'wait:# a is now descriptor',
      'raw:half a line^C',
      'line:exit',
    ]);
    const output = report.output.replace(/\r/g, '');
    expect(report.exit).toBe(0);
    expect(output).toContain('c = socket(');
    expect(output).toMatch(/accept\(\d+,  <unfinished \.\.\.>/);
    expect(output).toMatch(/server │ accept\(\d+, \{sa_family=AF_INET, .*\) += \d+/);
    expect(output).toMatch(/client │ connect\(\d+, .*\) += 0/);
    expect(output).toContain('half a line^C');
    expect(output.match(/close\(\d+\) += 0/g)).toHaveLength(3);
    const history = fs.readFileSync(path.join(scratch(), 'netsys', 'shell_history'), 'utf8');
    expect(history).toContain('a = accept(s)\n');
  });
});
