// Running netsys under strace, and reading back what strace printed for it: the oracle.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NETSYS, Running, traceLines } from './helpers';
import { SOCKET_CALL_NAMES } from '../../src/calls/registry';
import { kernelName } from '../../src/calls/syscalls';

/** The system calls of the socket family, as the kernel names them (recv is recvfrom): from the registry. */
export const TRACED = [...new Set(SOCKET_CALL_NAMES.map((name) => kernelName({ name, kind: 'syscall' }) ?? name))].join(',');

/** netsys under `strace -qq -ff`: one file per thread, since blocking calls run on pool threads. */
export function underStrace(dir: string, name: string, args: readonly string[], input?: string): Running {
  return new Running('strace', ['-qq', '-ff', '-o', path.join(dir, name), '-e', `trace=${TRACED}`, NETSYS, ...args], input);
}

/** strace's column padding folded to one space, so lines compare whatever their length. */
export function foldPadding(line: string): string {
  return line.replace(/\) +=/, ') =');
}

/** Every line strace wrote for one process, all threads together, padding folded. */
export function straceLines(dir: string, name: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.startsWith(`${name}.`))
    .flatMap((file) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map(foldPadding);
}

/** netsys's `recv(5, "hi", 1024, 0) = 2` as the kernel saw it: `recvfrom(5, "hi", 1024, 0, NULL, NULL) = 2`. */
export function asKernelSawIt(line: string): string {
  return foldPadding(line)
    .replace(/^recv\((.*)\) =/, 'recvfrom($1, NULL, NULL) =')
    .replace(/^send\((.*)\) =/, 'sendto($1, NULL, 0) =');
}

/** The completed system-call lines of netsys's trace (not notes, library calls or unfinished lines). */
export function callLines(text: string): string[] {
  return traceLines(text);
}

/** Those of `lines` that strace did not print for process `name` (none, when netsys is right). */
export function unseenByStrace(lines: readonly string[], dir: string, name: string): string[] {
  const seen = new Set(straceLines(dir, name));
  return lines.filter((line) => !seen.has(asKernelSawIt(line)));
}

/** The lines of `text` that strace did not print for the same process (none, when netsys is right). */
export function notSeenByStrace(text: string, dir: string, name: string): string[] {
  return unseenByStrace(callLines(text), dir, name);
}

/** Lines of given calls, sorted, to compare two traces as multisets. */
export function linesOf(lines: readonly string[], calls: readonly string[]): string[] {
  return lines
    .map(foldPadding)
    .filter((line) => calls.some((call) => line.startsWith(`${call}(`)))
    .sort();
}

/**
 * Signals the netsys process that strace started (strace itself passes no SIGINT or SIGTERM on
 * to a program it started, and a killed strace would take the program with it).
 */
export function signalTraced(run: Running, signal: NodeJS.Signals): void {
  const straced = run.child.pid!;
  const children = fs.readFileSync(`/proc/${straced}/task/${straced}/children`, 'utf8').trim().split(/\s+/);
  expect(children).toHaveLength(1);
  process.kill(Number(children[0]), signal);
}

/** netsys under `strace -C -f`: every call's line and, at the end, strace's own -c table, in one file. */
export function underStraceCounting(file: string, args: readonly string[], input?: string): Running {
  return new Running('strace', ['-qq', '-C', '-f', '-o', file, '-e', `trace=${TRACED}`, NETSYS, ...args], input);
}

export interface Count {
  readonly calls: number;
  readonly errors: number;
}

/** The rows of a `strace -c` table (strace's or netsys's) found in some text, by system call. */
export function countTable(text: string): Map<string, Count> {
  const rows = new Map<string, Count>();
  for (const match of text.matchAll(/^ *\d+\.\d\d +\d+\.\d{6} +\d+ +(\d+) +(\d*) *([a-z_0-9]+)$/gm)) {
    if (match[3] !== 'total') rows.set(match[3], { calls: Number(match[1]), errors: Number(match[2] || 0) });
  }
  return rows;
}

/** strace -f lines without their pid, a call split by another thread's line (`<unfinished ...>`) joined again. */
export function joinedCalls(text: string): string[] {
  const pending = new Map<string, string>();
  const calls: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\d+) +(.*)$/.exec(line);
    if (!match) continue;
    const [, pid, rest] = match;
    if (rest.endsWith(' <unfinished ...>')) {
      pending.set(pid, rest.slice(0, -' <unfinished ...>'.length));
    } else if (rest.startsWith('<... ')) {
      calls.push(foldPadding((pending.get(pid) ?? '') + rest.replace(/^<\.\.\. [a-z_0-9]+ resumed>/, '')));
      pending.delete(pid);
    } else {
      calls.push(foldPadding(rest));
    }
  }
  return calls;
}
