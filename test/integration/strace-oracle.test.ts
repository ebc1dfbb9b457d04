// The north star, checked: every system-call line netsys prints appears, to the letter, in what strace
// prints for the same process. netsys names recv/send as the program called them; the kernel sees
// recvfrom/sendto with two more (NULL) address arguments, so those lines are translated before comparing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finish, NETSYS, Running, traceLines } from './helpers';

const TRACED = 'socket,bind,listen,accept,accept4,connect,sendto,recvfrom,shutdown,close,getsockname,getpeername,setsockopt,getsockopt';

function underStrace(dir: string, name: string, args: string[], input?: string): Running {
  // -ff: one file per thread, since netsys makes blocking calls on thread-pool threads.
  return new Running('strace', ['-qq', '-ff', '-o', path.join(dir, name), '-e', `trace=${TRACED}`, NETSYS, ...args], input);
}

/** All lines strace wrote for one process (all its threads), with strace's column padding folded. */
function straceLines(dir: string, name: string): Set<string> {
  const lines = fs
    .readdirSync(dir)
    .filter((file) => file.startsWith(`${name}.`))
    .flatMap((file) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n'));
  return new Set(lines.map(foldPadding));
}

function foldPadding(line: string): string {
  return line.replace(/\) +=/, ') =');
}

/** netsys's `recv(5, "hi", 1024, 0) = 2` as the kernel saw it: `recvfrom(5, "hi", 1024, 0, NULL, NULL) = 2`. */
function asKernelSawIt(line: string): string {
  return foldPadding(line)
    .replace(/^recv\((.*)\) =/, 'recvfrom($1, NULL, NULL) =')
    .replace(/^send\((.*)\) =/, 'sendto($1, NULL, 0) =');
}

describe('netsys agrees with strace', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-strace-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function expectAllSeenByStrace(netsysOutput: string, name: string): number {
    const seen = straceLines(dir, name);
    const lines = traceLines(netsysOutput);
    const missing = lines.filter((line) => !seen.has(asKernelSawIt(line)));
    expect(missing).toEqual([]);
    return lines.length;
  }

  it('for a whole conversation, server and client', async () => {
    const server = underStrace(dir, 'server', ['server', '--once', '--reuseaddr', '0']);
    const port = (await server.waitForStderr(/listening on \S+:(\d+)/))[1];
    const client = underStrace(dir, 'client', ['client', '127.0.0.1', port], 'hello\n\0\x01\xff "quoted" \\ back\tslash\n');
    expect((await finish(client)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(expectAllSeenByStrace(server.stderr, 'server')).toBe(11);
    expect(expectAllSeenByStrace(client.stderr, 'client')).toBe(8);
  });

  it('for failures: ECONNREFUSED, and EADDRINUSE', async () => {
    const holder = underStrace(dir, 'holder', ['server', '--once', '0']);
    const port = (await holder.waitForStderr(/listening on \S+:(\d+)/))[1];
    const second = underStrace(dir, 'second', ['server', port]);
    expect((await finish(second)).code).toBe(1);
    expect(second.stderr).toContain('EADDRINUSE');
    expect(expectAllSeenByStrace(second.stderr, 'second')).toBe(3);
    const visitor = underStrace(dir, 'visitor', ['client', '-m', 'bye', '127.0.0.1', port]);
    expect((await finish(visitor)).code).toBe(0);
    expect((await finish(holder)).code).toBe(0);
    expect(expectAllSeenByStrace(holder.stderr, 'holder')).toBe(10);

    const refused = underStrace(dir, 'refused', ['client', '-m', 'x', '127.0.0.1', port]);
    expect((await finish(refused)).code).toBe(1);
    expect(refused.stderr).toContain('ECONNREFUSED');
    expect(expectAllSeenByStrace(refused.stderr, 'refused')).toBe(3);
  });
});
