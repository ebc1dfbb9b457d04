// The reference behind `netsys errno` and `netsys explain`: complete for what netsys and its lessons use.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CALLS, findCall } from '../../src/reference/calls';
import { explainErrno, SOCKET_ERRORS } from '../../src/reference/errors';
import { renderExplain, wrapText } from '../../src/reference/render';
import { SIGNATURES } from '../../src/lessons/signatures';
import { PLAIN } from '../../src/trace/paint';

const LESSON_IDS = fs
  .readdirSync(path.resolve(__dirname, '../../lessons'))
  .filter((name) => name.endsWith('.lesson'))
  .map((name) => name.replace(/\.lesson$/, ''));

describe('netsys explain', () => {
  it('knows every call a lesson can make', () => {
    for (const call of Object.keys(SIGNATURES)) expect(findCall(call)?.name).toBe(call);
  });

  it('points each call at a lesson that exists', () => {
    for (const call of CALLS) expect(LESSON_IDS).toContain(call.lesson);
  });

  it('names only errors that the errno reference explains, or getaddrinfo codes', () => {
    for (const call of CALLS) {
      for (const [name] of call.errors) expect(name.startsWith('EAI_') || explainErrno(name) !== undefined).toBe(true);
    }
  });

  it('fits 80 columns', () => {
    for (const call of CALLS) {
      const long = renderExplain(call, PLAIN).filter((line) => line.length > 80 && !line.includes(call.prototype));
      expect(long).toEqual([]);
    }
  });
});

describe('netsys errno', () => {
  it('has one note per errno name, EWOULDBLOCK read as EAGAIN', () => {
    const names = SOCKET_ERRORS.map((note) => note.name);
    expect(new Set(names).size).toBe(names.length);
    expect(explainErrno('EWOULDBLOCK')).toBe(explainErrno('EAGAIN'));
    expect(explainErrno('ENOSUCH')).toBeUndefined();
  });

  it('wraps prose at 78 columns', () => {
    const lines = wrapText('word '.repeat(40), '  ');
    expect(lines.every((line) => line.length <= 78 && line.startsWith('  word'))).toBe(true);
    expect(lines.join(' ').split(/\s+/).filter(Boolean)).toHaveLength(40);
  });
});
