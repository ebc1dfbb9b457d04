// The trace's two shapes behind one interface: strace's text and JSON records, from the same events.
import type { CallEvent } from '../../src/calls/event';
import { PLAIN } from '../../src/render/paint';
import { jsonRenderer, textRenderer } from '../../src/render/renderers';
import { decodeTraceLine } from '../../src/render/json-read';

const options = { stringLimit: 32 };
const connect: CallEvent = {
  seq: 3,
  pid: 42,
  name: 'connect',
  kind: 'syscall',
  args: [
    { name: 'sockfd', type: 'fd', value: 18 },
    { name: 'addr', type: 'sockaddr', addr: { family: 2, address: '127.0.0.1', port: 9, flowinfo: 0, scopeId: 0 } },
    { name: 'addrlen', type: 'int', value: 16 },
  ],
  ret: -1,
  error: { code: 111, name: 'ECONNREFUSED', message: 'Connection refused' },
  startedAt: 1764000000123.456,
  durationMs: 2481,
  blocked: true,
};
const LINE = 'connect(18, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)';

describe('one renderer shape', () => {
  it('text: the strace line, then the held call\'s note', () => {
    expect(textRenderer(options, PLAIN).call(connect, 0)).toEqual([LINE, '# connect returned after 2.481 s in the kernel']);
  });

  it('JSON: one record for the same event, carrying the same line', () => {
    const lines = jsonRenderer(options).call(connect, 0);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ type: 'call', call: 'connect', ret: -1, blocked: true, text: LINE });
  });

  it('notes and held calls in each shape', () => {
    expect(textRenderer(options, PLAIN).note('hello')).toBe('# hello');
    expect(JSON.parse(jsonRenderer(options).note('hello'))).toEqual({ type: 'note', text: 'hello' });
    const held = {
      pid: 42,
      name: 'accept',
      kind: 'syscall' as const,
      args: [connect.args[0], { name: 'addr', type: 'output' as const }, { name: 'addrlen', type: 'output' as const }],
      startedAt: connect.startedAt,
    };
    expect(textRenderer(options, PLAIN).blocked(held, 0)).toEqual(['accept(18,  <unfinished ...>', '# blocked in accept: no connection is waiting in the accept queue yet']);
    expect(JSON.parse(jsonRenderer(options).blocked(held, 0)[0])).toMatchObject({ type: 'blocked', call: 'accept' });
  });

  it('a held connect carries its listener\'s accept queue in both shapes, and reads back from JSON as it was', () => {
    const held = { pid: 42, name: 'connect', kind: 'syscall' as const, args: connect.args.slice(0, 2), startedAt: connect.startedAt, listener: { waiting: 2, backlog: 1 } };
    expect(textRenderer(options, PLAIN).blocked(held, 0)[1]).toMatch(/^# blocked in connect: .*accept queue is full \(2 waiting, backlog 1\)/);
    const record = jsonRenderer(options).blocked(held, 0)[0];
    expect(JSON.parse(record)).toMatchObject({ type: 'blocked', call: 'connect', listener: { accept_queue: 2, backlog: 1 } });
    expect(decodeTraceLine(record)).toMatchObject({ type: 'blocked', call: { name: 'connect', listener: { waiting: 2, backlog: 1 } } });
  });
});
