// The lessons and the reference agree: every call a lesson can make is explained, and the reference
// names, for each call, exactly the lessons whose files make it (read from the files, not a table).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCatalog } from '../../src/lessons/catalog';
import { SIGNATURES } from '../../src/lessons/signatures';
import { lessonsMaking } from '../../src/lessons/uses';
import { CALLS } from '../../src/reference/calls';
import { findCall } from '../../src/reference/lookup';
import { renderCall } from '../../src/reference/render';

const lessons = loadCatalog();

it('explains every call a lesson can make', () => {
  for (const call of Object.keys(SIGNATURES)) expect(findCall(call)).toBeDefined();
});

it('names only lessons that exist', () => {
  const ids = lessons.map((lesson) => lesson.id);
  for (const call of Object.keys(CALLS)) for (const id of lessonsMaking(call, lessons)) expect(ids).toContain(id);
});

it('names, for each call, every lesson whose learner makes it', () => {
  for (const lesson of lessons) {
    for (const call of new Set(lesson.steps.filter((step) => step.pause).map((step) => step.call))) {
      expect({ call, lessons: lessonsMaking(call, lessons) }).toEqual({ call, lessons: expect.arrayContaining([lesson.id]) });
    }
  }
});

it('names a lesson added to a lessons folder, with no table to edit', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-lessons-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'bind-only.lesson'),
      ['id: bind-only', 'title: t', 'summary: s', 'order: 1', 'step server: s = socket(AF_INET, SOCK_STREAM)', 'step server: bind(s, 127.0.0.1:0)', ''].join('\n'),
    );
    const added = loadCatalog(dir);
    expect(lessonsMaking('bind', added)).toEqual(['bind-only']);
    expect(renderCall('bind', CALLS.bind, undefined, lessonsMaking('bind', added))).toMatch(/^Lesson: bind-only \(netsys lesson bind-only\)$/m);
    expect(lessonsMaking('listen', added)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
