// The demo's timeline: two real --json traces (fixtures/demo-*.jsonl, written by `netsys server --once
// --json 0` and `netsys client --json -m hello`), decoded as the demo decodes them, merged into one
// conversation, drawn in two lanes and as a Mermaid diagram.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { converse, folded, Step, TraceItem } from '../../src/render/conversation';
import type { CallEvent } from '../../src/calls/event';
import { decodeTraceLine } from '../../src/render/json-read';
import { formatLine, formatUnfinished } from '../../src/render/strace';
import { laneLines, linkLines, renderLanes, wrap } from '../../src/render/lanes';
import { escapeMermaid, renderMermaid } from '../../src/render/mermaid';
import { laneTexts } from '../support/lanes';

function lines(name: string): string[] {
  return fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8').trim().split('\n');
}
function fixture(name: string): TraceItem[] {
  return lines(name).map(decodeTraceLine);
}
const server = fixture('demo-server.jsonl');
const client = fixture('demo-client.jsonl');
const who = { server: 'server (pid 1902)', client: 'client (pid 1925)' };
const calls = (items: TraceItem[]) => items.flatMap((item) => (item.type === 'call' ? [item.event] : []));
const OPTIONS = { stringLimit: 32 };
/** A call as the trace printed it, strace's padding folded. */
const foldedText = (event: CallEvent) => folded(formatLine(event, OPTIONS));

function describeStep(step: Step): string {
  if (step.kind === 'link') return `link ${step.link.kind}: ${step.link.text}`;
  if (step.kind === 'note') return `${step.side} # ${step.text}`;
  if (step.kind === 'blocked') return `${step.side} ${formatUnfinished(step.call, OPTIONS)}`;
  return `${step.side} ${foldedText(step.event)}`;
}

/** Moves one side's clock: two processes' clocks may disagree, and the merge must not care. */
function shifted(items: TraceItem[], seconds: number): TraceItem[] {
  return items.map((r) => (r.type === 'call' ? { ...r, event: { ...r.event, startedAt: r.event.startedAt + seconds * 1000 } } : r));
}

describe('the conversation of two traces', () => {
  const steps = converse(server, client);

  it('has every call and note of both sides, each side in its own order', () => {
    const mine = (side: string) => steps.filter((s) => s.kind !== 'link' && s.side === side);
    expect(mine('server').map((s) => (s.kind === 'call' ? { type: 'call', event: s.event } : { type: 'note', text: s.kind === 'note' ? s.text : '' }))).toEqual(server);
    expect(mine('client').map((s) => (s.kind === 'call' ? { type: 'call', event: s.event } : { type: 'note', text: s.kind === 'note' ? s.text : '' }))).toEqual(client);
  });

  it('marks the handshake, each transfer and each FIN just before the call they completed', () => {
    const lines = steps.map(describeStep);
    const before = (link: string, call: string) => expect(lines[lines.indexOf(link) + 1]).toBe(call);
    const handshake = lines.indexOf('link handshake: handshake: client connect(18) = 0 → accept queue → server accept(18) = 19');
    expect(lines[handshake + 1]).toMatch(/^server accept\(18, .*\) = 19$/);
    expect(lines.filter((line) => line.startsWith('link '))).toEqual([
      'link handshake: handshake: client connect(18) = 0 → accept queue → server accept(18) = 19',
      'link data: 6 bytes: client send(18) → server recv(19)',
      'link data: 6 bytes: server send(19) → client recv(18)',
      'link close: FIN: client shutdown(18, SHUT_WR) → server recv(19) = 0',
      'link close: FIN: server close(19) → client recv(18) = 0',
    ]);
    for (const [link, call] of [
      ['link data: 6 bytes: client send(18) → server recv(19)', 'server recv(19, "hello\\n", 65536, 0) = 6'],
      ['link data: 6 bytes: server send(19) → client recv(18)', 'client recv(18, "hello\\n", 65536, 0) = 6'],
      ['link close: FIN: client shutdown(18, SHUT_WR) → server recv(19) = 0', 'server recv(19, "", 65536, 0) = 0'],
      ['link close: FIN: server close(19) → client recv(18) = 0', 'client recv(18, "", 65536, 0) = 0'],
    ]) {
      before(link, call);
    }
  });

  it('orders calls by when they returned', () => {
    const lines = steps.map(describeStep);
    expect(lines.indexOf('server listen(18, 16) = 0')).toBeLessThan(lines.indexOf('client socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 18'));
    expect(lines.indexOf('client send(18, "hello\\n", 6, 0) = 6')).toBeLessThan(lines.indexOf('server recv(19, "hello\\n", 65536, 0) = 6'));
  });

  it('never puts a call before the other side\'s call it waited for, whatever the clocks say', () => {
    for (const skew of [-5, 5]) {
      const lines = converse(shifted(server, skew), client).map(describeStep);
      expect(lines.indexOf('client send(18, "hello\\n", 6, 0) = 6')).toBeLessThan(lines.indexOf('server recv(19, "hello\\n", 65536, 0) = 6'));
      expect(lines.indexOf('server send(19, "hello\\n", 6, 0) = 6')).toBeLessThan(lines.indexOf('client recv(18, "hello\\n", 65536, 0) = 6'));
      expect(lines.indexOf('server close(19) = 0')).toBeLessThan(lines.indexOf('client recv(18, "", 65536, 0) = 0'));
      expect(lines.filter((line) => line.startsWith('link '))).toHaveLength(5);
    }
  });

  it('shows a line that is not JSON (an error message) as a note', () => {
    expect(decodeTraceLine('netsys: cannot connect')).toEqual({ type: 'note', text: 'netsys: cannot connect' });
  });

  it('decodes each record once into the event that prints as the record says', () => {
    for (const name of ['demo-server.jsonl', 'demo-client.jsonl']) {
      const records = lines(name).map((line) => JSON.parse(line) as { type: string; text: string });
      const texts = records.filter((record) => record.type === 'call').map((record) => record.text);
      expect(calls(fixture(name)).map((event) => formatLine(event, OPTIONS))).toEqual(texts);
    }
  });

  it('shows a record without the fields of its type as a note, the line as it came', () => {
    const line = '{"type":"call","call":"listen","args":"nonsense"}';
    expect(decodeTraceLine(line)).toEqual({ type: 'note', text: line });
  });
});

describe('two lanes', () => {
  const steps = converse(server, client);

  it.each([80, 100, 159])('at %i columns: no line wider, and every call in its lane as strace prints it', (width) => {
    const lines = renderLanes(steps, who, { width, color: false });
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
    expect(laneTexts(lines, 'left', width)).toEqual(calls(server).map(foldedText));
    expect(laneTexts(lines, 'right', width)).toEqual(calls(client).map(foldedText));
  });

  it.each([160, 200])('at %i columns: every call on one line of its lane', (width) => {
    const lines = renderLanes(steps, who, { width, color: false });
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
    for (const record of calls(server)) expect(lines).toContain(foldedText(record));
    for (const record of calls(client)) expect(lines).toContain(' '.repeat(Math.floor(width / 3)) + foldedText(record));
  });

  it('at 80 columns: the server on the left of the rule, the client on the right, the moments across', () => {
    const lines = renderLanes(steps, who, { width: 80, color: false });
    expect(lines[0]).toBe('server (pid 1902)'.padEnd(38) + ' │ client (pid 1925)');
    expect(lines[1]).toBe('─'.repeat(38) + '─┼─' + '─'.repeat(39));
    expect(lines).toContain('listen(18, 16) = 0' + ' '.repeat(20) + ' │');
    expect(lines).toContain(' '.repeat(38) + ' │ send(18, "hello\\n", 6, 0) = 6');
    expect(lines).toContain('◀── handshake: client connect(18) = 0 → accept queue → server accept(18) = 19 ──');
    expect(lines).toContain('───────────────── FIN: server close(19) → client recv(18) = 0 ─────────────────▶');
    expect(lines).toContain(' '.repeat(38) + ' │ # connected: 127.0.0.1:34460 (port');
  });

  it('is plain text without colour, and the same text under colour', () => {
    const plain = renderLanes(steps, who, { width: 80, color: false });
    const coloured = renderLanes(steps, who, { width: 80, color: true });
    expect(plain.join('\n')).not.toMatch(/\u001b/);
    expect(coloured.join('\n')).toMatch(/\u001b\[1m/);
    expect(coloured.map((line) => line.replace(/\u001b\[[0-9;]*m/g, ''))).toEqual(plain);
  });

  it('laneLines lays out one text in one lane, for lessons', () => {
    expect(laneLines('left', 'connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0', 80)).toEqual([
      'connect(3, {sa_family=AF_INET,         │',
      '  sin_port=htons(8080),                │',
      '  sin_addr=inet_addr("127.0.0.1")},    │',
      '  16) = 0                              │',
    ]);
    expect(laneLines('right', '# step 2: the kernel queues the connection', 80)).toEqual([
      ' '.repeat(38) + ' │ # step 2: the kernel queues the',
      ' '.repeat(38) + ' │   connection',
    ]);
    expect(laneLines('right', 'listen(3, 4) = 0', 160)).toEqual([' '.repeat(53) + 'listen(3, 4) = 0']);
  });

  it('wraps at spaces outside quoted data first, and cuts a word longer than the line', () => {
    expect(wrap('send(3, "a b c d", 7, 0) = 7', 14, 12)).toEqual(['send(3,', '"a b c d",', '7, 0) = 7']);
    expect(wrap('x'.repeat(25), 10, 8)).toEqual(['x'.repeat(10), 'x'.repeat(8), 'x'.repeat(7)]);
    expect(wrap('short', 10, 8)).toEqual(['short']);
  });

  it('draws a moment across the full width, pointing at the side it completed a call on', () => {
    const [left] = linkLines({ kind: 'data', from: 'client', to: 'server', text: '6 bytes' }, 40);
    const [right] = linkLines({ kind: 'data', from: 'server', to: 'client', text: '6 bytes' }, 40);
    expect(left).toBe(`◀${'─'.repeat(15)} 6 bytes ${'─'.repeat(15)}`);
    expect(right).toBe(`${'─'.repeat(15)} 6 bytes ${'─'.repeat(15)}▶`);
    expect(left).toHaveLength(40);
  });
});

describe('Mermaid', () => {
  it('writes entity codes for the characters Mermaid would read as syntax', () => {
    expect(escapeMermaid('send(3, "a;b #c {d} <e> 5% &", 9, 0) = 9')).toBe(
      'send(3, #quot;a#59;b #35;c #123;d#125; #lt;e#gt; 5#37; #amp;#quot;, 9, 0) = 9',
    );
    expect(escapeMermaid('#59;')).toBe('#35;59#59;');
  });

  it('draws each call as an arrow to the kernel and each moment as a dashed arrow between the processes', () => {
    const text = renderMermaid(converse(server, client), who);
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'sequenceDiagram',
      '    participant S as server (pid 1902)',
      '    participant K as kernel',
      '    participant C as client (pid 1925)',
    ]);
    expect(lines).toContain('    S->>K: listen(18, 16) = 0');
    expect(lines).toContain('    C->>K: send(18, #quot;hello\\n#quot;, 6, 0) = 6');
    expect(lines).toContain('    C-->>S: 6 bytes: client send(18) → server recv(19)');
    expect(lines).toContain('    Note left of S: listening on 127.0.0.1:47631#59; try: netsys client 127.0.0.1 47631');
    expect(lines.filter((line) => /^ {4}[SC]->>K: /.test(line))).toHaveLength(calls(server).length + calls(client).length);
  });
});

describe('a call the kernel held', () => {
  // The server's accept, announced as blocked 0.2 s after it started, before the client connected.
  const accept = calls(server).find((event) => event.name === 'accept')!;
  const blocked: TraceItem = { type: 'blocked', call: { pid: accept.pid, name: 'accept', kind: 'syscall', args: [accept.args[0], { name: 'addr', type: 'output' }, { name: 'addrlen', type: 'output' }], startedAt: accept.startedAt } };
  const withBlocked = server.flatMap((item) => (item.type === 'call' && item.event === accept ? [blocked, item] : [item]));
  const steps = converse(withBlocked, client);

  it('stands in the server lane where it started: before the client connects, and before the accept returns', () => {
    const at = (test: (step: Step) => boolean) => steps.findIndex(test);
    const unfinished = at((step) => step.kind === 'blocked');
    expect(unfinished).toBeGreaterThanOrEqual(0);
    expect(describeStep(steps[unfinished])).toBe('server accept(18,  <unfinished ...>');
    expect(unfinished).toBeLessThan(at((step) => step.kind === 'call' && step.event.name === 'connect'));
    expect(unfinished).toBeLessThan(at((step) => step.kind === 'call' && step.event === accept));
  });

  it('is drawn in its lane and noted in the Mermaid diagram', () => {
    expect(renderLanes(steps, who, { width: 80, color: false })).toContainEqual(expect.stringMatching(/^accept\(18, +<unfinished \.\.\.> +│$/));
    expect(renderMermaid(steps, who)).toContain('Note left of S: accept(18,  #lt;unfinished ...#gt;');
  });
});
