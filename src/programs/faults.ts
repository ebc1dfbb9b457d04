// What a failed call during a conversation means, in words, for the note under its line. Keyed by
// errno name; the programs say what they do about it (close the connection, go on, exit).
import type { ErrorInfo } from '../libc/results';

const MEANING: Readonly<Record<string, string>> = {
  ECONNRESET:
    'the peer reset the connection: it sent RST (it closed with data it had not read, or with ' +
    'SO_LINGER {l_onoff=1, l_linger=0}), so whatever was still in flight is lost',
  EPIPE:
    'the connection can no longer send: the peer is gone. The kernel also raised SIGPIPE, whose default ' +
    'action kills a C program right here; Node.js sets SIGPIPE to SIG_IGN at start-up, so netsys lives ' +
    'and sees EPIPE. A C program passes MSG_NOSIGNAL to send (or ignores SIGPIPE) to do the same',
  ETIMEDOUT: 'the peer stopped answering: the kernel gave up retransmitting',
  ECONNREFUSED:
    'nothing listens on that address and port: the kernel there answered the SYN with RST ' +
    '(a firewall rule can answer the same way)',
  ENETUNREACH: 'this machine has no route to that network (ip route shows the routes; for a link-local address, the interface after % has none)',
  EADDRNOTAVAIL: 'no interface of this machine has that address (ip addr lists them)',
  'connect EADDRNOTAVAIL': 'no ephemeral port is left for another connection to that address and port (sysctl net.ipv4.ip_local_port_range)',
  EACCES: 'ports below 1024 need root or CAP_NET_BIND_SERVICE (unless sysctl net.ipv4.ip_unprivileged_port_start is lower)',
  EHOSTUNREACH: 'the host could not be reached: no answer to ARP or neighbour discovery, or a router said so (ICMP host unreachable)',
  EINTR: 'a signal handler ran while the call waited, and this call is not restarted after one',
  EMFILE:
    'this process has as many descriptors open as its limit allows (ulimit -n, RLIMIT_NOFILE), so accept ' +
    'cannot make one more; the connection waits on in the accept queue',
  ENFILE: 'the whole system has as many files open as it allows (fs.file-max); the connection waits on in the accept queue',
  ENOBUFS: 'the kernel is short of memory for socket buffers right now',
  ENOMEM: 'the kernel is short of memory right now',
  ECONNABORTED: 'the connection was reset by its client while it waited in the accept queue; accept goes on to the next',
};

/**
 * `recv failed with ECONNRESET: the peer reset ...`; just the failure when its meaning is not listed.
 * A meaning keyed `call ERRNO` is that call's own, where the same errno means something else.
 */
export function failureNote(call: string, error: ErrorInfo): string {
  const meaning = MEANING[`${call} ${error.name}`] ?? MEANING[error.name];
  return meaning ? `${call} failed with ${error.name}: ${meaning}` : `${call} failed with ${error.name} (${error.message})`;
}

/** accept failures that pass: a descriptor or memory to spare later. */
const NO_ROOM_YET = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM']);
/** accept failures of one connection only, already gone: the next is taken. */
const CONNECTION_GONE = new Set(['ECONNABORTED', 'EPROTO', 'EPERM', 'EINTR']);

/** What a server does after accept failed with this errno: wait for room, take the next, or stop. */
export function afterAcceptFailure(error: ErrorInfo): 'wait' | 'next' | 'stop' {
  if (NO_ROOM_YET.has(error.name)) return 'wait';
  return CONNECTION_GONE.has(error.name) ? 'next' : 'stop';
}

/** While accept cannot get a descriptor, a server tries again this often (ms), or when a client leaves. */
export const RETRY_ACCEPT_MS = 1000;
