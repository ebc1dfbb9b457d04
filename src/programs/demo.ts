// netsys demo: a real `netsys server --once` process and a real `netsys client` process on loopback,
// their traces shown as they happen, each line labelled with its side. (Two processes: two sets of
// descriptors, two pids.) The two-lane timeline of the kernel's view is a later step.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';

const NETSYS = path.resolve(__dirname, '../../bin/netsys');

function label(side: 'server' | 'client', line: string): string {
  return `${side} | ${line}`;
}

/** Starts one side; each line of its trace is printed with its label, then passed to `watch`. */
function start(side: 'server' | 'client', args: string[], watch: (line: string) => void = () => undefined) {
  const child = spawn(process.execPath, [NETSYS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    process.stdout.write(label(side, line) + '\n');
    watch(line);
  });
  readline.createInterface({ input: child.stdout }).on('line', (line) => process.stdout.write(label(side, `(received) ${line}`) + '\n'));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  return { child, exited };
}

export async function runDemo(port: number, message: string, traceArgs: string[]): Promise<number> {
  let announcePort: (port: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (announcePort = resolve));
  const server = start('server', ['server', '--once', ...traceArgs, String(port)], (line) => {
    const match = line.match(/listening on \S+:(\d+)/);
    if (match) announcePort(match[1]);
  });
  const chosen = await Promise.race([listening, server.exited.then(() => null)]);
  if (chosen === null) return server.exited;
  const client = start('client', ['client', ...traceArgs, '-m', message, '127.0.0.1', chosen]);
  const [clientCode, serverCode] = await Promise.all([client.exited, server.exited]);
  return clientCode || serverCode;
}
