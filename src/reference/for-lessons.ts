// The reference as a lesson uses it: a sentence on an errno a step did not expect, and, for `?`, the
// notes on the call the step is about to make (plain text: the lesson view styles its own lines).
import { explainErrno, findCall } from './lookup';
import { renderCall } from './render';

export function referenceForLessons() {
  return {
    explainErrno,
    explainCall: (name: string): readonly string[] | undefined => {
      const call = findCall(name);
      return call ? renderCall(name, call).trimEnd().split('\n') : undefined;
    },
  };
}
