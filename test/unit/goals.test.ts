// Your-turn steps in a lesson file: the goals read, and each mistake named with its file and line.
import { checkGoal, checkGoals, parseGoal } from '../../src/lessons/goals';
import { parseLesson } from '../../src/lessons/format';
import { lessonProblem } from '../support/lesson-problem';

const HEADER = 'id: demo\ntitle: T\nsummary: S\norder: 1\n';

function problem(text: string): string {
  return lessonProblem('demo.lesson', HEADER + text);
}

describe('goals', () => {
  it.each([
    ['listener is LISTEN', { kind: 'state', name: 'listener', state: 'LISTEN' }],
    ['c is CLOSE_WAIT', { kind: 'state', name: 'c', state: 'CLOSE_WAIT' }],
    ['conn is closed', { kind: 'closed', name: 'conn' }],
    ['s is bound to 127.0.0.1', { kind: 'bound', name: 's', host: '127.0.0.1' }],
    ['s is bound to 127.0.0.1:8080', { kind: 'bound', name: 's', host: '127.0.0.1', port: 8080 }],
    ['s is bound to [::1]:0', { kind: 'bound', name: 's', host: '::1', port: 0 }],
    ['s is bound to ::1', { kind: 'bound', name: 's', host: '::1' }],
    ['listener has 2 waiting', { kind: 'waiting', name: 'listener', count: 2 }],
    ['n == 6', { kind: 'equals', name: 'n', value: 6 }],
    ['data == "hello\\n"', { kind: 'equals', name: 'data', value: 'hello\n' }],
    ['returns 6', { kind: 'returns', value: 6 }],
    ['fails with ECONNREFUSED', { kind: 'fails', errno: 'ECONNREFUSED' }],
    ['made shutdown', { kind: 'made', call: 'shutdown' }],
  ])('%s', (text, goal) => {
    expect(parseGoal(text)).toEqual(goal);
  });

  it('compares received bytes with the UTF-8 bytes of a string goal, as a step sends its text', () => {
    const attempt = (bytes: Buffer) => ({ call: 'recv', ret: bytes.length, errno: null, values: new Map([['data', { kind: 'data' as const, bytes }]]), isOpen: () => true });
    expect(checkGoal({ kind: 'equals', name: 'data', value: 'héllo\n' }, attempt(Buffer.from('héllo\n', 'utf8')))).toEqual({ met: true, why: 'data is "héllo\\n"' });
    expect(checkGoal({ kind: 'equals', name: 'data', value: 'hé' }, attempt(Buffer.from('hé', 'latin1'))).met).toBe(false);
  });

  it('judges by the result, not the text: a failed call meets no goal unless failing is the goal', () => {
    const attempt = { call: 'bind', ret: -1, errno: 'EADDRINUSE', values: new Map(), isOpen: () => true };
    expect(checkGoal({ kind: 'made', call: 'bind' }, attempt).met).toBe(true);
    expect(checkGoals([{ kind: 'made', call: 'bind' }], attempt).map((verdict) => verdict.met)).toEqual([false]);
    expect(checkGoals([{ kind: 'fails', errno: 'EADDRINUSE' }], attempt).every((verdict) => verdict.met)).toBe(true);
  });
});

describe('a your-turn step in a lesson file', () => {
  const SOCKET = 'step server: s = socket(AF_INET, SOCK_STREAM)\n';

  it('reads task, hint and every goal onto the step, whose call is the reference', () => {
    const lesson = parseLesson('demo.lesson', HEADER + SOCKET + 'task: Make a socket.\nhint: socket().\ngoal: made socket\ngoal: s is CLOSE\n');
    expect(lesson.steps[0].turn).toEqual({
      task: 'Make a socket.',
      hint: 'socket().',
      goals: [
        { kind: 'made', call: 'socket' },
        { kind: 'state', name: 's', state: 'CLOSE' },
      ],
    });
    expect(lesson.steps[0].source).toBe('s = socket(AF_INET, SOCK_STREAM)');
  });

  it.each([
    ['an unknown state', SOCKET + 'task: t\ngoal: s is LISTENING', 'demo.lesson:7: goal: "LISTENING" is not a TCP state'],
    ['a name no step gave', SOCKET + 'task: t\ngoal: conn is ESTABLISHED', 'demo.lesson:7: goal: "conn" is not a name given by this step or an earlier one'],
    ['a goal that does not read', SOCKET + 'task: t\ngoal: s listens', 'demo.lesson:7: cannot read the goal "s listens"'],
    ['a state of a name that is no descriptor', SOCKET + 'step server: a = getsockname(s)\ntask: t\ngoal: a is LISTEN', 'demo.lesson:8: goal: "a" does not name a descriptor'],
    ['a goal without a task', SOCKET + 'goal: s is CLOSE', 'demo.lesson:5: a your-turn step (with hint: or goal:) needs "task:"'],
    ['a task without a goal', SOCKET + 'task: Make a socket.', 'demo.lesson:5: a your-turn step needs at least one "goal:"'],
  ])('names the file and line for %s', (_, text, expected) => {
    expect(problem(text)).toContain(expected);
  });
});
