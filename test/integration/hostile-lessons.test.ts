// Lesson files that once crashed or hung netsys: each now ends in bounded time with one clear line
// (file and line when the file is at fault), the right exit status, and every socket closed visibly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, netsys, Running, scratchDirPerTest } from './helpers';

const HEADER = 'id: hostile\ntitle: H\nsummary: S\norder: 1\n';

/** Writes `steps` as a lesson named hostile in `dir` and runs it with `args`. */
function runSteps(dir: string, steps: readonly string[], args: readonly string[] = ['--no-pause']): Running {
  fs.writeFileSync(path.join(dir, 'hostile.lesson'), HEADER + steps.join('\n') + '\n');
  return netsys(['lesson', 'hostile', '--no-color', '--lessons-dir', dir, ...args], undefined, { XDG_STATE_HOME: path.join(dir, 'state'), COLUMNS: '200' });
}

/** Every descriptor socket or accept returned is closed, in the output. */
function expectAllClosed(output: string): void {
  const opened = [...output.matchAll(/^(?:socket|accept)\(.*\) += (\d+)$/gm)].map((m) => m[1]);
  for (const fd of new Set(opened)) expect(output).toMatch(new RegExp(`^close\\(${fd}\\) += 0$`, 'm'));
}

function expectNoStack(run: Running): void {
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toMatch(/internal error/);
}

const UDP_HELD = ['step server: s = socket(AF_INET, SOCK_DGRAM)', 'step server: bind(s, 127.0.0.1:0)', 'step server: d = recvfrom(s, 10)'];
const TCP_HELD = ['step server: l = socket(AF_INET, SOCK_STREAM)', 'step server: bind(l, 127.0.0.1:0)', 'step server: listen(l, 1)', 'step server: c = accept(l)'];

describe('closing a socket while a call on it is held', () => {
  const dir = scratchDirPerTest('netsys-hostile-');

  it.each([
    ['UDP recvfrom, --no-pause', UDP_HELD, ['--no-pause'], /^recvfrom\((\d+), "", 10, 0, 0x[0-9a-f]+, \[16 => 0\]\) += 0$/m],
    ['UDP recvfrom, --mermaid', UDP_HELD, ['--mermaid'], /recvfrom\((\d+), #quot;#quot;, 10, 0/],
    ['TCP accept, --no-pause', TCP_HELD, ['--no-pause'], /^accept\((\d+), 0x[0-9a-f]+, \[16\]\) += -1 EINVAL/m],
  ])('%s: a visible shutdown(SHUT_RDWR) wakes it first, then close; exit 0', async (_name, held, args, woken) => {
    const socket = held[0].match(/(\w+) = socket/)![1];
    const run = runSteps(dir(), [...held, `step server: close(${socket})`], args);
    expect(await finish(run, 15000)).toEqual({ code: 0, signal: null });
    expectNoStack(run);
    const output = run.stdout.toString();
    const fd = output.match(woken)![1];
    expect(output).toMatch(new RegExp(`shutdown\\(${fd}, SHUT_RDWR\\) += (0|-1 ENOTCONN)`));
    expect(output.indexOf(`shutdown(${fd}, SHUT_RDWR)`)).toBeLessThan(output.search(woken));
    if (!args.includes('--mermaid')) {
      expect(output).toMatch(/close alone would not wake it/);
      expectAllClosed(output);
    }
  });

  it('a step that uses what a held call will give ends after a bounded wait: one line naming the step, exit 1, every socket closed', async () => {
    const run = runSteps(dir(), [...UDP_HELD, 'step server: sendto(s, d, d)']);
    expect(await finish(run, 15000)).toEqual({ code: 1, signal: null });
    expectNoStack(run);
    expect(run.stderr).toMatch(/^netsys: step 4 \(.*hostile\.lesson:8\) uses d, but the call that gives it was still waiting in the kernel after 3 s/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expectAllClosed(run.stdout.toString());
  });

  it('a step that expected an error but succeeded says so', async () => {
    const run = runSteps(dir(), ['step server: s = socket(AF_INET, SOCK_DGRAM)', 'expect: EINVAL', 'step server: close(s)']);
    expect(await finish(run, 10000)).toEqual({ code: 0, signal: null });
    expect(run.stdout.toString()).toMatch(/^# this step expected EINVAL, but the call succeeded$/m);
  });
});

describe("a step that closes the other side's descriptor", () => {
  const dir = scratchDirPerTest('netsys-hostile-');

  // Both sides are one process with one descriptor table: the client may close the server's socket.
  // The number is then free, the client's next socket takes it, and the end of the lesson closes it
  // once, for the client: never again for the server, whose socket it no longer is.
  it('closes it once, in its own lane; the number, reused, is closed once at the end', async () => {
    const run = runSteps(dir(), ['step server: s = socket(AF_INET, SOCK_STREAM)', 'step client: close(s)', 'step client: c = socket(AF_INET, SOCK_STREAM)']);
    expect(await finish(run, 15000)).toEqual({ code: 0, signal: null });
    expectNoStack(run);
    const output = run.stdout.toString();
    const fd = output.match(/socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += (\d+)/)![1];
    expect(output).toMatch(new RegExp(`^\\s*client\\s+close\\(${fd}\\) += 0$`, 'm'));
    expect(output).not.toMatch(/EBADF/);
    expect(output.match(new RegExp(`close\\(${fd}\\) += 0`, 'g'))).toHaveLength(3); // the step, its recap line, and the end's
  });
});
