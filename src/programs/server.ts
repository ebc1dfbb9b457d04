// The iterative TCP echo server: socket → bind → listen → for each connection: accept → recv/send
// until recv returns 0 → close. One client at a time, as the classic C server does.
import { endpointText, InetSockAddr, isInet } from '../libc/addresses';
import { SOCKET_LEVELS, SOCKET_OPTIONS, SOCKET_TYPES, valueOf } from '../libc/xlat';
import type { TraceOutput } from '../trace/output';
import type { Recorder } from '../trace/recorder';
import { chooseDualStack } from './dualstack';
import { expectSuccess } from './run';
import { RECEIVE_BUFFER_SIZE, sendAll } from './transfer';

export interface ServerOptions {
  readonly family: number;
  readonly address: string;
  readonly port: number;
  readonly backlog: number;
  readonly reuseaddr: boolean;
  readonly once: boolean;
  /** --v6only: IPV6_V6ONLY before bind, so IPv4 clients are not taken. */
  readonly v6only?: boolean;
}

const SOCK_STREAM = valueOf(SOCKET_TYPES, 'SOCK_STREAM');
const SOL_SOCKET = valueOf(SOCKET_LEVELS, 'SOL_SOCKET');
const SO_REUSEADDR = valueOf(SOCKET_OPTIONS, 'SO_REUSEADDR');

/** Echoes one connection until the peer closes its side or a call fails, then closes it. */
async function echo(calls: Recorder, output: TraceOutput, fd: number): Promise<void> {
  const buffer = Buffer.alloc(RECEIVE_BUFFER_SIZE);
  for (;;) {
    const received = await calls.recv(fd, buffer);
    if (received.error) {
      output.note(`recv failed with ${received.error.name}: this connection is over`);
      break;
    }
    if (received.ret === 0) {
      output.note('recv returned 0: the client closed its side, so the server closes this connection');
      break;
    }
    const failed = await sendAll(calls, fd, buffer.subarray(0, received.ret));
    if (failed) {
      output.note(`send failed with ${failed.error?.name}: this connection is over`);
      break;
    }
  }
  calls.close(fd);
}

export async function runServer(calls: Recorder, output: TraceOutput, options: ServerOptions): Promise<void> {
  const listener = expectSuccess('socket', calls.socket(options.family, SOCK_STREAM, 0));
  if (options.reuseaddr) {
    expectSuccess('setsockopt SO_REUSEADDR', calls.setsockoptInt(listener, SOL_SOCKET, SO_REUSEADDR, 1));
  }
  chooseDualStack(calls, output, listener, options, Boolean(options.v6only));
  const requested: InetSockAddr = { family: options.family, address: options.address, port: options.port, flowinfo: 0, scopeId: 0 };
  expectSuccess(`bind to ${endpointText(requested)}`, calls.bind(listener, requested));
  expectSuccess('listen', calls.listen(listener, options.backlog));

  let local: InetSockAddr = requested;
  if (options.port === 0) {
    const named = calls.getsockname(listener, options.family);
    expectSuccess('getsockname', named);
    if (named.addr && isInet(named.addr)) local = named.addr;
  }
  output.note(`listening on ${endpointText(local)}; try: netsys client ${options.address} ${local.port}`);

  do {
    const accepted = await calls.accept(listener, options.family);
    const connection = expectSuccess('accept', accepted);
    if (accepted.addr) output.note(`accepted a connection from ${endpointText(accepted.addr)} as fd ${connection}`);
    await echo(calls, output, connection);
  } while (!options.once);
  calls.close(listener);
}
