// Where the shell's calls and words go: the lesson view on standard output (each side's calls in its
// lane or labelled, the kernel's view under each), or, with -o FILE or --json, the trace as
// `netsys server` writes it (strace lines or JSON records) while the words stay on the screen.
import type { Side } from '../lessons/format';
import type { LessonView } from '../lessons/view';
import type { BlockedCall, CallEvent } from '../calls/event';
import type { TraceOutput } from '../render/output';
import type { SessionOutput } from './session';

export class ShellOutput implements SessionOutput {
  /**
   * @param view      the screen (standard output)
   * @param traceFile the trace's own output (-o FILE, --json), or null when calls go to the view
   * @param wordsAsJson true with --json on standard output: notes and words become JSON note records there
   */
  constructor(
    private readonly view: LessonView,
    private readonly traceFile: TraceOutput | null,
    private readonly wordsAsJson: boolean,
  ) {}

  /** One count for both sides' calls (each side's recorder counts its own): a record's seq is unique in the trace. */
  private seq = 0;

  trace(side: Side, event: CallEvent, ownerOf: (fd: number) => Side): void {
    if (this.traceFile) this.traceFile.call({ ...event, seq: ++this.seq });
    else this.view.trace(side, event, ownerOf);
  }

  blocked(side: Side, call: BlockedCall): void {
    if (this.traceFile) this.traceFile.blocked(call);
    else this.view.blocked(side, call);
  }

  note(side: Side | null, text: string): void {
    if (this.wordsAsJson && this.traceFile) this.traceFile.note(text);
    else this.view.note(side, text);
  }

  prose(text: string, indent = ''): void {
    if (this.wordsAsJson && this.traceFile) this.traceFile.note(text);
    else this.view.prose(text, indent);
  }

  /** Lines already laid out (help, explain, errno), each behind `margin`. */
  block(lines: readonly string[], margin = ''): void {
    if (this.wordsAsJson && this.traceFile) for (const line of lines) this.traceFile.note(line);
    else this.view.block(lines, margin);
  }

  /** Everything written (the trace file flushed). */
  async finish(): Promise<void> {
    await this.traceFile?.finish();
  }
}
