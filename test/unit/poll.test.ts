// poll(2) as strace prints it: the pollfd array on entry (cut after -s entries), and after the result
// the entries the kernel marked ready, cut after -s entries or where strace's 1024-byte buffer ends.
// The expected lines are strace 6.1's own, in fixtures/ (a Python ctypes program calling poll).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeRevents, encodePollFds } from '../../src/libc/pollfd';
import { POLL_EVENTS, valueOf } from '../../src/libc/xlat';
import type { CallEvent, PollFd } from '../../src/calls/event';
import { formatJson } from '../../src/render/json';
import { formatLine } from '../../src/render/strace';

const POLLIN = valueOf(POLL_EVENTS, 'POLLIN');
const POLLOUT = valueOf(POLL_EVENTS, 'POLLOUT');
const POLLERR = valueOf(POLL_EVENTS, 'POLLERR');
const POLLHUP = valueOf(POLL_EVENTS, 'POLLHUP');
const POLLNVAL = valueOf(POLL_EVENTS, 'POLLNVAL');
const POLLRDHUP = valueOf(POLL_EVENTS, 'POLLRDHUP');

function fixture(name: string): string[] {
  return fs
    .readFileSync(path.join(__dirname, 'fixtures', name), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function poll(fds: PollFd[], timeout: number, ret: number): CallEvent {
  return {
    seq: 1,
    pid: 1,
    name: 'poll',
    kind: 'syscall',
    args: [
      { name: 'fds', type: 'pollfds', fds: fds.map((entry) => ({ ...entry, revents: 0 })) },
      { name: 'nfds', type: 'int', value: fds.length },
      { name: 'timeout', type: 'int', value: timeout },
    ],
    ret,
    error: null,
    ready: fds.filter((entry) => entry.revents !== 0),
    startedAt: 0,
    durationMs: 0,
  };
}

/** fds 45, 46, ...: `count` connections, each asked `events` and answering `revents`. */
function connections(count: number, events: number, revents: number): PollFd[] {
  return Array.from({ length: count }, (_, i) => ({ fd: 45 + i, events, revents }));
}

describe('poll as strace prints it', () => {
  const s32 = fixture('poll-s32.txt');
  const s4 = fixture('poll-s4.txt');

  it.each<[number, CallEvent]>([
    [0, poll([], 0, 0)],
    [1, poll([{ fd: -1, events: 0, revents: 0 }, { fd: 3, events: POLLIN, revents: 0 }], 0, 0)],
    [2, poll([{ fd: 45, events: POLLIN | POLLOUT | POLLRDHUP, revents: POLLIN | POLLOUT }], 0, 1)],
    [3, poll(connections(40, POLLIN, POLLIN), 0, 40)],
    [4, poll(connections(40, POLLIN | POLLOUT, POLLIN | POLLOUT), 0, 40)],
    [5, poll(connections(6, POLLIN, POLLIN), 0, 6)],
    [6, poll([{ fd: 3, events: 0, revents: 0 }], 0, 0)],
  ])('strace -s 32, line %d', (index, event) => {
    expect(formatLine(event, { stringLimit: 32 })).toBe(s32[index]);
  });

  it.each<[number, CallEvent]>([
    [0, poll(connections(40, POLLIN, POLLIN), 0, 40)],
    [1, poll(connections(40, POLLIN | POLLOUT, POLLIN | POLLOUT), 0, 40)],
    [2, poll(connections(6, POLLIN, POLLIN), 0, 6)],
  ])('strace -s 4, line %d', (index, event) => {
    expect(formatLine(event, { stringLimit: 4 })).toBe(s4[index]);
  });

  it('prints error and hang-up bits the kernel adds, and POLLNVAL for a closed descriptor', () => {
    // Lines strace printed for a connection reset by its peer, a listener after shutdown, a closed fd.
    const event = poll(
      [
        { fd: 3, events: POLLIN, revents: POLLHUP },
        { fd: 5, events: POLLIN, revents: POLLIN | POLLERR | POLLHUP },
        { fd: 6, events: POLLIN, revents: POLLNVAL },
      ],
      1000,
      3,
    );
    expect(formatLine(event, { stringLimit: 32 })).toBe(
      'poll([{fd=3, events=POLLIN}, {fd=5, events=POLLIN}, {fd=6, events=POLLIN}], 3, 1000) = 3 ' +
        '([{fd=3, revents=POLLHUP}, {fd=5, revents=POLLIN|POLLERR|POLLHUP}, {fd=6, revents=POLLNVAL}])',
    );
  });

  it('--json keeps each entry\'s events and the ready entries\' revents as numbers', () => {
    const record = JSON.parse(formatJson(poll([{ fd: 3, events: POLLIN, revents: POLLIN }, { fd: 4, events: POLLOUT, revents: 0 }], -1, 1), { stringLimit: 32 }));
    expect(record.args[0]).toMatchObject({ name: 'fds', type: 'pollfds', fds: [{ fd: 3, events: 1 }, { fd: 4, events: 4 }] });
    expect(record.ready).toEqual([{ fd: 3, revents: 1 }]);
    expect(record.text).toBe('poll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, -1) = 1 ([{fd=3, revents=POLLIN}])');
  });
});

describe('struct pollfd bytes', () => {
  it('lays out fd, events and revents as x86_64 does, and reads revents back', () => {
    const bytes = encodePollFds([{ fd: 3, events: POLLIN }, { fd: 70000, events: POLLIN | POLLOUT }]);
    expect(bytes.toString('hex')).toBe('03000000' + '0100' + '0000' + '70110100' + '0500' + '0000');
    bytes.writeUInt16LE(POLLIN | POLLHUP, 6);
    expect(decodeRevents(bytes)).toEqual([POLLIN | POLLHUP, 0]);
  });
});
