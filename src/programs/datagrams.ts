// What the UDP server and client share: one datagram received with its sender's address, and
// input cut into lines, one datagram each.
import type { TraceOutput } from '../render/output';
import type { AddressOutcome, Recorder } from '../calls/recorder';
import { explainingWakeUp } from './leaving';

/** How much one recvfrom asks for: more than the largest UDP datagram (65507 bytes over IPv4). */
export const DATAGRAM_BUFFER_SIZE = 65536;

/** Splits bytes into lines, each keeping its newline; `rest` is an unfinished last line. */
export function splitLines(pending: Buffer, chunk: Buffer): { lines: Buffer[]; rest: Buffer } {
  const data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
    lines.push(data.subarray(start, end + 1));
    start = end + 1;
  }
  return { lines, rest: data.subarray(start) };
}

/**
 * One recvfrom. While it waits, a signal makes netsys wake it with shutdown(SHUT_RDWR), which on a
 * UDP socket fails: this explains that failure. The main thread has already traced the shutdown when
 * this runs (leaving.ts), and recvfrom's own line comes after, so the note sits between them.
 */
export async function receiveDatagram(
  calls: Recorder,
  output: TraceOutput,
  fd: number,
  buffer: Buffer,
  family: number,
): Promise<AddressOutcome> {
  const explain = (): void =>
    output.note(
      'shutdown on a UDP socket fails with ENOTCONN (there is no connection to shut down), ' +
        'yet it still wakes the waiting recvfrom, which returns 0 with no sender',
    );
  return explainingWakeUp(explain, () => calls.call('recvfrom', { sockfd: fd, buf: buffer, flags: 0, src_addr: family }));
}
