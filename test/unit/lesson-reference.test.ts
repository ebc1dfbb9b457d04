// The lessons and the reference agree: every call a lesson can make is explained, every lesson the
// reference names exists, and a lesson that makes a call is among the lessons the reference names.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseLesson } from '../../src/lessons/format';
import { SIGNATURES } from '../../src/lessons/signatures';
import { CALLS } from '../../src/reference/calls';
import { findCall } from '../../src/reference/lookup';

const DIR = path.resolve(__dirname, '../../lessons');
const lessons = fs
  .readdirSync(DIR)
  .filter((name) => name.endsWith('.lesson'))
  .map((name) => parseLesson(name, fs.readFileSync(path.join(DIR, name), 'utf8')));

it('explains every call a lesson can make', () => {
  for (const call of Object.keys(SIGNATURES)) expect(findCall(call)).toBeDefined();
});

it('names only lessons that exist', () => {
  const ids = lessons.map((lesson) => lesson.id);
  for (const call of Object.values(CALLS)) for (const id of call.lessons) expect(ids).toContain(id);
});

it('names, for each call, every lesson whose learner makes it', () => {
  for (const lesson of lessons) {
    for (const call of new Set(lesson.steps.filter((step) => step.pause).map((step) => step.call))) {
      expect({ call, lessons: findCall(call)!.lessons }).toEqual({ call, lessons: expect.arrayContaining([lesson.id]) });
    }
  }
});
