// The goal of a "your turn" step: something the kernel can confirm about what the learner's call did,
// never the text typed. Parsed at load time (a problem names the file and line), checked after each try
// by asking the kernel as --state and -y do (TCP_INFO, sock_diag), never by a traced call.
import { endpointText, InetSockAddr } from '../libc/addresses';
import { findInetSocket, socketIdentity } from '../libc/native/sockdiag';
import { TCP_STATES } from '../libc/xlat';
import { socketState } from '../calls/kernelview';
import { dataText, Value } from './calls';
import { parseString } from './callline';
import { isLessonCall, ResultKind } from './signatures';

export type Goal =
  /** `listener is LISTEN`: the socket's TCP state, as TCP_INFO reports it. */
  | { readonly kind: 'state'; readonly name: string; readonly state: string }
  /** `conn is closed`: the descriptor is no longer open. */
  | { readonly kind: 'closed'; readonly name: string }
  /** `s is bound to 127.0.0.1` (any port), or `127.0.0.1:8080`: the socket's local address. */
  | { readonly kind: 'bound'; readonly name: string; readonly host: string; readonly port?: number }
  /** `listener has 2 waiting`: connections in the accept queue. */
  | { readonly kind: 'waiting'; readonly name: string; readonly count: number }
  /** `n == 6`, `data == "hello\n"`: what a name stands for. */
  | { readonly kind: 'equals'; readonly name: string; readonly value: number | string }
  /** `returns 6`: the call's return value. */
  | { readonly kind: 'returns'; readonly value: number }
  /** `fails with EADDRINUSE`: the call failed with this errno (without it, a goal needs the call to succeed). */
  | { readonly kind: 'fails'; readonly errno: string }
  /** `made shutdown`: the kind of call, when the kind is the lesson. */
  | { readonly kind: 'made'; readonly call: string };

const STATES: readonly string[] = TCP_STATES.entries.map(([name]) => name);
const DESCRIPTOR_GOALS: ReadonlySet<Goal['kind']> = new Set(['state', 'closed', 'bound', 'waiting']);

/** A goal line that does not read: what is wrong and what is accepted. */
export class GoalError extends Error {}

const ACCEPTED =
  'a goal is one of: NAME is LISTEN (a TCP state), NAME is closed, NAME is bound to 127.0.0.1[:PORT], ' +
  'NAME has N waiting, NAME == 6, NAME == "text", returns N, fails with ERRNO, made CALL';

/** Reads one goal: the grammar only; names are checked by checkGoalNames. Throws GoalError. */
export function parseGoal(text: string): Goal {
  const t = text.trim();
  let m: RegExpExecArray | null;
  if ((m = /^made\s+([a-z_]\w*)$/.exec(t))) {
    if (!isLessonCall(m[1])) throw new GoalError(`goal: "${m[1]}" is not a call a lesson can make`);
    return { kind: 'made', call: m[1] };
  }
  if ((m = /^fails with\s+(E[A-Z0-9_]+)$/.exec(t))) return { kind: 'fails', errno: m[1] };
  if ((m = /^returns\s+(-?\d+)$/.exec(t))) return { kind: 'returns', value: Number(m[1]) };
  if ((m = /^([A-Za-z_]\w*)\s+is\s+closed$/.exec(t))) return { kind: 'closed', name: m[1] };
  if ((m = /^([A-Za-z_]\w*)\s+is\s+bound\s+to\s+(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+|[0-9A-Fa-f:]+))(?::(\d+))?$/.exec(t))) {
    const host = m[2] ?? m[3];
    return { kind: 'bound', name: m[1], host, ...(m[4] !== undefined && (m[2] !== undefined || !host.includes(':')) ? { port: Number(m[4]) } : {}) };
  }
  if ((m = /^([A-Za-z_]\w*)\s+is\s+([A-Z][A-Z0-9_]*)$/.exec(t))) {
    if (!STATES.includes(m[2])) throw new GoalError(`goal: "${m[2]}" is not a TCP state (the kernel's are: ${STATES.join(', ')})`);
    return { kind: 'state', name: m[1], state: m[2] };
  }
  if ((m = /^([A-Za-z_]\w*)\s+has\s+(\d+)\s+waiting$/.exec(t))) return { kind: 'waiting', name: m[1], count: Number(m[2]) };
  if ((m = /^([A-Za-z_]\w*)\s*==\s*(-?\d+)$/.exec(t))) return { kind: 'equals', name: m[1], value: Number(m[2]) };
  if ((m = /^([A-Za-z_]\w*)\s*==\s*(".*")$/.exec(t))) {
    const value = parseString(m[2]);
    if (value === null) throw new GoalError(`goal: ${m[2]} is not a well-formed quoted string (JSON escapes: \\n, \\t, \\")`);
    return { kind: 'equals', name: m[1], value };
  }
  throw new GoalError(`cannot read the goal "${t}": ${ACCEPTED}`);
}

/** What a your-turn step asks (task), offers after a miss (hint), and checks (goals, all of them). */
export interface Turn {
  readonly task: string;
  readonly hint: string;
  readonly goals: readonly Goal[];
}

/** A your-turn step's task, hint, or one more goal (checked against the names bound so far); throws GoalError. */
export function addToTurn(turn: Turn | undefined, key: 'task' | 'hint' | 'goal', value: string, bound: ReadonlyMap<string, ResultKind>): Turn {
  const current = turn ?? { task: '', hint: '', goals: [] };
  if (key !== 'goal') return { ...current, [key]: value };
  const goal = parseGoal(value);
  checkGoalNames(goal, bound);
  return { ...current, goals: [...current.goals, goal] };
}

/** What a your-turn step lacks (a task, a goal), or null. */
export function turnProblem(turn: Turn): string | null {
  if (turn.task === '') return 'a your-turn step (with hint: or goal:) needs "task:", the task in words';
  if (turn.goals.length === 0) return 'a your-turn step needs at least one "goal:" the kernel can check, such as "goal: listener is LISTEN"';
  return null;
}

/** The name a goal is about, if any. */
export function goalName(goal: Goal): string | undefined {
  return 'name' in goal ? goal.name : undefined;
}

/** Checks a goal's name against the names bound by this step and those before it; throws GoalError. */
export function checkGoalNames(goal: Goal, bound: ReadonlyMap<string, ResultKind>): void {
  const name = goalName(goal);
  if (name === undefined) return;
  const kind = bound.get(name);
  if (!kind) throw new GoalError(`goal: "${name}" is not a name given by this step or an earlier one`);
  if (DESCRIPTOR_GOALS.has(goal.kind) && kind !== 'fd') throw new GoalError(`goal: "${name}" does not name a descriptor`);
  if (goal.kind === 'equals') {
    const fits = typeof goal.value === 'number' ? kind === 'count' : kind === 'data' || kind === 'datagram';
    if (!fits) throw new GoalError(`goal: "${name}" cannot be compared with ${JSON.stringify(goal.value)}`);
  }
}

/** What the kernel said about one try: the call made, its result, and what names stand for now. */
export interface Try {
  readonly call: string;
  readonly ret: number;
  /** errno's name when the call failed. */
  readonly errno: string | null;
  readonly values: ReadonlyMap<string, Value>;
  /** Whether a descriptor is still open in this lesson. */
  readonly isOpen: (fd: number) => boolean;
}

/** Whether the goal holds, and if not, what the kernel says instead (a sentence for the learner). */
export interface Verdict {
  readonly met: boolean;
  readonly why: string;
}

function localAddress(fd: number): InetSockAddr | null {
  const identity = socketIdentity(fd);
  return identity ? (findInetSocket(identity)?.local ?? null) : null;
}

function descriptorOf(name: string, values: ReadonlyMap<string, Value>): number | null {
  const value = values.get(name);
  return value?.kind === 'fd' ? value.fd : null;
}

function equalsVerdict(goal: Extract<Goal, { kind: 'equals' }>, value: Value | undefined): Verdict {
  if (!value) return { met: false, why: `${goal.name} stands for nothing yet` };
  const received = value.kind === 'data' || value.kind === 'datagram' ? value.bytes : null;
  // A string goal is met by its UTF-8 bytes, as a step's "text" is sent: the bytes are compared, not characters.
  const met = typeof goal.value === 'string' ? received !== null && received.equals(Buffer.from(goal.value, 'utf8')) : value.kind === 'count' && value.value === goal.value;
  const shown = received ? dataText(received) : value.kind === 'count' ? String(value.value) : 'undefined';
  if (met) return { met: true, why: `${goal.name} is ${shown}` };
  const why = `${goal.name} is ${shown}, not ${JSON.stringify(goal.value)}`;
  return { met: false, why: typeof goal.value === 'string' && received ? why + partWords(received, Buffer.from(goal.value, 'utf8')) : why };
}

/**
 * When the bytes received are a piece of the ones the goal wants: the kernel gives each byte once, so
 * the learner hears where the rest is, or that the start is gone for good (and how to start again).
 */
function partWords(received: Buffer, wanted: Buffer): string {
  if (received.length === 0 || received.length >= wanted.length) return '';
  if (wanted.subarray(0, received.length).equals(received)) {
    return ` (its first ${received.length} bytes: the rest is still in the kernel's receive queue)`;
  }
  if (wanted.subarray(wanted.length - received.length).equals(received)) {
    return ' (its end: an earlier call took the start, and the kernel gives each byte once, so this step cannot be met any more; q quits, to begin the lesson again)';
  }
  return '';
}

function descriptorVerdict(goal: Extract<Goal, { kind: 'state' | 'closed' | 'bound' | 'waiting' }>, attempt: Try): Verdict {
  const fd = descriptorOf(goal.name, attempt.values);
  if (goal.kind === 'closed') {
    const open = fd !== null && attempt.isOpen(fd);
    return open ? { met: false, why: `${goal.name} (descriptor ${fd}) is still open` } : { met: true, why: `${goal.name} is closed` };
  }
  if (fd === null || !attempt.isOpen(fd)) return { met: false, why: `${goal.name} is not an open descriptor` };
  const state = socketState(fd);
  if (goal.kind === 'state') {
    const now = state?.state ?? 'not a TCP socket';
    return { met: now === goal.state, why: `the kernel says ${goal.name} is ${now}${now === goal.state ? '' : `, not ${goal.state}`}` };
  }
  if (goal.kind === 'waiting') {
    const waiting = state?.acceptQueue?.waiting;
    if (waiting === undefined) return { met: false, why: `${goal.name} is not listening, so it has no accept queue` };
    return { met: waiting === goal.count, why: `the kernel says ${waiting} ${waiting === 1 ? 'connection waits' : 'connections wait'} in ${goal.name}'s accept queue` };
  }
  const local = localAddress(fd);
  if (!local) return { met: false, why: `the kernel says ${goal.name} is bound to no address yet` };
  const met = local.address === goal.host && (goal.port === undefined || local.port === goal.port);
  return { met, why: `the kernel says ${goal.name} is bound to ${endpointText(local)}` };
}

/** Asks the kernel whether `goal` holds after the try. */
export function checkGoal(goal: Goal, attempt: Try): Verdict {
  switch (goal.kind) {
    case 'made':
      return { met: attempt.call === goal.call, why: `the call made was ${attempt.call}${attempt.call === goal.call ? '' : `, not ${goal.call}`}` };
    case 'fails':
      return attempt.errno === goal.errno
        ? { met: true, why: `it failed with ${goal.errno}` }
        : { met: false, why: attempt.errno ? `it failed with ${attempt.errno}, not ${goal.errno}` : `it succeeded (returned ${attempt.ret}) instead of failing with ${goal.errno}` };
    case 'returns':
      return { met: attempt.ret === goal.value, why: `it returned ${attempt.ret}` };
    case 'equals':
      return equalsVerdict(goal, attempt.values.get(goal.name));
    default:
      return descriptorVerdict(goal, attempt);
  }
}

/** The goals together: a call that failed meets none unless a goal is that it fails. */
export function checkGoals(goals: readonly Goal[], attempt: Try): Verdict[] {
  const failing = goals.some((goal) => goal.kind === 'fails');
  const verdicts = goals.map((goal) => checkGoal(goal, attempt));
  if (attempt.errno && !failing) return [{ met: false, why: `the kernel answered ${attempt.errno}: the call failed` }, ...verdicts.filter((v) => !v.met)];
  return verdicts;
}
