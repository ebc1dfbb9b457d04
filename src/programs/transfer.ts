// Moving bytes: send until every byte is gone, as send(2) may take fewer than it was given.
import type { Outcome, Recorder } from '../trace/recorder';

/** How much one recv asks for. */
export const RECEIVE_BUFFER_SIZE = 65536;

/** Sends all of `data`, one traced send per call the kernel needed. Returns the failed call, if one failed. */
export async function sendAll(calls: Recorder, fd: number, data: Buffer): Promise<Outcome | null> {
  for (let sent = 0; sent < data.length; ) {
    const outcome = await calls.send(fd, data.subarray(sent));
    if (outcome.error) return outcome;
    sent += outcome.ret;
  }
  return null;
}
