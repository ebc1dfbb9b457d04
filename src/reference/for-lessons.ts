// The reference as a lesson uses it: a sentence on an errno a step did not expect, and, for `?`, the
// notes on the call the step is about to make (plain text: the lesson view styles its own lines),
// naming the lessons of the folder the lesson came from that make it.
import type { Lesson } from '../lessons/format';
import { lessonsMaking } from '../lessons/uses';
import { explainErrno, findCall } from './lookup';
import { PLAIN, renderCall } from './render';

export function referenceForLessons(lessons: readonly Lesson[]) {
  return {
    explainErrno,
    explainCall: (name: string): readonly string[] | undefined => {
      const call = findCall(name);
      return call ? renderCall(name, call, PLAIN, lessonsMaking(name, lessons)).trimEnd().split('\n') : undefined;
    },
  };
}
