// Why the kernel holds a call, in words, for the note under a blocked call's line.
// Keyed by the name the program called; a call not listed gets no reason rather than a guess.
export const WAITING_FOR: Readonly<Record<string, string>> = {
  accept: 'no connection is waiting in the accept queue yet',
  connect: 'the handshake with the server is in progress',
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

/** `1.234 s` or `85 ms`: how long a call was held, for people. */
export function heldFor(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${Math.round(ms)} ms`;
}
