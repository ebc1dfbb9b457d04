// The reference as lessons use it: a sentence on an errno, the notes on a call (plain text).
import { PLAIN } from '../trace/paint';
import { findCall } from './calls';
import { explainErrno } from './errors';
import { renderExplain } from './render';

export function referenceForLessons() {
  return {
    explainErrno,
    explainCall: (name: string): readonly string[] | undefined => {
      const call = findCall(name);
      return call ? renderExplain(call, PLAIN) : undefined;
    },
  };
}
