// `-e trace=NAME,...`: which calls are shown. Every call is still made; only the lines are left out.
import { CallName, kernelName } from '../calls/syscalls';

/** strace's %network among the system calls netsys knows: those its syscall table marks TN. */
const NETWORK_CALLS: readonly string[] = [
  'socket', 'socketpair', 'bind', 'listen', 'accept', 'accept4', 'connect', 'getsockname', 'getpeername',
  'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'shutdown', 'setsockopt', 'getsockopt',
];

/** strace's classes that hold none of the system calls netsys knows: accepted, and they select nothing. */
const OTHER_CLASSES: readonly string[] = [
  '%file', '%process', '%signal', '%ipc', '%memory', '%stat', '%lstat', '%fstat', '%%stat', '%statfs',
  '%fstatfs', '%%statfs', '%pure', '%clock', '%creds',
];

/**
 * strace's classes of system calls (`-e trace=%network`), each with its members among the system
 * calls netsys knows, as strace 6.1 marks them in its syscall table (TN for %network and its alias
 * %net, TD for %desc; checked by running a Python client under `strace -e trace=%desc`).
 */
export const SYSCALL_CLASSES: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['%network', NETWORK_CALLS],
  ['%net', NETWORK_CALLS],
  ['%desc', ['close', 'poll']],
  ...OTHER_CLASSES.map((name): [string, readonly string[]] => [name, []]),
]);

export interface CallSelection {
  /**
   * Names as given, each class replaced by its members: a system call's name also selects the calls
   * that reach the kernel under it (`recvfrom` selects recv too, as strace would show it), and
   * netsys's own names select themselves.
   */
  readonly names: ReadonlySet<string>;
  /** `trace=!close`: every call except these. */
  readonly negated: boolean;
}

export function isSelected(event: CallName, selection: CallSelection | undefined): boolean {
  if (!selection) return true;
  const kernel = kernelName(event);
  const named = selection.names.has(event.name) || (kernel !== null && selection.names.has(kernel));
  return named !== selection.negated;
}
