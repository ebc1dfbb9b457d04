// The lessons on disk: every `*.lesson` file in the lessons folder, in their `order`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorCode, FileRefused, readRegularFile } from '../files';
import { PACKAGE_ROOT } from '../paths';
import { visible } from '../visible';
import { Lesson, LessonFormatError, parseLesson } from './format';

export const LESSON_SUFFIX = '.lesson';
export const DEFAULT_LESSONS_DIR = path.join(PACKAGE_ROOT, 'lessons');

export class LessonNotFound extends Error {}

function lessonFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    throw new LessonNotFound(`cannot read the lessons folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return names.filter((name) => name.endsWith(LESSON_SUFFIX)).sort().map((name) => path.join(dir, name));
}

/** The largest lesson file read; the longest lesson so far is about 10 KiB. */
const LESSON_SIZE_LIMIT = 1 << 20;

/** A lesson file as the learner knows it: relative to the current folder when inside it. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') ? file : relative;
}

/** Throws LessonFormatError for a malformed file, LessonNotFound for one that is not a readable regular file. */
export function loadLessonFile(file: string): Lesson {
  const shown = shownPath(file);
  let text: string;
  try {
    text = readRegularFile(file, shown, LESSON_SIZE_LIMIT);
  } catch (error) {
    if (error instanceof FileRefused) throw new LessonNotFound(`${error.message}; a lesson is a text file ending in ${LESSON_SUFFIX}`);
    throw new LessonNotFound(`${shown}: cannot read it: ${errorCode(error)}${fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() ? ' (a symbolic link to nothing)' : ''}`);
  }
  return parseLesson(shown, text);
}

/** Every lesson, sorted by order then id. A malformed file throws LessonFormatError; two files with one id, too. */
export function loadCatalog(dir = DEFAULT_LESSONS_DIR): Lesson[] {
  const lessons = lessonFiles(dir).map(loadLessonFile);
  const seen = new Map<string, Lesson>();
  for (const lesson of lessons) {
    const other = seen.get(lesson.id);
    if (other) throw new LessonFormatError(lesson.file, 1, `id "${lesson.id}" is already the id of ${other.file}`);
    seen.set(lesson.id, lesson);
  }
  return lessons.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

export function findLesson(lessons: readonly Lesson[], id: string): Lesson {
  const lesson = lessons.find((candidate) => candidate.id === id);
  if (!lesson) throw new LessonNotFound(`unknown lesson "${visible(id)}": the lessons are ${lessons.map((l) => l.id).join(', ')} (netsys lesson lists them)`);
  return lesson;
}
