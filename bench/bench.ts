// npm run bench: netsys measured beside its references, each figure the median of several runs,
// printed as one table with each figure's ratio to its reference and the budget it must meet.
// `--tiny` runs every measurement at a toy size (the test suite does, so the script cannot rot).
import { ChildProcess, spawn, SpawnOptions, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const NETSYS = path.join(ROOT, 'bin', 'netsys');
const PEERS = path.join(ROOT, 'bench', 'peers.py');
const TIME = '/usr/bin/time';

interface Sizes {
  readonly repetitions: number;
  readonly startups: number;
  readonly roundTrips: number;
  readonly bulkMiB: number;
}

const FULL: Sizes = { repetitions: 5, startups: 15, roundTrips: 20000, bulkMiB: 256 };
const TINY: Sizes = { repetitions: 1, startups: 2, roundTrips: 50, bulkMiB: 1 };

interface Row {
  readonly figure: string;
  readonly netsys: number;
  readonly reference: number;
  readonly referenceName: string;
  readonly unit: string;
  /** netsys / reference must be at most (or, for throughput, at least) this. */
  readonly budget: number;
  readonly higherIsBetter: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function repeat(times: number, measure: () => Promise<number>): Promise<number> {
  return (async () => {
    const values: number[] = [];
    for (let i = 0; i < times; i++) values.push(await measure());
    return median(values);
  })();
}

/** A port the kernel picked and that nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

interface Started {
  readonly child: ChildProcess;
  /** Created at spawn time, so that an early exit is not missed. */
  readonly exit: Promise<number>;
}

function start(command: string, args: readonly string[], options: SpawnOptions): Started {
  const child = spawn(command, args, options);
  return { child, exit: new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1))) };
}

function check(what: string, code: number, expected = 0): void {
  if (code !== expected) throw new Error(`${what} exited ${code}, expected ${expected}`);
}

/** Python itself, not a version-manager shim, so that strace traces Python and nothing else. */
const PYTHON = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();

/** Waits until a line of the child's standard output is a port number. */
function portFrom(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = text.match(/^(\d+)$/m);
      if (match) resolve(Number(match[1]));
    });
    child.on('close', () => reject(new Error(`exited before printing its port: ${text}`)));
  });
}

function output(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('close', () => resolve(text));
  });
}

async function startupSeconds(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  spawnSync(process.execPath, args, { stdio: 'ignore' });
  return seconds(started);
}

async function startup(sizes: Sizes): Promise<Row> {
  const closed = await freePort();
  const netsys = await repeat(sizes.startups, () => startupSeconds([NETSYS, 'client', '127.0.0.1', String(closed)]));
  const node = await repeat(sizes.startups, () => startupSeconds(['-e', '0']));
  return { figure: 'start-up (client, refused)', netsys: netsys * 1000, reference: node * 1000, referenceName: 'node -e 0', unit: 'ms', budget: 1.5, higherIsBetter: false };
}

/** N one-byte round trips: netsys client → netsys server, both tracing to files. */
async function netsysRoundTrips(count: number, dir: string): Promise<number> {
  const port = await freePort();
  const server = start(process.execPath, [NETSYS, 'server', '--once', '-o', path.join(dir, 'server.trace'), String(port)], { stdio: 'ignore' });
  await waitForListener(port);
  const client = [process.execPath, NETSYS, 'client', '-o', path.join(dir, 'client.trace'), '127.0.0.1', String(port)];
  const driver = start(PYTHON, [PEERS, 'drive', String(count), ...client], { stdio: ['ignore', 'pipe', 'inherit'] });
  const elapsed = Number(await output(driver.child));
  check('the round-trip driver', await driver.exit);
  check('netsys server', await server.exit);
  return elapsed;
}

/** The same round trips between two Python programs, each under `strace -f -o FILE`, or untraced. */
async function pythonRoundTrips(count: number, dir: string, traced: boolean): Promise<number> {
  const run = (name: string, args: string[]) =>
    traced
      ? start('strace', ['-f', '-qq', '-o', path.join(dir, `${name}.strace`), PYTHON, PEERS, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
      : start(PYTHON, [PEERS, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const server = run('server', ['server']);
  const port = await portFrom(server.child);
  const client = run('client', ['client', String(port), String(count)]);
  const elapsed = Number(await output(client.child));
  check('python client', await client.exit);
  check('python server', await server.exit);
  return elapsed;
}

/** Waits until the kernel lists a listening socket on the port (without connecting: the servers serve one client). */
async function waitForListener(port: number): Promise<void> {
  const LISTEN = '0A';
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (let attempt = 0; attempt < 400; attempt++) {
    const table = fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1);
    if (table.some((line) => line.trim().split(/\s+/)[1]?.endsWith(`:${hexPort}`) && line.trim().split(/\s+/)[3] === LISTEN)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

async function roundTrips(sizes: Sizes, dir: string): Promise<Row[]> {
  const n = sizes.roundTrips;
  const netsys = await repeat(sizes.repetitions, () => netsysRoundTrips(n, dir));
  const straced = await repeat(sizes.repetitions, () => pythonRoundTrips(n, dir, true));
  const floor = await repeat(sizes.repetitions, () => pythonRoundTrips(n, dir, false));
  return [
    { figure: `${n} round trips, traced to a file`, netsys, reference: straced, referenceName: 'Python under strace -f', unit: 's', budget: 1, higherIsBetter: false },
    { figure: 'time per round trip over the floor', netsys: ((netsys - floor) / n) * 1e6, reference: (floor / n) * 1e6, referenceName: 'untraced Python (floor)', unit: 'µs', budget: Number.NaN, higherIsBetter: false },
  ];
}

/** Runs a command under /usr/bin/time; resolves its exit status and peak resident memory in KiB. */
function timed(command: string[], options: { stdin?: string; stdout?: string } = {}): { child: ChildProcess; result: Promise<{ code: number; peakKiB: number }> } {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-time-')), 'time');
  const stdin = options.stdin ? fs.openSync(options.stdin, 'r') : 'ignore';
  const stdout = options.stdout ? fs.openSync(options.stdout, 'w') : 'ignore';
  const { child, exit } = start(TIME, ['-f', '%M', '-o', report, ...command], { stdio: [stdin, stdout, 'ignore'] });
  const result = exit.then((code) => {
    const peakKiB = Number(fs.readFileSync(report, 'utf8').trim().split('\n').pop());
    fs.rmSync(path.dirname(report), { recursive: true, force: true });
    return { code, peakKiB };
  });
  return { child, result };
}

/** Bulk: the file through the client to the echo server and back; resolves MiB/s and the server's peak memory. */
async function netsysBulk(file: string, mib: number): Promise<{ throughput: number; peakKiB: number }> {
  const port = await freePort();
  const server = timed([process.execPath, NETSYS, 'server', '--once', '-c', String(port)]);
  await waitForListener(port);
  const started = process.hrtime.bigint();
  const client = timed([process.execPath, NETSYS, 'client', '-c', '127.0.0.1', String(port)], { stdin: file, stdout: '/dev/null' });
  check('netsys client', (await client.result).code);
  const elapsed = seconds(started);
  const { code, peakKiB } = await server.result;
  check('netsys server', code);
  return { throughput: mib / elapsed, peakKiB };
}

/**
 * socat moving the file from client to server, one way (-u). An echoing socat pair can deadlock on
 * full socket buffers (each side blocked writing while the other does not read), so the reference
 * moves the bytes once where netsys moves them there and back: the comparison is in socat's favour.
 */
async function socatBulk(file: string, mib: number): Promise<number> {
  const port = await freePort();
  const server = start('socat', ['-u', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, 'OPEN:/dev/null'], { stdio: 'ignore' });
  await waitForListener(port);
  const started = process.hrtime.bigint();
  const client = timed(['socat', '-u', '-', `TCP:127.0.0.1:${port}`], { stdin: file });
  check('socat client', (await client.result).code);
  const elapsed = seconds(started);
  check('socat server', await server.exit);
  return mib / elapsed;
}

async function bulkAndMemory(sizes: Sizes, dir: string): Promise<Row[]> {
  const file = path.join(dir, 'bulk.bin');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < sizes.bulkMiB; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);

  const runs: Array<{ throughput: number; peakKiB: number }> = [];
  for (let i = 0; i < sizes.repetitions; i++) runs.push(await netsysBulk(file, sizes.bulkMiB));
  const socat = await repeat(sizes.repetitions, () => socatBulk(file, sizes.bulkMiB));
  const node = await repeat(sizes.repetitions, async () => (await timed([process.execPath, '-e', '0']).result).peakKiB);
  return [
    { figure: `bulk ${sizes.bulkMiB} MiB echoed, -c`, netsys: median(runs.map((r) => r.throughput)), reference: socat, referenceName: 'socat -u, one way', unit: 'MiB/s', budget: 0.5, higherIsBetter: true },
    { figure: 'peak memory of the server (bulk)', netsys: median(runs.map((r) => r.peakKiB)) / 1024, reference: node / 1024, referenceName: 'node -e 0', unit: 'MiB', budget: 1.5, higherIsBetter: false },
  ];
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['figure', 'netsys', 'reference', 'ratio', 'budget', ''];
  const lines = rows.map((row) => {
    const ratio = row.netsys / row.reference;
    const hasBudget = Number.isFinite(row.budget);
    const met = !hasBudget || (row.higherIsBetter ? ratio >= row.budget : ratio <= row.budget);
    return [
      row.figure,
      `${formatNumber(row.netsys)} ${row.unit}`,
      `${formatNumber(row.reference)} ${row.unit} (${row.referenceName})`,
      hasBudget ? `${ratio.toFixed(2)}×` : '-',
      hasBudget ? `${row.higherIsBetter ? '≥' : '≤'} ${row.budget}×` : '-',
      hasBudget ? (met ? 'ok' : 'MISSED') : '',
    ];
  });
  const widths = header.map((_, column) => Math.max(header[column].length, ...lines.map((line) => line[column].length)));
  const render = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)].join('\n');
}

async function main(): Promise<void> {
  const sizes = process.argv.includes('--tiny') ? TINY : FULL;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-bench-'));
  try {
    const rows = [await startup(sizes), ...(await roundTrips(sizes, dir)), ...(await bulkAndMemory(sizes, dir))];
    process.stdout.write(`${formatTable(rows)}\n\nmedian of ${sizes.repetitions} runs (${sizes.startups} for start-up); ${os.cpus().length} CPUs, Node ${process.version}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
