// What /proc says about a running netsys: its threads and the system call each is in, its open
// descriptors, its signal dispositions; and a signal sent to one chosen thread (tgkill).
import * as fs from 'node:fs';
import { python, until } from './helpers';

/** x86_64 system call numbers, as /proc/<pid>/task/<tid>/syscall reports them. */
export const SYSCALL = { poll: 7, recvfrom: 45 } as const;

/** accept(2) and accept4(2) on x86_64, as /proc/PID/task/TID/syscall shows them. */
export const ACCEPT_SYSCALLS = [43, 288];

/** The threads of `pid` and the system call each is in now (null: running, or in none), with its state letter (`S`: asleep). */
export function threadsOf(pid: number): { tid: number; syscall: number | null; state: string }[] {
  return fs.readdirSync(`/proc/${pid}/task`).flatMap((name) => {
    try {
      const syscall = fs.readFileSync(`/proc/${pid}/task/${name}/syscall`, 'utf8');
      const stat = fs.readFileSync(`/proc/${pid}/task/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return [{ tid: Number(name), syscall: /^\d+ /.test(syscall) ? Number(syscall.split(' ')[0]) : null, state }];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

/** The threads of `pid` now inside system call `nr`. */
function threadsIn(pid: number, nr: number): number[] {
  return fs
    .readdirSync(`/proc/${pid}/task`)
    .map(Number)
    .filter((tid) => {
      try {
        return Number(fs.readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'utf8').split(' ')[0]) === nr;
      } catch {
        return false; // the thread ended meanwhile
      }
    });
}

/** Waits until a thread of `pid` is inside system call `nr`; fails after `ms`. */
export function threadIn(pid: number, nr: number, ms = 5000): Promise<number> {
  return until(`a thread of ${pid} in system call ${nr}`, () => threadsIn(pid, nr)[0], ms);
}

export function openDescriptorCount(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

/** The set of ignored signals (SigIgn), as a bit mask: bit n-1 is signal n. */
export function ignoredSignals(pid: number): bigint {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^SigIgn:\s*([0-9a-f]+)$/m)!;
  return BigInt(`0x${line[1]}`);
}

/** The pid of the one child process of `parent` (netsys started by strace). */
export function onlyChild(parent: number): number {
  const children = fs.readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/);
  return Number(children[0]);
}

/** Sends `signal` to thread `tid` of process `pid` only, with tgkill(2). */
export async function tgkill(pid: number, tid: number, signal: number): Promise<void> {
  const run = python('import ctypes, sys; libc = ctypes.CDLL(None, use_errno=True); sys.exit(libc.syscall(234, *map(int, sys.argv[1:])))', [
    String(pid),
    String(tid),
    String(signal),
  ]);
  const { code } = await run.exited;
  if (code !== 0) throw new Error(`tgkill(${pid}, ${tid}, ${signal}) failed: ${run.stderr}`);
}
