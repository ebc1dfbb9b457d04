// strace as the oracle: run netsys under strace, then check that each line netsys printed is a line
// strace printed for the same process. netsys names recv/send as the program called them; the kernel
// sees recvfrom/sendto with two more (NULL) address arguments, so those lines are translated first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NETSYS, Running } from './helpers';

export const TRACED =
  'socket,bind,listen,accept,accept4,connect,sendto,recvfrom,shutdown,close,getsockname,getpeername,setsockopt,getsockopt';

export function underStrace(dir: string, name: string, args: string[], input?: string): Running {
  // -ff: one file per thread, since netsys makes blocking calls on thread-pool threads.
  return new Running('strace', ['-qq', '-ff', '-o', path.join(dir, name), '-e', `trace=${TRACED}`, NETSYS, ...args], input);
}

function foldPadding(line: string): string {
  return line.replace(/\) +=/, ') =');
}

/** All lines strace wrote for one process (all its threads), with strace's column padding folded. */
export function straceLines(dir: string, name: string): Set<string> {
  const lines = fs
    .readdirSync(dir)
    .filter((file) => file.startsWith(`${name}.`))
    .flatMap((file) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n'));
  return new Set(lines.map(foldPadding));
}

/** netsys's `recv(5, "hi", 1024, 0) = 2` as the kernel saw it: `recvfrom(5, "hi", 1024, 0, NULL, NULL) = 2`. */
export function asKernelSawIt(line: string): string {
  return foldPadding(line)
    .replace(/^recv\((.*)\) =/, 'recvfrom($1, NULL, NULL) =')
    .replace(/^send\((.*)\) =/, 'sendto($1, NULL, 0) =');
}

/** The netsys lines strace did not print for process `name`: none, when netsys tells the truth. */
export function unseenByStrace(lines: readonly string[], dir: string, name: string): string[] {
  const seen = straceLines(dir, name);
  return lines.filter((line) => !seen.has(asKernelSawIt(line)));
}
