// progress.json as netsys finds it: what is readable in it is kept, whatever else the file holds.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { markFinished, readProgress } from '../../src/lessons/progress';

describe('progress.json', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-progress-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a bad "solved" does not cost the lessons already finished (they were all dropped at the next save)', () => {
    const file = path.join(dir, 'progress.json');
    fs.writeFileSync(file, '{"finished":{"tcp-server":"2026-01-01T00:00:00.000Z"},"solved":[]}');
    expect(markFinished('udp', file, new Date('2026-02-02T00:00:00.000Z'))).toBeNull();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ finished: { 'tcp-server': '2026-01-01T00:00:00.000Z', udp: '2026-02-02T00:00:00.000Z' } });
  });

  it('an entry that is not a date is dropped, the others kept; "__proto__" stays a key', () => {
    const file = path.join(dir, 'progress.json');
    fs.writeFileSync(file, '{"finished":{"a":"2026-01-01T00:00:00.000Z","b":5,"__proto__":"x"},"solved":{"a":"2026-01-01T00:00:00.000Z","c":null}}');
    const progress = readProgress(file);
    expect(Object.entries(progress.finished)).toEqual([['a', '2026-01-01T00:00:00.000Z'], ['__proto__', 'x']]);
    expect(Object.getPrototypeOf(progress.finished)).toBe(Object.prototype);
    expect(progress.solved).toEqual({ a: '2026-01-01T00:00:00.000Z' });
  });

  it.each(['null', '[]', '"x"', '{', ''])('%j: nothing finished yet', (text) => {
    const file = path.join(dir, 'progress.json');
    fs.writeFileSync(file, text);
    expect(readProgress(file)).toEqual({ finished: {} });
  });
});
