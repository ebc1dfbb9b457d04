// What the kernel says a thread of this process is doing: /proc/self/task/TID/syscall (the system call
// it is in, or `running`) and /proc/self/task/TID/stat (its state letter). A call is shown as blocked
// only when its thread is asleep (S) in that very system call (proc(5)).
import * as fs from 'node:fs';

export interface TaskWait {
  /** The number of the system call the thread is in; null when it is in none (`running`). */
  readonly syscall: number | null;
  /** The state letter of stat's third field: R running, S sleeping (interruptible), D, T, ... */
  readonly state: string;
}

/** Both files of each thread looked at, opened once and kept: a look then needs no new descriptor (ulimit -n). */
const opened = new Map<number, { readonly syscall: number; readonly stat: number }>();
/** The threads whose files could not be opened for want of descriptors (EMFILE, ENFILE). */
const unopenable = new Set<number>();
const page = Buffer.alloc(512);

function readFrom(fd: number): string {
  return page.toString('latin1', 0, fs.readSync(fd, page, 0, page.length, 0));
}

function filesOf(tid: number): { readonly syscall: number; readonly stat: number } {
  let files = opened.get(tid);
  if (!files) {
    try {
      const syscall = fs.openSync(`/proc/self/task/${tid}/syscall`, 'r');
      try {
        files = { syscall, stat: fs.openSync(`/proc/self/task/${tid}/stat`, 'r') };
      } catch (error) {
        fs.closeSync(syscall);
        throw error;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EMFILE' || code === 'ENFILE') unopenable.add(tid);
      throw error;
    }
    unopenable.delete(tid);
    opened.set(tid, files);
  }
  return files;
}

/**
 * Reads both files of thread `tid` of this process; null when they cannot be read (the thread has
 * ended, /proc is not mounted, or no descriptor is left to open them). The syscall file needs
 * ptrace-read access, which a process has to itself.
 */
export function taskWait(tid: number): TaskWait | null {
  try {
    const files = filesOf(tid);
    const syscall = readFrom(files.syscall);
    const stat = readFrom(files.stat);
    const number = Number(syscall.slice(0, syscall.indexOf(' ') === -1 ? undefined : syscall.indexOf(' ')));
    return { syscall: Number.isInteger(number) && syscall[0] !== 'r' ? number : null, state: stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) };
  } catch {
    return null;
  }
}

/**
 * True when the kernel cannot be asked about thread `tid` because the process has no descriptor left
 * to open its files with (ulimit -n): whether its call is held is then unknown, not "no".
 */
export function cannotAsk(tid: number): boolean {
  return unopenable.has(tid);
}

/** True when the kernel shows thread `tid` asleep in one of `syscalls` (accept: 43 or 288). */
export function asleepIn(tid: number, syscalls: readonly number[]): boolean {
  const wait = taskWait(tid);
  return wait !== null && wait.state === 'S' && wait.syscall !== null && syscalls.includes(wait.syscall);
}

/** How often the main thread looks at the threads whose calls have not returned, in ms. */
export const LOOK_EVERY_MS = 50;
/**
 * A call is looked at in the kernel once it was made this long ago (ms): a call the kernel holds for a
 * moment (a loopback connect under load, a recv whose data is on its way) is part of a quick call,
 * not a wait worth a note.
 */
export const LOOK_AFTER_MS = 200;
