// The iterative TCP echo server: socket → bind → listen → for each connection: accept → recv/send
// until recv returns 0 → close. One client at a time, as the classic C server does.
import { endpointText } from '../libc/addresses';
import type { TraceOutput } from '../render/output';
import type { Recorder } from '../calls/recorder';
import { expectSuccess } from './run';
import type { ErrorInfo } from '../libc/results';
import { afterAcceptFailure, failureNote, RETRY_ACCEPT_MS } from './faults';
import { openListener } from './listener';
import { RECEIVE_BUFFER_SIZE, sendAll } from './transfer';

export interface ServerOptions {
  readonly family: number;
  readonly address: string;
  /** The IPv6 scope id typed after `%` in --host (`fe80::1%eth0`), 0 when none. */
  readonly scopeId?: number;
  readonly port: number;
  readonly backlog: number;
  readonly reuseaddr: boolean;
  readonly once: boolean;
  /** --v6only: IPV6_V6ONLY before bind, so IPv4 clients are not taken. */
  readonly v6only?: boolean;
}

/** Echoes one connection until the peer closes its side or a call fails, then closes it. */
async function echo(calls: Recorder, output: TraceOutput, fd: number, then: string): Promise<void> {
  const buffer = Buffer.alloc(RECEIVE_BUFFER_SIZE);
  for (;;) {
    const received = await calls.call('recv', { sockfd: fd, buf: buffer, flags: 0 });
    if (received.error) {
      output.note(`${failureNote('recv', received.error)}; this connection is over; ${then}`);
      break;
    }
    if (received.ret === 0) {
      output.note('recv returned 0: the client sends no more, and all it sent is echoed: the server closes it');
      break;
    }
    const failed = await sendAll(calls, fd, buffer.subarray(0, received.ret), output);
    if (failed) {
      if (failed.error) output.note(`${failureNote('send', failed.error)}; this connection is over; ${then}`);
      break;
    }
  }
  calls.call('close', { fd });
}

/** accept failed for now (no descriptor to spare, a connection gone): say so, and wait a moment if it is room. */
async function passOver(output: TraceOutput, error: ErrorInfo): Promise<void> {
  const waiting = afterAcceptFailure(error) === 'wait';
  output.note(`${failureNote('accept', error)}${waiting ? `; the server tries again in ${RETRY_ACCEPT_MS / 1000} s` : ''}`);
  if (waiting) await new Promise((resolve) => setTimeout(resolve, RETRY_ACCEPT_MS));
}

export async function runServer(calls: Recorder, output: TraceOutput, options: ServerOptions): Promise<void> {
  const listener = openListener(calls, output, options);

  do {
    const accepted = await calls.call('accept', { sockfd: listener, addr: options.family });
    if (accepted.error && afterAcceptFailure(accepted.error) !== 'stop') {
      await passOver(output, accepted.error);
      continue;
    }
    const connection = expectSuccess('accept', accepted);
    if (accepted.addr) output.note(`accepted a connection from ${endpointText(accepted.addr)} as fd ${connection}`);
    await echo(calls, output, connection, options.once ? 'the server closes it and ends' : 'the server closes it and goes on to the next client');
  } while (!options.once);
  calls.call('close', { fd: listener });
}
