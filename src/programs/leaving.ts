// The moment a call the program was waiting in returns because the program is leaving (a signal):
// the main thread has woken it (shutdown(SHUT_RDWR), already traced), and its own line is next.
// A program that has something to explain about that wake-up says it here (datagrams.ts).

type Explanation = () => void;

const explanations = new Set<Explanation>();

/** Runs `wait` (one call that may wait); if it is woken for leaving meanwhile, `explain` runs first. */
export async function explainingWakeUp<T>(explain: Explanation, wait: () => Promise<T>): Promise<T> {
  explanations.add(explain);
  try {
    return await wait();
  } finally {
    explanations.delete(explain);
  }
}

/** Called on the call thread once the main thread's wake-up calls are written, before the woken call's line. */
export function wokenToLeave(): void {
  for (const explain of explanations) explain();
}
