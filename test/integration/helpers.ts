// Running the real netsys binary and real peers on loopback. Ports always come from the kernel.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const NETSYS = path.resolve(__dirname, '../../bin/netsys');

/** A port nothing listens on: the kernel picks a free one, and it is closed again at once. */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Running {
  /** Every process a test started and that has not ended yet, so that a failed test leaves none behind. */
  private static readonly live = new Set<Running>();

  /** Kills what is left of every process group a test started (a failed test skips its own clean-up). */
  static killAll(): void {
    for (const running of Running.live) {
      try {
        process.kill(-running.child.pid!, 'SIGKILL');
      } catch {
        // it ended meanwhile
      }
    }
    Running.live.clear();
  }

  readonly child: ChildProcess;
  private out: Buffer[] = [];
  private err = '';
  private readonly waiters: Array<() => void> = [];
  readonly exited: Promise<Exit>;

  constructor(command: string, args: readonly string[], input?: Buffer | string, env?: NodeJS.ProcessEnv) {
    // Its own process group, so that killAll reaches what it started too (strace's tracee, demo's children).
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env }, detached: true });
    Running.live.add(this);
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.out.push(chunk);
      this.notify();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.err += chunk.toString('utf8');
      this.notify();
    });
    this.child.stdin!.on('error', () => undefined); // the program may exit before reading all input
    if (input !== undefined) this.child.stdin!.end(input);
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => {
        Running.live.delete(this);
        resolve({ code, signal });
      }),
    );
  }

  get stdout(): Buffer {
    return Buffer.concat(this.out);
  }

  get stderr(): string {
    return this.err;
  }

  /** Waits until standard error matches `pattern`; fails the test after `ms`. */
  waitForStderr(pattern: RegExp, ms = 10000): Promise<RegExpMatchArray> {
    return this.waitFor('stderr', () => this.err, pattern, ms);
  }

  /** Waits until standard output matches `pattern`; fails the test after `ms`. */
  waitForStdout(pattern: RegExp, ms = 10000): Promise<RegExpMatchArray> {
    return this.waitFor('stdout', () => this.stdout.toString(), pattern, ms);
  }

  private async waitFor(name: string, text: () => string, pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = text().match(pattern);
      if (match) return match;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`timed out waiting for ${pattern}; ${name} so far:\n${text()}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

export function netsys(args: readonly string[], input?: Buffer | string, env?: NodeJS.ProcessEnv): Running {
  return new Running(NETSYS, args, input, env);
}

/** Runs to the end; kills the process if it outlives `ms` so that no test can hang. */
export async function finish(running: Running, ms = 20000): Promise<Exit> {
  const timer = setTimeout(() => running.child.kill('SIGKILL'), ms);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts `netsys server 0 ...` and returns it with the port the kernel chose. */
export async function startServer(args: readonly string[] = []): Promise<{ server: Running; port: number }> {
  const server = netsys(['server', ...args, '0']);
  const match = await server.waitForStderr(/listening on \S+:(\d+)/);
  return { server, port: Number(match[1]) };
}

/** The lines of completed system calls in some output: not notes, not `<unfinished ...>` lines. */
export function traceLines(text: string): string[] {
  return text.split('\n').filter((line) => /^[a-z_0-9]+\(/.test(line) && !line.endsWith('<unfinished ...>'));
}

/** A Python one-off, run as a real peer written by no one here. */
export function python(source: string, args: readonly string[] = [], input?: Buffer | string): Running {
  return new Running('python3', ['-c', source, ...args], input);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it gives a value; fails the test after `ms`, naming `what` it waited for. */
export async function until<T>(what: string, probe: () => T | undefined, ms = 10000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A fresh scratch folder for each test of the enclosing describe, removed after it: call `dir()` in a test. */
export function scratchDirPerTest(prefix = 'netsys-'): () => string {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** What a terminal showed a learner, and how netsys ended (fixtures/pty_shell.py's report). */
export interface TerminalReport {
  readonly exit: number | null;
  readonly output: string;
}

/**
 * Runs netsys with `args` (split at spaces) on a pseudo-terminal and types `actions` at its server> and
 * client> prompts ("line:TEXT", "tab:TEXT", "raw:TEXT", "wait:TEXT": see fixtures/pty_shell.py), with
 * XDG_STATE_HOME at `state`, on a terminal `columns` wide.
 */
export async function atTerminal(state: string, args: string, actions: readonly string[], columns = 140): Promise<TerminalReport> {
  const source = fs.readFileSync(path.join(__dirname, 'fixtures/pty_shell.py'), 'utf8');
  const driver = new Running('python3', ['-c', source, NETSYS, state, args, ...actions], undefined, { PTY_COLUMNS: String(columns) });
  const exit = await finish(driver);
  if (exit.code !== 0) throw new Error(`the terminal driver failed (${exit.code}): ${driver.stdout.toString()}${driver.stderr}`);
  return JSON.parse(driver.stdout.toString()) as TerminalReport;
}

/** The output with every run of white space one space: prose and notes wrap at the terminal's width. */
export function flat(output: string): string {
  return output.replace(/\s+/g, ' ');
}
