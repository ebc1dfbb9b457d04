// `-c`: no line per call; at exit, a table of the system calls made, laid out, computed and sorted
// as strace 6.1's count.c does it (default columns, sorted by time, ties in system call number order).
// The time is the wall-clock time in each call, as `strace -c -w` measures it.
import type { CallEvent } from '../calls/event';
import { kernelName, syscallNumber } from '../calls/syscalls';

export interface CallCount {
  /** The system call as the kernel saw it: recv is counted as recvfrom. */
  readonly syscall: string;
  readonly calls: number;
  readonly errors: number;
  /** Total time in the call, in nanoseconds. */
  readonly nanoseconds: number;
}

const NS_PER_SECOND = 1e9;

/** What a CallCounter has added up, as plain data that can cross from one thread to another. */
export interface CountedCalls {
  readonly rows: readonly CallCount[];
  readonly libraryCalls: number;
}

/** Adds up events per system call; library calls (getaddrinfo) are not system calls and are left out. */
export class CallCounter {
  private readonly counts = new Map<string, { calls: number; errors: number; nanoseconds: number }>();
  private libraryCalls = 0;

  add(event: CallEvent): void {
    const syscall = kernelName(event);
    if (syscall === null) {
      this.libraryCalls++;
      return;
    }
    const count = this.counts.get(syscall) ?? { calls: 0, errors: 0, nanoseconds: 0 };
    count.calls++;
    if (event.error) count.errors++;
    count.nanoseconds += Math.max(0, Math.round(event.durationMs * 1e6));
    this.counts.set(syscall, count);
  }

  /** The counts so far, as plain data (another thread's output adds them with addCounted). */
  counted(): CountedCalls {
    return { rows: this.rows(), libraryCalls: this.libraryCalls };
  }

  /** Adds counts made elsewhere (another thread of the same program). */
  addCounted(counted: CountedCalls): void {
    this.libraryCalls += counted.libraryCalls;
    for (const row of counted.rows) {
      const count = this.counts.get(row.syscall) ?? { calls: 0, errors: 0, nanoseconds: 0 };
      count.calls += row.calls;
      count.errors += row.errors;
      count.nanoseconds += row.nanoseconds;
      this.counts.set(row.syscall, count);
    }
  }

  /** How many library calls were seen (and left out of the table). */
  get libraryCallCount(): number {
    return this.libraryCalls;
  }

  /** The rows in strace's order: most time first; equal times by system call number. */
  rows(): CallCount[] {
    return [...this.counts.entries()]
      .map(([syscall, count]) => ({ syscall, ...count }))
      .sort((a, b) => b.nanoseconds - a.nanoseconds || syscallNumber(a.syscall) - syscallNumber(b.syscall) || (a.syscall < b.syscall ? -1 : 1));
  }
}

/** strace's ts_float: a timespec as a double, computed the way C computes it. */
function seconds(nanoseconds: number): number {
  return Math.floor(nanoseconds / NS_PER_SECOND) + (nanoseconds % NS_PER_SECOND) / NS_PER_SECOND;
}

/** strace's ts_div: a timespec divided by n, rounded to the nearest nanosecond. */
function divide(nanoseconds: number, n: number): number {
  const sec = Math.floor(nanoseconds / NS_PER_SECOND);
  const nsec = nanoseconds % NS_PER_SECOND;
  const rest = Math.floor(((sec % n) * NS_PER_SECOND + nsec + Math.floor(n / 2)) / n);
  return (Math.floor(sec / n) + Math.floor(rest / NS_PER_SECOND)) * NS_PER_SECOND + (rest % NS_PER_SECOND);
}

/** Microseconds per call as strace prints them: (uint64_t)(ts_float(avg) * 1e6). */
function usecsPerCall(nanoseconds: number, calls: number): number {
  return Math.trunc(seconds(divide(nanoseconds, calls)) * 1e6);
}

/**
 * printf's `%.Nf`: rounds the double's exact value, and an exact tie to even (JavaScript's
 * toFixed would round a tie up: 0.0078125 is "0.007812" in C, "0.007813" in JavaScript).
 */
export function cFixed(value: number, digits: number): string {
  const exact = value.toFixed(100);
  const point = exact.indexOf('.');
  const rest = exact.slice(point + 1 + digits);
  if (!/^50*$/.test(rest)) return value.toFixed(digits);
  const kept = exact.slice(0, point + 1 + digits).replace(/\.$/, '');
  const lastDigit = Number(kept[kept.length - 1]);
  return lastDigit % 2 === 0 ? kept : value.toFixed(digits);
}

const HEADERS = ['% time', 'seconds', 'usecs/call', 'calls', 'errors', 'syscall'] as const;

/** `%9.0llu`: a zero is printed as no digits at all. */
function errorsText(errors: number): string {
  return errors === 0 ? '' : String(errors);
}

/** The table strace -c prints, one string per line; no lines when no system call was counted. */
export function formatSummary(rows: readonly CallCount[]): string[] {
  if (rows.length === 0) return [];
  const totalNs = rows.reduce((sum, row) => sum + row.nanoseconds, 0);
  const totalCalls = rows.reduce((sum, row) => sum + row.calls, 0);
  const totalErrors = rows.reduce((sum, row) => sum + row.errors, 0);
  const cumulative = seconds(totalNs);
  const longestAverage = Math.max(...rows.map((row) => divide(row.nanoseconds, row.calls)));
  const widths = [
    Math.max(HEADERS[0].length, '100.00'.length),
    Math.max(11, cFixed(cumulative, 6).length),
    Math.max(11, String(Math.trunc(seconds(longestAverage) * 1e6)).length),
    Math.max(9, String(totalCalls).length),
    Math.max(9, String(totalErrors).length),
    Math.max(16, Math.max(...rows.map((row) => row.syscall.length)) + 1),
  ];
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padStart(widths[i]))).join(' ');
  const divider = widths.map((width) => '-'.repeat(width)).join(' ');

  const body = rows.map((row) => {
    let percent = 100.0 * seconds(row.nanoseconds);
    if (percent !== 0) percent /= cumulative;
    return line([
      cFixed(percent, 2),
      cFixed(seconds(row.nanoseconds), 6),
      String(usecsPerCall(row.nanoseconds, row.calls)),
      String(row.calls),
      errorsText(row.errors),
      row.syscall,
    ]);
  });
  const total = line([
    cFixed(100, 2),
    cFixed(cumulative, 6),
    String(Math.trunc((cumulative / totalCalls) * 1e6)),
    String(totalCalls),
    errorsText(totalErrors),
    'total',
  ]);
  return [line([...HEADERS]), divider, ...body, divider, total];
}
