// Walks one lesson: for each step, why the call is made, the call as it is about to be made, a key
// press, the call for real (its trace line exactly as netsys server/client print it), and what the
// result means. A call the kernel holds is shown as blocked and the lesson goes on to the step that
// unblocks it; its line appears the moment the kernel returns. Each side has its own recorder, and
// makes its calls on a thread of its own (src/callthread/sides.ts): a call is held when the kernel
// shows that thread asleep in it.
import { endpointText } from '../libc/addresses';
import { KernelView } from '../calls/kernelview';
import { Recorder, SHUT_RDWR } from '../calls/recorder';
import { Interrupted } from '../calls/interrupted';
import { SideCalls } from '../callthread/sides';
import type { CallEvent } from '../calls/event';
import { formatPlanned } from '../render/strace';
import { ProgramFailed } from '../programs/run';
import { dataText, MissingValue, Prepared, prepare, Value } from './calls';
import { Lesson, Side, SIDES, Step } from './format';
import type { Keys } from './keys';
import { Answers, takeTurn } from './turn';
import type { LessonView } from './view';

export interface LessonRun {
  readonly lesson: Lesson;
  readonly view: LessonView;
  /** Null when nothing waits for the learner (--no-pause, or standard input is not a terminal). */
  readonly keys: Keys | null;
  readonly stringLimit: number;
  /** Show each TCP socket's state, read from the kernel, after each call (--state, on in lessons). */
  readonly state: boolean;
  /** A sentence on what usually causes an errno, for a failure a step did not expect. */
  readonly explainErrno: (name: string) => string | undefined;
  /** What `?` shows of a call: its prototype, what it does, its errors (netsys explain). */
  readonly explainCall: (name: string) => readonly string[] | undefined;
  /** The learner's calls at your-turn steps; null or absent: each makes its reference call (--no-pause). */
  readonly answers?: Answers | null;
}

/** How long the end of a lesson waits for calls still in the kernel before waking them. */
const SETTLE_MS = 3000;
/** How long a close step lets a call on its descriptor return by itself before waking it. */
const RACE_MS = 100;

function interpolate(text: string, values: ReadonlyMap<string, Value>): string {
  return text.replace(/\{([A-Za-z_]\w*)\}/g, (whole, name: string) => {
    const value = values.get(name);
    if (!value) return whole;
    switch (value.kind) {
      case 'fd':
        return String(value.fd);
      case 'address':
        return endpointText(value.addr);
      case 'data':
        return dataText(value.bytes);
      case 'datagram':
        return `${dataText(value.bytes)} from ${endpointText(value.addr)}`;
      case 'count':
        return String(value.value);
    }
  });
}

function namesUsed(step: Step): string[] {
  return step.args.flatMap((arg) => (arg.kind === 'name' ? [arg.name] : arg.kind === 'names' ? arg.names : []));
}

/** A call a lesson made, and on which side. */
export interface MadeCall {
  readonly side: Side;
  readonly event: CallEvent;
}

export class StepRunner {
  readonly sides: Record<Side, Recorder>;
  private readonly values = new Map<string, Value>();
  /** Steps whose call the kernel still holds, by the name they will bind (or their step number). */
  private readonly pending = new Map<string, Promise<void>>();
  /**
   * The call each side still has in the kernel. A side is one program with one thread: it makes its
   * next call only when this one has returned, as a C program blocked in accept or recv would.
   */
  private readonly inKernel = new Map<Side, { readonly call: string; readonly done: Promise<void> }>();
  private readonly made: MadeCall[] = [];
  private failure: string | null = null;
  /** Your-turn steps the learner met without being shown the solution. */
  private solvedTurns = 0;
  /** Descriptors a close step is waking with shutdown before it closes them. */
  private readonly waking = new Set<number>();
  /**
   * The side a call is made for while it runs on the other side's recorder (a close of the other
   * side's descriptor): its line belongs in this side's lane.
   */
  private speaking: Side | null = null;

  constructor(private readonly run: LessonRun) {
    // One view of the kernel for both sides: a client's connect shows the server's accept queue grow.
    const kernel = new KernelView({ state: run.state });
    const recorder = (side: Side) =>
      new Recorder(
        (event) => {
          const lane = this.speaking ?? side;
          this.made.push({ side: lane, event });
          run.view.trace(lane, event, (fd) => this.ownerOf(fd) ?? lane);
        },
        run.stringLimit,
        (call) => run.view.blocked(side, call),
        kernel,
        undefined,
        new SideCalls(),
      );
    this.sides = { server: recorder('server'), client: recorder('client') };
  }

  /** True when the lesson has your-turn steps and the learner met every one without `solution`. */
  get solved(): boolean {
    const turns = this.run.lesson.steps.filter((step) => step.turn).length;
    return turns > 0 && this.solvedTurns === turns;
  }

  /** Every call made so far, in the order they returned. */
  get calls(): readonly MadeCall[] {
    return this.made;
  }

  /**
   * Whose recorder makes a step's call: its own side's, but a close of the other side's descriptor
   * is made on the recorder that opened it. Both sides are one process with one descriptor table,
   * so the step may close it; the opener must then not close that number again when the lesson ends
   * (it may be another socket's by then).
   */
  private recorderSide(step: Step): Side {
    if (step.call !== 'close') return step.side;
    const fd = this.descriptorOf(step);
    return (fd !== undefined ? this.ownerOf(fd) : undefined) ?? step.side;
  }

  /** The side whose socket this descriptor is. */
  private ownerOf(fd: number): Side | undefined {
    return SIDES.find((side) => this.sides[side]?.openDescriptors.includes(fd));
  }

  async releaseAll(): Promise<void> {
    await Promise.all([this.sides.server.releaseAll(), this.sides.client.releaseAll()]);
  }

  /** Resolves 'finished', or 'quit' when the learner pressed q. Throws ProgramFailed when a call failed unexpectedly. */
  async walk(): Promise<'finished' | 'quit'> {
    const { lesson, view } = this.run;
    view.title(`${lesson.title}  (${lesson.id})`);
    view.prose(lesson.intro);
    for (const [index, step] of lesson.steps.entries()) {
      const outcome = await this.step(index, step);
      if (outcome === 'quit') return 'quit';
      if (this.failure) throw new ProgramFailed(this.failure);
    }
    await this.settle();
    if (this.failure) throw new ProgramFailed(this.failure);
    this.recap();
    view.prose(lesson.outro);
    return 'finished';
  }

  private async step(index: number, step: Step): Promise<'done' | 'quit'> {
    const { lesson, view } = this.run;
    view.stepHeader(index + 1, lesson.steps.length, step.side);
    for (const name of namesUsed(step)) {
      const waiting = this.pending.get(name);
      if (!waiting) continue;
      view.note(step.side, `${name} comes from a call still in the kernel: waiting for it to return`);
      if (!(await settledWithin(waiting, SETTLE_MS))) {
        this.failure = `step ${index + 1} (${lesson.file}:${step.line}) uses ${name}, but the call that gives it was still waiting in the kernel after ${SETTLE_MS / 1000} s, and no earlier step will complete it`;
        return 'done';
      }
    }
    const own = this.inKernel.get(step.side);
    if (own) {
      view.note(step.side, `the ${step.side} is still in ${own.call}: a program makes one call at a time, so its next call waits for this one to return`);
      // A call nothing in the lesson completes would hold the lesson for ever: after a while it goes
      // on, and the end of the lesson says which call was left waiting.
      await Promise.race([own.done, delay(SETTLE_MS)]);
    }
    if (this.failure) return 'done';
    view.prose(interpolate(step.before, this.values));
    if (step.turn) return this.turn(index, step);
    let prepared: Prepared;
    try {
      prepared = prepare(step, this.values, this.sides[this.recorderSide(step)]);
    } catch (error) {
      if (!(error instanceof MissingValue)) throw error;
      this.failure = `step ${index + 1} (${lesson.file}:${step.line}) needs ${error.message}, which an earlier step did not give`;
      return 'done';
    }
    if (step.pause) view.plan(step.side, formatPlanned(prepared, { stringLimit: this.run.stringLimit }));
    if (step.pause && (await this.waitForGo(step)) === 'quit') return 'quit';
    if (step.call === 'close' && !(await this.wakeBeforeClose(index, step))) return 'done';

    let onHeld: () => void = () => undefined;
    const heldByKernel = new Promise<true>((resolve) => (onHeld = () => resolve(true)));
    const making = this.make(step, prepared, onHeld);
    const held = await Promise.race([making.then(() => false), heldByKernel]);
    if (held) {
      this.pending.set(step.binds ?? `step ${index + 1}`, making);
      const own = { call: prepared.name, done: making };
      this.inKernel.set(step.side, own);
      const returned = () => {
        if (this.inKernel.get(step.side) === own) this.inKernel.delete(step.side);
      };
      making.then(returned, returned);
    }
    return 'done';
  }

  /** A your-turn step: the learner's call, made for real, the goal checked by the kernel (turn.ts). */
  private async turn(index: number, step: Step): Promise<'done' | 'quit'> {
    const { lesson, view } = this.run;
    const outcome = await takeTurn({
      step,
      values: this.values,
      recorder: this.sides[step.side],
      isOpen: (fd) => this.ownerOf(fd) !== undefined,
      view,
      answers: this.run.answers ?? null,
      explainErrno: this.run.explainErrno,
      explainCall: this.run.explainCall,
      words: (text) => interpolate(text, this.values),
    });
    const where = `step ${index + 1} (${lesson.file}:${step.line})`;
    if (outcome.kind === 'quit') return 'quit';
    if (outcome.kind === 'ended') {
      const why = this.run.answers?.whyEnded?.();
      this.failure = why ? `${why}: its reading stopped there, before the goal of ${where} was met` : `the input ended before the goal of ${where} was met`;
    }
    else if (outcome.kind === 'broken') this.failure = `${where}: the reference call does not meet the step's goal: ${outcome.why}`;
    else {
      if (outcome.kind === 'solved') this.solvedTurns++;
      view.prose(interpolate(step.after, this.values), '  ');
    }
    return 'done';
  }

  /**
   * On Linux, close does not wake a call another thread has waiting on the same descriptor: the call
   * would wait on, and the number could be reused under it. So, as releaseAll does, the lesson first
   * wakes it with a visible shutdown(SHUT_RDWR). Resolves false (and sets the failure) if it stays held.
   */
  private async wakeBeforeClose(index: number, step: Step): Promise<boolean> {
    const fd = this.descriptorOf(step);
    if (fd === undefined) return true;
    const holdingNow = () => SIDES.flatMap((side) => this.sides[side].heldOn(fd));
    // A call the other side has just woken returns within microseconds: let it, so that a race
    // ends the same way every time.
    await settledWithin(Promise.allSettled(holdingNow()), RACE_MS);
    const holding = holdingNow();
    if (holding.length === 0) return true;
    const { view } = this.run;
    view.note(step.side, `a call is still waiting on ${fd} in the kernel, and close alone would not wake it (it would wait on, and ${fd} could be reused under it): first shutdown(${fd}, SHUT_RDWR), which wakes it`);
    this.waking.add(fd);
    const outcome = this.sides[step.side].call('shutdown', { sockfd: fd, how: SHUT_RDWR });
    if (outcome.error?.name === 'ENOTCONN') {
      view.note(step.side, `a datagram socket has no connection to shut down, hence ENOTCONN; the shutdown still wakes the call waiting on it`);
    }
    const woken = await settledWithin(Promise.allSettled(holding), SETTLE_MS);
    await new Promise((resolve) => setImmediate(resolve)); // the woken steps see `waking` as they finish, a few promise turns later
    this.waking.delete(fd);
    if (!woken) this.failure = `step ${index + 1} (${this.run.lesson.file}:${step.line}): the call waiting on ${fd} did not return after shutdown, so ${fd} cannot be closed safely`;
    return woken;
  }

  /** The descriptor a step's first argument names, when it names one that has a value. */
  private descriptorOf(step: Step): number | undefined {
    const first = step.args[0];
    const value = first?.kind === 'name' ? this.values.get(first.name) : undefined;
    return value?.kind === 'fd' ? value.fd : undefined;
  }

  private async waitForGo(step: Step): Promise<'go' | 'quit'> {
    const { keys, view } = this.run;
    if (!keys) return 'go';
    let moreShown = false;
    for (;;) {
      view.prompt('  [Enter] make this call   [?] more about it   [q] quit');
      const key = await keys.next();
      if (key === 'go') return 'go';
      if (key === 'quit') {
        view.note(null, 'quitting: closing every socket this lesson opened');
        return 'quit';
      }
      if (key === 'other') view.note(null, 'that key does nothing here: Enter or space makes the call, ? tells more, q or Ctrl-D quits');
      else if (moreShown) view.note(null, 'more about this call is shown above');
      else {
        moreShown = true;
        if (step.more) view.prose(interpolate(step.more, this.values), '  ');
        view.block(this.run.explainCall(step.call) ?? [`(netsys explain ${step.call} has nothing on this call)`], '  │ ');
      }
    }
  }

  private async make(step: Step, prepared: Prepared, onHeld: () => void): Promise<void> {
    const { view } = this.run;
    let made;
    if (this.recorderSide(step) !== step.side) this.speaking = step.side;
    try {
      made = await prepared.make(onHeld);
    } catch (error) {
      if (error instanceof Interrupted) return; // the lesson is ending
      throw error;
    } finally {
      this.speaking = null;
    }
    const error = made.outcome.error;
    if (made.value && step.binds) this.values.set(step.binds, made.value);
    if (step.binds) this.pending.delete(step.binds);
    if (error && this.wokenForClose(step)) {
      view.prose(`${prepared.name} returned ${error.name}: the shutdown made before close woke it.`, '  ');
      return;
    }
    if (error) {
      const told = step.onError[error.name];
      if (step.expect === error.name) {
        view.prose(interpolate(told ?? step.after, this.values), '  ');
        return;
      }
      view.prose(told ?? `${prepared.name} failed with ${error.name} (${error.message}). ${this.run.explainErrno(error.name) ?? ''}`.trim(), '  ');
      this.failure = `${prepared.name} failed with ${error.name}, which this lesson did not expect; it cannot go on`;
      return;
    }
    if (step.expect) view.note(step.side, `this step expected ${step.expect}, but the call succeeded`);
    view.prose(interpolate(step.after, this.values), '  ');
  }

  /** Whether this step's call waits on a descriptor a later close step is waking. */
  private wokenForClose(step: Step): boolean {
    const fd = this.descriptorOf(step);
    return fd !== undefined && this.waking.has(fd);
  }

  /** Waits for calls still in the kernel; those nothing will complete are woken by the way out. */
  private async settle(): Promise<void> {
    if (this.pending.size === 0) return;
    if (!(await settledWithin(Promise.all(this.pending.values()), SETTLE_MS))) {
      this.failure = `the lesson ended with ${[...this.pending.keys()].join(', ')} still waiting in the kernel`;
    }
  }

  private recap(): void {
    const { view } = this.run;
    view.blank();
    view.prose('Recap: the calls this lesson made, in the order they returned.');
    for (const { side, event } of this.made) view.recapLine(side, event);
  }
}

/** True when `promise` settles within `ms`, false otherwise. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true, () => true), delay(ms).then(() => false)]);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
