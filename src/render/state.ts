// The kernel's view of a socket, as a line set apart from the strace line it follows:
// `#   fd 18: LISTEN, accept queue 2/16`. A pure function of the recorded SocketState.
import type { SocketState } from '../calls/event';

/** Starts every state line: a note (`#`) indented, so it reads as belonging to the call above it. */
export const STATE_MARK = '#   ';

function bytes(count: number): string {
  return count === 1 ? '1 byte' : `${count} bytes`;
}

/**
 * What CLOSE means, said where it is shown: it reads as "closed", but it is TCP's name for a socket
 * with no connection (yet, or any more); a connection that ended in TIME_WAIT lives on in the kernel's
 * tables, held by no descriptor.
 */
function closeMeaning(state: SocketState): string {
  const gone = state.connection;
  if (!gone) return "no connection (TCP's name for a socket without one)";
  const where = gone.state ? `now in ${gone.state}, held by no descriptor (ss -tan)` : 'gone';
  return `no connection any more: ${gone.local}->${gone.peer} ${where}`;
}

/** `fd 18: LISTEN, accept queue 2/16`, `fd 19: ESTABLISHED, 6 bytes waiting to be read`, `fd 18: CLOSE, no connection (...)`. */
export function formatSocketState(state: SocketState): string {
  const parts = [state.state];
  if (state.state === 'CLOSE') parts.push(closeMeaning(state));
  if (state.acceptQueue) parts.push(`accept queue ${state.acceptQueue.waiting}/${state.acceptQueue.backlog}`);
  if (state.unread) parts.push(`${bytes(state.unread)} waiting to be read`);
  const unacked = [state.unacked ? bytes(state.unacked) : '', state.finUnacked ? 'the FIN' : ''].filter(Boolean);
  if (unacked.length > 0) parts.push(`${unacked.join(' and ')} not yet acknowledged`);
  return `fd ${state.fd}: ${parts.join(', ')}`;
}

export function formatStateLine(state: SocketState): string {
  return STATE_MARK + formatSocketState(state);
}
