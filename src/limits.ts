// The address-space limit (`ulimit -v`, RLIMIT_AS). Node.js reserves address space freely, and the
// process aborts (SIGABRT or SIGTRAP, no word) when it cannot start the threads netsys makes its calls
// on (libuv's, V8's for a worker thread). So a limit too small is found first and named in one line.
import * as fs from 'node:fs';

/**
 * The least limit, in KiB as `ulimit -v` counts, under which each kind of command was measured to run
 * (Node.js 20 on x86_64; a program with its call threads, a lesson with its two side threads; README,
 * Reliability), with about 5% to spare.
 */
export const ADDRESS_SPACE_FLOOR_KIB = { program: 1_310_000, lesson: 1_440_000 } as const;

/** The soft RLIMIT_AS in KiB, from /proc/self/limits; null when unlimited or unknown. */
export function addressSpaceLimitKib(limits = '/proc/self/limits'): number | null {
  try {
    const line = fs.readFileSync(limits, 'utf8').split('\n').find((row) => row.startsWith('Max address space'));
    const soft = line?.slice('Max address space'.length).trim().split(/\s+/)[0];
    return soft && /^\d+$/.test(soft) ? Math.floor(Number(soft) / 1024) : null;
  } catch {
    return null;
  }
}

/** One line saying what `command` needs when the limit is below `floorKib`, else null. */
export function addressSpaceProblem(command: string, floorKib: number, limitKib = addressSpaceLimitKib()): string | null {
  if (limitKib === null || limitKib >= floorKib) return null;
  return (
    `not enough address space for netsys ${command}: it needs about ${floorKib} KiB (Node.js and the threads that wait in the kernel), ` +
    `but ulimit -v allows ${limitKib} KiB: raise it with ulimit -v ${floorKib} or more`
  );
}
