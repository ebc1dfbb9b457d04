// Hostile lesson files the loader must refuse with file:line, never a stack trace at run time:
// numbers beyond their C type, unknown errors, placeholders that name nothing, a rebound open
// descriptor, control characters; and the byte-order mark it must accept.
import { parseLesson } from '../../src/lessons/format';
import { lessonProblem } from '../support/lesson-problem';

const HEADER = 'id: hostile\ntitle: H\nsummary: S\norder: 1\n';
const SOCKET = 'step server: s = socket(AF_INET, SOCK_STREAM)\n';

function problem(body: string): string {
  return lessonProblem('h.lesson', HEADER + body);
}

describe('numbers are checked against their C type', () => {
  it.each([
    ['recv(s, -1, MSG_DONTWAIT)', /^h\.lesson:6: len: -1 is out of range: it must be a size from 0 to 1048576 bytes/],
    ['setsockopt(s, SOL_SOCKET, SO_RCVBUF, 99999999999999)', /^h\.lesson:6: optval: 99999999999999 is out of range: it must be a C int, from -2147483648 to 2147483647$/],
    ['listen(s, 99999999999999999999999)', /^h\.lesson:6: backlog: 99999999999999999999999 is out of range: it must be a C int/],
    ['listen(s, 2147483648)', /backlog: 2147483648 is out of range: it must be a C int/],
    ['listen(s, -2147483649)', /backlog: -2147483649 is out of range: it must be a C int/],
    ['poll([s], 99999999999)', /timeout: 99999999999 is out of range: it must be a C int/],
    ['shutdown(s, 4294967296)', /how: 4294967296 is out of range: it must be a C int/],
    ['recvfrom(s, 18446744073709551616)', /len: 18446744073709551616 is out of range: it must be a size/],
    ['listen(s, 010)', /backlog: write 010 without its leading 0 \(C would read it as octal\)/],
  ])('%s', (call, message) => {
    expect(problem(`${SOCKET}step server: ${call}\n`)).toMatch(message);
  });

  it('a port beyond in_port_t', () => {
    expect(problem('step client: a = getaddrinfo("localhost", 70000)\n')).toMatch(/^h\.lesson:5: service: 70000 is out of range: it must be a port from 0 to 65535$/);
  });

  it('the extremes of int are accepted', () => {
    expect(() => parseLesson('h.lesson', `${HEADER}${SOCKET}step server: listen(s, 2147483647)\nstep server: poll([s], -2147483648)\n`)).not.toThrow();
  });
});

describe('nothing is silently accepted', () => {
  it.each([
    ['an unknown expect', `${SOCKET}expect: EFOOBAR\n`, /^h\.lesson:6: expect: EFOOBAR is not an error Linux or getaddrinfo knows/],
    ['an unknown on E...', `${SOCKET}on EBLAH: no\n`, /^h\.lesson:6: "on EBLAH:": EBLAH is not an error/],
    ['an alias the trace never shows', `${SOCKET}expect: EWOULDBLOCK\n`, /^h\.lesson:6: expect: EWOULDBLOCK is EAGAIN on Linux, and the trace names it EAGAIN; write EAGAIN/],
    ['a placeholder naming nothing', `${SOCKET}after: got {nope}\n`, /^h\.lesson:6: \{nope\} names nothing: no step before it binds "nope"/],
    ['a placeholder in the intro', `intro: {s}\n${SOCKET}`, /^h\.lesson:5: \{s\} names nothing/],
    ['a placeholder in the outro naming nothing', `${SOCKET}outro: bye {x}\n`, /^h\.lesson:6: \{x\} names nothing/],
    ['a name rebound while its descriptor is open', `${SOCKET}step client: s = socket(AF_INET, SOCK_STREAM)\n`, /^h\.lesson:6: "s" still names the descriptor from line 5, which no step has closed: close\(s\) first/],
    ['a step key given twice', `${SOCKET}after: one\nafter: two\n`, /^h\.lesson:7: "after:" is given twice in this step \(first on line 6\)$/],
    ['an on E... given twice', `${SOCKET}on EINVAL: one\non EINVAL: two\n`, /^h\.lesson:7: "on EINVAL:" is given twice in this step/],
    ['a name that is a constant', `step server: AF_INET = socket(AF_INET, SOCK_STREAM)\n`, /^h\.lesson:5: "AF_INET" is a constant: a name given to a result must be another word/],
    ['a name that is an option', `${SOCKET}step server: SO_REUSEADDR = accept(s)\n`, /^h\.lesson:6: "SO_REUSEADDR" is a constant/],
    ['a name that is SOMAXCONN', `step server: SOMAXCONN = socket(AF_INET, SOCK_STREAM)\n`, /^h\.lesson:5: "SOMAXCONN" is a constant/],
    ['a name that is a call', `step server: close = socket(AF_INET, SOCK_STREAM)\n`, /^h\.lesson:5: "close" is a call's name: a name given to a result must be another word/],
    ['an accepted descriptor rebound', `${SOCKET}step server: c = accept(s)\nstep server: c = accept(s)\n`, /^h\.lesson:7: "c" still names the descriptor from line 6/],
  ])('%s', (_name, body, message) => {
    expect(problem(body)).toMatch(message);
  });

  it('a closed descriptor\'s name may be used again (to show EBADF) and bound again', () => {
    expect(() => parseLesson('h.lesson', `${HEADER}${SOCKET}step server: close(s)\nstep server: close(s)\nexpect: EBADF\nstep server: s = socket(AF_INET, SOCK_DGRAM)\nafter: {s}\n`)).not.toThrow();
  });

  it("the other side's descriptor may be used: both sides are one process, with one descriptor table", () => {
    expect(() => parseLesson('h.lesson', `${HEADER}${SOCKET}step client: poll([s], 0)\nstep client: close(s)\n`)).not.toThrow();
  });

  it('known errors and getaddrinfo codes are accepted', () => {
    expect(() => parseLesson('h.lesson', `${HEADER}${SOCKET}expect: EAGAIN\non EAI_NONAME: x\non ECONNREFUSED: y\n`)).not.toThrow();
  });
});

describe('text', () => {
  it('a UTF-8 byte-order mark is not "indented text"', () => {
    expect(parseLesson('h.lesson', '\uFEFF' + HEADER + SOCKET).id).toBe('hostile');
  });

  it.each([
    ['an escape sequence in a value', 'id: x\u001b]0;title\u0007\n', /^h\.lesson:1: a control character \(\\33\) in the text/],
    ['binary bytes', '\u0000\u0001\u0002garbage', /^h\.lesson:1: a control character \(\\0\) in the text/],
  ])('%s: refused, the message escaped and on one line', (_name, text, message) => {
    let thrown = '';
    try {
      parseLesson('h.lesson', text);
    } catch (error) {
      thrown = (error as Error).message;
    }
    expect(thrown).toMatch(message);
    expect(thrown).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('a long line in a message is cut', () => {
    expect(problem(`${SOCKET}step server: ${'x'.repeat(5000)}\n`).length).toBeLessThan(300);
  });
});
