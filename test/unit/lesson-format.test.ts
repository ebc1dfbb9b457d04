// Reading lesson files: what a good file becomes, and the file:line message for each kind of mistake.
import { parseLesson } from '../../src/lessons/format';
import { lessonProblem } from '../support/lesson-problem';

const HEADER = 'id: demo-lesson\ntitle: A title\nsummary: A summary\norder: 3\n';

function lesson(body: string) {
  return parseLesson('demo.lesson', HEADER + body);
}

function problem(text: string): string {
  return lessonProblem('demo.lesson', text);
}

describe('lesson files', () => {
  it('reads the header, steps, bound names, text paragraphs and step keys', () => {
    const parsed = lesson(
      [
        'intro: First line',
        '  goes on.',
        '',
        '  Second paragraph.',
        'step server: fd = socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC)',
        'before: Why {fd}.',
        'step server: bind(fd, [::1]:0)',
        'step client: c = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP)',
        'step client: connect(c, 127.0.0.1:9)',
        'expect: ECONNREFUSED',
        'on ECONNREFUSED: Nobody listens.',
        'pause: no',
        'step client: send(c, "a, \\"b\\"\\n", MSG_NOSIGNAL)',
      ].join('\n'),
    );
    expect(parsed).toMatchObject({ id: 'demo-lesson', title: 'A title', order: 3, sides: ['server', 'client'] });
    expect(parsed.intro).toBe('First line goes on.\n\nSecond paragraph.');
    expect(parsed.steps).toHaveLength(5);
    expect(parsed.steps[0]).toMatchObject({
      line: 9,
      side: 'server',
      call: 'socket',
      binds: 'fd',
      before: 'Why {fd}.',
      pause: true,
      args: [
        { kind: 'constant', value: 2 },
        { kind: 'constant', value: 1 | 0o2000000 },
      ],
    });
    expect(parsed.steps[1].args[1]).toEqual({ kind: 'address', host: '::1', port: 0 });
    expect(parsed.steps[3]).toMatchObject({ expect: 'ECONNREFUSED', onError: { ECONNREFUSED: 'Nobody listens.' }, pause: false });
    expect(parsed.steps[4].args.map((arg) => arg.kind)).toEqual(['name', 'string', 'constant']);
    expect(parsed.steps[4].args[1]).toEqual({ kind: 'string', value: 'a, "b"\n' });
  });

  it.each([
    ['a line that is not key: value', HEADER + 'step server: fd = socket(AF_INET, SOCK_STREAM)\nthis is prose', 'demo.lesson:6: expected "key: value"'],
    ['an unknown call', HEADER + 'step server: fd = sockit(AF_INET, SOCK_STREAM)', 'demo.lesson:5: unknown call "sockit" (a lesson can make: socket, bind'],
    ['an unknown side', HEADER + 'step router: fd = socket(AF_INET, SOCK_STREAM)', 'demo.lesson:5: step side must be "server" or "client", not "router"'],
    ['an unknown constant', HEADER + 'step server: fd = socket(AF_INTE, SOCK_STREAM)', 'demo.lesson:5: domain: unknown constant AF_INTE'],
    ['a name no step gave', HEADER + 'step server: bind(fd, 127.0.0.1:0)', 'demo.lesson:5: "fd" is not a name given by an earlier step'],
    ['a name of the wrong kind', HEADER + 'step server: fd = socket(AF_INET, SOCK_STREAM)\nstep server: a = getsockname(fd)\nstep server: listen(a, 4)', 'demo.lesson:7: sockfd cannot be "a", which names an address'],
    ['too few arguments', HEADER + 'step server: fd = socket(AF_INET)', 'demo.lesson:5: socket takes domain, type, [protocol]; found 1 argument'],
    ['a bad address', HEADER + 'step server: fd = socket(AF_INET, SOCK_STREAM)\nstep server: bind(fd, 127.0.0.1:99999)', 'demo.lesson:6: addr: "127.0.0.1:99999" is not an address with a port'],
    ['a bad string', HEADER + 'step server: fd = socket(AF_INET, SOCK_STREAM)\nstep server: send(fd, "a\\q")', 'demo.lesson:6: buf: "a\\q" is not a well-formed quoted string'],
    ['naming a status', HEADER + 'step server: fd = socket(AF_INET, SOCK_STREAM)\nstep server: ok = close(fd)', 'demo.lesson:6: close returns only 0 or -1'],
    ['an unknown step key', HEADER + 'step server: fd = socket(AF_INET, SOCK_STREAM)\nbefor: typo', 'demo.lesson:6: unknown key "befor:"'],
    ['a step key before any step', HEADER + 'after: too early', 'demo.lesson:5: "after:" belongs to a step'],
    ['a bad expect', HEADER + 'step server: fd = socket(AF_INET, SOCK_STREAM)\nexpect: refused', 'demo.lesson:6: expect: must name an errno'],
    ['a bad pause', HEADER + 'step server: fd = socket(AF_INET, SOCK_STREAM)\npause: maybe', 'demo.lesson:6: pause: must be "yes" or "no"'],
    ['a missing title', 'id: x\nsummary: s\norder: 1\nstep server: fd = socket(AF_INET, SOCK_STREAM)', 'demo.lesson:1: the lesson has no "title:" line'],
    ['a bad id', HEADER.replace('demo-lesson', 'Demo Lesson') + 'step server: fd = socket(AF_INET, SOCK_STREAM)', 'demo.lesson:1: id must be lower-case words'],
    ['a bad order', HEADER.replace('order: 3', 'order: first') + 'step server: fd = socket(AF_INET, SOCK_STREAM)', 'demo.lesson:4: order must be a whole number'],
    ['no steps', HEADER, 'demo.lesson:1: the lesson has no steps'],
    ['a header key twice', HEADER + 'title: again\nstep server: fd = socket(AF_INET, SOCK_STREAM)', 'demo.lesson:5: "title:" is given twice (first on line 2)'],
    ['indented text first', '  stray\n' + HEADER, 'demo.lesson:1: indented text before any "key:" line'],
  ])('names the file and line for %s', (_, text, expected) => {
    expect(problem(text)).toContain(expected);
  });
});
