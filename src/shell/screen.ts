// The shell's standard output at a terminal: lines written while the prompt waits for the learner (a held
// call that the kernel completes, its line and state) appear above the prompt, and the prompt is drawn
// again under them with what the learner had typed. Off a terminal, text is written as it comes.
import * as readline from 'node:readline';

export class Screen {
  private rl: readline.Interface | null = null;
  private prompting = false;
  private pending = '';
  private scheduled = false;
  /** Why standard output cannot be written (a closed pipe), once it failed: nothing more is written. */
  private failure: string | null = null;
  private onFailure: (message: string) => void = () => undefined;

  constructor(private readonly out: NodeJS.WriteStream) {
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (this.failure) return;
      this.failure = `cannot write to standard output: ${error.code ?? error.message}`;
      this.onFailure(this.failure);
    });
  }

  /** `handler` hears, once, that standard output cannot be written (the shell then leaves). */
  onWriteError(handler: (message: string) => void): void {
    this.onFailure = handler;
    if (this.failure) handler(this.failure);
  }

  /** From now on, text that arrives while `rl` shows its prompt is written above it. */
  attach(rl: readline.Interface): void {
    this.rl = rl;
  }

  write(text: string): void {
    if (this.failure) return;
    if (!this.rl || !this.prompting) {
      this.out.write(text);
      return;
    }
    this.pending += text;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Shows the prompt and waits for a line (what arrives meanwhile goes above it). */
  prompt(text: string): void {
    this.flush();
    if (!this.rl) return;
    this.rl.setPrompt(text);
    this.prompting = true;
    this.rl.prompt();
  }

  /** A line was entered: what follows is written as it comes, under it. */
  busy(): void {
    this.flush();
    this.prompting = false;
  }

  /** The shell is leaving: no prompt again; what remains is written under the last prompt line. */
  leave(): void {
    this.flush();
    if (this.prompting) this.out.write('\n');
    this.prompting = false;
    this.rl = null;
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    if (this.failure) return;
    if (this.prompting && this.rl) {
      readline.clearLine(this.out, 0);
      readline.cursorTo(this.out, 0);
      this.out.write(text);
      this.rl.prompt(true);
    } else {
      this.out.write(text);
    }
  }
}
