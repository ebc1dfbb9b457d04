// Moving bytes: send until every byte is gone, as send(2) may take fewer than it was given.
import type { Outcome } from '../calls/recorder';
import type { ArgsOf } from '../calls/registry';
import { failureNote } from './faults';

/**
 * How much one recv asks for, and how much of a file on standard input one send is given: 256 KiB,
 * the buffer coreutils' cat reads with. Every call costs tens of microseconds in FFI, so fewer,
 * larger calls move bulk data about twice as fast as 64 KiB ones (npm run bench).
 */
export const RECEIVE_BUFFER_SIZE = 262144;

/** What sendAll needs of a Recorder: its send. */
interface Sender {
  call(name: 'send', args: ArgsOf<'send'>): Promise<Outcome>;
}

interface NoteTaker {
  note(text: string): void;
}

/**
 * Sends all of `data`, one traced send per call the kernel needed. Returns the failed call, if one failed.
 * A blocking send returns fewer bytes than asked only when something cut its wait short after it had
 * copied some: a signal (a stop signal too), or an error; the rest goes in the next call.
 */
export async function sendAll(calls: Sender, fd: number, data: Buffer, notes?: NoteTaker): Promise<Outcome | null> {
  for (let sent = 0; sent < data.length; ) {
    const asked = data.length - sent;
    const outcome = await calls.call('send', { sockfd: fd, buf: data.subarray(sent), flags: 0 });
    if (outcome.error?.name === 'EINTR') {
      notes?.note(`${failureNote('send', outcome.error)}; nothing was sent, so netsys calls send again, as a C program must`);
      continue;
    }
    if (outcome.error) return outcome;
    sent += outcome.ret;
    if (outcome.ret < asked) {
      notes?.note(
        `short send: the kernel took ${outcome.ret} of ${asked} bytes. A blocking send returns early only when its wait for room ` +
        `was cut short after it had copied some bytes: by a signal, by a timeout (SO_SNDTIMEO, which netsys does not set), or because the connection failed (the peer reset it); ` +
        `send is called again with the other ${asked - outcome.ret}, and if the connection failed, that call says how`,
      );
    }
  }
  return null;
}
