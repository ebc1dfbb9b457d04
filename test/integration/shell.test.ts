// `netsys shell`: a scripted session makes the calls strace sees, both sides in one process, a held
// accept completed by the client's connect; mistakes get one line; save writes a lesson that runs;
// on a real terminal, Tab completes and exit closes everything.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { atTerminal, finish, NETSYS, netsys, Running, scratchDirPerTest, until } from './helpers';
import { TRACED, underStrace, unseenByStrace } from './oracle';

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
    ['an unknown constant', 'x = socket(AF_INTE, SOCK_STREAM)', 'domain: unknown constant AF_INTE (nearest known here: AF_INET, AF_INET6, AF_UNIX, AF_IPX; Tab lists them all)'],
    ['a constant in small letters', 'x = socket(af_inet, SOCK_STREAM)', 'domain: constants are written in capitals, as in C: AF_INET, not af_inet'],
    ['a malformed call', 'x = socket(AF_INET, SOCK_STREAM', 'expected ")" to close the call'],
    ['text after the call', 'x = socket(AF_INET, SOCK_STREAM) extra', 'nothing may follow the call\'s closing ")": found "extra"'],
    ['an empty argument', 'x = socket(AF_INET, )', 'type is missing: write a value between the commas, or leave out the comma'],
    ['a string in single quotes', "a = getaddrinfo('localhost', 80)", 'node: strings are written in double quotes, as in C: "localhost"'],
    ['a control byte', 'x = socket(AF_INET, SOCK_STREAM)\u0001', 'a control character (U+0001, shown as \u2401) cannot be part of a call'],
    ['a terminal escape', 'x = socket(AF_INET,\u001b[2J SOCK_STREAM)', 'a control character (U+001b, shown as \u241b)'],
  ])('gives %s one line and exit 2, with no stack trace', async (_, line, problem) => {
    const run = shell([line]);
    expect((await finish(run)).code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ +\^ /);
    expect(lines[1]).toContain(problem);
    // the line is shown back with no byte a terminal would act on, and the caret under the place
    expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    const echoed = lines[0].replace(/^netsys: line 1: /, '');
    const caret = lines[1].indexOf('^') - (lines[0].length - echoed.length);
    if (/[\u0000-\u001f]/.test(line)) expect(echoed[caret]).toMatch(/[\u2400-\u241f]/);
  });

  it.each([
    ['a negative buffer size', 'recv(s, -1)', 'len: -1 is out of range: it must be a size from 0 to 1048576 bytes'],
    ['a buffer over 1 MiB', 'read(s, 1048577)', 'count: 1048577 is out of range'],
    ['an int option value over a C int', 'setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 99999999999)', 'optval: 99999999999 is out of range: it must be a C int'],
    ['a backlog over a C int', 'listen(s, 4294967296)', 'backlog: 4294967296 is out of range'],
    ['a poll timeout over a C int', 'poll([s], 99999999999)', 'timeout: 99999999999 is out of range'],
    ['a number in another notation', 'setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, 1e3)', 'optval: "1e3" is not a whole number such as 4 (or seconds such as 1.5'],
  ])('gives %s one line and exit 2 before any call: the kernel gets only what the line says', async (_, line, problem) => {
    const run = shell(['s = socket(AF_INET, SOCK_STREAM)', line]);
    expect((await finish(run)).code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ +\^ /);
    expect(lines[1]).toContain(problem);
    expect(callLines(run.stdout.toString()).map((call) => call.slice(0, call.indexOf('(')))).toEqual(['socket', 'close']);
  });

  it('prints an unknown socket type and every message flag as strace prints them', async () => {
    const lines = ['x = socket(AF_INET, -1)', 'y = socket(AF_INET, 0)', 'z = socket(AF_INET, 15)', 's = socket(AF_INET, SOCK_STREAM)', 'send(s, "a", -1)', 'send(s, "a", MSG_PROBE|MSG_CMSG_COMPAT)', 'close(s)'];
    const run = underStrace(scratch(), 'odd', ['shell'], lines.join('\n') + '\n');
    expect(await finish(run)).toEqual({ code: 0, signal: null });
    const calls = callLines(run.stdout.toString());
    expect(calls).toHaveLength(7);
    expect(calls[0]).toMatch(/^socket\(AF_INET, SOCK_CLOEXEC\|SOCK_NONBLOCK\|0xfff7f7ff, IPPROTO_IP\) += -1 EINVAL/);
    expect(calls[4]).toContain('|MSG_CMSG_CLOEXEC|MSG_CMSG_COMPAT|0x1bf00000) ');
    expect(unseenByStrace(calls, scratch(), 'odd')).toEqual([]);
  });

  it('-y names a held connect\'s socket as strace -yy does, when it is made, when the shutdown that wakes it is made, and when it returns', async () => {
    const lines = [
      's = socket(AF_INET, SOCK_STREAM)', 'bind(s, 127.0.0.1:0)', 'listen(s, 0)', 'h = getsockname(s)',
      'client: c1 = socket(AF_INET, SOCK_STREAM)', 'client: connect(c1, h)',
      'client: c2 = socket(AF_INET, SOCK_STREAM)', 'client: connect(c2, h)',
      'client: c3 = socket(AF_INET, SOCK_STREAM)', 'client: connect(c3, h)',
      'client: shutdown(c3, SHUT_RDWR)', 'client: close(c3)',
    ];
    const run = new Running('strace', ['-qq', '-ff', '-yy', '-o', path.join(scratch(), 'y'), '-e', `trace=${TRACED}`, NETSYS, 'shell', '-yy'], lines.join('\n') + '\n', { XDG_STATE_HOME: scratch() });
    expect(await finish(run)).toEqual({ code: 0, signal: null });
    const calls = callLines(run.stdout.toString());
    expect(calls.find((line) => line.startsWith('shutdown('))).toMatch(/^shutdown\(\d+<TCP:\[127\.0\.0\.1:\d+->127\.0\.0\.1:\d+\]>, SHUT_RDWR\)/);
    expect(calls.filter((line) => line.includes('ECONNRESET'))).toHaveLength(2);
    expect(unseenByStrace(calls, scratch(), 'y')).toEqual([]);
  });

  it('empty data and a buffer of 0 bytes are passed as C passes them (a pointer, not NULL), so each line is the one strace printed', async () => {
    const lines = [
      's = socket(AF_INET, SOCK_STREAM)', 'recv(s, 0)', 'read(s, 0)', 'write(s, "")', 'send(s, "")',
      'u = socket(AF_INET, SOCK_DGRAM)', 'bind(u, 127.0.0.1:0)', 'h = getsockname(u)', 'sendto(u, "", h)', 'r = recvfrom(u, 0)', 'close(u)', 'close(s)',
    ];
    const run = new Running('strace', ['-qq', '-ff', '-o', path.join(scratch(), 'empty'), '-e', 'trace=%network,read,write,close', NETSYS, 'shell'], lines.join('\n') + '\n', { XDG_STATE_HOME: scratch() });
    expect(await finish(run)).toEqual({ code: 0, signal: null });
    const calls = callLines(run.stdout.toString());
    expect(calls.filter((line) => /^(recv|read|write|send|sendto|recvfrom)\(/.test(line))).toHaveLength(6);
    expect(unseenByStrace(calls, scratch(), 'empty')).toEqual([]);
  });

  it('socket\'s family and protocol by the names strace gives every number (AF_ALG, IPPROTO_GRE, NETLINK_ROUTE)', async () => {
    const lines = ['a = socket(AF_INET, SOCK_RAW, 47)', 'b = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE)', 'c = socket(AF_NETLINK, SOCK_RAW, 0)', 'd = socket(38, SOCK_SEQPACKET, 0)', 'close(a)', 'close(b)', 'close(c)'];
    const run = underStrace(scratch(), 'families', ['shell'], lines.join('\n') + '\n');
    expect(await finish(run)).toEqual({ code: 0, signal: null });
    const calls = callLines(run.stdout.toString());
    expect(calls.slice(0, 4).map((line) => line.slice(0, line.indexOf(')') + 1))).toEqual([
      'socket(AF_INET, SOCK_RAW, IPPROTO_GRE)',
      'socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE)',
      'socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)',
      'socket(AF_ALG, SOCK_SEQPACKET, 0)',
    ]);
    expect(unseenByStrace(calls, scratch(), 'families')).toEqual([]);
  });

  it('setsockopt as C writes it (IPPROTO_TCP as the level), and every option as strace names and shows it', async () => {
    const lines = [
      's = socket(AF_INET6, SOCK_DGRAM)',
      'setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1)',
      'setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, 0)',
      'setsockopt(s, SOL_SOCKET, SO_LINGER, 1)',
      'setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, 1)',
      'setsockopt(s, SOL_IP, IP_ADD_MEMBERSHIP, 1)',
      'setsockopt(s, SOL_IPV6, MCAST_JOIN_GROUP, 1)',
      'setsockopt(s, SOL_IP, IP_MULTICAST_TTL, 1)',
      'setsockopt(s, SOL_UDP, UDP_CORK, 1)',
      'setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, 1)',
      'setsockopt(s, 999, 1, 1)',
      'setsockopt(s, SOL_SOCKET, 0, 1)',
      'close(s)',
    ];
    const run = underStrace(scratch(), 'opts', ['shell'], lines.join('\n') + '\n');
    expect(await finish(run)).toEqual({ code: 0, signal: null });
    const calls = callLines(run.stdout.toString());
    expect(calls.filter((line) => line.startsWith('setsockopt('))).toHaveLength(11);
    expect(calls).toContainEqual(expect.stringMatching(/^setsockopt\(\d+, SOL_SOCKET, SO_LINGER, 0x[0-9a-f]+, 4\) += -1 EINVAL/));
    expect(calls).toContainEqual(expect.stringMatching(/^setsockopt\(\d+, 0x3e7 \/\* SOL_\?\? \*\/, 1, \[1\], 4\)/));
    expect(unseenByStrace(calls, scratch(), 'opts')).toEqual([]);
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

  it('a line of megabytes that does not parse gets one short line around the place, and its caret under it', async () => {
    const run = shell(['s = socket(AF_INET, SOCK_STREAM)', `send(s, "${'A'.repeat(2000)}", ${'Q'.repeat(1000000)})`]);
    expect((await finish(run)).code).toBe(2);
    const [line, caret] = run.stderr.trimEnd().split('\n');
    expect(line.length).toBeLessThan(200);
    expect(caret.length).toBeLessThan(700);
    expect(line[caret.indexOf('^')]).toBe('Q');
    expect(caret).toContain('^ flags: unknown constant QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ… (nearest known here: ');
  });

  it.each([
    ['-o /dev/full', ['-o', '/dev/full'], 'netsys: cannot write the trace to /dev/full: ENOSPC (No space left on device)\n'],
    ['-o a directory', ['-o', '/tmp'], 'netsys: cannot write the trace to /tmp: EISDIR (Is a directory); -o needs a file netsys can create or overwrite\n'],
  ])('a trace that cannot be written (%s) is said, and the exit is not 0, even when the script ends first', async (_, args, message) => {
    const run = shell(['s = socket(AF_INET, SOCK_STREAM)', 'listen(s, 1)'], args);
    expect((await finish(run)).code).toBe(args[1] === '/tmp' ? 2 : 1);
    expect(run.stderr).toBe(message);
  });

  it('standard input a directory: one line saying so and exit 2, not a silent exit 0 as if every line was read', () => {
    const input = fs.openSync(scratch(), 'r');
    try {
      const run = spawnSync(NETSYS, ['shell'], { stdio: [input, 'pipe', 'pipe'], env: { ...process.env, XDG_STATE_HOME: scratch() }, timeout: 10000, encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr).toBe('netsys: standard input is a directory, not a file of lines: give the calls in a file (netsys shell < session.txt), or run netsys shell at a terminal\n');
    } finally {
      fs.closeSync(input);
    }
  });

  it('names shows received UTF-8 text as the text that was sent, with its count of bytes', async () => {
    const run = shell([
      's = socket(AF_INET, SOCK_STREAM)', 'bind(s, 127.0.0.1:0)', 'listen(s, 1)', 'h = getsockname(s)',
      'client: c = socket(AF_INET, SOCK_STREAM)', 'client: connect(c, h)', 'a = accept(s)',
      'client: send(c, "h\u00e9\\n")', 'd = recv(a, 10)', 'names',
    ]);
    expect((await finish(run)).code).toBe(0);
    expect(run.stdout.toString()).toContain('  d  "h\u00e9\\n" (4 bytes)');
  });

  it('save refuses a directory and a lesson this session did not write, and saves again over its own', async () => {
    fs.writeFileSync(path.join(scratch(), 'theirs.lesson'), 'a teacher\'s words\n');
    const run = shell([
      's = socket(AF_INET, SOCK_STREAM)',
      `save ${scratch()}`,
      `save ${path.join(scratch(), 'theirs')}`,
      `save ${path.join(scratch(), 'mine')}`,
      'listen(s, 1)',
      `save ${path.join(scratch(), 'mine.lesson')}`,
      'close(s)',
    ]);
    expect((await finish(run)).code).toBe(0);
    const output = run.stdout.toString();
    expect(output).toContain(`# save: ${scratch()} is a directory; name the file in it, such as ${path.join(scratch(), 'my-session.lesson')}`);
    expect(output).toContain(`# save: ${path.join(scratch(), 'theirs.lesson')} already exists and this session did not write it`);
    expect(output).toContain(`# saved 1 call to ${path.join(scratch(), 'mine.lesson')}`);
    expect(output).toContain(`# saved 2 calls to ${path.join(scratch(), 'mine.lesson')}`);
    expect(fs.readFileSync(path.join(scratch(), 'theirs.lesson'), 'utf8')).toBe('a teacher\'s words\n');
    expect(fs.existsSync(`${scratch()}.lesson`)).toBe(false);
    expect(fs.readFileSync(path.join(scratch(), 'mine.lesson'), 'utf8')).toContain('step server: listen(s, 1)\n');
  });

  it('--json writes one record per call on standard output; -o FILE writes the trace there', async () => {
    const lines = ['s = socket(AF_INET, SOCK_STREAM)', 'listen(s, 1)', 'close(s)'];
    const json = shell(lines, ['--json']);
    expect((await finish(json)).code).toBe(0);
    const records = json.stdout.toString().trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; call?: string; seq?: number });
    expect(records.filter((record) => record.type === 'call').map((record) => record.call)).toEqual(['socket', 'listen', 'close']);

    // both sides' calls in one trace: each record's seq is its own, in the order the calls returned
    const both = shell(['s = socket(AF_INET, SOCK_STREAM)', 'client: c = socket(AF_INET, SOCK_STREAM)', 'client: close(c)', 'close(s)'], ['--json']);
    expect((await finish(both)).code).toBe(0);
    const seqs = both.stdout.toString().trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; seq?: number }).filter((record) => record.type === 'call').map((record) => record.seq);
    expect(seqs).toEqual([1, 2, 3, 4]);

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

describe('netsys shell, hung up', () => {
  it('SIGHUP with an accept held and -o FILE: the file still gets the shutdown, the woken accept and the close, exit 129', async () => {
    const file = path.join(scratch(), 'trace.txt');
    const run = netsys(['shell', '-o', file], undefined, { XDG_STATE_HOME: scratch() });
    run.child.stdin!.write('s = socket(AF_INET, SOCK_STREAM)\nbind(s, 127.0.0.1:0)\nlisten(s, 1)\na = accept(s)\n');
    await until('the held accept in the trace file', () => (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('<unfinished ...>') ? true : undefined));
    run.child.kill('SIGHUP');
    expect(await finish(run)).toEqual({ code: 129, signal: null });
    const calls = callLines(fs.readFileSync(file, 'utf8')).map((line) => line.slice(0, line.indexOf('(')));
    expect(calls.slice(-3).sort()).toEqual(['accept', 'close', 'shutdown']);
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

  it.each([9, 2])('at %i columns still makes each call and leaves: a row narrower than a call cannot hang the shell', async (columns) => {
    const report = await atTerminal(scratch(), 'shell --no-color', ['line:s = socket(AF_INET, SOCK_STREAM)', 'line:exit'], columns);
    expect(report.exit).toBe(0);
    expect(report.output.replace(/\s+/g, '')).toContain('close(');
  });

  it('at 80 columns help fits the terminal: each line that is too long goes on under itself', async () => {
    const report = await atTerminal(scratch(), 'shell --no-color', ['line:help', 'line:exit'], 80);
    expect(report.exit).toBe(0);
    const output = report.output.replace(/\r/g, '');
    const help = output.slice(output.indexOf('Calls ('), output.indexOf('server> ', output.indexOf('Calls ('))).trimEnd().split('\n');
    expect(help.length).toBeGreaterThan(30);
    expect(help.filter((line) => line.length > 80)).toEqual([]);
    expect(help).toContain('           --lessons-dir DIR ID runs it)');
  });

  it('at 40 columns a call too long for its row goes on indented, so that no piece reads as a call of its own', async () => {
    const report = await atTerminal(scratch(), 'shell --no-color', ['line:s = socket(AF_INET, SOCK_STREAM)', 'line:bind(s, 127.0.0.1:0)', 'line:exit'], 40);
    expect(report.exit).toBe(0);
    const rows = report.output.replace(/\r/g, '').split('\n').filter((row) => row.startsWith('server │ '));
    const bind = rows.findIndex((row) => row.startsWith('server │ bind('));
    expect(rows[bind + 1]).toMatch(/^server │ {3}\S/);
    expect(rows.slice(bind + 1).find((row) => row.includes(') = 0'))).toMatch(/^server │ {3}\S.*\) = 0$/);
  });
});
