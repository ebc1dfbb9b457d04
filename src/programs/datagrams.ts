// What the UDP server and client share: one datagram received with its sender's address, and
// input cut into lines, one datagram each.
import type { TraceOutput } from '../render/output';
import type { AddressOutcome, Recorder } from '../calls/recorder';

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

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * One recvfrom. While it waits, a signal makes netsys wake it with shutdown(SHUT_RDWR), which on a
 * UDP socket fails: this explains that failure. The program's own handler (registered first, in
 * runProgram) has already traced the shutdown when this one runs, so the note follows its line.
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
  for (const signal of SIGNALS) process.on(signal, explain);
  try {
    return await calls.call('recvfrom', { sockfd: fd, buf: buffer, flags: 0, src_addr: family });
  } finally {
    for (const signal of SIGNALS) process.off(signal, explain);
  }
}
