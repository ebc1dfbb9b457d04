// The TCP client: resolve → for each address: socket → connect (close and try the next on failure)
// → getsockname → send the input while receiving what comes back → shutdown(SHUT_WR) → recv until 0
// → close. Receiving runs beside sending, as nc does, so a large echo cannot fill both buffers and stall.
import { endpointText, InetSockAddr } from '../libc/addresses';
import { parseInetAddress } from '../libc/native/sockaddr';
import { ADDRESS_FAMILIES, SOCKET_TYPES, valueOf } from '../libc/xlat';
import type { TraceOutput } from '../render/output';
import { Outcome, Recorder, SHUT_WR } from '../calls/recorder';
import { CallFailed, expectSuccess } from './run';
import { failureNote } from './faults';
import { writeOut } from './stdout';
import { visible } from '../visible';
import { RECEIVE_BUFFER_SIZE, sendAll } from './transfer';

export interface ClientOptions {
  readonly host: string;
  readonly port: number;
  /** Sent as one line instead of standard input. */
  readonly message?: string;
  /** AF_INET6 for -6: names are resolved to IPv6 addresses only. AF_UNSPEC when absent. */
  readonly family?: number;
}

const SOCK_STREAM = valueOf(SOCKET_TYPES, 'SOCK_STREAM');
const AF_UNSPEC = valueOf(ADDRESS_FAMILIES, 'AF_UNSPEC');

export interface Target {
  readonly family: number;
  readonly protocol: number;
  readonly addr: InetSockAddr;
}

/** Resolution failed: the host name is not known (a usage error), or the resolver failed (exit 1). */
export class HostNotFound extends Error {}

/** An address literal as it is; a name through getaddrinfo, with `family` and `socktype` as hints. */
export async function resolveTargets(
  calls: Recorder,
  host: string,
  port: number,
  family = AF_UNSPEC,
  socktype = SOCK_STREAM,
): Promise<Target[]> {
  const literal = parseInetAddress(host);
  if (literal) return [{ family: literal.family, protocol: 0, addr: { ...literal, port, flowinfo: 0 } }];
  const resolved = await calls.call('getaddrinfo', {
    node: host,
    service: String(port),
    hints: { flags: 0, family, socktype, protocol: 0 },
  });
  if (resolved.error) {
    const reason = `${visible(host)}: ${resolved.error.name} (${resolved.error.message})`;
    if (resolved.error.name === 'EAI_NONAME') {
      throw new HostNotFound(`cannot resolve host ${reason}; give a name this machine knows (/etc/hosts, DNS) or an address such as 127.0.0.1`);
    }
    throw new CallFailed(`getaddrinfo ${visible(host)}`, resolved);
  }
  return resolved.entries.map((entry) => ({ family: entry.family, protocol: entry.protocol, addr: entry.addr }));
}

/** Tries each address in turn, as careful C clients do; returns the connected descriptor. */
async function connectToAny(calls: Recorder, output: TraceOutput, targets: Target[]): Promise<{ fd: number; target: Target }> {
  let failure: Outcome | null = null;
  for (const target of targets) {
    const created = calls.call('socket', { domain: target.family, type: SOCK_STREAM, protocol: target.protocol });
    if (created.error) {
      failure = created;
      continue;
    }
    const connected = await calls.call('connect', { sockfd: created.ret, addr: target.addr });
    if (!connected.error) return { fd: created.ret, target };
    failure = connected;
    const next = target !== targets[targets.length - 1] ? '; netsys closes this socket and tries the next address' : '';
    if (connected.error) output.note(`${failureNote('connect', connected.error)}${next}`);
    calls.call('close', { fd: created.ret });
  }
  throw new CallFailed(`cannot connect to ${targets.map((t) => endpointText(t.addr)).join(' or ')}`, failure ?? { ret: -1, error: null });
}

/**
 * What recv returning 0 means, and what the client does next: the peer will send no more (it called
 * shutdown(SHUT_WR), or close), which says nothing about whether it still reads.
 */
function endOfStreamNote(stillSending: boolean): string {
  return stillSending
    ? 'recv returned 0: the server will send no more (it shut down its sending side, or closed its socket); ' +
        'it may still be reading, so the client goes on sending its input, then shuts down its own side'
    : 'recv returned 0: the server will send no more, and the client has shut down its side: both are done';
}

/** recv until the server will send no more (0) or a call fails; each byte goes to standard output. */
async function receiveAll(calls: Recorder, output: TraceOutput, fd: number, stillSending: () => boolean): Promise<void> {
  const buffer = Buffer.alloc(RECEIVE_BUFFER_SIZE);
  for (;;) {
    const received = await calls.call('recv', { sockfd: fd, buf: buffer, flags: 0 });
    if (received.error) {
      output.note(`${failureNote('recv', received.error)}; the conversation is over`);
      throw new CallFailed('recv', received);
    }
    if (received.ret === 0) {
      output.note(endOfStreamNote(stillSending()));
      return;
    }
    await writeOut(buffer.subarray(0, received.ret), output); // written before the next recv reuses the buffer
  }
}

/** Sends the message, or standard input chunk by chunk as it arrives, then shutdown(SHUT_WR). */
export async function sendInput(calls: Pick<Recorder, 'call'>, output: TraceOutput, fd: number, input: AsyncIterable<Buffer> | string): Promise<void> {
  const chunks: AsyncIterable<Buffer> | Buffer[] = typeof input === 'string' ? [Buffer.from(`${input}\n`)] : input;
  for await (const chunk of chunks) {
    const failed = await sendAll(calls, fd, chunk, output);
    if (failed) {
      if (failed.error) output.note(`${failureNote('send', failed.error)}; the conversation is over`);
      throw new CallFailed('send', failed);
    }
  }
  expectSuccess('shutdown', calls.call('shutdown', { sockfd: fd, how: SHUT_WR }));
}

/** -m: the message, then the reply, in turn, as a simple C client does; the trace reads in that order. */
async function converseOnce(calls: Recorder, output: TraceOutput, fd: number, message: string): Promise<void> {
  await sendInput(calls, output, fd, message);
  await receiveAll(calls, output, fd, () => false);
}

/**
 * The client's second call thread, which sends standard input as it comes (sendInput, then
 * shutdown(SHUT_WR)) while this one receives: each waits in its own call, as nc's two directions do,
 * so a large input cannot fill both directions' buffers and leave each side waiting on the other.
 */
export interface SendingThread {
  /** Starts sending standard input on `fd`. */
  start(fd: number): void;
  /** True once it has sent all of standard input and shut down the sending side. */
  readonly finished: boolean;
  /** Resolves once it has finished; throws Interrupted if the program leaves first (a signal, its send failing). */
  waitUntilFinished(): Promise<void>;
}

/**
 * Standard input goes out on the sending thread as it comes while the reply comes back here. Each
 * direction ends on its own (the input's end, shutdown(SHUT_WR); recv returning 0), as nc -N does:
 * a server that shuts down its sending side may still read. The socket is closed once both have.
 */
async function converseFromInput(calls: Recorder, output: TraceOutput, fd: number, sending: SendingThread): Promise<void> {
  sending.start(fd);
  await receiveAll(calls, output, fd, () => !sending.finished);
  await sending.waitUntilFinished();
}

/** The TCP client; without -m, standard input is sent by `sending`, another call thread (worker.ts). */
export async function runClient(calls: Recorder, output: TraceOutput, options: ClientOptions, sending?: SendingThread): Promise<void> {
  const targets = await resolveTargets(calls, options.host, options.port, options.family);
  const { fd, target } = await connectToAny(calls, output, targets);
  const local = calls.call('getsockname', { sockfd: fd, addr: target.family });
  if (local.addr) output.note(`connected: ${endpointText(local.addr)} (port picked by the kernel) -> ${endpointText(target.addr)}`);

  if (options.message !== undefined) await converseOnce(calls, output, fd, options.message);
  else if (sending) await converseFromInput(calls, output, fd, sending);
  else throw new Error('the client needs a sending thread to send standard input');
  calls.call('close', { fd });
}
