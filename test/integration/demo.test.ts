// `netsys demo`: a real server process and a real client process, their calls merged into two lanes.
// Each lane's calls are checked against what strace printed for that very process, and the Mermaid
// diagram against Mermaid's own parser.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { quoteBytes } from '../../src/render/quote';
import { laneItems, laneTexts } from '../support/lanes';
import { finish, NETSYS, netsys, Running, scratchDirPerTest } from './helpers';
import { TRACED } from './oracle';

const SERVER_CALLS = ['socket', 'bind', 'listen', 'getsockname', 'accept', 'recv', 'send', 'recv', 'close', 'close'];
const CLIENT_CALLS = ['socket', 'connect', 'getsockname', 'send', 'shutdown', 'recv', 'recv', 'close'];
/** The oracle's calls, and the clones that tell strace's files apart by process. */
const TRACED_WITH_CLONES = `${TRACED},clone,clone3`;

const names = (texts: string[]) => texts.map((text) => text.slice(0, text.indexOf('(')));

/** `recv(5, "hi", 1024, 0) = 2` as the kernel saw it: `recvfrom(5, "hi", 1024, 0, NULL, NULL) = 2`. */
function asKernelSawIt(line: string): string {
  return line
    .replace(/\) +=/, ') =')
    .replace(/^recv\((.*)\) =/, 'recvfrom($1, NULL, NULL) =')
    .replace(/^send\((.*)\) =/, 'sendto($1, NULL, 0) =');
}

/**
 * strace -ff writes one file per thread. Threads are put back into their processes by following the
 * clone calls with CLONE_THREAD: the lines of each process, by its pid.
 */
function straceByProcess(dir: string, prefix: string): Map<number, Set<string>> {
  const files = fs.readdirSync(dir).filter((file) => file.startsWith(`${prefix}.`));
  const text = new Map(files.map((file) => [Number(file.slice(prefix.length + 1)), fs.readFileSync(path.join(dir, file), 'utf8')]));
  const creator = new Map<number, number>();
  for (const [tid, content] of text) {
    for (const match of content.matchAll(/^clone3?\((.*)\) = (\d+)$/gm)) if (match[1].includes('CLONE_THREAD')) creator.set(Number(match[2]), tid);
  }
  const processOf = (tid: number): number => (creator.has(tid) ? processOf(creator.get(tid)!) : tid);
  const byProcess = new Map<number, Set<string>>();
  for (const [tid, content] of text) {
    const lines = byProcess.get(processOf(tid)) ?? new Set<string>();
    for (const line of content.split('\n')) lines.add(line.replace(/\) +=/, ') ='));
    byProcess.set(processOf(tid), lines);
  }
  return byProcess;
}

function pids(header: string): { server: number; client: number } {
  const [, server, client] = header.match(/^server \(pid (\d+)\) +│? ?client \(pid (\d+)\)$/)!;
  return { server: Number(server), client: Number(client) };
}

describe('netsys demo', () => {
  const dir = scratchDirPerTest('netsys-demo-');

  it('SIGHUP just as the client starts: the server\'s closing is drawn too, the demo waits for it (it drew before the server had closed its listener)', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const demo = netsys(['demo', '--no-color'], undefined, { COLUMNS: '160' });
      const pid = demo.child.pid!;
      const deadline = Date.now() + 10000;
      // The moment the demo has started its second process, the client.
      while (Date.now() < deadline && spawnSync('pgrep', ['-P', String(pid)]).stdout.toString().trim().split('\n').filter(Boolean).length < 2) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      demo.child.kill('SIGHUP');
      const exit = await finish(demo);
      expect([0, 129]).toContain(exit.code);
      const out = demo.stdout.toString();
      const serverLines = out.split('\n').map((line) => line.slice(0, 53).trim());
      const listener = serverLines.map((line) => /^socket\(.*\) = (\d+)$/.exec(line)?.[1]).find(Boolean);
      if (listener && serverLines.some((line) => line.startsWith(`shutdown(${listener}, SHUT_RDWR)`))) {
        expect(serverLines).toContain(`close(${listener}) = 0`);
      }
    }
  });

  it('at 80 columns: two lanes with every call of both processes, each as strace saw it in that process', async () => {
    const demo = new Running('strace', ['-qq', '-ff', '-o', path.join(dir(), 't'), '-e', `trace=${TRACED_WITH_CLONES}`, NETSYS, 'demo', '--no-color'], undefined, { COLUMNS: '80' });
    expect(await finish(demo)).toEqual({ code: 0, signal: null });
    const lines = demo.stdout.toString('utf8').trimEnd().split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);

    const server = laneTexts(lines, 'left', 80);
    const client = laneTexts(lines, 'right', 80);
    expect(names(server)).toEqual(SERVER_CALLS);
    expect(names(client)).toEqual(CLIENT_CALLS);
    const seen = straceByProcess(dir(), 't');
    const pid = pids(lines[0]);
    expect(server.filter((text) => !seen.get(pid.server)!.has(asKernelSawIt(text)))).toEqual([]);
    expect(client.filter((text) => !seen.get(pid.client)!.has(asKernelSawIt(text)))).toEqual([]);
    // A line strace saw only in the other process is not accepted: the check does tell processes apart.
    const accept = server.find((text) => text.startsWith('accept('))!;
    expect(seen.get(pid.client)!.has(asKernelSawIt(accept))).toBe(false);

    const moments = lines.filter((line) => line.startsWith('◀') || line.endsWith('▶')).map((line) => line.replace(/^◀?─+ | ─+▶?$/g, ''));
    expect(moments).toHaveLength(5);
    expect(moments).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^handshake: client connect\(\d+\) = 0 → accept queue → server accept\(\d+\) = \d+$/),
        expect.stringMatching(/^6 bytes: client send\(\d+\) → server recv\(\d+\)$/),
        expect.stringMatching(/^6 bytes: server send\(\d+\) → client recv\(\d+\)$/),
        expect.stringMatching(/^FIN: client shutdown\(\d+, SHUT_WR\) → server recv\(\d+\) = 0$/),
        expect.stringMatching(/^FIN: server close\(\d+\) → client recv\(\d+\) = 0$/),
      ]),
    );
    expect(laneItems(lines, 'left', 80).some((text) => /^# listening on 127\.0\.0\.1:\d+;/.test(text))).toBe(true);
  });

  it('at 160 columns: each call on one line of its lane', async () => {
    const demo = netsys(['demo', '--no-color'], undefined, { COLUMNS: '160' });
    expect(await finish(demo)).toEqual({ code: 0, signal: null });
    const lines = demo.stdout.toString('utf8').trimEnd().split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(160);
    const calls = lines.filter((line) => /^ *[a-z]+\(/.test(line) && !line.endsWith('<unfinished ...>'));
    expect(calls.filter((line) => !line.startsWith(' ')).map((line) => line.slice(0, line.indexOf('(')))).toEqual(SERVER_CALLS);
    expect(calls.filter((line) => line.startsWith(' '.repeat(53))).map((line) => line.trim().slice(0, line.trim().indexOf('(')))).toEqual(CLIENT_CALLS);
    expect(calls.every((line) => /\) = -?\d+$/.test(line))).toBe(true);
    expect(lines.some((line) => /^ +[a-z_]+=/.test(line) || /^ {2}\S/.test(line))).toBe(false); // no continuation rows
  });

  it('--mermaid: a sequence diagram Mermaid parses, the data with ; # " { } < > % & shown as it is', async () => {
    const message = 'a;b #c "q" {d} <e> 5% & f';
    const demo = netsys(['demo', '--mermaid', '-m', message]);
    expect(await finish(demo)).toEqual({ code: 0, signal: null });
    const diagram = demo.stdout.toString('utf8');
    const parsed = spawnSync(process.execPath, [path.join(__dirname, '../support/mermaid-parse.mjs')], { input: diagram, encoding: 'utf8', timeout: 30000 });
    expect(parsed.stderr).toBe('');
    expect(parsed.status).toBe(0);
    const { diagramType, actors, messages } = JSON.parse(parsed.stdout) as {
      diagramType: string;
      actors: Array<{ name: string; description: string }>;
      messages: Array<{ from: string; to: string; type: number; text: string }>;
    };
    expect(diagramType).toBe('sequence');
    expect(actors.map((a) => a.description)).toEqual([expect.stringMatching(/^server \(pid \d+\)$/), 'kernel', expect.stringMatching(/^client \(pid \d+\)$/)]);
    const byServer = messages.filter((m) => m.from === 'S' && m.to === 'K').map((m) => m.text);
    const byClient = messages.filter((m) => m.from === 'C' && m.to === 'K').map((m) => m.text);
    expect(names(byServer)).toEqual(SERVER_CALLS);
    expect(names(byClient)).toEqual(CLIENT_CALLS);
    const data = Buffer.from(`${message}\n`);
    const quoted = quoteBytes(data, data.length, 32);
    expect(byClient.filter((text) => text.startsWith('send(')).map((text) => text.replace(/^send\(\d+, /, 'send(N, '))).toEqual([
      `send(N, ${quoted}, ${data.length}, 0) = ${data.length}`,
    ]);
    expect(byServer.filter((text) => text.startsWith('recv(')).map((text) => text.replace(/^recv\(\d+, /, 'recv(N, '))).toEqual([
      `recv(N, ${quoted}, 262144, 0) = ${data.length}`,
      'recv(N, "", 262144, 0) = 0',
    ]);
    expect(messages.filter((m) => (m.from === 'C' && m.to === 'S') || (m.from === 'S' && m.to === 'C')).map((m) => m.text.split(':')[0])).toEqual(
      expect.arrayContaining(['handshake', `${data.length} bytes`, 'FIN']),
    );
    expect(messages.some((m) => m.text.startsWith('listening on 127.0.0.1:') && m.text.includes('; try: netsys client'))).toBe(true);
  });
});
