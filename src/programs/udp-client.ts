// The UDP client: socket(SOCK_DGRAM) → setsockopt(SO_RCVTIMEO) → for each line: sendto → recvfrom
// → close. No connect: each sendto names the destination and each recvfrom reports who answered.
// UDP does not retransmit and does not say when a datagram is lost: the receive timeout is how a
// client finds out (recvfrom fails with EAGAIN).
import { endpointText } from '../libc/addresses';
import { ADDRESS_FAMILIES, SOCKET_LEVELS, SOCKET_OPTIONS, SOCKET_TYPES, valueOf } from '../libc/xlat';
import type { TraceOutput } from '../render/output';
import type { Recorder } from '../calls/recorder';
import { resolveTargets, Target } from './client';
import { DATAGRAM_BUFFER_SIZE, receiveDatagram, splitLines } from './datagrams';
import { failureNote } from './faults';
import { writeOut } from './stdout';
import { standardInput } from './stdin';
import { CallFailed, expectSuccess } from './run';

export interface UdpClientOptions {
  readonly host: string;
  readonly port: number;
  /** AF_INET6 for -6; AF_UNSPEC when absent. */
  readonly family?: number;
  /** Sent as one datagram (with a newline) instead of the lines of standard input. */
  readonly message?: string;
  /** SO_RCVTIMEO: how long recvfrom waits for a reply, in microseconds; 0 waits for ever. */
  readonly timeoutMicroseconds: number;
}

const SOCK_DGRAM = valueOf(SOCKET_TYPES, 'SOCK_DGRAM');
const AF_UNSPEC = valueOf(ADDRESS_FAMILIES, 'AF_UNSPEC');
const SOL_SOCKET = valueOf(SOCKET_LEVELS, 'SOL_SOCKET');
/** SO_RCVTIMEO on x86_64 with a 64-bit time_t: glibc's SO_RCVTIMEO is this one, number 20. */
const SO_RCVTIMEO_OLD = valueOf(SOCKET_OPTIONS, 'SO_RCVTIMEO_OLD');

/** No UDP datagram holds more than this (the 16-bit length of the UDP header, itself included). */
const LARGEST_DATAGRAM = 65535;

/**
 * Each line of the input as one datagram; a last line without a newline is sent as it is. A line
 * that outgrows any datagram (/dev/zero has no newline) is sent as far as it has come, so that the
 * kernel refuses it (EMSGSIZE) rather than netsys holding an endless line in memory.
 */
async function* datagrams(input: AsyncIterable<Buffer> | string): AsyncGenerator<Buffer> {
  if (typeof input === 'string') {
    yield Buffer.from(`${input}\n`);
    return;
  }
  let pending = Buffer.alloc(0);
  for await (const chunk of input) {
    const { lines, rest } = splitLines(pending, chunk);
    yield* lines;
    pending = Buffer.from(rest);
    if (pending.length > LARGEST_DATAGRAM) {
      yield pending;
      pending = Buffer.alloc(0);
    }
  }
  if (pending.length > 0) yield pending;
}

function timeoutText(microseconds: number): string {
  return `${microseconds / 1e6} s`;
}

async function chooseTarget(calls: Recorder, output: TraceOutput, options: UdpClientOptions): Promise<Target> {
  const targets = await resolveTargets(calls, options.host, options.port, options.family ?? AF_UNSPEC, SOCK_DGRAM);
  const [first, ...others] = targets;
  if (others.length > 0) {
    output.note(
      `${options.host} has ${targets.length} addresses; with no connect to test them, datagrams go to the first, ` +
        `${endpointText(first.addr)} (use -6 or an address to choose)`,
    );
  }
  return first;
}

export async function runUdpClient(calls: Recorder, output: TraceOutput, options: UdpClientOptions): Promise<void> {
  const target = await chooseTarget(calls, output, options);
  const fd = expectSuccess('socket', calls.call('socket', { domain: target.family, type: SOCK_DGRAM, protocol: target.protocol }));
  const timeout = options.timeoutMicroseconds;
  expectSuccess('setsockopt SO_RCVTIMEO', calls.call('setsockopt', { sockfd: fd, level: SOL_SOCKET, optname: SO_RCVTIMEO_OLD, optval: { timevalMicroseconds: timeout } }));
  output.note(
    `SO_RCVTIMEO is a struct timeval {tv_sec=${Math.floor(timeout / 1e6)}, tv_usec=${timeout % 1e6}}, shown as its 16 bytes as strace 6.1 shows it: ` +
      (timeout === 0 ? 'zero, so recvfrom waits for ever' : `recvfrom gives up after ${timeoutText(timeout)}`),
  );
  output.note(`no connect: UDP has no connection; each sendto names ${endpointText(target.addr)}, each recvfrom says who answered`);

  const buffer = Buffer.alloc(DATAGRAM_BUFFER_SIZE);
  for await (const datagram of datagrams(options.message ?? standardInput())) {
    const sent = await calls.call('sendto', { sockfd: fd, buf: datagram, flags: 0, dest_addr: target.addr });
    if (sent.error) {
      output.note(
        sent.error.name === 'EMSGSIZE'
          ? `a datagram is sent whole or not at all: ${datagram.length} bytes is more than one UDP datagram holds (65507 over IPv4)`
          : failureNote('sendto', sent.error),
      );
      throw new CallFailed(`sendto ${endpointText(target.addr)}`, sent);
    }
    const received = await receiveDatagram(calls, output, fd, buffer, target.family);
    if (received.error) {
      if (received.error.name === 'EAGAIN') {
        output.note(
          `no reply within ${timeoutText(timeout)}, so recvfrom failed with EAGAIN. UDP neither retransmits nor reports loss: ` +
            'the datagram or its reply was lost, or nothing answers on that port',
        );
        throw new CallFailed(`no reply from ${endpointText(target.addr)} within ${timeoutText(timeout)} (recvfrom)`, received);
      }
      output.note(failureNote('recvfrom', received.error));
      throw new CallFailed('recvfrom', received);
    }
    if (received.addr && endpointText(received.addr) !== endpointText(target.addr)) {
      output.note(
        `this reply came from ${endpointText(received.addr)}, not ${endpointText(target.addr)} where the datagram went: ` +
          'a socket with no connect takes datagrams from anyone, so a careful client compares the sender (or calls connect, and the kernel filters)',
      );
    }
    await writeOut(buffer.subarray(0, received.ret), output); // written before the next recv reuses the buffer
  }
  calls.call('close', { fd });
}
