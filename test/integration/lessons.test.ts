// `netsys lesson`: every lesson file runs to its end; its calls agree with strace; nothing runs before
// the learner's first key; q closes everything; progress is kept; mistakes get one clear line.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finish, netsys, NETSYS, python, Running, scratchDirPerTest } from './helpers';
import { underStrace, unseenByStrace } from './oracle';
import { writeStuckLesson } from '../support/stuck-lesson';

const LESSONS_DIR = path.resolve(__dirname, '../../lessons');
const LESSON_IDS = fs
  .readdirSync(LESSONS_DIR)
  .filter((name) => name.endsWith('.lesson'))
  .map((name) => fs.readFileSync(path.join(LESSONS_DIR, name), 'utf8').match(/^id: (.+)$/m)![1]);

/** The recap's calls: `  server  listen(18, 4) = 0` → `listen(18, 4) = 0`, system calls only. */
function recapCalls(output: string): string[] {
  const recap = output.slice(output.indexOf('Recap:'));
  return recap
    .split('\n')
    .map((line) => line.match(/^ {2}(?:(?:server|client) {2})?([a-z_0-9]+\(.*)$/)?.[1])
    .filter((line): line is string => line !== undefined && !line.startsWith('libc:'));
}

let state: string;
beforeEach(() => {
  state = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-state-'));
});
afterEach(() => fs.rmSync(state, { recursive: true, force: true }));

function lesson(args: string[], input?: string): Running {
  return netsys(['lesson', '--no-color', ...args], input, { XDG_STATE_HOME: state, COLUMNS: '80' });
}

describe('every lesson in lessons/', () => {
  it('has the lessons the course needs', () => {
    expect(LESSON_IDS).toEqual(expect.arrayContaining(['tcp-server', 'tcp-client', 'conversation']));
  });

  it.each(LESSON_IDS)('%s runs to its end with --no-pause, every socket closed', async (id) => {
    const run = lesson([id, '--no-pause']);
    expect(await finish(run)).toEqual({ code: 0, signal: null });
    const output = run.stdout.toString();
    expect(output).toContain(`# lesson ${id} finished`);
    const calls = recapCalls(output);
    expect(calls.length).toBeGreaterThan(3);
    const opened = calls.flatMap((line) => line.match(/^(?:socket|accept)\(.*\) += (\d+)$/)?.[1] ?? []);
    const closed = calls.flatMap((line) => line.match(/^close\((\d+)\) += 0$/)?.[1] ?? []);
    expect(closed.sort()).toEqual(opened.sort());
    expect(run.stderr).toBe('');
  });
});

/** Wide enough for every call a lesson can make, as the acceptance check traces it. */
const LESSON_TRACE = '%network,read,write,close,poll';

/** `netsys lesson ID --no-pause` under `strace -ff`, one file per thread under `dir`/lesson.*. */
function lessonUnderStrace(dir: string, id: string): Running {
  return new Running(
    'strace',
    ['-qq', '-ff', '-o', path.join(dir, 'lesson'), '-e', `trace=${LESSON_TRACE}`, NETSYS, 'lesson', '--no-color', id, '--no-pause'],
    undefined,
    { XDG_STATE_HOME: state, COLUMNS: '80' },
  );
}

/** What each lesson is there to show, in its recap: the statements of the seed (lessons/README.md). */
const SHOWS: Readonly<Record<string, ReadonlyArray<readonly [what: string, line: RegExp]>>> = {
  errors: [
    ['EADDRINUSE from bind', /^bind\(\d+, \{sa_family=AF_INET, sin_port=htons\([1-9]\d*\), .* = -1 EADDRINUSE \(Address already in use\)$/],
    ['ECONNREFUSED from connect', /^connect\(.* = -1 ECONNREFUSED \(Connection refused\)$/],
    ['EINVAL from accept', /^accept\(.* = -1 EINVAL \(Invalid argument\)$/],
    ['EBADF from a second close', /^close\(\d+\) += -1 EBADF \(Bad file descriptor\)$/],
    ['ENOTCONN from recv', /^recv\(\d+, .* = -1 ENOTCONN \(Transport endpoint is not connected\)$/],
    ['EPIPE from send, without and with MSG_NOSIGNAL', /^send\(\d+, "hello", 5, MSG_NOSIGNAL\) += -1 EPIPE \(Broken pipe\)$/],
    ['listen on an unbound socket', /^listen\(\d+, 4\) += 0$/],
    ['the port it was given, on every address', /^getsockname\(\d+, \{sa_family=AF_INET, sin_port=htons\([1-9]\d*\), sin_addr=inet_addr\("0\.0\.0\.0"\)\}, \[16\]\) += 0$/],
  ],
  shutdown: [
    ['shutdown(SHUT_WR)', /^shutdown\(\d+, SHUT_WR\) += 0$/],
    ['a recv returning 0', /^recv\(\d+, "", 1024, 0\) += 0$/],
    ['a send after SHUT_WR refused', /^send\(\d+, "one more thing\\n", 15, 0\) += -1 EPIPE \(Broken pipe\)$/],
  ],
  'read-write': [
    ['write, as strace prints it', /^write\(\d+, "hello\\n", 6\) += 6$/],
    ['read, as strace prints it', /^read\(\d+, "hello\\n", 1024\) += 6$/],
    ['send with no flags', /^send\(\d+, "hello\\n", 6, 0\) += 6$/],
    ['recv with no flags', /^recv\(\d+, "hello\\n", 1024, 0\) += 6$/],
    ['MSG_PEEK', /^recv\(\d+, "look, don't take\\n", 1024, MSG_PEEK\) += 17$/],
    ['the same bytes taken after the peek', /^recv\(\d+, "look, don't take\\n", 1024, 0\) += 17$/],
    ['MSG_DONTWAIT with EAGAIN', /^recv\(\d+, 0x[0-9a-f]+, 1024, MSG_DONTWAIT\) += -1 EAGAIN \(Resource temporarily unavailable\)$/],
    ['read at the end of the stream', /^read\(\d+, "", 1024\) += 0$/],
  ],
  timeouts: [
    ['SO_RCVTIMEO of 1.5 s, as strace prints it', /^setsockopt\(\d+, SOL_SOCKET, SO_RCVTIMEO_OLD, "\\1\\0\\0\\0\\0\\0\\0\\0 \\241\\7\\0\\0\\0\\0\\0", 16\) += 0$/],
    ['accept giving up', /^accept\(\d+, 0x[0-9a-f]+, \[16\]\) += -1 EAGAIN \(Resource temporarily unavailable\)$/],
    ['no timeout any more', /^setsockopt\(\d+, SOL_SOCKET, SO_RCVTIMEO_OLD, "(\\0){16}", 16\) += 0$/],
    ['recv giving up', /^recv\(\d+, 0x[0-9a-f]+, 1024, 0\) += -1 EAGAIN \(Resource temporarily unavailable\)$/],
    ['data after the timeout', /^recv\(\d+, "yes\\n", 1024, 0\) += 4$/],
  ],
  backlog: [
    ['listen with a backlog of 1', /^listen\(\d+, 1\) += 0$/],
    ['accept, with the address of the client it took', /^accept\(\d+, \{sa_family=AF_INET, .*\}, \[16\]\) += \d+$/],
  ],
};

describe('the lessons of the seed', () => {
  const dir = scratchDirPerTest('netsys-lesson-strace-');

  it.each(LESSON_IDS)('%s: every call of its recap is in strace\'s record of the same run', async (id) => {
    const run = lessonUnderStrace(dir(), id);
    expect(await finish(run, 60000)).toEqual({ code: 0, signal: null });
    const calls = recapCalls(run.stdout.toString());
    expect(calls.length).toBeGreaterThan(3);
    expect(unseenByStrace(calls, dir(), 'lesson')).toEqual([]);
    for (const [what, line] of SHOWS[id] ?? []) expect({ what, shown: calls.some((call) => line.test(call)) }).toEqual({ what, shown: true });
  }, 70000);

  it.each(Object.keys(SHOWS))('%s, on a terminal: one key press makes one call, and the lesson ends with exit 0', async (id) => {
    const file = fs.readdirSync(LESSONS_DIR).find((name) => name.endsWith('.lesson') && fs.readFileSync(path.join(LESSONS_DIR, name), 'utf8').includes(`\nid: ${id}\n`))!;
    const steps = fs.readFileSync(path.join(LESSONS_DIR, file), 'utf8').split(/\n(?=step )/).slice(1);
    // A your-turn step waits for a typed call (its reference), any other step without pause: no for Enter.
    const keys = steps.flatMap((step) => (/^task:/m.test(step) ? [`line:${/^step \w+: (.*)$/m.exec(step)![1]}`] : /^pause: no$/m.test(step) ? [] : ['enter']));
    const paused = keys.filter((key) => key === 'enter').length;
    const driver = python(fs.readFileSync(path.join(__dirname, 'fixtures/pty_lesson.py'), 'utf8'), [NETSYS, id, ...keys]);
    expect((await finish(driver, 60000)).code).toBe(0);
    const report = JSON.parse(driver.stdout.toString()) as { exit: number; output: string };
    expect(report.exit).toBe(0);
    expect(report.output.match(/\[Enter\] make this call/g)).toHaveLength(paused);
    expect(report.output.match(/^(?:\w+ │ )?next: /gm)).toHaveLength(paused);
    expect(report.output).toContain(`# lesson ${id} finished`);
  }, 70000);

  it('shutdown: after the peer\'s recv returned 0, data still crosses the other way, whichever side shut down', async () => {
    const run = lesson(['shutdown', '--no-pause']);
    expect((await finish(run)).code).toBe(0);
    const calls = recapCalls(run.stdout.toString());
    const at = (pattern: RegExp) => calls.findIndex((call) => pattern.test(call));
    // the client shuts down: the server reads the end of the stream, then answers, and the client reads the answer
    expect(at(/^recv\(\d+, "", 1024, 0\) += 0$/)).toBeGreaterThan(at(/^shutdown\(\d+, SHUT_WR\)/));
    expect(at(/^send\(\d+, "answer\\n", 7, 0\) += 7$/)).toBeGreaterThan(at(/^recv\(\d+, "", 1024, 0\) += 0$/));
    expect(at(/^recv\(\d+, "answer\\n", 1024, 0\) += 7$/)).toBeGreaterThan(at(/^send\(\d+, "answer\\n"/));
    // the server shuts down: the client reads the end of the stream, then its line still reaches the server
    const serverShutdown = calls.findIndex((call, i) => i > at(/^recv\(\d+, "answer/) && /^shutdown\(\d+, SHUT_WR\) += 0$/.test(call));
    expect(serverShutdown).toBeGreaterThan(0);
    expect(at(/^recv\(\d+, "thanks\\n", 1024, 0\) += 7$/)).toBeGreaterThan(serverShutdown);
  });

  it('timeouts: accept gives up after SO_RCVTIMEO, not before; with no timeout it waits until a client connects', async () => {
    const run = lesson(['timeouts', '--no-pause']);
    expect((await finish(run)).code).toBe(0);
    const output = run.stdout.toString();
    const waited = [...output.matchAll(/^server │ # (accept|recv) returned after (\d+(?:\.\d+)?) (ms|s) in the kernel$/gm)].map(
      ([, call, time, unit]) => [call, Number(time) * (unit === 's' ? 1000 : 1)] as const,
    );
    expect(waited[0][0]).toBe('accept');
    expect(waited[0][1]).toBeGreaterThanOrEqual(1500);
    expect(waited[0][1]).toBeLessThan(2500);
    const timedOutRecv = waited.find(([call]) => call === 'recv')!;
    expect(timedOutRecv[1]).toBeGreaterThanOrEqual(1000);
    expect(timedOutRecv[1]).toBeLessThan(2000);
    const blocked = [...output.matchAll(/^server │ # blocked in accept/gm)].map((match) => match.index!);
    // the step that connects: its words come before the call is made (and its line may come after accept's)
    const connect = output.indexOf('The server\'s accept is still blocked. The client connects.');
    const accepted = output.search(/^server │ accept\(\d+, \{sa_family=AF_INET, /m);
    expect(blocked).toHaveLength(2); // the accept that timed out, then the one the client ends
    expect(blocked[1]).toBeLessThan(connect);
    expect(accepted).toBeGreaterThan(connect);
  });

  it('backlog: the connect that finds the queue full is held, and completes after an accept, at its SYN\'s next try', async () => {
    const run = lesson(['backlog', '--no-pause']);
    expect((await finish(run)).code).toBe(0);
    const output = run.stdout.toString();
    expect(output).toMatch(/^server │ #   fd \d+: LISTEN, accept queue 2\/1$/m);
    const held = output.search(/^client │ {3}sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16 <unfinished \.\.\.>$/m);
    const firstAccept = output.search(/^server │ accept\(\d+, \{sa_family=AF_INET, /m);
    const completed = firstAccept + output.slice(firstAccept).search(/^client │ {3}sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16\) = 0$/m);
    expect(held).toBeGreaterThan(0);
    expect(output.slice(held)).toMatch(/^client │ # blocked in connect: no SYN-ACK has come back yet: the listener's\nclient │ {3}accept queue is full \(2 waiting, backlog 1\)/m);
    expect(firstAccept).toBeGreaterThan(held);
    expect(completed).toBeGreaterThan(firstAccept + 1);
    // it waited for a SYN sent again, about a second after the first, not for the accept
    const waited = output.match(/^client │ # connect returned after (\d+(?:\.\d+)?) (ms|s) in the kernel$/m)!;
    expect(Number(waited[1]) * (waited[2] === 's' ? 1000 : 1)).toBeGreaterThan(800);
  });
});

describe('the seed table in lessons/README.md', () => {
  /** The calls of a lesson's steps, in order: step 1 is [0]. */
  const stepCalls = (id: string): string[] => {
    const file = fs.readdirSync(LESSONS_DIR).find((name) => name.endsWith('.lesson') && fs.readFileSync(path.join(LESSONS_DIR, name), 'utf8').match(/^id: (.+)$/m)?.[1] === id);
    if (!file) return [];
    const text = fs.readFileSync(path.join(LESSONS_DIR, file), 'utf8');
    return [...text.matchAll(/^step \w+: (?:\w+ = )?(\w+)\(/gm)].map((match) => match[1]);
  };
  const readme = fs.readFileSync(path.join(LESSONS_DIR, 'README.md'), 'utf8');
  const table = readme.slice(readme.search(/^## .*seed/im));
  const rows = table
    .split('\n')
    .filter((line) => /^\| .* \| `[a-z0-9-]+` \| [\d–, ]+ \|/.test(line))
    .map((line) => {
      const [says, lesson, steps, sees] = line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, ''));
      const numbers = steps.split(',').flatMap((part) => {
        const [from, to = from] = part.trim().split('–').map(Number);
        return Array.from({ length: to - from + 1 }, (_, i) => from + i);
      });
      return { says, lesson: lesson.replace(/`/g, ''), numbers, call: sees.match(/^`(\w+)\(/)?.[1] };
    });

  it('has a row for each step of both patterns and for each of the nine calls', () => {
    expect(rows.length).toBeGreaterThan(30);
    for (const call of ['socket', 'bind', 'listen', 'accept', 'connect', 'send', 'recv', 'write', 'shutdown', 'close', 'getsockname']) {
      expect({ call, rows: rows.some((row) => row.says.includes(`\`${call}\``)) }).toEqual({ call, rows: true });
    }
  });

  it('points at steps that exist and make the call it shows', () => {
    for (const row of rows) {
      const calls = stepCalls(row.lesson);
      expect({ row: row.says, lessonHasTheSteps: calls.length >= Math.max(...row.numbers) }).toEqual({ row: row.says, lessonHasTheSteps: true });
      if (row.call) {
        const made = row.numbers.map((n) => calls[n - 1]);
        expect({ row: row.says, shows: row.call, made: made.includes(row.call) }).toEqual({ row: row.says, shows: row.call, made: true });
      }
    }
  });
});

describe('a lesson', () => {
  it('prints the same text when standard input is not a terminal, without --no-pause', async () => {
    const run = lesson(['tcp-server'], '');
    expect((await finish(run)).code).toBe(0);
    expect(run.stdout.toString()).toContain('Recap: the calls this lesson made');
    expect(run.stdout.toString()).not.toContain('[Enter]');
  });

  it('makes calls that strace sees, line for line, in both lanes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-lesson-strace-'));
    try {
      const run = underStrace(dir, 'lesson', ['lesson', 'conversation', '--no-pause', '--no-color']);
      expect((await finish(run)).code).toBe(0);
      const calls = recapCalls(run.stdout.toString());
      expect(calls.length).toBe(17);
      expect(unseenByStrace(calls, dir, 'lesson')).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows a recv blocked until the other side sends, then completed', async () => {
    const run = lesson(['conversation', '--no-pause']);
    expect((await finish(run)).code).toBe(0);
    const output = run.stdout.toString();
    const blocked = output.search(/^server │ recv\(\d+,  <unfinished \.\.\.>$/m);
    const send = output.search(/^client │ send\(\d+, "hello, server\\n", 14, 0\) += 14$/m);
    const completed = output.search(/^server │ recv\(\d+, "hello, server\\n", 1024, 0\) += 14$/m);
    expect(blocked).toBeGreaterThan(0);
    expect(send).toBeGreaterThan(blocked);
    expect(completed).toBeGreaterThan(blocked);
    expect(output).toMatch(/^server │ # recv returned after \d+ ms in the kernel$/m);
  });

  it('shows two lanes on a wide terminal', async () => {
    const run = netsys(['lesson', 'conversation', '--no-pause', '--no-color'], undefined, { XDG_STATE_HOME: state, COLUMNS: '130' });
    expect((await finish(run)).code).toBe(0);
    const output = run.stdout.toString();
    expect(output).toMatch(/^listen\(\d+, 4\) += 0 +│$/m);
    expect(output).toMatch(/^ {64}│ connect\(\d+, \{sa_family=AF_INET, /m);
    expect(output).toMatch(/^# {3}fd \d+: LISTEN, accept queue 1\/4 +│$/m); // the server's socket, in the server's lane
  });

  it('makes no call before the first key, and q closes what it opened', async () => {
    const driver = python(fs.readFileSync(path.join(__dirname, 'fixtures/pty_lesson.py'), 'utf8'), [NETSYS, 'tcp-server', 'enter', '?', 'enter', 'q']);
    expect((await finish(driver)).code).toBe(0);
    const report = JSON.parse(driver.stdout.toString());
    expect(report.sockets_before_each_key).toEqual([0, 1, 1, 1]);
    expect(report.exit).toBe(0);
    const fd = report.output.match(/socket\(AF_INET, SOCK_STREAM, IPPROTO_TCP\) += (\d+)/)[1];
    expect(report.output).toContain('# quitting: closing every socket this lesson opened');
    expect(report.output).toMatch(new RegExp(`close\\(${fd}\\) += 0`));
    expect(report.output.match(/next: getsockname/g)).toHaveLength(1);
    expect(report.output).not.toMatch(/^server │ getsockname\(/m);
  });

  it('--mermaid: the calls as a sequence diagram Mermaid parses, with the moments between the sides', async () => {
    const run = lesson(['conversation', '--mermaid']);
    expect((await finish(run)).code).toBe(0);
    const parsed = spawnSync(process.execPath, [path.join(__dirname, '../support/mermaid-parse.mjs')], { input: run.stdout, encoding: 'utf8', timeout: 30000 });
    expect(parsed.stderr).toBe('');
    const { diagramType, messages } = JSON.parse(parsed.stdout) as { diagramType: string; messages: Array<{ from: string; to: string; text: string }> };
    expect(diagramType).toBe('sequence');
    const calls = messages.filter((m) => m.to === 'K');
    expect(calls).toHaveLength(17);
    expect(calls.filter((m) => m.from === 'S').map((m) => m.text.slice(0, m.text.indexOf('(')))).toEqual([
      'socket', 'bind', 'getsockname', 'listen', 'accept', 'recv', 'send', 'recv', 'close', 'close',
    ]);
    expect(messages.some((m) => m.from === 'C' && m.to === 'S' && m.text.startsWith('handshake: client connect('))).toBe(true);
    expect(fs.existsSync(path.join(state, 'netsys', 'progress.json'))).toBe(false); // a diagram is not a lesson walked
  });

  it('records a finished lesson, and the list marks it; a corrupt progress file is no obstacle', async () => {
    fs.mkdirSync(path.join(state, 'netsys'));
    fs.writeFileSync(path.join(state, 'netsys', 'progress.json'), '{not json');
    const before = lesson([]);
    expect((await finish(before)).code).toBe(0);
    expect(before.stdout.toString()).toMatch(/^ {2}tcp-server +A TCP server/m);
    expect((await finish(lesson(['tcp-server', '--no-pause']))).code).toBe(0);
    const after = lesson([]);
    expect((await finish(after)).code).toBe(0);
    expect(after.stdout.toString()).toMatch(/^✓ tcp-server +A TCP server/m);
    expect(after.stdout.toString()).toMatch(/^ {2}tcp-client /m);
  });
});

describe('a new lesson file', () => {
  const dir = scratchDirPerTest('netsys-lessons-');

  it('is found and run with no code change', async () => {
    fs.writeFileSync(
      path.join(dir(), 'tiny.lesson'),
      'id: tiny\ntitle: Tiny\nsummary: One socket.\norder: 1\nstep server: fd = socket(AF_INET6, SOCK_DGRAM)\nafter: Got {fd}.\nstep server: close(fd)\n',
    );
    const list = lesson(['--lessons-dir', dir()]);
    expect((await finish(list)).code).toBe(0);
    expect(list.stdout.toString()).toContain('tiny  Tiny');
    const run = lesson(['tiny', '--no-pause', '--lessons-dir', dir()]);
    expect((await finish(run)).code).toBe(0);
    expect(run.stdout.toString()).toMatch(/socket\(AF_INET6, SOCK_DGRAM, IPPROTO_IP\) += (\d+)\n {2}Got \1\./);
  });

  it.each([
    ['an unknown lesson id', ['no-such-lesson'], /^netsys: unknown lesson "no-such-lesson": the lessons are tcp-server, tcp-client, conversation/],
    ['a malformed lesson file', ['--lessons-dir', 'BROKEN'], /^netsys: .*broken\.lesson:5: unknown call "sockit"/],
    ['a missing lessons folder', ['--lessons-dir', '/nonexistent/lessons'], /^netsys: cannot read the lessons folder \/nonexistent\/lessons: ENOENT/],
  ])('%s gets one line and exit status 2', async (_, args, message) => {
    fs.writeFileSync(path.join(dir(), 'broken.lesson'), 'id: broken\ntitle: B\nsummary: S\norder: 1\nstep server: fd = sockit(AF_INET, SOCK_STREAM)\n');
    const run = lesson(args.map((arg) => (arg === 'BROKEN' ? dir() : arg)));
    expect((await finish(run)).code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout.toString()).toBe('');
  });

  it('a step that fails unexpectedly ends the lesson with status 1, explained, every socket closed', async () => {
    fs.writeFileSync(
      path.join(dir(), 'fails.lesson'),
      [
        'id: fails\ntitle: F\nsummary: S\norder: 1',
        'step server: a = socket(AF_INET, SOCK_STREAM)',
        'step server: bind(a, 127.0.0.1:0)',
        'step server: here = getsockname(a)',
        'step server: b = socket(AF_INET, SOCK_STREAM)',
        'step server: bind(b, here)',
        'step server: close(b)',
      ].join('\n'),
    );
    const run = lesson(['fails', '--no-pause', '--lessons-dir', dir()]);
    expect((await finish(run)).code).toBe(1);
    const output = run.stdout.toString();
    expect(output).toMatch(/bind\(\d+, \{sa_family=AF_INET, sin_port=htons\([1-9]\d*\),\s+sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16\) += -1 EADDRINUSE \(Address already in use\)/);
    expect(output).not.toContain('close(b)');
    const [a, b] = [...output.matchAll(/socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)/g)].map((m) => m[1]);
    expect(output).toMatch(new RegExp(`close\\(${b}\\) += 0[\\s\\S]*close\\(${a}\\) += 0`));
    expect(run.stderr).toBe('netsys: bind failed with EADDRINUSE, which this lesson did not expect; it cannot go on\n');
  });

  it('a time in seconds for an option that takes an int gets the file, the line and why', async () => {
    fs.writeFileSync(
      path.join(dir(), 'seconds.lesson'),
      'id: seconds\ntitle: S\nsummary: S\norder: 1\nstep server: s = socket(AF_INET, SOCK_STREAM)\nstep server: setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 1.5)\n',
    );
    const run = lesson(['--lessons-dir', dir()]);
    expect((await finish(run)).code).toBe(2);
    expect(run.stderr).toMatch(/^netsys: .*seconds\.lesson:6: optval: 1\.5 seconds is a value for SO_RCVTIMEO or SO_SNDTIMEO at SOL_SOCKET; this option takes a whole number\n$/);
  });

  it('a side makes one call at a time: its next step waits for its call still in the kernel', async () => {
    fs.writeFileSync(
      path.join(dir(), 'one-at-a-time.lesson'),
      [
        'id: one-at-a-time\ntitle: O\nsummary: S\norder: 1',
        'step server: l = socket(AF_INET, SOCK_STREAM)',
        'step server: bind(l, 127.0.0.1:0)',
        'step server: listen(l, 1)',
        'step server: poll([l], 700)',
        'step client: c = socket(AF_INET, SOCK_STREAM)',
        'step server: here = getsockname(l)',
        'step client: close(c)',
        'step server: close(l)',
      ].join('\n'),
    );
    const run = lesson(['one-at-a-time', '--no-pause', '--lessons-dir', dir()]);
    expect((await finish(run)).code).toBe(0);
    const output = run.stdout.toString();
    const held = output.search(/^server │ poll\(\[\{fd=\d+, events=POLLIN\}\], 1, 700 <unfinished \.\.\.>$/m);
    const otherSide = output.search(/^client │ socket\(/m);
    const waits = output.search(/^server │ # the server is still in poll: a program makes one call at a time/m);
    const returned = output.search(/^server │ poll\(\[\{fd=\d+, events=POLLIN\}\], 1, 700\) += 0 \(Timeout\)$/m);
    const next = output.search(/^server │ getsockname\(/m);
    expect(held).toBeGreaterThan(0);
    expect(otherSide).toBeGreaterThan(held); // the other side goes on meanwhile
    expect(waits).toBeGreaterThan(otherSide);
    expect(returned).toBeGreaterThan(waits);
    expect(next).toBeGreaterThan(returned);
  });

  describe('with a call nothing in the lesson completes', () => {
    beforeEach(() => writeStuckLesson(dir()));

    it('Ctrl-C wakes it, closes the socket and exits 130', async () => {
      const run = lesson(['stuck', '--no-pause', '--lessons-dir', dir()]);
      await run.waitForStdout(/# blocked in accept/);
      run.child.kill('SIGINT');
      expect(await finish(run, 5000)).toEqual({ code: 130, signal: null });
      const fd = run.stdout.toString().match(/socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)/)![1];
      expect(run.stdout.toString()).toMatch(new RegExp(`shutdown\\(${fd}, SHUT_RDWR\\) += 0[\\s\\S]*close\\(${fd}\\) += 0`));
    });

    it('the lesson ends after a while, says which call was left waiting, and exits 1', async () => {
      const run = lesson(['stuck', '--no-pause', '--lessons-dir', dir()]);
      expect((await finish(run, 10000)).code).toBe(1);
      expect(run.stderr).toBe('netsys: the lesson ended with conn still waiting in the kernel\n');
      expect(run.stdout.toString()).toMatch(/close\(\d+\) += 0\n$/);
    });
  });
});
