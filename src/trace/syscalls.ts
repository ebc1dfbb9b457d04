// Which system call the kernel sees for each call netsys makes, and which names `-e trace=` accepts.
import { SYSCALL_NUMBERS } from '../libc/xlat';
import type { CallKind } from './event';

/** What a call is known by: its name, and whether it is a system call. */
export interface CallName {
  readonly name: string;
  readonly kind: CallKind;
}

/** glibc's recv() and send() reach the kernel as recvfrom() and sendto() (with NULL addresses). */
const KERNEL_NAMES: ReadonlyMap<string, string> = new Map([
  ['recv', 'recvfrom'],
  ['send', 'sendto'],
]);

/** The system call the kernel saw for an event, as strace names it; null for a library call. */
export function kernelName(event: CallName): string | null {
  if (event.kind !== 'syscall') return null;
  return KERNEL_NAMES.get(event.name) ?? event.name;
}

/** The system call's number on x86_64, or Infinity for one the table does not list. */
export function syscallNumber(name: string): number {
  const found = SYSCALL_NUMBERS.entries.find(([entry]) => entry === name);
  return found ? found[1] : Infinity;
}

/** Every name `-e trace=` accepts: the system calls, the libc wrappers netsys prints, and getaddrinfo. */
export const TRACEABLE_NAMES: readonly string[] = [
  ...SYSCALL_NUMBERS.entries.map(([name]) => name),
  ...KERNEL_NAMES.keys(),
  'getaddrinfo',
].sort();
