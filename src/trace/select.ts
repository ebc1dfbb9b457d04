// `-e trace=NAME,...`: which calls are shown. Every call is still made; only the lines are left out.
import { CallName, kernelName } from './syscalls';

export interface CallSelection {
  /**
   * Names as given: a system call's name also selects the calls that reach the kernel under it
   * (`recvfrom` selects recv too, as strace would show it), and netsys's own names select themselves.
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
