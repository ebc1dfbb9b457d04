// `netsys lesson` lists the lessons; `netsys lesson ID` walks one, through the same way out as every
// program (runProgram): quit, Ctrl-C or a failed call all close every socket the lesson opened.
import { runProgram } from '../programs/run';
import { paintFor, wantsColor } from '../render/paint';
import { findLesson, loadCatalog } from './catalog';
import { Keys, terminalKeys } from './keys';
import { markFinished, readProgress } from './progress';
import { MadeCall, StepRunner } from './runner';
import type { Lesson, Side } from './format';
import { lineAnswers, terminalAnswers } from './answers';
import type { Answers } from './turn';
import type { TraceItem } from '../render/conversation';
import { LessonView, paragraphs } from './view';
import { outputWidth } from '../width';

export interface LessonOptions {
  readonly pause: boolean;
  readonly color: boolean;
  readonly stringLimit: number;
  /** Each TCP socket's state after each call; on unless --no-state. */
  readonly state: boolean;
  readonly lessonsDir?: string;
  /** Make every call without a word, then print the conversation as a Mermaid sequenceDiagram. */
  readonly mermaid?: boolean;
  /** The reference, given the lessons of the folder (which of them make a call is read from them). */
  readonly reference?: (lessons: readonly Lesson[]) => LessonReference;
}

/** What a lesson asks of the reference. */
export interface LessonReference {
  /** A sentence on what usually causes an errno, when one is known. */
  readonly explainErrno: (name: string) => string | undefined;
  /** The reference on a call, for `?`. */
  readonly explainCall: (name: string) => readonly string[] | undefined;
}

const NO_REFERENCE: LessonReference = { explainErrno: () => undefined, explainCall: () => undefined };


export function listLessons(options: Pick<LessonOptions, 'color' | 'lessonsDir'>): void {
  const lessons = loadCatalog(options.lessonsDir);
  const { finished, solved = {} } = readProgress();
  const paint = paintFor(wantsColor(options.color, process.stdout));
  const idWidth = Math.max(...lessons.map((lesson) => lesson.id.length));
  const lines = ['Lessons (run one with: netsys lesson ID; ✓ marks the ones you have finished, ★ the exercises you solved):', ''];
  for (const lesson of lessons) {
    const mark = finished[lesson.id] ? paint.green('✓') : ' ';
    const exercise = lesson.steps.some((step) => step.turn) ? (solved[lesson.id] ? paint.green(' ★ solved') : ' (exercise)') : '';
    lines.push(`${mark} ${paint.bold(lesson.id.padEnd(idWidth))}  ${lesson.title}${exercise}`);
    lines.push(...paragraphs(lesson.summary, outputWidth(), ' '.repeat(idWidth + 4)));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

export async function runLesson(id: string, options: LessonOptions): Promise<never> {
  const lessons = loadCatalog(options.lessonsDir);
  const lesson = findLesson(lessons, id);
  const keys = options.pause && !options.mermaid && process.stdin.isTTY ? terminalKeys() : null;
  const answers = answersFor(lesson, options, keys);
  const view = new LessonView(
    { width: outputWidth(), color: wantsColor(options.color, process.stdout), sides: lesson.sides, stringLimit: options.stringLimit },
    options.mermaid ? () => undefined : (text) => process.stdout.write(text),
  );
  const runner = new StepRunner({
    lesson,
    view,
    keys,
    stringLimit: options.stringLimit,
    state: options.state,
    ...(options.reference?.(lessons) ?? NO_REFERENCE),
    answers,
  });
  const notes = { aside: (text: string) => view.note(null, text), finish: async () => undefined };
  return runProgram(runner, notes, async () => {
    const ending = await runner.walk();
    keys?.close();
    if (ending !== 'finished') return;
    if (options.mermaid) {
      process.stdout.write(await mermaidOf(runner.calls, options.stringLimit));
      return;
    }
    const problem = markFinished(lesson.id, undefined, undefined, runner.solved);
    const done = runner.solved ? `lesson ${lesson.id} finished, and solved: you met every goal yourself` : `lesson ${lesson.id} finished`;
    view.note(null, problem ? `lesson finished, but progress could not be saved: ${problem}` : done);
  });
}

/**
 * Where the learner's calls at your-turn steps come from: the terminal; the lines of standard input
 * when it is not one; none with --no-pause or --mermaid (each step makes its reference call).
 */
function answersFor(lesson: Lesson, options: LessonOptions, keys: Keys | null): Answers | null {
  if (!options.pause || options.mermaid || !lesson.steps.some((step) => step.turn)) return null;
  return process.stdin.isTTY ? terminalAnswers(keys) : lineAnswers();
}

/** The calls a lesson made, as the demo draws two processes: a Mermaid sequenceDiagram (without the state notes). */
async function mermaidOf(calls: readonly MadeCall[], stringLimit: number): Promise<string> {
  const [{ converse }, { renderMermaid }] = await Promise.all([import('../render/conversation'), import('../render/mermaid')]);
  const items = (side: Side): TraceItem[] =>
    calls.filter((call) => call.side === side).map((call) => ({ type: 'call', event: { ...call.event, states: undefined } }));
  return renderMermaid(converse(items('server'), items('client')), { server: 'server', client: 'client' }, { stringLimit });
}
