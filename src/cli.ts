// The command line: commander, and nothing else. Programs are loaded only when a command runs,
// so `netsys --help` starts without touching libc.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseCount, parseHost, parsePort, UsageError } from './args';

const USAGE_EXIT = 2;

interface TraceFlags {
  json?: boolean;
  output?: string;
  stringLimit: number;
  color: boolean;
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

function withTraceOptions(command: Command): Command {
  return command
    .option('--json', 'print each call as one JSON object per line (see README)')
    .option('-o, --output <file>', 'write the trace to FILE instead of standard error')
    .addOption(
      new Option('-s, --string-limit <n>', 'show at most N bytes of data per call, as strace -s')
        .default(32)
        .argParser(arg(parseCount('-s', 0, 1048576))),
    )
    .option('--no-color', 'plain text, no colour (also: NO_COLOR=1, or when not on a terminal)');
}

function fail(message: string): never {
  process.stderr.write(`netsys: ${message}\n`);
  process.exit(USAGE_EXIT);
}

async function startTracing(flags: TraceFlags) {
  const [{ Recorder }, { TraceOutput, OutputFileError }] = await Promise.all([
    import('./trace/recorder'),
    import('./trace/output'),
  ]);
  let output;
  try {
    output = new TraceOutput({
      format: flags.json ? 'json' : 'text',
      color: flags.color,
      file: flags.output,
      stringLimit: flags.stringLimit,
    });
  } catch (error) {
    if (error instanceof OutputFileError) fail(error.message);
    throw error;
  }
  const calls = new Recorder((event) => output.call(event), flags.stringLimit);
  return { calls, output };
}

function buildProgram(): Command {
  const program = new Command('netsys')
    .description('Make real socket system calls and watch them as strace shows them.')
    .version(require('../package.json').version)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`netsys: ${text.replace(/^error: /, '')}`) });

  withTraceOptions(
    program
      .command('server')
      .description('a TCP echo server: socket, bind, listen, then accept, recv and send for each client')
      .argument('<port>', 'port to listen on, 0 to let the kernel choose', arg(parsePort))
      .option('--host <address>', 'address to bind; 0.0.0.0 or :: opens the server to the network', '127.0.0.1')
      .option('--backlog <n>', 'listen() backlog: connections the kernel may queue', arg(parseCount('--backlog', 0, 65535)), 16)
      .option('--reuseaddr', 'set SO_REUSEADDR before bind (rebind a port whose connections are in TIME_WAIT)')
      .option('--once', 'serve one connection, then close the listening socket and exit'),
  ).action(async (port: number, flags: TraceFlags & { host: string; backlog: number; reuseaddr?: boolean; once?: boolean }) => {
    const { parseInetAddress } = await import('./libc/sockaddr');
    const local = parseInetAddress(flags.host);
    if (!local) fail(`--host must be a numeric IPv4 or IPv6 address such as 127.0.0.1 or ::1, not "${flags.host}"`);
    const { calls, output } = await startTracing(flags);
    const [{ runProgram }, { runServer }] = await Promise.all([import('./programs/run'), import('./programs/server')]);
    if (local.address === '0.0.0.0' || local.address === '::') output.note(`${local.address} accepts connections from the network, not only from this machine`);
    await runProgram(calls, output, () =>
      runServer(calls, output, {
        family: local.family,
        address: local.address,
        port,
        backlog: flags.backlog,
        reuseaddr: Boolean(flags.reuseaddr),
        once: Boolean(flags.once),
      }),
    );
  });

  withTraceOptions(
    program
      .command('client')
      .description('a TCP client: resolve, socket, connect, then send standard input and print what comes back')
      .argument('<host>', 'name or address of the server', arg(parseHost))
      .argument('<port>', 'port of the server', arg(parsePort))
      .option('-m, --message <text>', 'send this one line instead of reading standard input'),
  ).action(async (host: string, port: number, flags: TraceFlags & { message?: string }) => {
    const { calls, output } = await startTracing(flags);
    const [{ runProgram }, { runClient, HostNotFound }] = await Promise.all([import('./programs/run'), import('./programs/client')]);
    await runProgram(calls, output, async () => {
      try {
        await runClient(calls, output, { host, port, message: flags.message });
      } catch (error) {
        if (!(error instanceof HostNotFound)) throw error;
        await output.flush();
        fail(error.message);
      }
    });
  });

  program
    .command('demo')
    .description('run a real server and a real client on loopback and show both traces as they happen')
    .option('--port <n>', 'port for the server, 0 to let the kernel choose', arg(parsePort), 0)
    .option('-m, --message <text>', 'the line the client sends', 'hello')
    .option('--no-color', 'plain text, no colour')
    .action(async (flags: { port: number; message: string; color: boolean }) => {
      const { runDemo } = await import('./programs/demo');
      process.exitCode = await runDemo(flags.port, flags.message, flags.color ? [] : ['--no-color']);
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

  return program;
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

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT);
    process.stderr.write(`netsys: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(70);
  }
}
