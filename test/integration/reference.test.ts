// `netsys errno` and `netsys explain` from the real binary; Python's errno and os.strerror are the
// independent oracle for each number, name and message.
import { finish, netsys, python } from './helpers';

async function pythonErrno(name: string): Promise<{ code: number; message: string }> {
  const run = python('import errno, os, sys; code = getattr(errno, sys.argv[1]); print(code); print(os.strerror(code))', [name]);
  expect((await finish(run)).code).toBe(0);
  const [code, message] = run.stdout.toString().trim().split('\n');
  return { code: Number(code), message };
}

describe('netsys errno', () => {
  it.each([
    ['ECONNREFUSED', 'ECONNREFUSED'],
    ['econnreset', 'ECONNRESET'],
    ['98', 'EADDRINUSE'],
    ['EWOULDBLOCK', 'EAGAIN'],
  ])('%s: number, name and message as libc has them, and a cause', async (query, name) => {
    const run = netsys(['errno', query]);
    expect((await finish(run)).code).toBe(0);
    const { code, message } = await pythonErrno(name);
    const out = run.stdout.toString();
    expect(out.split('\n')[0]).toBe(`${name} ${code}: ${message}`);
    expect(out).toMatch(/Returned by: \w+/);
  });

  it('knows getaddrinfo codes as gai_strerror words them', async () => {
    const run = netsys(['errno', 'EAI_NONAME']);
    expect((await finish(run)).code).toBe(0);
    expect(run.stdout.toString().split('\n')[0]).toBe('EAI_NONAME -2: Name or service not known');
  });

  it('lists the socket errors with their numbers when given no argument', async () => {
    const run = netsys(['errno']);
    expect((await finish(run)).code).toBe(0);
    const { code, message } = await pythonErrno('ECONNREFUSED');
    expect(run.stdout.toString()).toMatch(new RegExp(`^ *${code} +ECONNREFUSED +${message}$`, 'm'));
    expect(run.stdout.toString().split('\n').length).toBeGreaterThan(50);
  });

  it.each([
    [['errno', 'EFOO'], 'netsys: unknown errno "EFOO": give a name such as ECONNREFUSED or EAI_NONAME, or a number such as 111'],
    [['errno', '99999'], 'netsys: no errno has the number 99999: give a name such as ECONNREFUSED or EAI_NONAME, or a number such as 111'],
    [['explain', 'frobnicate'], 'netsys: no explanation for "frobnicate": netsys explains socket, bind, listen, accept'],
  ])('%j exits 2 with one line', async (args, message) => {
    const run = netsys(args);
    expect((await finish(run)).code).toBe(2);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr).toContain(message);
    expect(run.stdout.toString()).toBe('');
  });
});

describe('netsys explain', () => {
  it('accept: its prototype, what it waits for, its errors and its lesson', async () => {
    const run = netsys(['explain', 'accept']);
    expect((await finish(run)).code).toBe(0);
    const out = run.stdout.toString();
    expect(out).toContain('#include <sys/socket.h>');
    expect(out).toContain('int accept(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);');
    expect(out).toMatch(/Blocks:\n +Until a connection is in the accept queue/);
    expect(out).toMatch(/^ +EINVAL +the socket is not listening$/m);
    expect(out).toContain('Lesson: netsys lesson tcp-server');
  });

  it('getaddrinfo: says it is a library function, not a system call', async () => {
    const run = netsys(['explain', 'getaddrinfo']);
    expect((await finish(run)).code).toBe(0);
    expect(run.stdout.toString()).toContain('not a system call');
  });
});
