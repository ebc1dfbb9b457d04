// The state of one `netsys shell` session: the names bound so far (one namespace for both sides, as in a
// lesson: one process, one descriptor table), the calls the kernel still holds, and each side's recorder.
// A line is parsed with the lesson grammar (callline.ts), checked against what the session holds, made
// for real through the lesson's calls (calls.ts), and bound to its name when it returns.
import { dataText, Made, MissingValue, prepare, Prepared, Value } from '../lessons/calls';
import { ArgExpr, CallSyntaxError, parseCallLine, ParsedCall } from '../lessons/callline';
import { Side, SIDES, Step } from '../lessons/format';
import type { ResultKind } from '../lessons/signatures';
import { endpointText } from '../libc/addresses';
import type { BlockedCall, CallEvent } from '../calls/event';
import { KernelView } from '../calls/kernelview';
import type { DecodeFdsLevel } from '../render/strace';
import { Recorder } from '../calls/recorder';
import { Interrupted } from '../calls/interrupted';
import { SideCalls } from '../callthread/sides';

/** Where a session's calls and words go (the shell's screen, or a trace file). */
export interface SessionOutput {
  /** A call's line in its side's lane; each socket state in the lane of the side that owns the socket. */
  trace(side: Side, event: CallEvent, ownerOf: (fd: number) => Side): void;
  blocked(side: Side, call: BlockedCall): void;
  note(side: Side | null, text: string): void;
  /** Words for the learner (why a call failed), wrapped. */
  prose(text: string, indent?: string): void;
}

export interface SessionOptions {
  /** strace -s: the most bytes of data each event keeps. */
  readonly stringLimit: number;
  /** Each TCP socket's state after each call (--state). */
  readonly state: boolean;
  /** -y, -yy: descriptors named by their socket's inode, or by its endpoints. */
  readonly decodeFds: DecodeFdsLevel;
  /** A sentence on what usually causes an errno. */
  readonly explainErrno: (name: string) => string | undefined;
  /**
   * How long (ms) a line that uses a name whose call the kernel still holds waits for it: 0 at a
   * terminal (the learner makes the call that completes it), a few seconds for a script.
   */
  readonly waitForHeldMs: number;
}

/** A call the session made, for `save`: its side, the line as typed, and the errno it failed with. */
export interface SessionCall {
  readonly side: Side;
  readonly source: string;
  error?: string;
  /** False while the kernel still holds the call. */
  returned: boolean;
}

/** A call the kernel is holding: on which side, which call, the descriptors it waits on. */
interface Held {
  readonly side: Side;
  readonly call: string;
  readonly fds: readonly number[];
  readonly done: Promise<void>;
}

/** What became of a line: made (returned), held by the kernel, refused before any call, or not parsed. */
export type CallResult =
  | { readonly kind: 'made' | 'held' | 'refused' }
  | { readonly kind: 'syntax'; readonly problem: string; readonly column: number };

/** The names an argument list uses. */
export function namesUsed(args: readonly ArgExpr[]): string[] {
  return args.flatMap((arg) => (arg.kind === 'name' ? [arg.name] : arg.kind === 'names' ? [...arg.names] : []));
}

/** How long a close waits, at a terminal, for a held call on its descriptor that a shutdown has just woken. */
const CLOSE_GRACE_MS = 300;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A bound value in words: `descriptor 3`, `127.0.0.1:41234`, `"hello\n" (6 bytes)`. */
export function describeValue(value: Value): string {
  switch (value.kind) {
    case 'fd':
      return `descriptor ${value.fd}`;
    case 'address':
      return `the address ${endpointText(value.addr)}`;
    case 'data':
      return `${dataText(value.bytes)} (${value.bytes.length} bytes)`;
    case 'datagram':
      return `${dataText(value.bytes)} from ${endpointText(value.addr)}`;
    case 'count':
      return String(value.value);
  }
}

export class ShellSession {
  readonly sides: Record<Side, Recorder>;
  /** What each bound name stands for (its kind, for the grammar), even when its call failed or is held. */
  private readonly kinds = new Map<string, ResultKind>();
  private readonly values = new Map<string, Value>();
  /** Calls the kernel holds, by the name they will bind (or `#n` for an unnamed call). */
  private readonly held = new Map<string, Held>();
  private readonly made: SessionCall[] = [];
  /** The side a synchronous call is made for, when it runs on the other side's recorder (close). */
  private speaking: Side | null = null;
  private unnamed = 0;

  constructor(
    private readonly options: SessionOptions,
    private readonly output: SessionOutput,
  ) {
    const kernel = new KernelView({ state: options.state, endpoints: options.decodeFds > 0 });
    const recorder = (side: Side) =>
      new Recorder(
        (event) => output.trace(this.speaking ?? side, event, (fd) => this.ownerOf(fd) ?? side),
        options.stringLimit,
        (call) => output.blocked(side, call),
        kernel,
        undefined,
        new SideCalls(),
      );
    this.sides = { server: recorder('server'), client: recorder('client') };
  }

  /** The calls made so far, in the order they were typed. */
  get calls(): readonly SessionCall[] {
    return this.made;
  }

  /** The names bound so far, with their kinds (for Tab). */
  get names(): readonly string[] {
    return [...this.kinds.keys()];
  }

  /** The side whose recorder opened this descriptor. */
  ownerOf(fd: number): Side | undefined {
    return SIDES.find((side) => this.sides[side].openDescriptors.includes(fd));
  }

  /** Wakes every held call and closes every open socket, each call shown. */
  async releaseAll(): Promise<void> {
    await Promise.all(SIDES.map((side) => this.sides[side].releaseAll()));
  }

  /**
   * Parses and makes one call on `side`. Resolves once the call returned, or once the kernel shows the
   * side's thread asleep in it (it then completes later, bound to its name), or at once when the line
   * is refused or does not parse.
   */
  async call(side: Side, source: string): Promise<CallResult> {
    let parsed: ParsedCall;
    try {
      parsed = parseCallLine(source, { bound: this.kinds });
    } catch (error) {
      if (error instanceof CallSyntaxError) return { kind: 'syntax', problem: error.problem, column: error.column };
      throw error;
    }
    if (!(await this.heldNamesReturned(side, namesUsed(parsed.args)))) return { kind: 'refused' };
    await this.heldOnClosedReturned(parsed);
    const refusal = this.refusal(parsed);
    if (refusal) {
      this.output.note(side, refusal);
      return { kind: 'refused' };
    }
    const text = source.trim().replace(/\s+/g, ' ');
    const step: Step = { line: this.made.length + 1, side, source: text, ...parsed, before: '', after: '', more: '', onError: {}, pause: true };
    let prepared: Prepared;
    try {
      prepared = prepare(step, this.values, this.sides[this.recorderSide(side, parsed)]);
    } catch (error) {
      if (!(error instanceof MissingValue)) throw error;
      this.output.note(side, `"${error.message}" has no value: the call that was to give it failed; nothing was called`);
      return { kind: 'refused' };
    }
    if (parsed.binds) this.kinds.set(parsed.binds, parsed.result);
    const record: SessionCall = { side, source: text, returned: false };
    this.made.push(record);
    let onHeld: () => void = () => undefined;
    const heldByKernel = new Promise<true>((resolve) => (onHeld = () => resolve(true)));
    this.speaking = side;
    const started = prepared.make(onHeld);
    this.speaking = null;
    const making = this.finish(step, prepared, started, record);
    const held = await Promise.race([making.then(() => false), heldByKernel]);
    if (held) this.hold(parsed, side, prepared.name, making);
    return { kind: held ? 'held' : 'made' };
  }

  /**
   * `name  descriptor 3 (server), LISTEN, accept queue 0/4`: what each name stands for now, then each
   * open descriptor no name holds (an unnamed accept's), with its state from the kernel (`stateOf`).
   */
  describeNames(stateOf: (fd: number) => string | null): string[] {
    const named = new Set([...this.values.values()].flatMap((value) => (value.kind === 'fd' ? [value.fd] : [])));
    const unnamed = SIDES.flatMap((side) => this.sides[side].openDescriptors.filter((fd) => !named.has(fd)).map((fd) => ({ side, fd })));
    const width = Math.max(0, ...this.names.map((name) => name.length), unnamed.length > 0 ? '(no name)'.length : 0);
    const others = unnamed.map(({ side, fd }) => {
      const state = stateOf(fd);
      return `${'(no name)'.padEnd(width)}  descriptor ${fd} (${side})${state ? `, ${state}` : ''}`;
    });
    return [...this.nameLines(width, stateOf), ...others];
  }

  private nameLines(width: number, stateOf: (fd: number) => string | null): string[] {
    return this.names.map((name) => {
      const held = this.held.get(name);
      const value = this.values.get(name);
      let text: string;
      if (held) text = `waiting: ${held.call} is still in the kernel (${held.side})`;
      else if (!value) text = 'nothing: the call that was to give it failed';
      else if (value.kind === 'fd') {
        const owner = this.ownerOf(value.fd);
        const state = owner ? stateOf(value.fd) : null;
        text = `${describeValue(value)} (${owner ?? 'closed'})${state ? `, ${state}` : ''}`;
      } else text = describeValue(value);
      return `${name.padEnd(width)}  ${text}`;
    });
  }

  /** Waits (a script) or not (a terminal) for held calls whose names the line uses; false when one is still held. */
  private async heldNamesReturned(side: Side, used: readonly string[]): Promise<boolean> {
    for (const name of used) {
      const held = this.held.get(name);
      if (!held) continue;
      if (this.options.waitForHeldMs > 0) await Promise.race([held.done, delay(this.options.waitForHeldMs)]);
      if (this.held.has(name)) {
        this.output.note(side, `"${name}" comes from ${held.call} on the ${held.side} side, which the kernel still holds: make the call that completes it first; nothing was called`);
        return false;
      }
    }
    return true;
  }

  /**
   * A close right after the shutdown that wakes a held call on its descriptor: the woken call returns a
   * moment later, so the close waits for it (a script as long as for a name, a terminal a moment).
   */
  private async heldOnClosedReturned(parsed: ParsedCall): Promise<void> {
    if (parsed.call !== 'close') return;
    const fd = this.fdOf(parsed.args[0]);
    const waiting = [...this.held.values()].filter((held) => fd !== undefined && held.fds.includes(fd));
    if (waiting.length === 0) return;
    const grace = Math.max(this.options.waitForHeldMs, CLOSE_GRACE_MS);
    await Promise.race([Promise.all(waiting.map((held) => held.done)), delay(grace)]);
  }

  /** Why a parsed line must not be made (a name that would lose an open descriptor, a close under a held call), or null. */
  private refusal(parsed: ParsedCall): string | null {
    const name = parsed.binds;
    if (name && this.held.has(name)) return `"${name}" is still waiting for ${this.held.get(name)!.call} to return: choose another name`;
    const old = name ? this.values.get(name) : undefined;
    if (name && old?.kind === 'fd' && this.ownerOf(old.fd)) {
      return `"${name}" holds descriptor ${old.fd}, which is still open: close(${name}) first, or choose another name`;
    }
    const target = parsed.call === 'close' ? parsed.args[0] : undefined;
    if (target?.kind !== 'name') return null;
    const fd = this.fdOf(target);
    const waiting = [...this.held.values()].find((held) => fd !== undefined && held.fds.includes(fd));
    if (!waiting) return null;
    return `${waiting.call} is waiting on descriptor ${fd} in the kernel, and on Linux close would not wake it: shutdown(${target.name}, SHUT_RDWR) does; then close it`;
  }

  private fdOf(arg: ArgExpr | undefined): number | undefined {
    const value = arg?.kind === 'name' ? this.values.get(arg.name) : undefined;
    return value?.kind === 'fd' ? value.fd : undefined;
  }

  /** A descriptor is closed by the recorder that opened it (so neither side closes it twice), shown on the side that asked. */
  private recorderSide(side: Side, parsed: ParsedCall): Side {
    if (parsed.call !== 'close') return side;
    const fd = this.fdOf(parsed.args[0]);
    return (fd !== undefined ? this.ownerOf(fd) : undefined) ?? side;
  }

  private hold(parsed: ParsedCall, side: Side, call: string, making: Promise<void>): void {
    const key = parsed.binds ?? `#${++this.unnamed}`;
    const fds = namesUsed(parsed.args).flatMap((name) => {
      const fd = this.fdOf({ kind: 'name', name });
      return fd === undefined ? [] : [fd];
    });
    const entry: Held = { side, call, fds, done: making };
    this.held.set(key, entry);
    void making.finally(() => {
      if (this.held.get(key) === entry) this.held.delete(key);
      const value = parsed.binds ? this.values.get(parsed.binds) : undefined;
      if (value && parsed.binds) this.output.note(side, `${parsed.binds} is now ${describeValue(value)}`);
    });
  }

  /** Binds the result when the call returns; explains a failure. A call woken by the way out ends quietly. */
  private async finish(step: Step, prepared: Prepared, started: Promise<Made>, record: SessionCall): Promise<void> {
    let made: Made;
    try {
      made = await started;
    } catch (error) {
      if (error instanceof Interrupted) return;
      this.output.note(step.side, `netsys could not make this call: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    record.returned = true;
    if (step.binds) {
      if (made.value) this.values.set(step.binds, made.value);
      else this.values.delete(step.binds);
    }
    const error = made.outcome.error;
    if (!error) return;
    record.error = error.name;
    const cause = this.options.explainErrno(error.name) ?? '';
    this.output.prose(`${prepared.name} failed with ${error.name} (${error.message}). ${cause}`.trim(), '  ');
  }
}
