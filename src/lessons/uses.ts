// Which lessons make a call, read from the lesson files themselves: `netsys explain`, `?` in a lesson
// and the tests all ask here, so a new lesson file shows up without any table to edit.
import { DEFAULT_LESSONS_DIR, LessonNotFound, loadCatalog } from './catalog';
import { Lesson, LessonFormatError } from './format';

/** The ids of the lessons with a step that makes `call`, in the catalog's order (the one that teaches it first, first). */
export function lessonsMaking(call: string, lessons: readonly Lesson[]): string[] {
  return lessons.filter((lesson) => lesson.steps.some((step) => step.call === call)).map((lesson) => lesson.id);
}

/**
 * The lessons in `dir` (netsys's own by default) for the reference to name; none when the folder
 * cannot be read or a lesson in it is malformed (`netsys lesson` reports those; the reference goes on).
 */
export function lessonsForReference(dir = DEFAULT_LESSONS_DIR): Lesson[] {
  try {
    return loadCatalog(dir);
  } catch (error) {
    if (error instanceof LessonNotFound || error instanceof LessonFormatError) return [];
    throw error;
  }
}
