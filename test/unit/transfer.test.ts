// sendAll against a scripted kernel: it calls send again with exactly the bytes not yet taken, again
// after EINTR (nothing was sent), and stops at the first real error. Each call is one traced send.
import type { ErrorInfo } from '../../src/libc/results';
import { sendAll } from '../../src/programs/transfer';
import type { Outcome } from '../../src/calls/recorder';

const EINTR: ErrorInfo = { code: 4, name: 'EINTR', message: 'Interrupted system call' };
const EPIPE: ErrorInfo = { code: 32, name: 'EPIPE', message: 'Broken pipe' };

/** A send that answers from a script and remembers the length of each call. */
function scriptedSend(answers: Outcome[]) {
  const asked: number[] = [];
  return {
    asked,
    call: async (_name: 'send', args: { readonly buf: Buffer }): Promise<Outcome> => {
      asked.push(args.buf.length);
      return answers.shift() ?? { ret: args.buf.length, error: null };
    },
  };
}

describe('sendAll', () => {
  it('sends the rest after a short send, with a note', async () => {
    const kernel = scriptedSend([{ ret: 26112, error: null }, { ret: 1536, error: null }]);
    const notes: string[] = [];
    expect(await sendAll(kernel, 5, Buffer.alloc(65536), { note: (text) => notes.push(text) })).toBeNull();
    expect(kernel.asked).toEqual([65536, 39424, 37888]);
    expect(notes).toEqual([
      expect.stringMatching(/^short send: the kernel took 26112 of 65536 bytes\. A blocking send returns early only when .* by a signal, by a timeout \(SO_SNDTIMEO.*\), or because the connection failed \(the peer reset it\); send is called again with the other 39424, and if the connection failed, that call says how$/),
      expect.stringMatching(/^short send: the kernel took 1536 of 39424 bytes\. .* the other 37888,/),
    ]);
  });

  it('calls send again after EINTR, with the same bytes', async () => {
    const kernel = scriptedSend([{ ret: -1, error: EINTR }]);
    const notes: string[] = [];
    expect(await sendAll(kernel, 5, Buffer.from('hello'), { note: (text) => notes.push(text) })).toBeNull();
    expect(kernel.asked).toEqual([5, 5]);
    expect(notes[0]).toMatch(/^send failed with EINTR: .*; nothing was sent, so netsys calls send again/);
  });

  it('returns the failed call at the first other error', async () => {
    const kernel = scriptedSend([{ ret: 100, error: null }, { ret: -1, error: EPIPE }]);
    expect(await sendAll(kernel, 5, Buffer.alloc(300))).toEqual({ ret: -1, error: EPIPE });
    expect(kernel.asked).toEqual([300, 200]);
  });
});
