// Parsing and checking what the user typed. Each function returns the value or throws a UsageError
// whose message names what was wrong and what is accepted.

import { CallSelection, SYSCALL_CLASSES } from './render/select';
import { visible } from './visible';
import { TRACEABLE_NAMES } from './calls/syscalls';

export class UsageError extends Error {}

export function parsePort(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`port must be a number from 0 to 65535, not "${visible(text)}"`);
  const port = Number(text);
  if (port > 65535) throw new UsageError(`port must be a number from 0 to 65535, not ${visible(text)}`);
  return port;
}

export function parseCount(what: string, min: number, max: number): (text: string) => number {
  return (text: string) => {
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) throw new UsageError(`${what} must be a whole number from ${min} to ${max}, not "${visible(text)}"`);
    return value;
  };
}

export function parseHost(text: string): string {
  if (text.trim() === '') throw new UsageError('host must not be empty: give a name such as localhost or an address such as 127.0.0.1');
  return text;
}

/** --timeout: seconds, to the microsecond (`2`, `0.5`); returned in microseconds. 0 means wait for ever. */
export function parseTimeout(text: string): number {
  const match = /^(\d{1,5})(?:\.(\d{1,6}))?$/.exec(text);
  const micros = match ? Number(match[1]) * 1e6 + Number((match[2] ?? '').padEnd(6, '0')) : NaN;
  if (!(micros <= 86400e6)) {
    throw new UsageError(`--timeout must be seconds from 0 to 86400, to the microsecond (at most 6 decimals: SO_RCVTIMEO takes a struct timeval), such as 2 or 0.5 (0: wait for ever), not "${visible(text)}"`);
  }
  return micros;
}

/**
 * -e, as strace reads it: `[trace=][!]NAME[,NAME...]`, or `trace=all` or `trace=none`. Names are system calls
 * (recvfrom also selects recv, which reaches the kernel as recvfrom), the names netsys prints, or
 * strace's classes (`%network`, `%desc`, ...), each standing for its members.
 */
export function parseTraceExpression(text: string): CallSelection | undefined {
  const qualifier = /^([a-z_]+)=/.exec(text);
  if (qualifier && qualifier[1] !== 'trace') {
    throw new UsageError(`-e: netsys knows only the trace= qualifier (as in -e trace=connect,close), not "${visible(qualifier[1])}="`);
  }
  const value = qualifier ? text.slice(qualifier[0].length) : text;
  const negated = value.startsWith('!');
  const names = (negated ? value.slice(1) : value).split(',');
  if (names.length === 1 && (names[0] === 'all' || names[0] === 'none')) {
    // As strace: `all` and `none` stand alone; `!all` is none and `!none` is all.
    const everything = (names[0] === 'all') !== negated;
    return everything ? undefined : { names: new Set(), negated: false };
  }
  const unknown = names.filter((name) => !TRACEABLE_NAMES.includes(name) && !SYSCALL_CLASSES.has(name));
  if (unknown.length > 0) {
    const what = unknown.map((name) => `"${visible(name)}"`).join(', ');
    throw new UsageError(
      `-e trace: no call named ${what}; netsys makes only ${TRACEABLE_NAMES.join(', ')} (or: all, none, or a class: ${[...SYSCALL_CLASSES.keys()].slice(0, 3).join(', ')}, ...)`,
    );
  }
  return { names: new Set(names.flatMap((name) => SYSCALL_CLASSES.get(name) ?? [name])), negated };
}

export function parseOutputFile(text: string): string {
  if (text === '') throw new UsageError('-o needs the name of a file to write the trace to, not ""');
  return text;
}
