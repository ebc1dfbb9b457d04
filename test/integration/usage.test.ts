// Bad input gets one clear line on standard error and exit status 2, never a stack trace.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finish, netsys } from './helpers';

describe('bad input', () => {
  it.each<[string[], RegExp]>([
    [['server', '65536'], /port must be a number from 0 to 65535, not 65536/],
    [['server', 'http'], /port must be a number from 0 to 65535, not "http"/],
    // -6 is an option, so commander reads -1 as one; netsys names it as the port it was meant to be
    [['server', '-1'], /^netsys: port must be a number from 0 to 65535, not "-1"$/],
    [['server', '--', '-1'], /port must be a number from 0 to 65535, not "-1"/],
    [['client', 'localhost', '99999'], /port must be a number from 0 to 65535/],
    [['client', '', '80'], /host must not be empty/],
    [['client', 'localhost'], /missing required argument 'port'/],
    [['server'], /missing required argument 'port'/],
    [['server', '--backlog', 'many', '8080'], /--backlog must be a whole number/],
    [['server', '--host', 'example', '8080'], /--host must be a numeric IPv4 or IPv6 address/],
    [['server', '-s', 'lots', '8080'], /-s must be a whole number from 0/],
    [['server', '--frobnicate', '8080'], /unknown option '--frobnicate'/],
    [['serve', '8080'], /unknown command 'serve'/],
    [['server', '-o', '/nonexistent-dir/trace.txt', '8080'], /cannot write the trace to \/nonexistent-dir\/trace.txt: ENOENT/],
  ])('netsys %j', async (args, message) => {
    const run = netsys(args);
    expect((await finish(run)).code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^netsys: /);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout.length).toBe(0);
  });

  it('--help and --version exit 0', async () => {
    const help = netsys(['server', '--help']);
    expect((await finish(help)).code).toBe(0);
    expect(help.stdout.toString().replace(/\s+/g, ' ')).toContain('0.0.0.0 or :: opens the server to the network');
    const version = netsys(['--version']);
    expect((await finish(version)).code).toBe(0);
    expect(version.stdout.toString().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('trace output', () => {
  it('--json prints one object per call per line', async () => {
    const run = netsys(['client', '--json', '-m', 'x', '127.0.0.1', '0']);
    expect((await finish(run)).code).toBe(1);
    const records = run.stderr
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('netsys: '))
      .map((line) => JSON.parse(line));
    const calls = records.filter((record) => record.type === 'call');
    expect(calls.map((record) => record.call)).toEqual(['socket', 'connect', 'close']);
    expect(calls[1]).toMatchObject({ ret: -1, errno: { name: 'ECONNREFUSED', code: 111 }, kind: 'syscall' });
    expect(typeof calls[1].start).toBe('number');
    expect(calls[1].args.map((arg: { name: string }) => arg.name)).toEqual(['sockfd', 'addr', 'addrlen']);
  });

  it('-o FILE writes the trace there, plain, and keeps standard error for problems', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-o-'));
    const file = path.join(dir, 'trace.txt');
    const run = netsys(['client', '-o', file, '-m', 'x', '127.0.0.1', '0'], undefined, { FORCE_COLOR: '1' });
    expect((await finish(run)).code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual(['netsys: cannot connect to 127.0.0.1:0: ECONNREFUSED (Connection refused)']);
    const trace = fs.readFileSync(file, 'utf8');
    expect(trace).toMatch(/^connect\(\d+, \{sa_family=AF_INET, sin_port=htons\(0\)/m);
    expect(trace).not.toContain('\u001b[');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
