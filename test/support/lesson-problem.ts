// What the lesson loader says about a lesson file it refuses: the tests of the format read this one line.
import { LessonFormatError, parseLesson } from '../../src/lessons/format';

/** The loader's message (`file:line: problem`) for `text` read as `file`; throws if the lesson is accepted. */
export function lessonProblem(file: string, text: string): string {
  try {
    parseLesson(file, text);
  } catch (error) {
    if (error instanceof LessonFormatError) return error.message;
    throw error;
  }
  throw new Error('the lesson was accepted');
}
