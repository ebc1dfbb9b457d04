// read and write, added to netsys as one registry entry each: a lesson makes them on a real socket,
// and each line netsys prints for them is one strace printed for the same process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, netsys, NETSYS, Running, scratchDirPerTest, unusedPort } from './helpers';
import { TRACED, unseenByStrace } from './oracle';

const LESSON = `id: rw
title: write and read on a socket
summary: write and read are send and recv without flags.
order: 1
step server: listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
step server: bind(listener, 127.0.0.1:0)
step server: listen(listener, 4)
step server: here = getsockname(listener)
step client: c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
step client: connect(c, here)
step server: conn = accept(listener)
step client: n = write(c, "hello\\n")
step server: data = read(conn, 1024)
step server: write(conn, data)
step client: read(c, 1024)
step client: close(c)
step server: read(conn, 16)
step server: close(conn)
step server: close(listener)
`;

/** The recap's system-call lines: `  server  read(19, "hello\\n", 1024) = 6` → `read(19, "hello\\n", 1024) = 6`. */
function recapCalls(output: string): string[] {
  return output
    .slice(output.indexOf('Recap:'))
    .split('\n')
    .map((line) => line.match(/^ {2}(?:(?:server|client) {2})?([a-z_0-9]+\(.*)$/)?.[1])
    .filter((line): line is string => line !== undefined);
}

describe('read and write in a lesson', () => {
  const dir = scratchDirPerTest('netsys-rw-');

  it('prints each call as strace does, character for character', async () => {
    fs.mkdirSync(path.join(dir(), 'lessons'));
    fs.writeFileSync(path.join(dir(), 'lessons', 'rw.lesson'), LESSON);
    const run = new Running(
      'strace',
      ['-qq', '-ff', '-o', path.join(dir(), 'rw'), '-e', `trace=${TRACED},read,write`, NETSYS, 'lesson', 'rw', '--no-pause', '--no-color', '--lessons-dir', path.join(dir(), 'lessons')],
      undefined,
      { XDG_STATE_HOME: dir(), COLUMNS: '80' },
    );
    expect(await finish(run)).toEqual({ code: 0, signal: null });
    const calls = recapCalls(run.stdout.toString());
    const io = calls.filter((line) => /^(read|write)\(/.test(line));
    expect(io.map((line) => line.replace(/\d+/, 'N').replace(/\s+=/, ' ='))).toEqual([
      'write(N, "hello\\n", 6) = 6',
      'read(N, "hello\\n", 1024) = 6',
      'write(N, "hello\\n", 6) = 6',
      'read(N, "hello\\n", 1024) = 6',
      'read(N, "", 16) = 0',
    ]);
    expect(unseenByStrace(calls, dir(), 'rw')).toEqual([]);
  });
});

describe('read and write outside lessons', () => {
  const dir = scratchDirPerTest('netsys-rw-');

  it('netsys explain read and write give the prototypes of read(2) and write(2)', async () => {
    const read = netsys(['explain', 'read']);
    const write = netsys(['explain', 'write']);
    expect((await finish(read)).code).toBe(0);
    expect((await finish(write)).code).toBe(0);
    expect(read.stdout.toString()).toContain('\nssize_t read(int fd, void *buf, size_t count);\n');
    expect(write.stdout.toString()).toContain('\nssize_t write(int fd, const void *buf, size_t count);\n');
  });

  it('-e trace=read,write is accepted', async () => {
    const port = await unusedPort();
    const run = netsys(['client', '-e', 'trace=read,write', '-m', 'x', '127.0.0.1', String(port)], undefined, { XDG_STATE_HOME: dir() });
    expect((await finish(run)).code).toBe(1); // nothing listens there: ECONNREFUSED, not a usage error
    expect(run.stderr.toString()).not.toMatch(/-e trace/);
  });
});
