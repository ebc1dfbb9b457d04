// A "your turn" step: the task in words, then the learner's call, typed in the grammar of netsys shell
// and made for real; the kernel, not the text, says whether the goal holds. A miss shows what the
// kernel did and why that is not the goal (the hint after the first miss); `solution` shows the
// reference call, and the step then counts as shown, not solved. Without a learner (--no-pause), the
// reference call is made and must meet the goal itself.
import { readCommand } from '../shell/input';
import type { Recorder } from '../calls/recorder';
import { Interrupted } from '../calls/interrupted';
import { Made, MissingValue, prepare, Value } from './calls';
import { CallSyntaxError, excerpt, parseCallLine, ParsedCall, visible } from './callline';
import type { Step } from './format';
import { checkGoals, Verdict } from './goals';
import type { ResultKind } from './signatures';
import type { LessonView } from './view';

/** Where a your-turn step's answers come from: a terminal, or the lines of standard input. */
export interface Answers {
  /** The next line; null when the input has ended. `prompt` is shown at a terminal. */
  next(prompt: string, names: readonly string[]): Promise<string | null>;
  /** True when the lines do not show by themselves (a pipe): each is written into the output as read. */
  readonly echo: boolean;
  /** Why the input ended early, when it was cut (a line too long); null when it simply ended. */
  readonly whyEnded?: () => string | null;
}

export interface TurnContext {
  readonly step: Step;
  /** What each name stands for; the learner's call binds into it. */
  readonly values: Map<string, Value>;
  readonly recorder: Recorder;
  readonly isOpen: (fd: number) => boolean;
  readonly view: LessonView;
  /** Null with --no-pause: the reference call is made. */
  readonly answers: Answers | null;
  readonly explainErrno: (name: string) => string | undefined;
  readonly explainCall: (name: string) => readonly string[] | undefined;
  /** `{name}` in the task and hint replaced by what the name stands for, as in before: and after:. */
  readonly words: (text: string) => string;
}

/**
 * solved: the learner met the goal; shown: met after `solution`; made: the reference was made (--no-pause);
 * ended: the input ended first; quit: the learner left; broken: the reference itself misses the goal (why).
 */
export type TurnOutcome =
  | { readonly kind: 'solved' | 'shown' | 'made' | 'ended' | 'quit' }
  | { readonly kind: 'broken'; readonly why: string };

/** How long a try the kernel holds (its thread asleep in it) may go on before it counts as a miss (it goes on waiting in the kernel). */
const HELD_TRY_MS = 3000;
/** How long a close waits for a held try that a shutdown has just woken (it returns a moment later). */
const CLOSE_GRACE_MS = 300;

/** The kinds of the names bound so far, for the grammar. */
function scopeOf(values: ReadonlyMap<string, Value>): Map<string, ResultKind> {
  return new Map([...values].map(([name, value]) => [name, value.kind] as const));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** What one try came to: not made (why), still held by the kernel, or the goal's verdicts. */
type TryResult =
  | { readonly kind: 'not made'; readonly why: string }
  | { readonly kind: 'held' }
  | { readonly kind: 'checked'; readonly verdicts: readonly Verdict[] };

class TurnTaker {
  private misses = 0;
  private shown = false;
  /** The learner's tries the kernel still holds: a close right after the shutdown that wakes one waits for it. */
  private readonly heldTries = new Set<Promise<unknown>>();

  constructor(private readonly ctx: TurnContext) {}

  private get step(): Step {
    return this.ctx.step;
  }

  async take(): Promise<TurnOutcome> {
    const { view, answers } = this.ctx;
    const turn = this.step.turn!;
    view.prose(`Your turn: ${this.ctx.words(turn.task)}`);
    const already = this.closedAlready();
    if (already) {
      // A close that comes too early cannot be made again (a second close fails with EBADF): the goal holds.
      view.note(this.step.side, `goal met already: ${already} (an earlier call closed it)`);
      return { kind: answers ? 'solved' : 'made' };
    }
    if (!answers) return this.reference();
    view.prompt('  Type the call (Tab completes; "?" shows the hint, "solution" the reference call, "q" quits).');
    for (;;) {
      const line = await answers.next(`${this.step.side}> `, [...this.ctx.values.keys()]);
      if (line === null) return { kind: 'ended' };
      if (answers.echo) view.prompt(`${this.step.side}> ${excerpt(visible(line), 0, 60).text}`);
      const outcome = await this.answer(line);
      if (outcome) return outcome;
    }
  }

  /** When every goal is that a descriptor is closed and each already is: why, in words; else null. */
  private closedAlready(): string | null {
    const goals = this.step.turn!.goals;
    if (!goals.every((goal) => goal.kind === 'closed')) return null;
    const attempt = { call: '', ret: 0, errno: null, values: this.ctx.values, isOpen: this.ctx.isOpen };
    const verdicts = checkGoals(goals, attempt);
    if (!verdicts.every((verdict) => verdict.met)) return null;
    // A name never given (its step not reached) is not closed: it names nothing.
    if (!goals.every((goal) => goal.kind === 'closed' && this.ctx.values.get(goal.name)?.kind === 'fd')) return null;
    return verdicts.map((verdict) => verdict.why).join('; ');
  }

  /** --no-pause: the reference call is made, and must meet its own goal. */
  private async reference(): Promise<TurnOutcome> {
    this.ctx.view.plan(this.step.side, this.step.source);
    const result = await this.attempt(this.step.source);
    if (result.kind === 'checked' && result.verdicts.every((verdict) => verdict.met)) return { kind: 'made' };
    const why = result.kind === 'not made' ? result.why : result.kind === 'held' ? 'it is still waiting in the kernel' : unmet(result.verdicts);
    return { kind: 'broken', why };
  }

  /** One line from the learner: a word of the lesson, or a try. Resolves an outcome when the step is over. */
  private async answer(line: string): Promise<TurnOutcome | null> {
    const { view } = this.ctx;
    const text = line.trim();
    if (text === '?' || text === 'hint') {
      this.hint();
      return null;
    }
    if (text === 'solution') {
      this.shown = true;
      view.prose(`The reference call: ${this.step.source}  (this step now counts as shown, not solved)`, '  ');
      return null;
    }
    if (text === 'q' || text === 'quit' || text === 'exit') {
      view.note(null, 'quitting: closing every socket this lesson opened');
      return { kind: 'quit' };
    }
    const command = readCommand(line);
    if (command.kind === 'empty') return null;
    if (command.kind === 'explain' && command.name) {
      view.block(this.ctx.explainCall(command.name) ?? [`(netsys explain has nothing on ${command.name})`], '  │ ');
      return null;
    }
    if (command.kind === 'errno' && command.name) {
      view.prose(`${command.name.toUpperCase()}: ${this.ctx.explainErrno(command.name.toUpperCase()) ?? 'netsys has no notes on it (netsys errno lists the errors it knows)'}`, '  ');
      return null;
    }
    if (command.kind !== 'call') {
      view.prose('At this step: type the call; "?" for the hint, "solution" for the reference call, "explain CALL", "errno NAME", "q" to quit.', '  ');
      return null;
    }
    const result = await this.attempt(command.source);
    if (result.kind === 'checked' && result.verdicts.every((verdict) => verdict.met)) {
      view.note(this.step.side, `goal met: ${result.verdicts.map((verdict) => verdict.why).join('; ')}`);
      return { kind: this.shown ? 'shown' : 'solved' };
    }
    this.miss(result.kind === 'not made' ? result.why : result.kind === 'held' ? 'your call is still waiting in the kernel, so it cannot meet the goal now' : unmet(result.verdicts));
    return null;
  }

  private miss(why: string): void {
    this.misses++;
    this.ctx.view.prose(`Not yet: ${why}.`, '  ');
    if (this.misses === 1) this.hint();
  }

  private hint(): void {
    const hint = this.step.turn!.hint;
    this.ctx.view.prose(hint ? `Hint: ${this.ctx.words(hint)}` : 'This step has no hint; "solution" shows the reference call.', '  ');
  }

  /** Parses, checks and makes one call; checks the goals when it returns. */
  private async attempt(source: string): Promise<TryResult> {
    const { values, recorder } = this.ctx;
    let parsed: ParsedCall;
    try {
      parsed = parseCallLine(source, { bound: scopeOf(values) });
    } catch (error) {
      if (!(error instanceof CallSyntaxError)) throw error;
      return { kind: 'not made', why: `${excerpt(visible(source.trim()), error.column, 60).text} does not read as a call at column ${error.column + 1}: ${error.problem}` };
    }
    const refusal = this.refusal(parsed);
    if (refusal) return { kind: 'not made', why: refusal };
    if (parsed.call === 'close' && this.heldTries.size > 0) {
      await Promise.race([Promise.allSettled([...this.heldTries]), delay(CLOSE_GRACE_MS)]);
    }
    const tried: Step = { ...this.step, source: source.trim(), ...parsed };
    let onHeld: () => void = () => undefined;
    const heldByKernel = new Promise<void>((resolve) => (onHeld = resolve));
    let making: Promise<Made>;
    try {
      making = prepare(tried, values, recorder).make(onHeld);
    } catch (error) {
      if (!(error instanceof MissingValue)) throw error;
      return { kind: 'not made', why: `"${error.message}" stands for nothing yet` };
    }
    let made: Made | null;
    try {
      made = await Promise.race([making, heldByKernel.then(() => delay(HELD_TRY_MS)).then(() => null)]);
    } catch (error) {
      if (error instanceof Interrupted || !(error instanceof Error)) throw error;
      // The recorder refuses a close under a call the kernel holds on the same descriptor (Linux would not wake it).
      return { kind: 'not made', why: `netsys did not make it: ${error.message}; shutdown(..., SHUT_RDWR) wakes that call` };
    }
    if (!made) {
      const late = making.then((value) => this.bind(parsed, value), ignoreInterrupted);
      this.heldTries.add(late);
      void late.finally(() => this.heldTries.delete(late));
      return { kind: 'held' };
    }
    this.bind(parsed, made);
    const error = made.outcome.error;
    // A failure the step asks for is explained by the step's own words (after:); any other, by errno's.
    const wanted = this.step.turn!.goals.some((goal) => goal.kind === 'fails' && goal.errno === error?.name);
    if (error && !wanted) this.ctx.view.prose(`${parsed.call} failed with ${error.name} (${error.message}). ${this.ctx.explainErrno(error.name) ?? ''}`.trim(), '  ');
    const attempt = { call: parsed.call, ret: made.outcome.ret, errno: error?.name ?? null, values, isOpen: this.ctx.isOpen };
    const verdicts = checkGoals(this.step.turn!.goals, attempt);
    return { kind: 'checked', verdicts: error?.name === 'EBADF' && !wanted ? [...verdicts, ...this.closedNames(parsed)] : verdicts };
  }

  /** After EBADF: the names the try used whose descriptor is closed, and that no call can use them again. */
  private closedNames(parsed: ParsedCall): Verdict[] {
    const closed = namesIn(parsed).filter((name) => {
      const value = this.ctx.values.get(name);
      return value?.kind === 'fd' && !this.ctx.isOpen(value.fd);
    });
    return closed.map((name) => ({
      met: false,
      why: `${name} was closed by an earlier call, and a closed descriptor cannot be used again: if a later step needs it, q quits, to begin the lesson again`,
    }));
  }

  /** A try of the step's call must name its result as the reference does; no try may drop an open descriptor. */
  private refusal(parsed: ParsedCall): string | null {
    const want = this.step.binds;
    if (want && parsed.call === this.step.call && parsed.binds !== want) return `this step's result is to be named ${want}: write "${want} = ${parsed.call}(...)"`;
    const old = parsed.binds ? this.ctx.values.get(parsed.binds) : undefined;
    if (old?.kind === 'fd' && this.ctx.isOpen(old.fd)) {
      return `"${parsed.binds}" holds descriptor ${old.fd}, which is still open: close(${parsed.binds}) first`;
    }
    return null;
  }

  private bind(parsed: ParsedCall, made: Made): void {
    if (!parsed.binds) return;
    if (made.value) this.ctx.values.set(parsed.binds, made.value);
    else this.ctx.values.delete(parsed.binds);
  }
}

function namesIn(parsed: ParsedCall): string[] {
  return parsed.args.flatMap((arg) => (arg.kind === 'name' ? [arg.name] : arg.kind === 'names' ? [...arg.names] : []));
}

function ignoreInterrupted(error: unknown): void {
  if (!(error instanceof Interrupted)) throw error;
}

function unmet(verdicts: readonly Verdict[]): string {
  return verdicts
    .filter((verdict) => !verdict.met)
    .map((verdict) => verdict.why)
    .join('; ');
}

/** Runs one your-turn step to its end. */
export function takeTurn(ctx: TurnContext): Promise<TurnOutcome> {
  return new TurnTaker(ctx).take();
}
