// Why the kernel holds a call, in words, for the note under a blocked call's line: the registry's
// reason for the name the program called; a call with none gets no reason rather than a guess.
import type { AcceptQueue, BlockedCall, CallEvent } from '../calls/event';
import { specOf } from '../calls/registry';

/**
 * `blocked in accept: no connection is waiting in the accept queue yet`. A connect whose listener
 * netsys can see (BlockedCall.listener) is told by that listener's accept queue, full or not, in
 * place of the registry's reason, which has to name both a far server and a full queue.
 */
export function blockedNote(call: Pick<BlockedCall, 'name' | 'listener'>): string {
  const { name, listener } = call;
  if (name === 'connect' && listener) return `blocked in connect: ${connectWait(listener)}`;
  const spec = specOf(name);
  const reason = spec && spec.kind !== 'explained' ? spec.waits : undefined;
  return reason ? `blocked in ${name}: ${reason}` : `blocked in ${name}`;
}

/** Why a connect to a listener on this machine has no answer yet; full as include/net/sock.h sk_acceptq_is_full says. */
function connectWait(queue: AcceptQueue): string {
  const counts = `${queue.waiting} waiting, backlog ${queue.backlog}`;
  if (queue.waiting > queue.backlog) {
    return `no SYN-ACK has come back yet: the listener's accept queue is full (${counts}), so its kernel drops the SYN; this kernel sends it again 1 s later, and again, at longer intervals after the first few, until accept has made room`;
  }
  return `no SYN-ACK has come back yet, though the listener's accept queue has room (${counts})`;
}

/**
 * The note under the completed line of a call that was reported blocked: how long, and what woke it
 * when netsys was leaving. `shutdownShown` is false when `-e trace=` leaves shutdown's line out:
 * the note then cannot point at a line "above".
 */
export function returnedNote(event: Pick<CallEvent, 'name' | 'durationMs' | 'ret' | 'error' | 'wokenToLeave'>, shutdownShown = true): string {
  const held = `${event.name} returned after ${heldFor(event.durationMs)} in the kernel`;
  if (!event.wokenToLeave) return held;
  if (event.error?.name === 'EINTR') {
    return `${held}: EINTR, because the signal's handler ran on the very thread waiting in ${event.name}, and ${event.name} is not restarted (signal(7))`;
  }
  const why = shutdownShown ? 'the shutdown(SHUT_RDWR) above woke it' : "netsys's shutdown(SHUT_RDWR) woke it (its line is left out by -e)";
  return `${held}: ${event.error?.name ?? event.ret}, because ${why}; close alone would have left it waiting`;
}

/** `1.234 s` or `85 ms`: how long a call was held, for people. */
export function heldFor(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${Math.round(ms)} ms`;
}
