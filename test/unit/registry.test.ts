// What is derived from the call registry: every call netsys makes has what each consumer needs, and
// read and write, added as one entry each, are numbered, selected, counted, explained, held and made
// by lessons like the rest.
import { SIGNATURES } from '../../src/lessons/signatures';
import { CALLS } from '../../src/reference/calls';
import { blockedNote } from '../../src/render/blocking';
import { CallCounter } from '../../src/render/count';
import type { CallEvent } from '../../src/calls/event';
import { planCall, signatureOf } from '../../src/calls/plans';
import { CALL_NAMES, descriptorEffect, EXPLAINED_NAMES, specOf, syscallNumbersOf } from '../../src/calls/registry';
import { isSelected } from '../../src/render/select';
import { formatLine, formatUnfinished } from '../../src/render/strace';
import { kernelName, syscallNumber, TRACEABLE_NAMES } from '../../src/calls/syscalls';

function event(name: string, durationMs: number): CallEvent {
  return { seq: 1, pid: 1, name, kind: 'syscall', args: [], ret: 6, error: null, startedAt: 0, durationMs };
}

describe('the registry', () => {
  it.each(CALL_NAMES)('%s: numbered, traceable, explained, and callable from a lesson', (name) => {
    const spec = specOf(name);
    expect(TRACEABLE_NAMES).toContain(name);
    expect(CALLS[name].prototype).toContain(`${name}(`);
    expect(SIGNATURES[name]).toBeDefined();
    if (spec.kind === 'syscall') expect(syscallNumber(kernelName({ name, kind: 'syscall' })!)).toBe(spec.number);
  });

  it('lists for netsys explain every call it has, getaddrinfo first, read and write last', () => {
    expect(EXPLAINED_NAMES[0]).toBe('getaddrinfo');
    expect(EXPLAINED_NAMES.slice(-2)).toEqual(['read', 'write']);
    expect(Object.keys(CALLS).sort()).toEqual([...EXPLAINED_NAMES].sort());
  });

  it('gives glibc recv and send the kernel names strace prints, read and write their own', () => {
    expect(kernelName({ name: 'recv', kind: 'syscall' })).toBe('recvfrom');
    expect(kernelName({ name: 'send', kind: 'syscall' })).toBe('sendto');
    expect(kernelName({ name: 'read', kind: 'syscall' })).toBe('read');
    expect(kernelName({ name: 'getaddrinfo', kind: 'libc' })).toBeNull();
  });

  it('describes each wrapper to ffi-rs from its parameters', () => {
    expect(signatureOf('write')).toEqual({ func: 'write', returns: 'i64', params: ['i32', 'u8array', 'u64'] });
    expect(signatureOf('accept')).toEqual({ func: 'accept', returns: 'i32', params: ['i32', 'u8array', 'u8array'] });
    expect(signatureOf('sendto')).toEqual({ func: 'sendto', returns: 'i64', params: ['i32', 'u8array', 'u64', 'i32', 'u8array', 'u32'] });
  });
});

describe('read and write', () => {
  it('are x86_64 system calls 0 and 1, so -c lists them first among calls of equal time', () => {
    expect([syscallNumber('read'), syscallNumber('write')]).toEqual([0, 1]);
    const counter = new CallCounter();
    for (const name of ['close', 'write', 'read', 'write']) counter.add(event(name, 0));
    expect(counter.rows().map((row) => [row.syscall, row.calls])).toEqual([['read', 1], ['write', 2], ['close', 1]]);
  });

  it('are selected by -e trace=read,write, and by nothing else', () => {
    const selection = { names: new Set(['read', 'write']), negated: false };
    expect(isSelected(event('write', 0), selection)).toBe(true);
    expect(isSelected(event('read', 0), selection)).toBe(true);
    expect(isSelected(event('send', 0), selection)).toBe(false);
  });

  it('print as strace prints them, before and after the kernel answers', () => {
    const write = planCall('write', { fd: 18, buf: Buffer.from('hello\n') }, 32);
    expect(formatLine({ ...event('write', 0), args: write.fill({ value: 6, errno: 0 }).args }, { stringLimit: 32 })).toBe(
      'write(18, "hello\\n", 6)                 = 6',
    );
    const buffer = Buffer.alloc(1024);
    const read = planCall('read', { fd: 19, buf: buffer }, 32);
    expect(formatUnfinished({ pid: 1, name: 'read', kind: 'syscall', args: read.args, startedAt: 0 }, { stringLimit: 32 })).toBe('read(19,  <unfinished ...>');
    buffer.write('hello\n');
    expect(formatLine({ ...event('read', 0), args: read.fill({ value: 6, errno: 0 }).args }, { stringLimit: 32 })).toBe(
      'read(19, "hello\\n", 1024)               = 6',
    );
  });

  it('say why the kernel holds them', () => {
    expect(blockedNote({ name: 'read' })).toBe('blocked in read: no data has arrived yet');
    expect(blockedNote({ name: 'write' })).toBe('blocked in write: the send buffer is full until the peer reads');
  });

  it('blame a held connect on a full accept queue only when the kernel shows the listener\'s queue full', () => {
    const unseen = blockedNote({ name: 'connect' });
    expect(unseen).toMatch(/^blocked in connect: no SYN-ACK has come back yet: the server is far away, or its accept queue is full/);
    expect(blockedNote({ name: 'connect', listener: { waiting: 2, backlog: 1 } })).toMatch(
      /^blocked in connect: no SYN-ACK has come back yet: the listener's accept queue is full \(2 waiting, backlog 1\), so its kernel drops the SYN; /,
    );
    // sk_acceptq_is_full: full only once more than the backlog wait
    expect(blockedNote({ name: 'connect', listener: { waiting: 1, backlog: 1 } })).toBe(
      "blocked in connect: no SYN-ACK has come back yet, though the listener's accept queue has room (1 waiting, backlog 1)",
    );
  });

  it('take in a lesson what send and recv take, without flags', () => {
    expect(SIGNATURES.write).toEqual({ params: [{ name: 'fd', type: { kind: 'fd' } }, { name: 'buf', type: { kind: 'data' } }], result: 'count' });
    expect(SIGNATURES.read).toEqual({ params: [{ name: 'fd', type: { kind: 'fd' } }, { name: 'count', type: { kind: 'int', size: true } }], result: 'data' });
  });
});

describe('what the call threads read from the registry', () => {
  it('the system call numbers a waiting thread may show, by the kernel call (recv waits in recvfrom)', () => {
    expect(syscallNumbersOf('accept')).toEqual([43, 288]);
    expect(syscallNumbersOf('recv')).toEqual([45]);
    expect(syscallNumbersOf('read')).toEqual([0]);
    expect(syscallNumbersOf('poll')).toEqual([7, 271]);
    expect(syscallNumbersOf('getaddrinfo')).toEqual([]);
  });

  it('which calls change the open descriptors', () => {
    expect(['socket', 'accept', 'close', 'bind', 'recv'].map(descriptorEffect)).toEqual(['returns', 'returns', 'closes', undefined, undefined]);
  });
});
