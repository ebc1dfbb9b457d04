// Which system call the kernel sees for each call netsys makes, and which names `-e trace=` accepts,
// from the registry.
import type { CallKind } from './event';
import { EXPLAINED_NAMES, OTHER_SYSCALLS, REGISTRY, specOf } from './registry';

/** What a call is known by: its name, and whether it is a system call. */
export interface CallName {
  readonly name: string;
  readonly kind: CallKind;
}

/** The system call the kernel saw for an event, as strace names it (recv is recvfrom); null for a library call. */
export function kernelName(event: CallName): string | null {
  if (event.kind !== 'syscall') return null;
  const spec = specOf(event.name);
  return spec?.kind === 'syscall' ? spec.kernel ?? event.name : event.name;
}

/** The kernel's system calls netsys knows, each with its x86_64 number. */
const SYSCALL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ...EXPLAINED_NAMES.flatMap((name): Array<[string, number]> => {
    const spec = REGISTRY[name];
    if (spec.kind === 'libc') return [];
    return [[spec.kind === 'syscall' && 'kernel' in spec ? spec.kernel : name, spec.number]];
  }),
  ...Object.entries(OTHER_SYSCALLS),
]);

/** The system call's number on x86_64, or Infinity for one netsys does not know. */
export function syscallNumber(name: string): number {
  return SYSCALL_NUMBERS.get(name) ?? Infinity;
}

/** Every name `-e trace=` accepts: the kernel's system calls, the libc wrappers netsys prints, and getaddrinfo. */
export const TRACEABLE_NAMES: readonly string[] = [...new Set([...SYSCALL_NUMBERS.keys(), ...EXPLAINED_NAMES])].sort();
