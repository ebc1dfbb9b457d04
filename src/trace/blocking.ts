// Why the kernel holds a call, in words, for the note under a blocked call's line.
// Keyed by the name the program called; a call not listed gets no reason rather than a guess.
import type { CallEvent } from './event';

export const WAITING_FOR: Readonly<Record<string, string>> = {
  accept: 'no connection is waiting in the accept queue yet',
  connect: 'no SYN-ACK has come back yet: the server is far away, or its accept queue is full and its kernel drops the SYN, which this kernel sends again after 1 s, 2 s, 4 s, ...',
  recv: 'no data has arrived yet',
  recvfrom: 'no datagram has arrived yet',
  send: 'the send buffer is full until the peer reads',
  sendto: 'the send buffer is full',
  poll: 'none of the descriptors is ready yet',
};

export function blockedNote(name: string): string {
  const reason = WAITING_FOR[name];
  return reason ? `blocked in ${name}: ${reason}` : `blocked in ${name}`;
}

/** The note under the completed line of a call that was reported blocked: how long, and what woke it when netsys was leaving. */
export function returnedNote(event: Pick<CallEvent, 'name' | 'durationMs' | 'ret' | 'error' | 'wokenToLeave'>): string {
  const held = `${event.name} returned after ${heldFor(event.durationMs)} in the kernel`;
  if (!event.wokenToLeave) return held;
  if (event.error?.name === 'EINTR') {
    return `${held}: EINTR, because the signal's handler ran on the very thread waiting in ${event.name}, and ${event.name} is not restarted (signal(7))`;
  }
  return `${held}: ${event.error?.name ?? event.ret}, because the shutdown(SHUT_RDWR) above woke it; close alone would have left it waiting`;
}

/** `1.234 s` or `85 ms`: how long a call was held, for people. */
export function heldFor(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${Math.round(ms)} ms`;
}
