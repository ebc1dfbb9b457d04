// npm run bench: netsys measured beside its references, each figure the median of several runs,
// printed as one table with each figure's ratio to its reference and the budget it must meet.
// `--tiny` runs every measurement at a toy size (the test suite does, so the script cannot rot).
import { ChildProcess, spawn, SpawnOptions, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as libc from '../src/libc/native/ffi';
import { signatureOf } from '../src/calls/plans';

// Compiled to dist-bench/bench/bench.js (beside dist-bench/src/libc, the libc layer it times).
const ROOT = path.resolve(__dirname, '..', '..');
const NETSYS = path.join(ROOT, 'bin', 'netsys');
const PEERS = path.join(ROOT, 'bench', 'peers.py');
const TIME = '/usr/bin/time';

interface Sizes {
  readonly repetitions: number;
  readonly startups: number;
  readonly roundTrips: number;
  readonly bulkMiB: number;
  /** Calls timed for the cost of one call through ffi-rs. */
  readonly calls: number;
  /** MiB echoed by netsys client and server (-c) against a socat pair doing the same. */
  readonly echoMiB: number;
}

const FULL: Sizes = { repetitions: 5, startups: 15, roundTrips: 20000, bulkMiB: 256, calls: 20000, echoMiB: 128 };
const TINY: Sizes = { repetitions: 1, startups: 2, roundTrips: 50, bulkMiB: 1, calls: 50, echoMiB: 1 };

interface Row {
  readonly figure: string;
  readonly netsys: number;
  readonly reference: number;
  readonly referenceName: string;
  readonly unit: string;
  /** netsys / reference must be at most (or, for throughput, at least) this; NaN: no ratio budget. */
  readonly budget: number;
  readonly higherIsBetter: boolean;
  /** Instead of a ratio: netsys's own figure must be at most this, in `unit` (the -T budgets). */
  readonly limit?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs every measurement once per round, round after round, so that a slow spell of this noisy machine
 * falls on a figure and its reference alike; resolves each measurement's median.
 */
async function interleaved<Name extends string>(times: number, measures: Record<Name, () => Promise<number>>): Promise<Record<Name, number>> {
  const names = Object.keys(measures) as Name[];
  const values = new Map<Name, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < times; round++) {
    for (const name of names) values.get(name)!.push(await measures[name]());
  }
  return Object.fromEntries(names.map((name) => [name, median(values.get(name)!)])) as Record<Name, number>;
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
  const { netsys, node } = await interleaved(sizes.startups, {
    netsys: () => startupSeconds([NETSYS, 'client', '127.0.0.1', String(closed)]),
    node: () => startupSeconds(['-e', '0']),
  });
  return { figure: 'start-up (client, refused)', netsys: netsys * 1000, reference: node * 1000, referenceName: 'node -e 0', unit: 'ms', budget: 1.75, higherIsBetter: false };
}

/** Microseconds per call, `calls` made one after another. */
async function perCall(calls: number, call: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await call();
  return (seconds(started) / calls) * 1e6;
}

/**
 * What one call through ffi-rs costs, made where netsys makes it: sendto(2) on a descriptor that is
 * not open (EBADF at once, so only the call's own cost is left), on the main thread and on a
 * thread-pool thread; against Node's own fstat(2) on the same thread pool, the hop with no ffi-rs.
 */
async function callCosts(sizes: Sizes): Promise<Row[]> {
  const data = Buffer.from('x');
  const address = Buffer.alloc(16);
  const notOpen = -1;
  const file = fs.openSync(__filename, 'r');
  const sendtoOnPool = libc.syscallOnPool(signatureOf('sendto'));
  const { onMainThread, onPool, nodeOwn, nodeSync } = await interleaved(sizes.repetitions, {
    onMainThread: () => perCall(sizes.calls, () => libc.sendtoNow(notOpen, data, 0, address)),
    onPool: () => perCall(sizes.calls, () => sendtoOnPool([notOpen, data, data.length, 0, address, address.length])),
    nodeOwn: () => perCall(sizes.calls, () => new Promise((resolve) => fs.fstat(file, resolve))),
    nodeSync: () => perCall(sizes.calls, () => fs.fstatSync(file)),
  });
  fs.closeSync(file);
  return [
    { figure: 'one call via ffi-rs, main thread', netsys: onMainThread, reference: nodeSync, referenceName: 'fs.fstatSync', unit: 'µs', budget: Number.NaN, higherIsBetter: false },
    { figure: 'one call via ffi-rs, thread pool', netsys: onPool, reference: nodeOwn, referenceName: 'fs.fstat on the same pool', unit: 'µs', budget: Number.NaN, higherIsBetter: false },
  ];
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

/**
 * How the Python client makes its round trips: in a loop of its own (`loop`), or relaying the driver's
 * bytes between its standard input and output and the socket, as `netsys client` must (`relay`).
 */
type PythonClient = 'loop' | 'relay';

/** The same round trips between two Python programs, each under `strace -f -o FILE`, or untraced. */
async function pythonRoundTrips(count: number, dir: string, traced: boolean, shape: PythonClient): Promise<number> {
  const command = (name: string, args: string[]) => (traced ? ['strace', '-f', '-qq', '-o', path.join(dir, `${name}.strace`), PYTHON, PEERS, ...args] : [PYTHON, PEERS, ...args]);
  const run = (args: string[]) => start(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const server = run(command('server', ['server']));
  const port = await portFrom(server.child);
  const client =
    shape === 'loop'
      ? run(command('client', ['client', String(port), String(count)]))
      : run([PYTHON, PEERS, 'drive', String(count), ...command('client', ['relay', String(port)])]);
  const elapsed = Number(await output(client.child));
  check(`python ${shape === 'loop' ? 'client' : 'driver'}`, await client.exit);
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
  const { netsys, straced, relayed, floor } = await interleaved(sizes.repetitions, {
    netsys: () => netsysRoundTrips(n, dir),
    straced: () => pythonRoundTrips(n, dir, true, 'loop'),
    relayed: () => pythonRoundTrips(n, dir, true, 'relay'),
    floor: () => pythonRoundTrips(n, dir, false, 'loop'),
  });
  return [
    { figure: `${n} round trips, traced to a file`, netsys, reference: straced, referenceName: 'Python under strace -f', unit: 's', budget: Number.NaN, higherIsBetter: false },
    { figure: 'the same, Python relaying like netsys', netsys, reference: relayed, referenceName: 'Python relay under strace -f', unit: 's', budget: 0.5, higherIsBetter: false },
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

  const serverPeaksKiB: number[] = [];
  const { netsys, socat, nodePeakKiB } = await interleaved(sizes.repetitions, {
    netsys: async () => {
      const { throughput, peakKiB } = await netsysBulk(file, sizes.bulkMiB);
      serverPeaksKiB.push(peakKiB);
      return throughput;
    },
    socat: () => socatBulk(file, sizes.bulkMiB),
    nodePeakKiB: async () => (await timed([process.execPath, '-e', '0']).result).peakKiB,
  });
  return [
    { figure: `bulk ${sizes.bulkMiB} MiB echoed, -c`, netsys, reference: socat, referenceName: 'socat -u, one way', unit: 'MiB/s', budget: 0.8, higherIsBetter: true },
    { figure: 'peak memory of the server (bulk)', netsys: median(serverPeaksKiB) / 1024, reference: nodePeakKiB / 1024, referenceName: 'node -e 0', unit: 'MiB', budget: 1.8, higherIsBetter: false },
  ];
}

/** A Python echo server on loopback, serving one client after another until killed; resolves its port. */
async function pythonEchoServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  const source = [
    'import socket, sys',
    'l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("127.0.0.1", 0)); l.listen(128)',
    'print(l.getsockname()[1], flush=True)',
    'while True:',
    '    c, _ = l.accept()',
    '    while (b := c.recv(65536)): c.sendall(b)',
    '    c.close()',
  ].join('\n');
  const server = start(PYTHON, ['-c', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await portFrom(server.child);
  return {
    port,
    stop: async () => {
      server.child.kill('SIGKILL');
      await server.exit;
    },
  };
}

/** One line of a trace, as -T (and -ttt) print it: when the call started (s since the epoch; 0 without -ttt), its kernel name, first argument and time in it (s). */
interface Timed {
  readonly start: number;
  readonly name: string;
  readonly first: string;
  readonly seconds: number;
}

const TIMED_LINE = /^(?:\[pid\s+\d+\]\s+)?(?:(\d+\.\d+) )?(\w+)\(([^,)]*)[,)].*<(\d+\.\d+)>$/;
/** glibc's recv and send are recvfrom and sendto to the kernel, and so to strace. */
const KERNEL_NAME: Readonly<Record<string, string>> = { recv: 'recvfrom', send: 'sendto' };

function timedLines(text: string): Timed[] {
  return text.split('\n').flatMap((line) => {
    const match = TIMED_LINE.exec(line.trim());
    if (!match) return [];
    return [{ start: Number(match[1] ?? 0), name: KERNEL_NAME[match[2]] ?? match[2], first: match[3], seconds: Number(match[4]) }];
  });
}

/**
 * Runs `command` under `strace -ff -T -ttt` and compares the calls it timed itself (`ownTrace()`, read
 * once it has ended: lines with -ttt stamps and -T times) with strace's record of the same calls (same
 * name and descriptor, the nearest start): how much longer each took by its own clock (µs), how far its
 * stamp came before strace's (µs), and strace's own times for the quick calls and connect (µs).
 */
async function underStrace(command: string[], ownTrace: () => string, prefix: string): Promise<{ over: number[]; before: number[]; quick: number[]; connect: number[] }> {
  const traced = start('strace', ['-qq', '-ff', '-T', '-ttt', '-e', 'trace=socket,connect,getsockname,sendto,recvfrom,shutdown', '-o', prefix, ...command], { stdio: 'ignore' });
  check(`${path.basename(command[1] ?? command[0])} under strace`, await traced.exit);
  const dir = path.dirname(prefix);
  const seen = fs.readdirSync(dir).filter((file) => file.startsWith(`${path.basename(prefix)}.`)).flatMap((file) => timedLines(fs.readFileSync(path.join(dir, file), 'utf8')));
  const result = { over: [] as number[], before: [] as number[], quick: [] as number[], connect: [] as number[] };
  for (const ours of timedLines(ownTrace())) {
    const candidates = seen.filter((theirs) => theirs.name === ours.name && theirs.first === ours.first);
    if (candidates.length === 0) continue;
    const theirs = candidates.reduce((best, next) => (Math.abs(next.start - ours.start) < Math.abs(best.start - ours.start) ? next : best));
    result.over.push((ours.seconds - theirs.seconds) * 1e6);
    result.before.push((theirs.start - ours.start) * 1e6);
    if (QUICK.has(theirs.name)) result.quick.push(theirs.seconds * 1e6);
    if (theirs.name === 'connect') result.connect.push(theirs.seconds * 1e6);
  }
  return result;
}

/** Calls that do not wait, as the acceptance check counts them (and their kernel names). */
const QUICK = new Set(['socket', 'getsockname', 'sendto', 'shutdown', 'close']);

/**
 * -T and -tt: netsys client -T -m against a Python echo server, untraced (the medians of its quick calls'
 * and its connect's -T), and under `strace -ff -T -ttt` (how much its -T exceeds strace's own for the
 * same call, and how far its -ttt stamp comes before strace's: medians over the calls of each run).
 */
async function callTimes(sizes: Sizes, dir: string): Promise<Row[]> {
  const echo = await pythonEchoServer();
  const runs = Math.max(sizes.repetitions, 3);
  try {
    const quick: number[] = [];
    const connects: number[] = [];
    const over: number[] = [];
    const before: number[] = [];
    const straceQuick: number[] = [];
    const straceConnect: number[] = [];
    const pythonOver: number[] = [];
    const pythonBefore: number[] = [];
    for (let run = 0; run < runs; run++) {
      const trace = path.join(dir, `times-${run}.trace`);
      const plain = start(process.execPath, [NETSYS, 'client', '-T', '-o', trace, '-m', 'hi', '127.0.0.1', String(echo.port)], { stdio: 'ignore' });
      check('netsys client -T', await plain.exit);
      for (const line of timedLines(fs.readFileSync(trace, 'utf8'))) {
        if (QUICK.has(line.name)) quick.push(line.seconds * 1e6);
        if (line.name === 'connect') connects.push(line.seconds * 1e6);
      }

      const traced = path.join(dir, `times-${run}.traced`);
      const netsysUnderStrace = [process.execPath, NETSYS, 'client', '-T', '-ttt', '-o', traced, '-m', 'hi', '127.0.0.1', String(echo.port)];
      const ours = await underStrace(netsysUnderStrace, () => fs.readFileSync(traced, 'utf8'), path.join(dir, `times-${run}.strace`));
      over.push(...ours.over);
      before.push(...ours.before);
      straceQuick.push(...ours.quick);
      straceConnect.push(...ours.connect);
      const selfTimed = path.join(dir, `times-${run}.python`);
      const python = await underStrace([PYTHON, PEERS, 'timed', String(echo.port), selfTimed], () => fs.readFileSync(selfTimed, 'utf8'), path.join(dir, `times-${run}.pystrace`));
      pythonOver.push(...python.over);
      pythonBefore.push(...python.before);
    }
    const med = (values: number[]) => (values.length ? median(values) : Number.NaN);
    return [
      { figure: '-T, calls that do not wait (median)', netsys: med(quick), reference: med(straceQuick), referenceName: 'strace -T, same calls', unit: 'µs', budget: Number.NaN, higherIsBetter: false, limit: 50 },
      { figure: '-T, loopback connect (median)', netsys: med(connects), reference: med(straceConnect), referenceName: 'strace -T, same call', unit: 'µs', budget: Number.NaN, higherIsBetter: false, limit: 300 },
      { figure: "-T over strace's, under strace -ff", netsys: med(over), reference: med(pythonOver), referenceName: 'Python timing its own calls', unit: 'µs', budget: Number.NaN, higherIsBetter: false, limit: 25 },
      { figure: "-ttt before strace's stamp", netsys: med(before), reference: med(pythonBefore), referenceName: 'Python timing its own calls', unit: 'µs', budget: Number.NaN, higherIsBetter: false, limit: 100 },
    ];
  } finally {
    await echo.stop();
  }
}

/** Seconds to echo `file` through a client to a server and back, the client's output checked for size. */
async function echoSeconds(server: string[], client: string[], file: string, bytes: number, dir: string): Promise<number> {
  const port = await freePort();
  const serving = start(server[0], server.slice(1).map((arg) => arg.replace('PORT', String(port))), { stdio: 'ignore' });
  await waitForListener(port);
  const out = path.join(dir, 'echoed.bin');
  const stdin = fs.openSync(file, 'r');
  const stdout = fs.openSync(out, 'w');
  const started = process.hrtime.bigint();
  const client_ = start(client[0], client.slice(1).map((arg) => arg.replace('PORT', String(port))), { stdio: [stdin, stdout, 'ignore'] });
  check(`${client[0]} client`, await client_.exit);
  const elapsed = seconds(started);
  fs.closeSync(stdin);
  fs.closeSync(stdout);
  await serving.exit;
  if (fs.statSync(out).size !== bytes) throw new Error(`the echo came back short through ${client[0]}`);
  return elapsed;
}

/** Bulk echo: `echoMiB` through netsys client -c and netsys server -c, against a socat client and a socat PIPE server. */
async function echoes(sizes: Sizes, dir: string): Promise<Row> {
  const file = path.join(dir, 'echo.bin');
  const bytes = sizes.echoMiB * 1024 * 1024;
  fs.writeFileSync(file, Buffer.alloc(bytes));
  const { netsys, socat } = await interleaved(Math.max(sizes.repetitions, 3), {
    netsys: () => echoSeconds([process.execPath, NETSYS, 'server', '-c', '--once', 'PORT'], [process.execPath, NETSYS, 'client', '-c', '127.0.0.1', 'PORT'], file, bytes, dir),
    socat: () => echoSeconds(['socat', 'TCP-LISTEN:PORT,bind=127.0.0.1', 'PIPE'], ['socat', '-t', '30', '-b', '65536', '-', 'TCP:127.0.0.1:PORT'], file, bytes, dir),
  });
  return { figure: `bulk ${sizes.echoMiB} MiB echo, -c, time`, netsys, reference: socat, referenceName: 'socat client, socat PIPE server', unit: 's', budget: 1.25, higherIsBetter: false };
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
    const hasLimit = row.limit !== undefined;
    const met = hasLimit ? row.netsys <= row.limit! : !hasBudget || (row.higherIsBetter ? ratio >= row.budget : ratio <= row.budget);
    return [
      row.figure,
      `${formatNumber(row.netsys)} ${row.unit}`,
      `${formatNumber(row.reference)} ${row.unit} (${row.referenceName})`,
      hasBudget ? `${ratio.toFixed(2)}×` : '-',
      hasLimit ? `≤ ${row.limit} ${row.unit}` : hasBudget ? `${row.higherIsBetter ? '≥' : '≤'} ${row.budget}×` : '-',
      hasBudget || hasLimit ? (met ? 'ok' : 'MISSED') : '',
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
    const rows = [
      await startup(sizes),
      ...(await callTimes(sizes, dir)),
      ...(await roundTrips(sizes, dir)),
      ...(await callCosts(sizes)),
      ...(await bulkAndMemory(sizes, dir)),
      await echoes(sizes, dir),
    ];
    process.stdout.write(`${formatTable(rows)}\n\nmedian of ${sizes.repetitions} runs (${sizes.startups} for start-up); ${os.cpus().length} CPUs, Node ${process.version}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
