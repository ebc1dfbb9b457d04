// struct pollfd's byte layout (x86_64): int fd at 0, short events at 4, short revents at 6.
import { cMemory } from './marshal';

/** sizeof(struct pollfd): int fd, short events, short revents (<poll.h>). */
export const POLLFD_SIZE = 8;

export interface PollRequest {
  readonly fd: number;
  readonly events: number;
}

export function encodePollFds(fds: readonly PollRequest[]): Buffer {
  const bytes = cMemory(fds.length * POLLFD_SIZE);
  fds.forEach((entry, i) => {
    bytes.writeInt32LE(entry.fd, i * POLLFD_SIZE);
    bytes.writeUInt16LE(entry.events, i * POLLFD_SIZE + 4);
  });
  return bytes;
}

/** The revents the kernel wrote into each entry, in order. */
export function decodeRevents(bytes: Buffer): number[] {
  const revents: number[] = [];
  for (let at = 0; at + POLLFD_SIZE <= bytes.length; at += POLLFD_SIZE) revents.push(bytes.readUInt16LE(at + 6));
  return revents;
}
