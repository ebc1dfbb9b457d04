// netsys demo: a real `netsys server --once` process and a real `netsys client` process on loopback
// (two processes: two sets of descriptors, two pids), each tracing itself with --json so that every
// call has its pid, start and duration. Each line is decoded into an event once, as it arrives
// (json-read.ts). When both have ended, their traces are merged in time order and drawn as a
// two-lane timeline (or, with --mermaid, as a Mermaid sequence diagram).
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { PACKAGE_ROOT } from '../paths';
import { ENDING_SIGNAL_NAMES } from '../signals';
import { wantsColor } from '../render/paint';
import { outputWidth } from '../width';
import { converse, Side, TraceItem } from '../render/conversation';
import { decodeTraceLine } from '../render/json-read';
import { renderLanes } from '../render/lanes';
import { renderMermaid } from '../render/mermaid';
import { DecodeFdsLevel, DEFAULT_STRING_LIMIT, StraceOptions } from '../render/strace';

const NETSYS = path.join(PACKAGE_ROOT, 'bin', 'netsys');

export interface DemoOptions {
  readonly port: number;
  readonly message: string;
  readonly color: boolean;
  readonly mermaid: boolean;
  /** -y or -yy: the children name each descriptor, so their calls are drawn with the names. */
  readonly decodeFds: DecodeFdsLevel;
  /** Passed on to both processes: --state, -y. */
  readonly traceArgs: readonly string[];
}

interface Child {
  readonly records: TraceItem[];
  readonly pid: number | undefined;
  readonly exited: Promise<number>;
  stop(signal?: NodeJS.Signals): void;
}

/** Starts one side with --json; each line of its trace is kept, and handed to `watch` as it comes. */
function start(args: string[], watch: (record: TraceItem) => void = () => undefined): Child {
  const child = spawn(process.execPath, [NETSYS, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const records: TraceItem[] = [];
  const lines = readline.createInterface({ input: child.stderr });
  lines.on('line', (line) => {
    const record = decodeTraceLine(line);
    records.push(record);
    watch(record);
  });
  const closed = new Promise<void>((resolve) => lines.on('close', () => resolve()));
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0))),
  );
  return { records, pid: child.pid, exited: closed.then(() => exited), stop: (signal = 'SIGTERM') => child.kill(signal) };
}


function participant(side: Side, child: Child): string {
  const first = child.records.find((r) => r.type === 'call');
  const pid = first && first.type === 'call' ? first.event.pid : child.pid;
  return `${side} (pid ${pid})`;
}

/**
 * A signal that ends a program (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT) reaches the demo and is passed on to
 * both processes, which close what they opened and end; the timeline of what happened until then is
 * still drawn.
 */
function passSignalsTo(children: () => Child[]): void {
  for (const signal of ENDING_SIGNAL_NAMES) {
    process.on(signal, () => {
      for (const child of children()) child.stop(signal);
    });
  }
}

export async function runDemo(options: DemoOptions): Promise<number> {
  let announcePort: (port: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (announcePort = resolve));
  const server = start(['server', '--once', '--json', ...options.traceArgs, String(options.port)], (record) => {
    if (record.type === 'note' && record.listening) announcePort(String(record.listening.port));
  });
  let client: Child | null = null;
  passSignalsTo(() => (client ? [server, client] : [server]));
  const chosen = await Promise.race([listening, server.exited.then(() => null)]);
  let code: number;
  if (chosen === null) {
    code = await server.exited;
  } else {
    client = start(['client', '--json', ...options.traceArgs, '-m', options.message, '127.0.0.1', chosen]);
    const clientCode = await client.exited;
    if (clientCode !== 0) server.stop(); // it would wait in accept for a client that is not coming
    // Always wait for the server: its closing (after a signal, or the stop above) belongs in the drawing.
    const serverCode = await server.exited;
    code = clientCode || serverCode;
  }
  const clientRecords = client ? client.records : [];
  const steps = converse(server.records, clientRecords);
  const who = { server: participant('server', server), client: client ? participant('client', client) : 'client' };
  const color = wantsColor(options.color, process.stdout);
  const strace: StraceOptions = { stringLimit: DEFAULT_STRING_LIMIT, decodeFds: options.decodeFds };
  const text = options.mermaid ? renderMermaid(steps, who, strace) : renderLanes(steps, who, { width: outputWidth(), color, strace }).join('\n') + '\n';
  await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  return code;
}
