// The recorder against the real kernel: what it refuses to do while a call is still held.
import { ADDRESS_FAMILIES, SOCKET_TYPES, valueOf } from '../../src/libc/xlat';
import type { CallEvent } from '../../src/calls/event';
import { Recorder } from '../../src/calls/recorder';
import { SideCalls } from '../../src/callthread/sides';

const AF_INET = valueOf(ADDRESS_FAMILIES, 'AF_INET');
const SOCK_STREAM = valueOf(SOCKET_TYPES, 'SOCK_STREAM');

describe('Recorder', () => {
  it('refuses to close a descriptor an accept is still waiting on, and releaseAll wakes and closes it', async () => {
    const events: CallEvent[] = [];
    // Its calls on a side thread, as a lesson side's are (the accept held there, not on this thread).
    const calls = new Recorder((event) => events.push(event), 32, undefined, undefined, undefined, new SideCalls());
    const listener = calls.call('socket', { domain: AF_INET, type: SOCK_STREAM, protocol: 0 }).ret;
    expect(calls.call('bind', { sockfd: listener, addr: { family: AF_INET, address: '127.0.0.1', port: 0, flowinfo: 0, scopeId: 0 } }).error).toBeNull();
    expect(calls.call('listen', { sockfd: listener, backlog: 1 }).error).toBeNull();
    const accepting = calls.call('accept', { sockfd: listener, addr: AF_INET });

    expect(() => calls.call('close', { fd: listener })).toThrow(`close(${listener}) while another call on it is still in the kernel`);
    expect(events.map((event) => event.name)).toEqual(['socket', 'bind', 'listen']);

    await calls.releaseAll();
    await expect(accepting).rejects.toThrow();
    expect(events.map((event) => `${event.name} ${event.error?.name ?? event.ret}`)).toEqual([
      'socket ' + listener, 'bind 0', 'listen 0', 'shutdown 0', 'accept EINVAL', 'close 0',
    ]);
  });
});
