// What the kernel shows about a call it holds, read when the call is reported blocked, so that the
// note under it says what is so rather than what may be (render/blocking.ts).
import { listenerQueueFor } from '../libc/native/sockdiag';
import type { Arg, BlockedCall } from './event';

/**
 * For a held `connect`: the accept queue of the listener it is aimed at, when that listener is on
 * this machine (sock_diag). Nothing for any other call, or when the listener cannot be seen.
 */
export function whatHoldsIt(name: string, args: readonly Arg[]): Pick<BlockedCall, 'listener'> {
  if (name !== 'connect') return {};
  const target = args.find((arg) => arg.type === 'sockaddr');
  const listener = target?.type === 'sockaddr' ? listenerQueueFor(target.addr) : undefined;
  return listener ? { listener } : {};
}
