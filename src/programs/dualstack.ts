// An IPv6 server socket and IPv4 clients: with IPV6_V6ONLY off (Linux's default,
// net.ipv6.bindv6only=0) a socket bound to :: takes IPv4 clients too, as IPv4-mapped addresses.
import { AF_INET6 } from '../libc/addresses';
import { IPV6_OPTIONS, SOCKET_LEVELS, valueOf } from '../libc/xlat';
import type { TraceOutput } from '../render/output';
import type { Recorder } from '../calls/recorder';
import { expectSuccess } from './run';

const SOL_IPV6 = valueOf(SOCKET_LEVELS, 'SOL_IPV6');
const IPV6_V6ONLY = valueOf(IPV6_OPTIONS, 'IPV6_V6ONLY');

/** Before bind: sets IPV6_V6ONLY when asked, and says what an IPv6 socket will take. */
export function chooseDualStack(
  calls: Recorder,
  output: TraceOutput,
  fd: number,
  local: { readonly family: number; readonly address: string },
  v6only: boolean,
): void {
  if (local.family !== AF_INET6) return;
  if (v6only) {
    expectSuccess('setsockopt IPV6_V6ONLY', calls.call('setsockopt', { sockfd: fd, level: SOL_IPV6, optname: IPV6_V6ONLY, optval: { int: 1 } }));
    output.note('IPV6_V6ONLY: this socket takes IPv6 only; an IPv4 client finds nothing on this port');
  } else if (local.address === '::') {
    output.note('without IPV6_V6ONLY, a socket bound to :: takes IPv4 clients too: they appear as ::ffff:a.b.c.d');
  }
}
