// Output hygiene with hostile terminals and text: any width works, control bytes from the user are
// shown escaped and cut, TERM=dumb gets no colour; bad numbers and names in lesson files are refused
// at load with file:line; standard input that is a directory is named.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, netsys, python, scratchDirPerTest } from './helpers';
import { oneLine } from './one-line';

describe('any terminal width', () => {
  it.each(['1', '2', '9', '-5', '0', 'abc', '99999999999', '1e9', '8080\n'])('COLUMNS=%j: a lesson and the demo end normally, with bounded output', async (columns) => {
    for (const args of [['lesson', '--no-pause', 'conversation'], ['demo']]) {
      const run = netsys([...args, '--no-color'], undefined, { COLUMNS: columns });
      expect(await finish(run, 20000)).toEqual({ code: 0, signal: null });
      expect(run.stderr).toBe('');
      expect(run.stdout.length).toBeLessThan(200000);
    }
  });
});

describe('text from the user', () => {
  it.each([
    ['an escape sequence in a port', ['client', '127.0.0.1', '80\u001b[2J'], /not "80\\33\[2J"$/],
    ['a newline in a port', ['client', '127.0.0.1', '8080\n'], /not "8080\\n"$/],
    ['a title sequence as --host', ['server', '--host', '\u001b]0;owned\u0007', '0'], /not "\\33\]0;owned\\7"$/],
    ['colour in a lesson id', ['lesson', '\u001b[31mred'], /unknown lesson "\\33\[31mred"/],
    ['a port 10,000 characters long', ['client', '127.0.0.1', 'x'.repeat(10000)], /not "x{64}\.\.\."$/],
    ['an escape sequence as an errno', ['errno', '\u001b[2Jbad'], /unknown errno "\\33\[2Jbad"/],
    ['a call name 10,000 characters long', ['explain', 'x'.repeat(10000)], /unknown call "x{64}\.\.\.":/],
  ])('%s: escaped, cut, one line, exit 2', async (_name, args, message) => {
    const run = netsys(args);
    expect((await finish(run, 10000)).code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(message);
    expect(run.stderr).not.toMatch(/\u001b/);
  });

  it('TERM=dumb on a terminal gets no colour', async () => {
    // A real pseudo-terminal, so that only TERM can turn colour off.
    const pty = python(
      `import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=s, stdout=s, stderr=s, env=dict(os.environ, TERM="dumb"))
os.close(s)
out = b""
while True:
    try: chunk = os.read(m, 65536)
    except OSError: break
    if not chunk: break
    out += chunk
sys.stdout.write(repr(out.count(b"\\x1b[")) + " " + str(p.wait()))
`,
      [path.resolve(__dirname, '../../bin/netsys'), 'errno', 'ECONNREFUSED'],
    );
    expect((await finish(pty, 10000)).code).toBe(0);
    expect(pty.stdout.toString()).toBe('0 0');
  });
});

describe('lesson files refused at load, with file and line', () => {
  const dir = scratchDirPerTest('netsys-load-');

  it.each([
    ['recv(s, -1, MSG_DONTWAIT)', /hostile\.lesson:6: len: -1 is out of range: it must be a size/],
    ['setsockopt(s, SOL_SOCKET, SO_RCVBUF, 99999999999999)', /hostile\.lesson:6: optval: 99999999999999 is out of range: it must be a C int/],
    ['listen(s, 99999999999999999999999)', /hostile\.lesson:6: backlog: 99999999999999999999999 is out of range: it must be a C int/],
    ['send(s, "x")\nexpect: EFOOBAR', /hostile\.lesson:7: expect: EFOOBAR is not an error/],
    ['send(s, "{nope}")\nafter: {nope}', /hostile\.lesson:7: \{nope\} names nothing/],
  ])('%s: one line, exit 2, no call made', async (step, message) => {
    fs.writeFileSync(path.join(dir(), 'hostile.lesson'), `id: hostile\ntitle: H\nsummary: S\norder: 1\nstep server: s = socket(AF_INET, SOCK_STREAM)\nstep server: ${step}\n`);
    const run = netsys(['lesson', 'hostile', '--no-pause', '--lessons-dir', dir()], undefined, { XDG_STATE_HOME: dir() });
    expect((await finish(run, 5000)).code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(message);
    expect(run.stdout.toString()).toBe('');
  });

  it('a name bound on both sides is refused while the first descriptor is open', async () => {
    fs.writeFileSync(path.join(dir(), 'hostile.lesson'), 'id: hostile\ntitle: H\nsummary: S\norder: 1\nstep server: s = socket(AF_INET, SOCK_STREAM)\nstep client: s = socket(AF_INET, SOCK_STREAM)\nstep server: close(s)\n');
    const run = netsys(['lesson', 'hostile', '--no-pause', '--lessons-dir', dir()], undefined, { XDG_STATE_HOME: dir() });
    expect((await finish(run, 5000)).code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(/hostile\.lesson:6: "s" still names the descriptor from line 5, which no step has closed/);
  });
});

it('standard input that is a directory: one line, exit 2, no call made', async () => {
  const run = python('import os, subprocess, sys\nfd = os.open("/tmp", os.O_RDONLY)\nsys.exit(subprocess.run(sys.argv[1:], stdin=fd).returncode)\n', [path.resolve(__dirname, '../../bin/netsys'), 'client', '127.0.0.1', '9']);
  expect((await finish(run, 5000)).code).toBe(2);
  expect(oneLine(run.stderr)).toMatch(/^netsys: standard input is a directory \(EISDIR\)/);
});
