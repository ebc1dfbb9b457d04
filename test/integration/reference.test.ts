// `netsys errno` and `netsys explain`, run as the real binary. Python's errno, os.strerror,
// socket.EAI_* and (through ctypes) gai_strerror are the independent oracle for every number,
// name and message netsys prints.
import { finish, netsys, python } from './helpers';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function run(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Result> {
  const running = netsys(args, undefined, env);
  const { code } = await finish(running);
  return { code, stdout: running.stdout.toString('utf8'), stderr: running.stderr };
}

type Oracle = Record<string, [number, string] | null>;

/**
 * What Python says each name means: [number, message] for errno names (os.strerror) and for
 * getaddrinfo's EAI_* names (gai_strerror through ctypes), null for a name Python does not know.
 */
async function pythonSays(names: readonly string[]): Promise<Oracle> {
  const source = [
    'import ctypes, errno, json, os, socket, sys',
    'libc = ctypes.CDLL(None)',
    'libc.gai_strerror.restype = ctypes.c_char_p',
    'def fact(name):',
    '    if name.startswith("EAI_"):',
    '        code = getattr(socket, name, None)',
    '        return None if code is None else [code, libc.gai_strerror(code).decode()]',
    '    code = getattr(errno, name, None)',
    '    return None if code is None else [code, os.strerror(code)]',
    'print(json.dumps({name: fact(name) for name in sys.argv[1:]}))',
  ].join('\n');
  const oracle = python(source, names);
  expect((await finish(oracle)).code).toBe(0);
  return JSON.parse(oracle.stdout.toString('utf8')) as Oracle;
}

async function pythonNameOf(code: number): Promise<string> {
  const oracle = python('import errno, sys; print(errno.errorcode[int(sys.argv[1])])', [String(code)]);
  expect((await finish(oracle)).code).toBe(0);
  return oracle.stdout.toString('utf8').trim();
}

/** `ECONNREFUSED, errno 111: Connection refused` → its parts. */
function header(stdout: string): { name: string; code: number; message: string } {
  const match = stdout.split('\n')[0].match(/^(E[A-Z0-9_]+)(?: \(also [A-Z0-9, ]+\))?, (?:errno|getaddrinfo error) (-?\d+): (.+)$/);
  expect(match).not.toBeNull();
  return { name: match![1], code: Number(match![2]), message: match![3] };
}

function expectUsageError(result: Result, line: string): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(`netsys: ${line}\n`);
}

describe('netsys errno NAME|NUMBER', () => {
  it.each<[string, string, number, string]>([
    ['ECONNREFUSED', 'ECONNREFUSED', 111, 'Connection refused'],
    ['98', 'EADDRINUSE', 98, 'Address already in use'],
    ['econnreset', 'ECONNRESET', 104, 'Connection reset by peer'],
  ])('netsys errno %s', async (query, name, code, message) => {
    const result = await run(['errno', query]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(header(result.stdout)).toEqual({ name, code, message });
    const oracle = await pythonSays([name]);
    expect(oracle[name]).toEqual([code, message]);
    expect(result.stdout).toMatch(/^Returned by: \w+/m);
    expect(result.stdout).toContain(`= -1 ${name} (${message})`);
  });

  it('answers an alias with the number libc names, as Python does', async () => {
    const result = await run(['errno', 'EWOULDBLOCK']);
    expect(result.code).toBe(0);
    const { name, code, message } = header(result.stdout);
    expect(name).toBe('EAGAIN');
    expect(result.stdout.split('\n')[0]).toContain('(also EWOULDBLOCK)');
    const oracle = await pythonSays(['EWOULDBLOCK', 'EAGAIN']);
    expect(oracle.EWOULDBLOCK).toEqual([code, message]);
    expect(oracle.EAGAIN).toEqual([code, message]);
  });

  it('takes a number libc knows but netsys has no notes on, and says so', async () => {
    const result = await run(['errno', '2']);
    expect(result.code).toBe(0);
    const { name, code, message } = header(result.stdout);
    expect(name).toBe(await pythonNameOf(2));
    expect((await pythonSays([name]))[name]).toEqual([code, message]);
    expect(result.stdout).toContain(`no notes on ${name}`);
  });

  it.each(['EAI_NONAME', 'eai_again', '-8'])("netsys errno %s: getaddrinfo's own codes, from gai_strerror", async (query) => {
    const result = await run(['errno', query]);
    expect(result.code).toBe(0);
    const { name, code, message } = header(result.stdout);
    expect((await pythonSays([name]))[name]).toEqual([code, message]);
    expect(result.stdout).toContain('Not an errno value');
  });

  it.each(['EFOO', '99999', '0', 'EAI_FOO', '-99', 'E FOO'])('netsys errno %s: one line, exit 2', async (query) => {
    expectUsageError(
      await run(['errno', query]),
      `unknown errno "${query}": give a name such as ECONNREFUSED or a number such as 111`,
    );
  });
});

describe('netsys errno (the table)', () => {
  let result: Result;
  let rows: Array<{ code: number; name: string; message: string }>;

  beforeAll(async () => {
    result = await run(['errno']);
    rows = [...result.stdout.matchAll(/^ {0,4}(-?\d+) {2}(E[A-Z0-9_]+) +(\S.*)$/gm)].map((match) => ({
      code: Number(match[1]),
      name: match[2],
      message: match[3],
    }));
  });

  it('exits 0 and lists ECONNREFUSED as 111', () => {
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(rows).toContainEqual({ code: 111, name: 'ECONNREFUSED', message: 'Connection refused' });
  });

  it('lists every error a socket program meets, aliases under the name libc uses', async () => {
    const wanted = [
      'EACCES', 'EADDRINUSE', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EAGAIN', 'EWOULDBLOCK', 'EBADF', 'ECONNABORTED',
      'ECONNREFUSED', 'ECONNRESET', 'EDESTADDRREQ', 'EHOSTUNREACH', 'EINPROGRESS', 'EINTR', 'EINVAL', 'EISCONN',
      'EMFILE', 'ENETUNREACH', 'ENOBUFS', 'ENOTCONN', 'ENOTSOCK', 'EOPNOTSUPP', 'EPIPE', 'EPROTONOSUPPORT',
      'ETIMEDOUT', 'ENFILE', 'EMSGSIZE', 'EALREADY', 'EFAULT',
    ];
    const oracle = await pythonSays(wanted);
    for (const name of wanted) {
      const [code] = oracle[name]!;
      expect(rows.filter((row) => row.code === code)).toHaveLength(1);
    }
  });

  it("agrees with Python on every number, name and message, getaddrinfo's codes included", async () => {
    expect(rows.length).toBeGreaterThan(40);
    const oracle = await pythonSays(rows.map((row) => row.name));
    for (const row of rows) expect([row.name, oracle[row.name]]).toEqual([row.name, [row.code, row.message]]);
    expect(rows.filter((row) => row.name.startsWith('EAI_')).length).toBe(12);
  });

  it('fits 80 columns and has no colour when standard output is not a terminal', () => {
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(result.stdout).not.toContain('\u001b[');
  });
});

describe('netsys explain CALL', () => {
  it('netsys explain accept: the man page prototype, its header, and the lesson that teaches it', async () => {
    const result = await run(['explain', 'accept']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('\n#include <sys/socket.h>\n');
    // The prototype is 84 characters, so it is broken after a comma as accept(2) prints it.
    expect(result.stdout.replace(/\s+/g, ' ')).toContain(
      'int accept(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);',
    );
    expect(result.stdout).toMatch(/^Lesson: tcp-server\b/m);
    expect(result.stdout).toMatch(/^What it waits for$/m);
    expect(result.stdout).toMatch(/^Common errors$/m);
  });

  it('netsys explain getaddrinfo says it is a library call', async () => {
    const result = await run(['explain', 'getaddrinfo']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('getaddrinfo(3), a library call');
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('not a system call');
    expect(result.stdout).toMatch(/^Lesson: tcp-client\b/m);
  });

  it('netsys explain frobnicate: one line naming the calls it knows, exit 2', async () => {
    expectUsageError(
      await run(['explain', 'frobnicate']),
      'unknown call "frobnicate": netsys explains getaddrinfo, socket, bind, listen, accept, accept4, connect, ' +
        'send, recv, sendto, recvfrom, shutdown, close, getsockname, getpeername, setsockopt, getsockopt, poll, read, write',
    );
  });

  it('every call fits 80 columns and names only errors that exist', async () => {
    const list = await run(['explain']);
    expect(list.code).toBe(0);
    const calls = [...list.stdout.matchAll(/^ {2}([a-z0-9]+) +/gm)].map((match) => match[1]);
    expect(calls).toHaveLength(20);
    const explained = await Promise.all(calls.map((call) => run(['explain', call], { FORCE_COLOR: '1' })));
    const errors = new Set<string>();
    for (const result of explained) {
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain('\u001b[');
      for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
      const section = result.stdout.split('\nCommon errors\n')[1].split('\n\n')[0];
      for (const match of section.matchAll(/^ {2}(E[A-Z0-9_]+) /gm)) errors.add(match[1]);
    }
    const oracle = await pythonSays([...errors]);
    for (const name of errors) expect([name, oracle[name]]).not.toEqual([name, null]);
  });
});
