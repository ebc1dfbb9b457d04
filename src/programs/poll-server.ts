// netsys server --poll: one process serves many clients at once. The iterative server blocks in one
// call for one client (in recv, everyone else waits); here a single poll() waits on the listening
// socket and every connection together, and a call is made only where poll said it would not block:
// accept when the listener is readable, recv when a connection is, send with MSG_DONTWAIT, which
// answers EAGAIN instead of waiting. What a client sends is echoed as it is read; when a client does
// not read its echo, at most one recv's worth of bytes waits for it, and until poll reports POLLOUT
// (room to send) that client is polled for nothing else, so it cannot make the server hold more.
import { endpointText } from '../libc/addresses';
import type { ErrorInfo } from '../libc/results';
import type { PollRequest } from '../libc/pollfd';
import { MESSAGE_FLAGS, POLL_EVENTS, valueOf } from '../libc/xlat';
import type { TraceOutput } from '../render/output';
import type { Recorder } from '../calls/recorder';
import { afterAcceptFailure, failureNote, RETRY_ACCEPT_MS } from './faults';
import { openListener } from './listener';
import { CallFailed, expectSuccess } from './run';
import type { ServerOptions } from './server';
import { RECEIVE_BUFFER_SIZE } from './transfer';

const POLLIN = valueOf(POLL_EVENTS, 'POLLIN');
const POLLOUT = valueOf(POLL_EVENTS, 'POLLOUT');
const MSG_DONTWAIT = valueOf(MESSAGE_FLAGS, 'MSG_DONTWAIT');
const NO_TIMEOUT = -1;

interface Client {
  readonly fd: number;
  /** Bytes received and not yet echoed: at most one recv's worth. While set, only POLLOUT is asked. */
  pending: Buffer | null;
}

/** What became of a client after its turn. */
type Turn = 'open' | 'closed';

class PollServer {
  private readonly clients = new Map<number, Client>();
  private readonly buffer = Buffer.alloc(RECEIVE_BUFFER_SIZE);
  private listener: number | null = null;
  /** Set while accept has no descriptor to give: the listener is left out of poll until one is freed. */
  private acceptPaused = false;

  constructor(
    private readonly calls: Recorder,
    private readonly output: TraceOutput,
    private readonly options: ServerOptions,
  ) {}

  async run(): Promise<void> {
    this.listener = openListener(this.calls, this.output, this.options);
    this.output.note('--poll: one poll() waits on the listener and every client; recv and accept only when poll says ready, send with MSG_DONTWAIT');
    while (this.listener !== null || this.clients.size > 0) {
      const polled = await this.calls.call('poll', { fds: this.pollSet(), timeout: this.acceptPaused ? RETRY_ACCEPT_MS : NO_TIMEOUT });
      if (polled.ret === 0) this.acceptPaused = false; // timed out: try accept again
      if (polled.error?.name === 'EINTR') {
        this.output.note(`${failureNote('poll', polled.error)} (signal(7)), whatever SA_RESTART says; netsys polls again`);
        continue;
      }
      if (polled.error) throw new CallFailed('poll', polled);
      for (const entry of polled.ready) {
        if (entry.fd === this.listener) await this.acceptOne(this.listener);
        else await this.serve(this.clients.get(entry.fd)!, entry.revents);
      }
    }
  }

  /** The listener (while accepting) for POLLIN; each client for POLLIN, or only POLLOUT while its echo waits. */
  private pollSet(): PollRequest[] {
    const set: PollRequest[] = this.listener === null || this.acceptPaused ? [] : [{ fd: this.listener, events: POLLIN }];
    for (const client of this.clients.values()) set.push({ fd: client.fd, events: client.pending ? POLLOUT : POLLIN });
    return set;
  }

  private async acceptOne(listener: number): Promise<void> {
    const accepted = await this.calls.call('accept', { sockfd: listener, addr: this.options.family });
    if (accepted.error && afterAcceptFailure(accepted.error) !== 'stop') {
      this.passOver(accepted.error);
      return;
    }
    const fd = expectSuccess('accept', accepted);
    this.clients.set(fd, { fd, pending: null });
    const from = accepted.addr ? ` from ${endpointText(accepted.addr)}` : '';
    this.output.note(`accepted a connection${from} as fd ${fd}; ${this.clients.size} client(s) now`);
    if (this.options.once) {
      this.calls.call('close', { fd: listener });
      this.listener = null;
      this.output.note('--once: the listening socket is closed; the server ends when this client is done');
    }
  }

  /** accept failed for now: with no descriptor to spare, the listener waits until a client leaves (or a moment). */
  private passOver(error: ErrorInfo): void {
    if (afterAcceptFailure(error) === 'next') {
      this.output.note(failureNote('accept', error));
      return;
    }
    this.acceptPaused = true;
    this.output.note(
      `${failureNote('accept', error)}. The ${this.clients.size} client(s) connected are served on; ` +
        `the listener is left out of poll until one of them leaves, or for ${RETRY_ACCEPT_MS / 1000} s, then accept is tried again`,
    );
  }

  private async serve(client: Client, revents: number): Promise<void> {
    const turn = client.pending ? await this.flush(client) : await this.receive(client, revents);
    if (turn === 'closed') {
      this.calls.call('close', { fd: client.fd });
      this.clients.delete(client.fd);
      this.acceptPaused = false; // a descriptor is free again
    }
  }

  /** poll said readable (or hung up, or in error): recv cannot block; echo what came. */
  private async receive(client: Client, revents: number): Promise<Turn> {
    const received = await this.calls.call('recv', { sockfd: client.fd, buf: this.buffer, flags: 0 });
    if (received.error) {
      this.output.note(`${failureNote('recv', received.error)}; fd ${client.fd} is closed, the others are served on`);
      return 'closed';
    }
    if (received.ret === 0) {
      const hangup = revents & POLLIN ? '' : ' (poll said POLLHUP)';
      this.output.note(`recv returned 0${hangup}: the client on fd ${client.fd} sends no more, and all it sent is echoed: the server closes it`);
      return 'closed';
    }
    return this.send(client, Buffer.from(this.buffer.subarray(0, received.ret)));
  }

  /** poll said POLLOUT: there is room again for the echo that waited. */
  private async flush(client: Client): Promise<Turn> {
    const data = client.pending!;
    client.pending = null;
    return this.send(client, data);
  }

  /** One send that cannot block: what the kernel does not take now waits for POLLOUT. */
  private async send(client: Client, data: Buffer): Promise<Turn> {
    const sent = await this.calls.call('send', { sockfd: client.fd, buf: data, flags: MSG_DONTWAIT });
    if (sent.error?.name === 'EAGAIN') {
      client.pending = data;
      this.output.note(
        `send would block (EAGAIN): the client on fd ${client.fd} is not reading; its ${data.length} bytes wait, ` +
          'and it is polled for POLLOUT only, not read from, until they are sent',
      );
      return 'open';
    }
    if (sent.error) {
      this.output.note(`${failureNote('send', sent.error)}; fd ${client.fd} is closed, the others are served on`);
      return 'closed';
    }
    if (sent.ret < data.length) {
      client.pending = data.subarray(sent.ret);
      this.output.note(
        `short send: the kernel took ${sent.ret} of ${data.length} bytes; the other ${data.length - sent.ret} ` +
          `wait until poll says POLLOUT for fd ${client.fd}`,
      );
    }
    return 'open';
  }
}

export async function runPollServer(calls: Recorder, output: TraceOutput, options: ServerOptions): Promise<void> {
  await new PollServer(calls, output, options).run();
}
