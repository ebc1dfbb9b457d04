// The north star, checked: every system-call line netsys prints appears, to the letter, in what strace
// prints for the same process. netsys names recv/send as the program called them; the kernel sees
// recvfrom/sendto with two more (NULL) address arguments, so those lines are translated before comparing.
import { finish, traceLines, scratchDirPerTest } from './helpers';
import { underStrace, unseenByStrace } from './oracle';

describe('netsys agrees with strace', () => {
  const dir = scratchDirPerTest('netsys-strace-');

  function expectAllSeenByStrace(netsysOutput: string, name: string): number {
    const lines = traceLines(netsysOutput);
    expect(unseenByStrace(lines, dir(), name)).toEqual([]);
    return lines.length;
  }

  it('for a whole conversation, server and client', async () => {
    const server = underStrace(dir(), 'server', ['server', '--once', '--reuseaddr', '0']);
    const port = (await server.waitForStderr(/listening on \S+:(\d+)/))[1];
    const client = underStrace(dir(), 'client', ['client', '127.0.0.1', port], 'hello\n\0\x01\xff "quoted" \\ back\tslash\n');
    expect((await finish(client)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(expectAllSeenByStrace(server.stderr, 'server')).toBe(11);
    expect(expectAllSeenByStrace(client.stderr, 'client')).toBe(8);
  });

  it('for failures: ECONNREFUSED, and EADDRINUSE', async () => {
    const holder = underStrace(dir(), 'holder', ['server', '--once', '0']);
    const port = (await holder.waitForStderr(/listening on \S+:(\d+)/))[1];
    const second = underStrace(dir(), 'second', ['server', port]);
    expect((await finish(second)).code).toBe(1);
    expect(second.stderr).toContain('EADDRINUSE');
    expect(expectAllSeenByStrace(second.stderr, 'second')).toBe(3);
    const visitor = underStrace(dir(), 'visitor', ['client', '-m', 'bye', '127.0.0.1', port]);
    expect((await finish(visitor)).code).toBe(0);
    expect((await finish(holder)).code).toBe(0);
    expect(expectAllSeenByStrace(holder.stderr, 'holder')).toBe(10);

    const refused = underStrace(dir(), 'refused', ['client', '-m', 'x', '127.0.0.1', port]);
    expect((await finish(refused)).code).toBe(1);
    expect(refused.stderr).toContain('ECONNREFUSED');
    expect(expectAllSeenByStrace(refused.stderr, 'refused')).toBe(3);
  });
});
