// strace's everyday options on real runs: -c (its counts against strace -c's for the same process,
// at every way out), -T, -t/-tt/-ttt, -e trace=.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, netsys, python, Running, startServer, scratchDirPerTest } from './helpers';
import { Count, countTable, joinedCalls, signalTraced, underStraceCounting } from './oracle';

/**
 * What netsys's -c table should say: strace's own -c table for the process, less the calls strace's
 * lines show Node.js made for itself (files it closes, its standard streams it asks getsockname and
 * getsockopt about). netsys's calls are its socket() and accept() calls, and those on the
 * descriptors they returned, from then until they are closed.
 */
function expectedCounts(straceFile: string): Map<string, Count> {
  const text = fs.readFileSync(straceFile, 'utf8');
  const table = new Map(countTable(text.slice(text.indexOf('% time'))));
  const ours = new Set<string>();
  for (const line of joinedCalls(text)) {
    const call = /^([a-z_0-9]+)\((\d+)?.*\) = (-?\d+)/.exec(line);
    if (!call) continue;
    const [, name, fd, ret] = call;
    const opens = /^(socket|accept4?)$/.test(name);
    if (!opens && !(fd !== undefined && ours.has(fd))) {
      const row = table.get(name);
      if (row) table.set(name, { calls: row.calls - 1, errors: row.errors - (ret === '-1' ? 1 : 0) });
    }
    if (opens && ret !== '-1') ours.add(ret);
    if (name === 'close' && fd !== undefined) ours.delete(fd);
  }
  for (const [name, row] of table) if (row.calls === 0) table.delete(name);
  return table;
}

function sorted(counts: Map<string, Count>): Array<[string, Count]> {
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
}

describe('-c', () => {
  const dir = scratchDirPerTest('netsys-oracle-');

  function expectCountsAgree(run: Running, name: string): Map<string, Count> {
    const counts = countTable(run.stderr);
    expect(counts.size).toBeGreaterThan(0);
    expect(sorted(counts)).toEqual(sorted(expectedCounts(path.join(dir(), name))));
    return counts;
  }

  it('TCP server and client, exit 0: no call lines, a table whose counts are strace -c\'s', async () => {
    const server = underStraceCounting(path.join(dir(), 'server'), ['server', '-c', '--once', '0']);
    const port = (await server.waitForStderr(/listening on \S+:(\d+)/))[1];
    const client = underStraceCounting(path.join(dir(), 'client'), ['client', '-c', '127.0.0.1', port], 'one\ntwo\n');
    expect((await finish(client)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(client.stdout.toString()).toBe('one\ntwo\n');
    for (const run of [server, client]) {
      expect(run.stderr).not.toMatch(/^[a-z_0-9]+\(/m);
      expect(run.stderr).toMatch(/^% time {5}seconds {2}usecs\/call {5}calls {4}errors syscall\n------ -{11} -{11} -{9} -{9} -{16}\n/m);
      expect(run.stderr).toMatch(/^100\.00 +\d+\.\d{6} +\d+ +\d+ +\d* total$/m);
    }
    const serverCounts = expectCountsAgree(server, 'server');
    expect([...serverCounts.keys()].sort()).toEqual(['accept', 'bind', 'close', 'getsockname', 'listen', 'recvfrom', 'sendto', 'socket']);
    const clientCounts = expectCountsAgree(client, 'client');
    expect(clientCounts.get('shutdown')).toEqual({ calls: 1, errors: 0 });
  });

  it('a UDP client that gets no reply, exit 1: the table comes before the last word, with the error counted', async () => {
    const silent = python(`
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], file=sys.stderr, flush=True)
time.sleep(30)
`);
    const port = (await silent.waitForStderr(/^(\d+)$/m))[1];
    try {
      const client = underStraceCounting(path.join(dir(), 'client'), ['client', '-c', '-u', '--timeout', '0.2', '-m', 'x', '127.0.0.1', port]);
      expect((await finish(client)).code).toBe(1);
      const counts = expectCountsAgree(client, 'client');
      expect(counts.get('recvfrom')).toEqual({ calls: 1, errors: 1 });
      expect(client.stderr.trim().split('\n').pop()).toMatch(/^netsys: no reply from/);
    } finally {
      silent.child.kill('SIGKILL');
      await finish(silent);
    }
  });

  it('a server stopped by SIGINT, exit 130: the table still comes, with the calls made on the way out', async () => {
    const server = underStraceCounting(path.join(dir(), 'server'), ['server', '-c', '0']);
    await server.waitForStderr(/listening on/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    signalTraced(server, 'SIGINT');
    expect((await finish(server, 10000)).code).toBe(130);
    const counts = expectCountsAgree(server, 'server');
    expect(counts.get('shutdown')).toEqual({ calls: 1, errors: 0 });
    expect(counts.get('accept')).toEqual({ calls: 1, errors: 1 });
  });

  it('with -e trace=, counts only those calls; with --json, gives the table as one object', async () => {
    const { server, port } = await startServer(['--once']);
    const client = netsys(['client', '-c', '-e', 'trace=sendto,recvfrom', '-m', 'x', '127.0.0.1', String(port)]);
    expect((await finish(client)).code).toBe(0);
    expect([...countTable(client.stderr).keys()].sort()).toEqual(['recvfrom', 'sendto']);
    await finish(server);

    const refused = netsys(['client', '-c', '--json', '-m', 'x', '127.0.0.1', String(port)]);
    expect((await finish(refused)).code).toBe(1);
    const summary = refused.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((record) => record.type === 'summary');
    expect(new Set(summary.calls.map((row: { syscall: string }) => row.syscall))).toEqual(new Set(['socket', 'connect', 'close']));
    expect(summary.calls.find((row: { syscall: string }) => row.syscall === 'connect')).toMatchObject({ calls: 1, errors: 1 });
  });
});

describe('-T, -t, -tt, -ttt', () => {
  async function clientTrace(options: string[]): Promise<string[]> {
    const { server, port } = await startServer(['--once']);
    const client = netsys(['client', ...options, '-m', 'x', '127.0.0.1', String(port)]);
    expect((await finish(client)).code).toBe(0);
    await finish(server);
    const lines = client.stderr.split('\n').filter((line) => /^[\d:.]* ?[a-z_0-9]+\(/.test(line));
    expect(lines).toHaveLength(8);
    return lines;
  }

  it('-T ends each call line with the time spent in it', async () => {
    for (const line of await clientTrace(['-T'])) expect(line).toMatch(/^[a-z]+\(.*\) += -?\d+.* <\d+\.\d{6}>$/);
  });

  it('-t starts each line with the time of day; -tt adds microseconds; -ttt gives seconds since the epoch', async () => {
    const now = new Date();
    for (const line of await clientTrace(['-t'])) expect(line).toMatch(/^\d\d:\d\d:\d\d [a-z]+\(/);
    const precise = await clientTrace(['-tt']);
    for (const line of precise) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{6} [a-z]+\(/);
    const [hours, minutes] = precise[0].split(':').map(Number);
    expect(Math.abs(hours * 60 + minutes - (now.getHours() * 60 + now.getMinutes())) % (24 * 60)).toBeLessThanOrEqual(1);
    for (const line of await clientTrace(['-ttt'])) {
      const seconds = Number(line.match(/^(\d+\.\d{6}) [a-z]+\(/)![1]);
      expect(Math.abs(seconds - now.getTime() / 1000)).toBeLessThan(60);
    }
  });

  it('-tt counts the stamp in the result column, as strace does', async () => {
    const close = (await clientTrace(['-tt'])).find((line) => / close\(/.test(line))!;
    expect(close.indexOf('= 0')).toBe(40);
  });
});

describe('-e trace=', () => {
  it('trace=connect prints only connect lines, and every call is still made', async () => {
    const { server, port } = await startServer(['--once']);
    const client = netsys(['client', '-e', 'trace=connect', '127.0.0.1', String(port)], 'hello\n');
    expect((await finish(client)).code).toBe(0);
    expect((await finish(server)).code).toBe(0);
    expect(client.stdout.toString()).toBe('hello\n');
    const calls = client.stderr.split('\n').filter((line) => /^[a-z_0-9]+\(/.test(line));
    expect(calls).toEqual([expect.stringMatching(/^connect\(\d+, \{sa_family=AF_INET, sin_port=htons\(\d+\), sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16\) += 0$/)]);
    expect(server.stderr.match(/^recv\(/gm)).toHaveLength(2); // the server saw the data and the end
  });

  it('trace=recvfrom selects recv (the kernel sees recvfrom); trace=!close leaves out only close', async () => {
    const { server, port } = await startServer();
    const byKernel = netsys(['client', '-e', 'recvfrom', '-m', 'x', '127.0.0.1', String(port)]);
    expect((await finish(byKernel)).code).toBe(0);
    expect(new Set(byKernel.stderr.match(/^[a-z_0-9]+(?=\()/gm))).toEqual(new Set(['recv']));
    const notClose = netsys(['client', '-e', 'trace=!close', '-m', 'x', '127.0.0.1', String(port)]);
    expect((await finish(notClose)).code).toBe(0);
    expect(notClose.stderr.match(/^[a-z_0-9]+(?=\()/gm)).toEqual(['socket', 'connect', 'getsockname', 'send', 'shutdown', 'recv', 'recv']);
    server.child.kill('SIGTERM');
    await finish(server, 5000);
  });

  it.each<[string, RegExp]>([
    ['trace=conect', /^netsys: .*-e trace: no call named "conect"; netsys makes only .*connect.*$/],
    ['signal=SIGINT', /^netsys: .*-e: netsys knows only the trace= qualifier/],
  ])('-e %s exits 2 with one clear line', async (expression, message) => {
    const run = netsys(['client', '-e', expression, '127.0.0.1', '80']);
    expect((await finish(run)).code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
