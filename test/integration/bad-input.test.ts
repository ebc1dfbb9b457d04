// Every mistake gets exactly one line on standard error: `netsys: ` + what was wrong + what is
// accepted. Exit status 2 for bad usage, 1 for a failure only found at run time; never a trace line,
// never a stack trace, nothing on standard output.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finish, netsys, traceLines } from './helpers';

interface Case {
  readonly args: string[];
  /** What was wrong, as the line must name it. */
  readonly wrong: RegExp;
  /** What is accepted instead. */
  readonly accepted: RegExp;
  readonly code?: number;
}

const PORT_RANGE = /port must be a number from 0 to 65535/;
const SERVER_USAGE = /usage: netsys server \[options\] <port> \(netsys server --help\)$/;
const CLIENT_USAGE = /usage: netsys client \[options\] <host> <port> \(netsys client --help\)$/;
const COMMANDS = /commands: server, client, demo, lesson, shell, errno, explain \(netsys --help\)$/;
const NUMERIC_HOST = /--host must be a numeric IPv4 or IPv6 address such as 127\.0\.0\.1 or ::1/;
const WRITABLE = /-o needs a file netsys can create or overwrite$/;

const CASES: Record<string, Case> = {
  'port in hex': { args: ['server', '0x50'], wrong: /not "0x50"$/, accepted: PORT_RANGE },
  'empty port': { args: ['server', ''], wrong: /not ""$/, accepted: PORT_RANGE },
  'port with a space': { args: ['server', ' 80'], wrong: /not " 80"$/, accepted: PORT_RANGE },
  'port with a fraction': { args: ['server', '80.5'], wrong: /not "80\.5"$/, accepted: PORT_RANGE },
  'port in exponent form': { args: ['client', '127.0.0.1', '1e3'], wrong: /not "1e3"$/, accepted: PORT_RANGE },
  'negative port': { args: ['client', 'localhost', '-5'], wrong: /not "-5"$/, accepted: PORT_RANGE },
  'port beyond any integer': { args: ['server', '99999999999999999999'], wrong: /not 99999999999999999999$/, accepted: PORT_RANGE },
  'host of spaces': { args: ['client', '   ', '80'], wrong: /host must not be empty/, accepted: /such as localhost or an address such as 127\.0\.0\.1/ },
  'extra argument to client': { args: ['client', '127.0.0.1', '80', 'extra'], wrong: /too many arguments for 'client'\. Expected 2 arguments but got 3;/, accepted: CLIENT_USAGE },
  'extra argument to server': { args: ['server', '80', '81'], wrong: /too many arguments for 'server'/, accepted: SERVER_USAGE },
  'no arguments to client': { args: ['client'], wrong: /missing required argument 'host'/, accepted: CLIENT_USAGE },
  'no command at all': { args: [], wrong: /^netsys: missing command/, accepted: /netsys server <port>, netsys client <host> <port>/ },
  '-m without its text': { args: ['client', '-m'], wrong: /option '-m, --message <text>' argument missing/, accepted: CLIENT_USAGE },
  '-s negative': { args: ['server', '-s', '-1', '0'], wrong: /not "-1"$/, accepted: /-s must be a whole number from 0 to 1048576/ },
  '-s too big': { args: ['server', '-s', '99999999', '0'], wrong: /not "99999999"$/, accepted: /-s must be a whole number from 0 to 1048576/ },
  '-s a fraction': { args: ['client', '-s', '1.5', '127.0.0.1', '80'], wrong: /not "1\.5"$/, accepted: /-s must be a whole number from 0 to 1048576/ },
  '-s empty': { args: ['server', '-s', '', '0'], wrong: /not ""$/, accepted: /-s must be a whole number/ },
  '-o a directory': { args: ['server', '-o', os.tmpdir(), '0'], wrong: /cannot write the trace to .*: EISDIR \(Is a directory\)/, accepted: WRITABLE },
  '-o in a missing directory': { args: ['client', '-o', '/nonexistent-dir/t', '127.0.0.1', '1'], wrong: /ENOENT \(No such file or directory\)/, accepted: WRITABLE },
  '-o empty': { args: ['client', '-o', '', '127.0.0.1', '1'], wrong: /not ""$/, accepted: /-o needs the name of a file/ },
  '-o a full device (found at run time)': { args: ['server', '-o', '/dev/full', '0'], wrong: /cannot write the trace to \/dev\/full: ENOSPC \(No space left on device\)$/, accepted: /ENOSPC/, code: 1 },
  '--backlog negative': { args: ['server', '--backlog', '-1', '0'], wrong: /not "-1"$/, accepted: /--backlog must be a whole number from 0 to 65535/ },
  '--backlog too big': { args: ['server', '--backlog', '70000', '0'], wrong: /not "70000"$/, accepted: /from 0 to 65535/ },
  '--backlog a fraction': { args: ['server', '--poll', '--backlog', '1.5', '0'], wrong: /not "1\.5"$/, accepted: /--backlog must be a whole number/ },
  '--host a name': { args: ['server', '--host', 'localhost', '0'], wrong: /not "localhost"$/, accepted: NUMERIC_HOST },
  '--host empty': { args: ['server', '--host', '', '0'], wrong: /not ""$/, accepted: NUMERIC_HOST },
  '--host out of range': { args: ['server', '--host', '300.1.1.1', '0'], wrong: /not "300\.1\.1\.1"$/, accepted: NUMERIC_HOST },
  '--host on the client': { args: ['client', '--host', 'x', '1', '2'], wrong: /unknown option '--host'/, accepted: CLIENT_USAGE },
  'unknown option, with a suggestion': { args: ['client', '--mesage', 'x', '1', '2'], wrong: /unknown option '--mesage' \(Did you mean --message\?\);/, accepted: CLIENT_USAGE },
  'unknown option before any command': { args: ['--frob'], wrong: /unknown option '--frob'/, accepted: COMMANDS },
  'unknown command, with a suggestion': { args: ['serve', '80'], wrong: /unknown command 'serve' \(Did you mean server\?\);/, accepted: COMMANDS },
  'demo with a bad port': { args: ['demo', '--port', 'x'], wrong: /not "x"$/, accepted: PORT_RANGE },
  'unknown lesson': { args: ['lesson', 'nope'], wrong: /unknown lesson "nope"/, accepted: /the lessons are tcp-server, /},
};

describe('bad input: one line, exit 2 (1 when only found at run time)', () => {
  it.each(Object.entries(CASES))('%s', async (_name, { args, wrong, accepted, code = 2 }) => {
    const run = netsys(args);
    expect((await finish(run, 10000)).code).toBe(code);
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^netsys: /);
    expect(lines[0]).toMatch(wrong);
    expect(lines[0]).toMatch(accepted);
    expect(traceLines(run.stderr)).toEqual([]);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout.length).toBe(0);
  });

  it('covers more than twenty mistakes', () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(22);
  });

  it('a host that does not resolve: the getaddrinfo call that said so, then one line with gai_strerror\'s words, exit 2', async () => {
    const run = netsys(['client', '-m', 'x', 'no-such-host.invalid', '80']);
    expect((await finish(run, 10000)).code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^libc: getaddrinfo\("no-such-host\.invalid", "80", .*\) = -2 EAI_NONAME \(Name or service not known\)$/);
    expect(lines[1]).toBe(
      'netsys: cannot resolve host no-such-host.invalid: EAI_NONAME (Name or service not known); ' +
        'give a name this machine knows (/etc/hosts, DNS) or an address such as 127.0.0.1',
    );
  });

  it('with -o, the unresolvable host leaves standard error exactly one line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-bad-'));
    const run = netsys(['client', '-o', path.join(dir, 'trace'), '-m', 'x', 'no-such-host.invalid', '80']);
    expect((await finish(run, 10000)).code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^netsys: cannot resolve host no-such-host\.invalid: EAI_NONAME/)]);
    expect(fs.readFileSync(path.join(dir, 'trace'), 'utf8')).toMatch(/^libc: getaddrinfo\(/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
