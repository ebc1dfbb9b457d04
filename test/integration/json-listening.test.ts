// With --json, where a server listens is a field of its note, so a program reading the trace (the
// demo) takes the port from the record, not from the sentence meant for people.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finish, netsys, python } from './helpers';

let state: string;
beforeEach(() => {
  state = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-state-'));
});
afterEach(() => fs.rmSync(state, { recursive: true, force: true }));

it('netsys server --json gives the listening address and port as fields', async () => {
  const server = netsys(['server', '--once', '--json', '0'], undefined, { XDG_STATE_HOME: state });
  const [line] = await server.waitForStderr(/^\{"type":"note".*"listening".*$/m);
  const note = JSON.parse(line) as { text: string; listening: { family: string; address: string; port: number } };
  expect(note.listening).toEqual({ family: 'AF_INET', address: '127.0.0.1', port: expect.any(Number) });
  expect(note.text).toContain(`listening on 127.0.0.1:${note.listening.port};`);
  const peer = python('import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()', [String(note.listening.port)]);
  expect((await finish(peer)).code).toBe(0);
  expect((await finish(server)).code).toBe(0);
});
