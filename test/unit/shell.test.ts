// The shell's pure pieces: what a typed line asks for, Tab's candidates, the column of a problem in a
// call line, and the lesson text `save` writes.
import { CallSyntaxError, parseCallLine } from '../../src/lessons/callline';
import { parseLesson } from '../../src/lessons/format';
import type { ResultKind } from '../../src/lessons/signatures';
import { complete } from '../../src/shell/complete';
import { readCommand } from '../../src/shell/input';
import { lessonFile, lessonText } from '../../src/shell/save';

function columnOf(source: string, bound: Record<string, ResultKind> = {}): number {
  try {
    parseCallLine(source, { bound: new Map(Object.entries(bound)) });
  } catch (error) {
    if (error instanceof CallSyntaxError) return error.column;
    throw error;
  }
  throw new Error('the line parsed');
}

describe('a shell line', () => {
  it.each([
    ['', { kind: 'empty' }],
    ['# a comment', { kind: 'empty' }],
    ['client', { kind: 'switch', side: 'client' }],
    ['help', { kind: 'help' }],
    ['explain accept', { kind: 'explain', name: 'accept' }],
    ['errno', { kind: 'errno' }],
    ['save my.lesson', { kind: 'save', file: 'my.lesson' }],
    ['exit', { kind: 'exit' }],
    ['client: c = socket(AF_INET, SOCK_STREAM)', { kind: 'call', side: 'client', source: 'c = socket(AF_INET, SOCK_STREAM)', column: 8 }],
    ['listen(s, 4)', { kind: 'call', side: null, source: 'listen(s, 4)', column: 0 }],
  ])('%j is %j', (line, command) => {
    expect(readCommand(line)).toEqual(command);
  });
});

describe('Tab', () => {
  it('completes a call where a call goes, with its parenthesis', () => {
    expect(complete('c = sock', [])).toEqual([['socket('], 'sock']);
    expect(complete('client: acc', [])).toEqual([['accept('], 'acc']);
  });

  it('completes constants and bound names inside the parentheses', () => {
    expect(complete('socket(AF_IN', [])).toEqual([['AF_INET', 'AF_INET6'], 'AF_IN']);
    expect(complete('shutdown(conn, SHUT_', ['conn'])[0]).toEqual(['SHUT_RD', 'SHUT_RDWR', 'SHUT_WR']);
    expect(complete('listen(lis', ['listener'])).toEqual([['listener'], 'lis']);
  });

  it("completes the shell's words at the start of a line, and calls after explain", () => {
    expect(complete('na', [])[0]).toEqual(['names']);
    expect(complete('explain getp', [])[0]).toEqual(['getpeername']);
  });
});

describe('the column of a problem', () => {
  it.each([
    ['s = socket(AF_INET, SOCK_STREAM', 31],
    ['s = sockit(AF_INET, SOCK_STREAM)', 4],
    ['s = socket(AF_INTE, SOCK_STREAM)', 11],
    ['bind(s, 127.0.0.1:99999)', 8],
    ['listen(s, 4, 5)', 13],
    ['ok = close(s)', 0],
  ])('%s → %d', (source, column) => {
    expect(columnOf(source, { s: 'fd' })).toBe(column);
  });
});

describe('save', () => {
  it('names the lesson by its file, and writes steps that load, a failed call expecting its errno', () => {
    expect(lessonFile('dir/my-session')).toEqual({ file: 'dir/my-session.lesson', id: 'my-session' });
    expect(() => lessonFile('My Session.lesson')).toThrow('lower-case words');
    const text = lessonText('my-session', [
      { side: 'server', source: 's = socket(AF_INET, SOCK_STREAM)', returned: true },
      { side: 'server', source: 'accept(s)', error: 'EINVAL', returned: true },
    ]);
    const lesson = parseLesson('my-session.lesson', text);
    expect(lesson.steps.map((step) => [step.side, step.call, step.expect])).toEqual([
      ['server', 'socket', undefined],
      ['server', 'accept', 'EINVAL'],
    ]);
  });
});
