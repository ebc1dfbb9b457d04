// The command line: commander, and nothing else. Programs are loaded only when a command runs,
// so `netsys --help` starts without touching libc.
import { fstatSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseCount, parseHost, parseOutputFile, parsePort, parseTimeout, parseTraceExpression, UsageError } from './args';
import { AF_INET6, isWildcardAddress } from './libc/addresses';
import type { CallSelection } from './render/select';
import type { Program } from './callthread/protocol';
import type { TraceRequest } from './callthread/supervisor';
import { prestartFor } from './callthread/prestart';
import { escapeControls, visible } from './visible';
import { ADDRESS_SPACE_FLOOR_KIB, addressSpaceProblem } from './limits';
import { internalErrorLine, resourceProblem } from './bug';
import { stdoutFailure } from './programs/stdout';

const USAGE_EXIT = 2;

interface TraceFlags {
  json?: boolean;
  output?: string;
  stringLimit: number;
  color: boolean;
  /** -t, -tt, -ttt: how many times -t was given. */
  t: number;
  syscallTimes?: boolean;
  summaryOnly?: boolean;
  /** -e trace=...; absent for all calls. */
  e?: CallSelection;
  /** -y, -yy: how many times -y was given. */
  y: number;
  /** -x, -xx: how many times -x was given. */
  x: number;
  /** -r */
  relativeTimestamps?: boolean;
  state?: boolean;
}

/** Adapts a parser that throws UsageError to commander's InvalidArgumentError. */
function arg<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      if (error instanceof UsageError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

function stringLimitOption(): Option {
  return new Option('-s, --string-limit <n>', 'show at most N bytes of data per call, as strace -s')
    .default(32)
    .argParser(arg(parseCount('-s', 0, 1048576)));
}

/** A flag that may be repeated, as strace's -t, -x and -y: `-yy` is counted twice. */
function count(_: string, times: number): number {
  return times + 1;
}

/** How each call's line is written, for every command that makes calls: --json, -o, -s, --no-color, -T, -t, -y. */
function withLineOptions(command: Command, outputHelp: string): Command {
  return command
    .option('--json', 'print each call as one JSON object per line (see README)')
    .option('-o, --output <file>', outputHelp, arg(parseOutputFile))
    .addOption(stringLimitOption())
    .option('--no-color', 'plain text, no colour (also: NO_COLOR=1, or when not on a terminal)')
    .option('-T, --syscall-times', 'show the time spent in each call at the end of its line, as strace -T: <0.000123>')
    .option('-t', 'show the time of day each call started, as strace -t; -tt adds microseconds, -ttt gives seconds since the epoch', count, 0)
    .option('-y', 'name each socket descriptor, as strace -y does: 3<socket:[74061]>; -yy names its endpoints, as strace -yy: 3<TCP:[127.0.0.1:8080]>', count, 0);
}

function withTraceOptions(command: Command): Command {
  return withLineOptions(command, 'write the trace to FILE instead of standard error')
    .option('-c, --summary-only', 'no line per call: at exit, a table of calls, errors and time per system call, as strace -c')
    .addOption(
      new Option('-e <expr>', 'trace=NAME[,NAME...] or a class such as %network or %desc: show only these calls and their notes (all are still made), as strace -e trace=; trace=!NAME shows all but these; trace=none shows none')
        .argParser(arg(parseTraceExpression)),
    )
    .option('-r, --relative-timestamps', 'show the time since the previous line started each line, as strace -r')
    .option('-x', 'print a string holding any non-printable byte in hex, as strace -x; -xx prints every string in hex', count, 0)
    .option('--state', "after each call, each TCP socket's state as the kernel reports it, and its queues");
}

interface ServerFlags {
  host?: string;
  backlog: number;
  reuseaddr?: boolean;
  once?: boolean;
  poll?: boolean;
  udp?: boolean;
  ipv6?: boolean;
  v6only?: boolean;
}

interface ClientFlags {
  message?: string;
  udp?: boolean;
  ipv6?: boolean;
  /** Microseconds. */
  timeout: number;
}

/** `netsys client ... < /tmp`: reading it would fail with EISDIR, which a stream reports as an empty input. */
function standardInputIsDirectory(): boolean {
  try {
    return fstatSync(0).isDirectory();
  } catch {
    return false;
  }
}

/**
 * With -6 among the options, commander reads `-1` as an option rather than a number (its rule for
 * digit options); the only number that stands alone on netsys's command line is a port.
 */
function negativePort(text: string): string | null {
  const option = /^(?:error: )?unknown option '(-\d+)'/.exec(text);
  return option ? `port must be a number from 0 to 65535, not "${visible(option[1])}"` : null;
}

/** Ends with exit status 1 and one line when the address-space limit is too small for `command` to start. */
function needAddressSpace(command: string, kind: keyof typeof ADDRESS_SPACE_FLOOR_KIB): void {
  const problem = addressSpaceProblem(command, ADDRESS_SPACE_FLOOR_KIB[kind]);
  if (!problem) return;
  process.stderr.write(`netsys: ${problem}\n`);
  process.exit(1);
}

function fail(message: string): never {
  process.stderr.write(`netsys: ${escapeControls(message)}\n`);
  process.exit(USAGE_EXIT);
}

/** The trace the options ask for, as every thread of the program writes it (supervisor.ts). */
function traceRequest(flags: TraceFlags): TraceRequest {
  return {
    format: flags.json ? 'json' : 'text',
    color: flags.color,
    file: flags.output,
    stringLimit: flags.stringLimit,
    timestamps: Math.min(flags.t, 3) as 0 | 1 | 2 | 3,
    relative: Boolean(flags.relativeTimestamps),
    durations: Boolean(flags.syscallTimes),
    summary: Boolean(flags.summaryOnly),
    selection: flags.e,
    decodeFds: Math.min(flags.y, 2) as 0 | 1 | 2,
    hex: Math.min(flags.x, 2) as 0 | 1 | 2,
  };
}

/** Runs a program on its call thread(s) until it ends (the process exits there). */
async function runOnCallThreads(program: Program, flags: TraceFlags): Promise<void> {
  const { supervise, TraceFileError } = await import('./callthread/supervisor');
  const kernel = flags.y > 0 || flags.state ? { endpoints: flags.y > 0, state: Boolean(flags.state) } : null;
  try {
    await supervise(program, traceRequest(flags), kernel);
  } catch (error) {
    if (error instanceof TraceFileError) fail(error.message);
    throw error;
  }
}

function buildProgram(): Command {
  const program = new Command('netsys')
    .description('Make real socket system calls and watch them as strace shows them.')
    .version(require('../package.json').version)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(commanderErrorLine(text, 'commands: server, client, demo, lesson, shell, errno, explain (netsys --help)')) });

  withTraceOptions(
    program
      .command('server')
      .description('an echo server: TCP (socket, bind, listen, then accept, recv and send for each client), or UDP with -u')
      .argument('<port>', 'port to listen on, 0 to let the kernel choose', arg(parsePort))
      .option('--host <address>', 'address to bind (default 127.0.0.1, or ::1 with -6); 0.0.0.0 or :: opens the server to the network')
      .option('--backlog <n>', 'listen() backlog: connections the kernel may queue', arg(parseCount('--backlog', 0, 65535)), 16)
      .option('--reuseaddr', 'set SO_REUSEADDR before bind: take a port held by connections in TIME_WAIT, when the server that left them had set it too')
      .option('--once', 'serve one connection (with -u: one datagram), then close the socket and exit')
      .option('--poll', 'serve many clients at once from one process, with poll()')
      .option('-u, --udp', 'UDP: socket(SOCK_DGRAM), bind, then recvfrom and sendto back for each datagram; no listen, no accept')
      .option('-6, --ipv6', 'IPv6 (AF_INET6): the default --host becomes ::1')
      .option('--v6only', 'set IPV6_V6ONLY before bind, so an IPv6 socket takes no IPv4 clients (implies -6)'),
  ).action(async (port: number, flags: TraceFlags & ServerFlags, command: Command) => {
    const { parseInetAddress } = await import('./libc/native/sockaddr');
    const wantsV6 = Boolean(flags.ipv6 || flags.v6only);
    const host = flags.host ?? (wantsV6 ? '::1' : '127.0.0.1');
    const local = parseInetAddress(host);
    if (!local) fail(`--host must be a numeric IPv4 or IPv6 address such as 127.0.0.1 or ::1, not "${visible(host)}"`);
    if (wantsV6 && local.family !== AF_INET6) fail(`${flags.v6only ? '--v6only' : '-6'} needs an IPv6 --host such as ::1 or ::, not ${visible(host)}`);
    if (flags.udp && command.getOptionValueSource('backlog') === 'cli') fail('--backlog sets the queue of listen(), and a UDP server (-u) does not listen');
    needAddressSpace('server', 'program');
    const options = {
      family: local.family,
      address: local.address,
      scopeId: local.scopeId,
      port,
      backlog: flags.backlog,
      reuseaddr: Boolean(flags.reuseaddr),
      once: Boolean(flags.once),
      v6only: Boolean(flags.v6only),
    };
    const open = isWildcardAddress(local.address);
    const preface = open ? [`${local.address} accepts ${flags.udp ? 'datagrams' : 'connections'} from the network, not only from this machine`] : [];
    await runOnCallThreads({ program: 'server', kind: flags.udp ? 'udp' : flags.poll ? 'poll' : 'tcp', options, preface }, flags);
  });

  withTraceOptions(
    program
      .command('client')
      .description('a client: TCP (resolve, socket, connect, then send standard input and print what comes back), or UDP with -u')
      .argument('<host>', 'name or address of the server', arg(parseHost))
      .argument('<port>', 'port of the server', arg(parsePort))
      .option('-m, --message <text>', 'send this one line instead of reading standard input')
      .option('-u, --udp', 'UDP: send each line as one datagram with sendto and recvfrom its reply; no connect')
      .option('-6, --ipv6', 'resolve the host to IPv6 addresses only (AF_INET6)')
      .addOption(
        new Option('--timeout <seconds>', 'with -u: how long recvfrom waits for each reply (SO_RCVTIMEO); 0 waits for ever')
          .default(2e6, '2')
          .argParser(arg(parseTimeout)),
      ),
  ).action(async (host: string, port: number, flags: TraceFlags & ClientFlags, command: Command) => {
    if (!flags.udp && command.getOptionValueSource('timeout') === 'cli') fail('--timeout sets how long a UDP client (-u) waits for a reply; add -u');
    if (flags.message === undefined && standardInputIsDirectory()) fail('standard input is a directory (EISDIR): give the client a file, a pipe or the terminal, or -m TEXT');
    // Node's isIPv4 takes what inet_pton(AF_INET) takes (four decimal parts): the native binding, and
    // its 8 ms, stay off the main thread, where the call thread is starting.
    if (flags.ipv6 && isIPv4(host)) fail(`-6 asks for IPv6, but ${visible(host)} is an IPv4 address`);
    needAddressSpace('client', 'program');
    const family = flags.ipv6 ? AF_INET6 : undefined;
    await runOnCallThreads(
      flags.udp
        ? { program: 'udp-client', options: { host, port, family, message: flags.message, timeoutMicroseconds: flags.timeout } }
        : { program: 'client', options: { host, port, family, message: flags.message }, withSender: flags.message === undefined },
      flags,
    );
  });

  program
    .command('demo')
    .description('run a real server and a real client on loopback and show both traces as a two-lane timeline')
    .option('--port <n>', 'port for the server, 0 to let the kernel choose', arg(parsePort), 0)
    .option('-m, --message <text>', 'the line the client sends', 'hello')
    .option('--no-color', 'plain text, no colour')
    .option('--mermaid', 'write the conversation as a Mermaid sequence diagram instead')
    .option('-y', 'name each socket descriptor, as strace -y does (socket:[74061]); -yy by its endpoints, as strace -yy', count, 0)
    .option('--state', "after each call, each TCP socket's state as the kernel reports it")
    .action(async (flags: { port: number; message: string; color: boolean; mermaid?: boolean; y: number; state?: boolean }) => {
      needAddressSpace('demo', 'program');
      const { runDemo } = await import('./programs/demo');
      process.exitCode = await runDemo({
        port: flags.port,
        message: flags.message,
        color: flags.color,
        mermaid: Boolean(flags.mermaid),
        decodeFds: Math.min(flags.y, 2) as 0 | 1 | 2,
        traceArgs: [...(flags.y > 0 ? ['-' + 'y'.repeat(Math.min(flags.y, 2))] : []), ...(flags.state ? ['--state'] : [])],
      });
    });

  program
    .command('errno')
    .description("an error's number, name and message from libc, and what usually causes it; no argument: the table")
    .argument('[error]', 'a name such as ECONNREFUSED or EAI_NONAME, or a number such as 111')
    .option('--no-color', 'plain text, no colour')
    .action(async (error: string | undefined, flags: { color: boolean }) => {
      const { errnoText, terminalStyle } = await import('./reference/command');
      process.stdout.write(await reference(() => errnoText(error, terminalStyle(flags.color))));
    });

  program
    .command('explain')
    .description('a call: its C prototype, what it does, what it waits for, its common errors, its lesson')
    .argument('[call]', 'a call such as accept or getaddrinfo; no argument: the list')
    .option('--no-color', 'plain text, no colour')
    .action(async (call: string | undefined, flags: { color: boolean }) => {
      const { explainText, terminalStyle } = await import('./reference/command');
      process.stdout.write(await reference(async () => explainText(call, terminalStyle(flags.color))));
    });

  program
    .command('lesson')
    .description('walk through a lesson one system call at a time; with no ID, list the lessons')
    .argument('[id]', 'the lesson to walk (netsys lesson lists them)')
    .option('--no-pause', 'make every call without waiting for a key (also when standard input is not a terminal)')
    .addOption(stringLimitOption())
    .option('--no-color', 'plain text, no colour')
    .option('--no-state', "do not show each TCP socket's state after each call (shown by default in lessons)")
    .option('--mermaid', 'make every call without a word, then print the calls as a Mermaid sequenceDiagram')
    .option('--lessons-dir <dir>', 'read lessons from DIR instead of the lessons that come with netsys')
    .action(async (id: string | undefined, flags: { pause: boolean; stringLimit: number; color: boolean; state: boolean; mermaid?: boolean; lessonsDir?: string }) => {
      // Checked before the lesson modules load: they load the native binding, which may not fit either.
      if (id !== undefined) needAddressSpace('lesson', 'lesson');
      const [{ listLessons, runLesson }, { LessonFormatError }, { LessonNotFound }] = await Promise.all([
        import('./lessons/command'),
        import('./lessons/format'),
        import('./lessons/catalog'),
      ]);
      try {
        if (id === undefined) listLessons(flags);
        else {
          await runLesson(id, { ...flags, reference: (await import('./reference/for-lessons')).referenceForLessons });
        }
      } catch (error) {
        if (error instanceof LessonFormatError || error instanceof LessonNotFound) fail(error.message);
        throw error;
      }
    });

  withLineOptions(
    program
      .command('shell')
      .description('type calls, one per line, and watch each one made for real: both sides, held calls, Tab, save as a lesson'),
    "write the trace to FILE; the shell's words stay on the screen",
  )
    .option('--no-state', "do not show each TCP socket's state after each call (shown by default)")
    .action(async (flags: Pick<TraceFlags, 'json' | 'output' | 'stringLimit' | 'color' | 't' | 'syscallTimes' | 'y'> & { state: boolean }) => {
      // Two side threads, as a lesson has: V8 aborts without the room. Checked before the shell's
      // modules load: they load the native binding, which may not fit either.
      needAddressSpace('shell', 'lesson');
      const { runShell, ShellUsageError } = await import('./shell/command');
      try {
        await runShell({
          stringLimit: flags.stringLimit,
          color: flags.color,
          state: flags.state,
          decodeFds: Math.min(flags.y, 2) as 0 | 1 | 2,
          durations: Boolean(flags.syscallTimes),
          timestamps: Math.min(flags.t, 3) as 0 | 1 | 2 | 3,
          json: Boolean(flags.json),
          file: flags.output,
        });
      } catch (error) {
        if (error instanceof ShellUsageError) fail(error.message);
        throw error;
      }
    });

  for (const command of program.commands) {
    const usage = `usage: netsys ${command.name()} ${command.usage()} (netsys ${command.name()} --help)`;
    command.configureOutput({ outputError: (text, write) => write(commanderErrorLine(text, usage)) });
  }
  return program;
}

/**
 * Commander's error as netsys's one line. An argument our parsers refused already says what is
 * accepted, so commander's preamble is dropped; any other error (unknown option, missing or extra
 * argument) is followed by the usage that is accepted. A suggestion joins the same line.
 */
function commanderErrorLine(text: string, accepted: string): string {
  const refused = /^error: (command-argument value '[\s\S]*' is invalid for argument '[^']*'|option '[^']*' argument '[\s\S]*' is invalid)\. /;
  const negative = negativePort(text);
  if (negative) return `netsys: ${negative}\n`;
  const reason = text
    .replace(refused, '')
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ')
    .replace(/\.$/, '');
  return `netsys: ${escapeControls(refused.test(text) ? reason : `${reason}; ${accepted}`)}\n`;
}

/** Runs a reference lookup, turning an unknown name into the usual one-line usage error. */
async function reference(text: () => Promise<string> | string): Promise<string> {
  try {
    return await text();
  } catch (error) {
    if (error instanceof UsageError) fail(error.message);
    throw error;
  }
}

/**
 * Ways a process can be disturbed from outside that must not end netsys or open a door into it.
 * A SIGUSR1 listener keeps Node's inspector from opening on 127.0.0.1:9229, where any local user
 * could attach. Standard output closed early (`| head -1`) ends a command with one line, exit 1;
 * a running program (programs/stdout.ts) ends through its way out instead, closing its sockets.
 */
function guardProcess(): void {
  process.on('SIGUSR1', () => undefined);
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (process.stdout.listenerCount('error') > 1) return; // the running program's way out handles it
    process.stderr.write(`netsys: ${stdoutFailure(error)}\n`);
    process.exit(1);
  });
}

export async function main(argv: string[]): Promise<void> {
  // A program's call thread, or a lesson's or the shell's side threads, start now (if bin/netsys has
  // not started them), in parallel with parsing the command line.
  prestartFor(argv);
  guardProcess();
  if (argv.length <= 2) fail('missing command: netsys server <port>, netsys client <host> <port>, netsys demo, netsys lesson, netsys shell, netsys errno or netsys explain (netsys --help)');
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT);
    const resource = resourceProblem(error);
    process.stderr.write(`netsys: ${resource ?? internalErrorLine(error)}\n`);
    process.exit(resource ? 1 : 70);
  }
}
