// strace's everyday options as netsys renders them: -T, -t/-tt/-ttt, -r, -x/-xx, -c, -e trace=. The
// expected text is what strace 6.1 printed for a small C program (UDP calls, close) or a Python
// client (-x, -r, %network, %desc), run with each option.
import { parseTimeout, parseTraceExpression, UsageError } from '../../src/args';
import { CALLS } from '../../src/reference/calls';
import { ADDRESS_FAMILIES, IP_PROTOCOLS, MESSAGE_FLAGS } from '../../src/libc/xlat';
import { CallCounter, CallCount, cFixed, formatSummary } from '../../src/render/count';
import type { Arg, CallEvent } from '../../src/calls/event';
import { isSelected } from '../../src/render/select';
import { quoteBytes } from '../../src/render/quote';
import { formatElapsed, formatRelative, formatStampedLine, formatTimestamp } from '../../src/render/stamps';

const fd = (value: number): Arg => ({ name: 'fd', type: 'fd', value });

function event(name: string, args: Arg[], ret: number, timing: { startedAt?: number; durationMs?: number } = {}): CallEvent {
  return { seq: 1, pid: 1, name, kind: 'syscall', args, ret, error: null, startedAt: timing.startedAt ?? 0, durationMs: timing.durationMs ?? 0 };
}
const close = (n: number, timing = {}): CallEvent => event('close', [fd(n)], 0, timing);
const socket = (timing = {}): CallEvent =>
  event('socket', [
    { name: 'domain', type: 'enum', table: ADDRESS_FAMILIES, value: 2 },
    { name: 'type', type: 'socktype', value: 2 },
    { name: 'protocol', type: 'enum', table: IP_PROTOCOLS, value: 0 },
  ], 3, timing);

/** Milliseconds since the epoch for a local time of day, as strace's localtime() reads it back. */
function localTime(hours: number, minutes: number, seconds: number, micros: number): number {
  // A tenth of a microsecond over, so that the float sum cannot land just below the microsecond.
  return new Date(2026, 10, 25, hours, minutes, seconds).getTime() + (micros + 0.1) / 1000;
}

describe('-t, -tt, -ttt and -T', () => {
  const options = { stringLimit: 32 };

  it('-T puts the time in the call at the end, cut to microseconds', () => {
    expect(formatStampedLine(close(3, { durationMs: 0.1849 }), { ...options, durations: true })).toBe('close(3)                                = 0 <0.000184>');
    expect(formatElapsed(2002.108)).toBe(' <2.002108>');
    expect(formatElapsed(0)).toBe(' <0.000000>');
  });

  it('-t, -tt put the time of day first, and the result column counts it', () => {
    const at = localTime(6, 3, 14, 908710);
    expect(formatStampedLine(close(3, { startedAt: at }), { ...options, timestamps: 2 })).toBe('06:03:14.908710 close(3)                = 0');
    expect(formatStampedLine(close(3, { startedAt: at }), { ...options, timestamps: 1 })).toBe('06:03:14 close(3)                       = 0');
    expect(formatStampedLine(socket({ startedAt: localTime(6, 3, 14, 911020) }), { ...options, timestamps: 2 })).toBe(
      '06:03:14.911020 socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 3',
    );
  });

  it('-ttt gives seconds since the epoch; with -T both ends are stamped', () => {
    const line = formatStampedLine(close(8, { startedAt: 1795587105583.1081, durationMs: 0.0215 }), { ...options, timestamps: 3, durations: true });
    expect(line).toBe('1795587105.583108 close(8)              = 0 <0.000021>');
  });

  it('-tt -T on a failed call: the time follows the error', () => {
    const failed: CallEvent = {
      ...event('recvfrom', [
        fd(4),
        { name: 'buf', type: 'pointer', value: 0x7ffd593ba410n },
        { name: 'len', type: 'int', value: 65536 },
        { name: 'flags', type: 'flags', table: MESSAGE_FLAGS, value: 0 },
        { name: 'src_addr', type: 'pointer', value: 0x7ffd593ba3d0n },
        { name: 'addrlen', type: 'socklen', before: 16, after: 16 },
      ], -1, { startedAt: localTime(6, 11, 45, 150300), durationMs: 203.3365 }),
      error: { code: 11, name: 'EAGAIN', message: 'Resource temporarily unavailable' },
    };
    expect(formatStampedLine(failed, { ...options, timestamps: 2, durations: true })).toBe(
      '06:11:45.150300 recvfrom(4, 0x7ffd593ba410, 65536, 0, 0x7ffd593ba3d0, [16]) = -1 EAGAIN (Resource temporarily unavailable) <0.203336>',
    );
  });

  it('no option, no stamp', () => {
    expect(formatTimestamp(1e12, 0)).toBe('');
  });
});

describe('-r', () => {
  const options = { stringLimit: 32, relative: true };

  it('puts the time since the previous line first, %6ld.%06ld, and the result column counts it', () => {
    expect(formatRelative(0, options)).toBe('     0.000000 ');
    expect(formatRelative(1.3381, options)).toBe('     0.001338 ');
    expect(formatRelative(300147.2, options)).toBe('   300.147200 ');
    expect(formatStampedLine(close(3), options, 0.1091)).toBe('     0.000109 close(3)                  = 0');
  });

  it('with -t or -tt comes after the time of day, in (+ ), as strace 6.1 prints both', () => {
    const at = localTime(9, 56, 29, 180276);
    expect(formatStampedLine(close(3, { startedAt: at }), { ...options, timestamps: 2 }, 1.62)).toBe(
      '09:56:29.180276 (+     0.001620) close(3) = 0',
    );
    expect(formatRelative(0, { ...options, timestamps: 1 })).toBe('(+     0.000000) ');
  });

  it('no option, no stamp', () => {
    expect(formatRelative(5, {})).toBe('');
  });

  it('stamps the full line of a call first shown unfinished when it returned, as strace stamps <... resumed>', () => {
    const held = { ...close(3, { startedAt: localTime(9, 0, 0, 0), durationMs: 300.147 }), blocked: true };
    expect(formatStampedLine(held, { ...options, timestamps: 2 }, 0.279)).toBe('09:00:00.300147 (+     0.000279) close(3) = 0');
  });
});

describe('-x and -xx', () => {
  // strace -x and -xx, for a Python client's sendto of these bytes.
  it.each<[string, string, 0 | 1 | 2]>([
    ['ff016869 0a', '"\\xff\\x01\\x68\\x69\\x0a"', 1],
    ['68690a', '"hi\\n"', 1],
    ['61096200', '"\\x61\\x09\\x62\\x00"', 1],
    ['68690a', '"\\x68\\x69\\x0a"', 2],
    ['61096200', '"a\\tb\\0"', 0],
    ['090a0b0c0d', '"\\t\\n\\v\\f\\r"', 1],
  ])('%s as %s', (hex, text, level) => {
    const bytes = Buffer.from(hex.replace(/ /g, ''), 'hex');
    expect(quoteBytes(bytes, bytes.length, 32, level)).toBe(text);
  });

  it('decides on the bytes shown, and marks the rest with ... as without -x', () => {
    const bytes = Buffer.from('hello\xff', 'latin1');
    expect(quoteBytes(bytes, bytes.length, 5, 1)).toBe('"hello"...');
    expect(quoteBytes(bytes, bytes.length, 6, 1)).toBe('"\\x68\\x65\\x6c\\x6c\\x6f\\xff"');
  });
});

describe('-c', () => {

  it('lays out the table as strace -c -w did for the same counts', () => {
    // strace measured nanoseconds and shows microseconds: these are times it may have measured,
    // within half a microsecond of each row shown, adding up to the total shown. (sendto and close
    // both show 0.000154; sendto's nanoseconds were more, as it comes first.)
    const rows: CallCount[] = [
      { syscall: 'recvfrom', nanoseconds: 203631400, calls: 5, errors: 1 },
      { syscall: 'sendto', nanoseconds: 154400, calls: 4, errors: 0 },
      { syscall: 'close', nanoseconds: 153900, calls: 8, errors: 0 },
      { syscall: 'socket', nanoseconds: 158400, calls: 6, errors: 0 },
      { syscall: 'setsockopt', nanoseconds: 73400, calls: 3, errors: 0 },
      { syscall: 'bind', nanoseconds: 64400, calls: 3, errors: 0 },
      { syscall: 'getsockname', nanoseconds: 46400, calls: 3, errors: 0 },
    ];
    const counter = new CallCounter();
    for (const { syscall, calls, errors, nanoseconds } of rows) {
      for (let i = 0; i < calls; i++) {
        const share = Math.floor(nanoseconds / calls) + (i === 0 ? nanoseconds % calls : 0);
        counter.add({ ...close(3, { durationMs: share / 1e6 }), name: syscall, error: i < errors ? { code: 11, name: 'EAGAIN', message: '' } : null });
      }
    }
    expect(formatSummary(counter.rows())).toEqual([
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      ' 99.68    0.203631       40726         5         1 recvfrom',
      '  0.08    0.000158          26         6           socket',
      '  0.08    0.000154          38         4           sendto',
      '  0.08    0.000154          19         8           close',
      '  0.04    0.000073          24         3           setsockopt',
      '  0.03    0.000064          21         3           bind',
      '  0.02    0.000046          15         3           getsockname',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.204282        6383        32         1 total',
    ]);
  });

  it('lays out a whole-process table as strace -c -w printed it', () => {
    // The time of each row is what strace measured, to the microsecond; where its average shows
    // or its share shows that the nanoseconds were below the microsecond shown (bind: 111 µs / 3 calls
    // = 36; mmap: 0.09 %), a little less.
    const table: Array<[string, number, number, number?]> = [
      ['recvfrom', 201572000, 5, 1], ['execve', 1015000, 1], ['mmap', 193600, 8], ['sendto', 180000, 4],
      ['close', 151900, 8], ['socket', 151000, 6], ['newfstatat', 125000, 2], ['bind', 110900, 3],
      ['mprotect', 100000, 3], ['brk', 81900, 1], ['munmap', 61900, 1], ['setsockopt', 60000, 3],
      ['openat', 53900, 2], ['getsockname', 49000, 3], ['pread64', 42000, 2], ['access', 29000, 1, 1],
      ['rseq', 26000, 1], ['prlimit64', 23000, 1], ['arch_prctl', 22900, 1], ['read', 22000, 1],
      ['set_tid_address', 20900, 1], ['set_robust_list', 20900, 1],
    ];
    const rows = table.map(([syscall, nanoseconds, calls, errors]) => ({ syscall, nanoseconds, calls, errors: errors ?? 0 }));
    expect(formatSummary(rows).join('\n')).toBe(
      [
        '% time     seconds  usecs/call     calls    errors syscall',
        '------ ----------- ----------- --------- --------- ----------------',
        ' 98.76    0.201572       40314         5         1 recvfrom',
        '  0.50    0.001015        1015         1           execve',
        '  0.09    0.000194          24         8           mmap',
        '  0.09    0.000180          45         4           sendto',
        '  0.07    0.000152          18         8           close',
        '  0.07    0.000151          25         6           socket',
        '  0.06    0.000125          62         2           newfstatat',
        '  0.05    0.000111          36         3           bind',
        '  0.05    0.000100          33         3           mprotect',
        '  0.04    0.000082          81         1           brk',
        '  0.03    0.000062          61         1           munmap',
        '  0.03    0.000060          20         3           setsockopt',
        '  0.03    0.000054          26         2           openat',
        '  0.02    0.000049          16         3           getsockname',
        '  0.02    0.000042          21         2           pread64',
        '  0.01    0.000029          29         1         1 access',
        '  0.01    0.000026          26         1           rseq',
        '  0.01    0.000023          23         1           prlimit64',
        '  0.01    0.000023          22         1           arch_prctl',
        '  0.01    0.000022          22         1           read',
        '  0.01    0.000021          20         1           set_tid_address',
        '  0.01    0.000021          20         1           set_robust_list',
        '------ ----------- ----------- --------- --------- ----------------',
        '100.00    0.204113        3459        59         2 total',
      ].join('\n'),
    );
  });

  it('widens a column for a long name or a large count, as strace sizes them', () => {
    const lines = formatSummary([{ syscall: 'a_very_long_syscall_name', nanoseconds: 12345678901, calls: 1234567890, errors: 0 }]);
    expect(lines[0]).toBe('% time     seconds  usecs/call      calls    errors syscall');
    expect(lines[1]).toBe('------ ----------- ----------- ---------- --------- -------------------------');
    expect(lines[2]).toBe('100.00   12.345679           0 1234567890           a_very_long_syscall_name');
  });

  it('orders equal times by system call number, as strace did for these counts (all 0)', () => {
    const counter = new CallCounter();
    const names = ['setsockopt', 'recvfrom', 'getsockname', 'bind', 'sendto', 'socket', 'close'];
    const calls = { close: 8, socket: 6, sendto: 4, recvfrom: 5, bind: 3, getsockname: 3, setsockopt: 3 } as Record<string, number>;
    for (const name of names) for (let i = 0; i < calls[name]; i++) counter.add({ ...close(3), name, error: name === 'recvfrom' && i === 0 ? { code: 11, name: 'EAGAIN', message: '' } : null });
    expect(formatSummary(counter.rows())).toEqual([
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      '  0.00    0.000000           0         8           close',
      '  0.00    0.000000           0         6           socket',
      '  0.00    0.000000           0         4           sendto',
      '  0.00    0.000000           0         5         1 recvfrom',
      '  0.00    0.000000           0         3           bind',
      '  0.00    0.000000           0         3           getsockname',
      '  0.00    0.000000           0         3           setsockopt',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.000000           0        32         1 total',
    ]);
  });

  it('counts recv and send as the recvfrom and sendto the kernel saw, and leaves library calls out', () => {
    const counter = new CallCounter();
    counter.add({ ...close(3), name: 'recv' });
    counter.add({ ...close(3), name: 'recvfrom' });
    counter.add({ ...close(3), name: 'send' });
    counter.add({ ...close(3), name: 'getaddrinfo', kind: 'libc' });
    expect(counter.rows().map((r) => [r.syscall, r.calls])).toEqual([['sendto', 1], ['recvfrom', 2]]);
    expect(counter.libraryCallCount).toBe(1);
  });

  it('prints nothing when nothing was counted, as strace does', () => {
    expect(formatSummary([])).toEqual([]);
  });

  it('rounds an exact tie to even, as printf does', () => {
    expect(cFixed(0.0078125, 6)).toBe('0.007812');
    expect(cFixed(0.0234375, 6)).toBe('0.023438');
    expect(cFixed(12.125, 2)).toBe('12.12');
    expect(cFixed(99.6789, 2)).toBe('99.68');
    expect(cFixed(100, 2)).toBe('100.00');
  });
});

describe('-e trace=', () => {
  const recv = { ...close(3), name: 'recv' };
  const lookup: CallEvent = { ...close(3), name: 'getaddrinfo', kind: 'libc' };

  it('selects by the system call the kernel saw, or by the name netsys prints', () => {
    const byKernel = parseTraceExpression('trace=recvfrom');
    expect(isSelected(recv, byKernel)).toBe(true);
    expect(isSelected(close(3), byKernel)).toBe(false);
    expect(isSelected(recv, parseTraceExpression('recv'))).toBe(true);
    expect(isSelected(lookup, parseTraceExpression('trace=getaddrinfo,connect'))).toBe(true);
  });

  it.each(Object.keys(CALLS))('accepts trace=%s: every call netsys makes (and explains) can be selected', (name) => {
    expect(isSelected({ ...close(3), name }, parseTraceExpression(`trace=${name}`))).toBe(true);
  });

  it('trace=!NAME shows everything else; trace=all shows everything', () => {
    const notClose = parseTraceExpression('trace=!close');
    expect(isSelected(close(3), notClose)).toBe(false);
    expect(isSelected(recv, notClose)).toBe(true);
    expect(parseTraceExpression('trace=all')).toBeUndefined();
    expect(parseTraceExpression('trace=!none')).toBeUndefined();
  });

  it('trace=none (and !all) shows no call, as strace -e trace=none', () => {
    for (const expression of ['trace=none', 'none', 'trace=!all']) {
      const nothing = parseTraceExpression(expression);
      for (const name of Object.keys(CALLS)) expect(isSelected({ ...close(3), name }, nothing)).toBe(false);
    }
    expect(isSelected(close(3), undefined)).toBe(true);
  });

  it('takes strace\'s classes: %network (and %net) and %desc, as strace 6.1 sorted a Python client\'s calls', () => {
    const network = parseTraceExpression('trace=%network');
    for (const name of ['socket', 'bind', 'listen', 'accept', 'connect', 'getsockname', 'send', 'recv', 'sendto', 'recvfrom', 'shutdown', 'setsockopt']) {
      expect(isSelected({ ...close(3), name }, network)).toBe(true);
    }
    expect(isSelected(close(3), network)).toBe(false);
    expect(isSelected({ ...close(3), name: 'poll' }, network)).toBe(false);
    expect(isSelected(lookup, network)).toBe(false);
    expect(parseTraceExpression('%net')).toEqual(network);
    const desc = parseTraceExpression('trace=%desc');
    expect(isSelected(close(3), desc)).toBe(true);
    expect(isSelected({ ...close(3), name: 'poll' }, desc)).toBe(true);
    expect(isSelected({ ...close(3), name: 'connect' }, desc)).toBe(false);
    expect(isSelected(recv, parseTraceExpression('trace=!%network'))).toBe(false);
    expect(isSelected(close(3), parseTraceExpression('trace=%file'))).toBe(false);
  });

  it.each([
    ['trace=%netwrk', /no call named "%netwrk"/],
    ['trace=conect', /no call named "conect"; netsys makes only .*connect/],
    ['trace=', /no call named ""/],
    ['trace=connect,openat', /no call named "openat"/],
    ['signal=SIGINT', /only the trace= qualifier/],
  ])('rejects %s', (text, message) => {
    expect(() => parseTraceExpression(text)).toThrow(UsageError);
    expect(() => parseTraceExpression(text)).toThrow(message);
  });
});

describe('--timeout', () => {
  it.each([
    ['2', 2000000],
    ['0.5', 500000],
    ['0', 0],
    ['1.000001', 1000001],
  ])('%s seconds', (text, micros) => {
    expect(parseTimeout(text)).toBe(micros);
  });
  it.each(['-1', 'soon', '1.0000001', '86401', ''])('rejects "%s"', (text) => {
    expect(() => parseTimeout(text)).toThrow(/--timeout must be seconds from 0 to 86400/);
  });
  it('says why 0.0000001, which is inside the range, is refused: a struct timeval holds microseconds', () => {
    expect(() => parseTimeout('0.0000001')).toThrow(/to the microsecond \(at most 6 decimals: SO_RCVTIMEO takes a struct timeval\)/);
  });
});
