// The reference tables and their renderers: pure code, checked without libc. The numbers and
// messages passed in here are what glibc's strerror and gai_strerror return on Linux; the
// integration test checks the real ones against Python.
import { UsageError } from '../../src/args';
import type { ErrorInfo } from '../../src/libc/results';
import { loadCatalog } from '../../src/lessons/catalog';
import { lessonsMaking } from '../../src/lessons/uses';
import { CALLS } from '../../src/reference/calls';
import { ADDRINFO_ERROR_NOTES, SOCKET_ERRORS } from '../../src/reference/errors';
import {
  CALL_NAMES, callName, errorNote, explainErrno, findCall, parseErrnoQuery,
} from '../../src/reference/lookup';
import {
  formatPrototype, PLAIN, renderAddrinfoError, renderCall, renderCallList, renderErrno, renderErrnoTable, Style, wrap,
} from '../../src/reference/render';

const ECONNREFUSED: ErrorInfo = { code: 111, name: 'ECONNREFUSED', message: 'Connection refused' };
const EADDRINUSE: ErrorInfo = { code: 98, name: 'EADDRINUSE', message: 'Address already in use' };
const EAGAIN: ErrorInfo = { code: 11, name: 'EAGAIN', message: 'Resource temporarily unavailable' };
const ENOENT: ErrorInfo = { code: 2, name: 'ENOENT', message: 'No such file or directory' };
const EAI_NONAME: ErrorInfo = { code: -2, name: 'EAI_NONAME', message: 'Name or service not known' };

/** The errors the issue names as those a socket program meets. */
const REQUIRED_ERRORS = [
  'EACCES', 'EADDRINUSE', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EAGAIN', 'EWOULDBLOCK', 'EBADF', 'ECONNABORTED',
  'ECONNREFUSED', 'ECONNRESET', 'EDESTADDRREQ', 'EHOSTUNREACH', 'EINPROGRESS', 'EINTR', 'EINVAL', 'EISCONN',
  'EMFILE', 'ENETUNREACH', 'ENOBUFS', 'ENOTCONN', 'ENOTSOCK', 'EOPNOTSUPP', 'EPIPE', 'EPROTONOSUPPORT',
  'ETIMEDOUT', 'ENFILE', 'EMSGSIZE', 'EALREADY', 'EFAULT',
];

const REQUIRED_CALLS = [
  'socket', 'bind', 'listen', 'accept', 'accept4', 'connect', 'send', 'recv', 'sendto', 'recvfrom', 'shutdown',
  'close', 'getsockname', 'getpeername', 'setsockopt', 'getsockopt', 'poll', 'getaddrinfo', 'read', 'write',
];

/** The lessons in lessons/, in their order: which of them make a call is read from these files. */
const LESSONS = loadCatalog();

function lines(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

function oneSpaced(text: string): string {
  return text.replace(/\s+/g, ' ');
}

describe('explainErrno', () => {
  it.each(REQUIRED_ERRORS)('has a cause for %s', (name) => {
    const cause = explainErrno(name);
    expect(cause).toBeDefined();
    expect(cause!.length).toBeGreaterThan(40);
  });

  it('takes any case, and aliases give the same sentence as the name libc uses', () => {
    expect(explainErrno('econnrefused')).toBe(explainErrno('ECONNREFUSED'));
    expect(explainErrno('ECONNREFUSED')).toMatch(/reset \(RST\)/);
    expect(explainErrno('EWOULDBLOCK')).toBe(explainErrno('EAGAIN'));
    expect(explainErrno('ENOTSUP')).toBe(explainErrno('EOPNOTSUPP'));
  });

  it("knows getaddrinfo's codes too, and nothing it has no notes on", () => {
    expect(explainErrno('EAI_NONAME')).toMatch(/not known/);
    expect(explainErrno('ENOENT')).toBeUndefined();
    expect(explainErrno('EFOO')).toBeUndefined();
    expect(explainErrno('constructor')).toBeUndefined();
    expect(explainErrno('__proto__')).toBeUndefined();
  });

  it('keys every note by the name libc gives the number, never by an alias', () => {
    expect(Object.keys(SOCKET_ERRORS)).not.toContain('EWOULDBLOCK');
    expect(Object.keys(SOCKET_ERRORS)).not.toContain('ENOTSUP');
  });

  it.each(Object.entries({ ...SOCKET_ERRORS, ...ADDRINFO_ERROR_NOTES }))('%s: a one-line summary that fits the table', (_name, note) => {
    expect(note.summary.length).toBeLessThanOrEqual(54);
    expect(note.calls.length).toBeGreaterThan(0);
  });
});

describe('parseErrnoQuery', () => {
  it.each<[string, object]>([
    ['111', { number: 111 }],
    ['-2', { number: -2 }],
    ['ECONNREFUSED', { name: 'ECONNREFUSED' }],
    ['econnreset', { name: 'ECONNRESET' }],
    ['eai_noname', { name: 'EAI_NONAME' }],
  ])('reads %s', (text, expected) => {
    expect(parseErrnoQuery(text)).toEqual(expected);
  });

  it.each(['', 'E FOO', '1e3', '0x6f', 'ECONN-REFUSED', '12345678901'])('refuses "%s" with what it accepts', (text) => {
    expect(() => parseErrnoQuery(text)).toThrow(UsageError);
    expect(() => parseErrnoQuery(text)).toThrow(
      `unknown errno "${text}": give a name such as ECONNREFUSED or a number such as 111`,
    );
  });
});

describe('findCall', () => {
  it('knows exactly the calls of the issue', () => {
    expect([...CALL_NAMES].sort()).toEqual([...REQUIRED_CALLS].sort());
  });

  it.each(['accept', 'ACCEPT', 'accept()', 'accept(2)', ' accept '])('finds %j', (text) => {
    expect(findCall(text)).toBe(CALLS.accept);
    expect(callName(text)).toBe('accept');
  });

  it.each(['frobnicate', '', 'constructor', 'toString', 'accept(22)'])('knows nothing of %j', (text) => {
    expect(findCall(text)).toBeUndefined();
  });
});

describe('the calls table', () => {
  it.each(LESSONS.map((lesson) => [lesson.id, lesson] as const))('lesson %s is named for every call it makes', (id, lesson) => {
    for (const step of lesson.steps) expect(lessonsMaking(step.call, LESSONS)).toContain(id);
  });

  it('names only lessons that exist, the first in order first', () => {
    const ids = LESSONS.map((lesson) => lesson.id);
    for (const call of CALL_NAMES) {
      const named = lessonsMaking(call, LESSONS);
      expect(named).toEqual(ids.filter((id) => named.includes(id)));
    }
  });

  it('says getaddrinfo is a library call, and every other one a system call', () => {
    for (const [name, call] of Object.entries(CALLS)) {
      expect(call.kind).toBe(name === 'getaddrinfo' ? 'library call' : 'system call');
    }
    expect(CALLS.getaddrinfo.does).toMatch(/not a system call/);
  });

  it('lists for every call errors that netsys errno has notes on', () => {
    for (const call of Object.values(CALLS)) {
      expect(call.errors.length).toBeGreaterThan(0);
      for (const [error] of call.errors) expect(errorNote(error)).toBeDefined();
    }
  });

  it('gives every call a prototype ending in ";" and its headers as #include lines', () => {
    for (const [name, call] of Object.entries(CALLS)) {
      expect(call.prototype).toMatch(new RegExp(`^\\w+ \\**${name}\\(.*\\);$`));
      expect(call.headers.some((line) => /^#include <[a-z/]+\.h>$/.test(line))).toBe(true);
    }
  });
});

describe('formatPrototype', () => {
  it('breaks a long prototype after a comma and lines it up after the parenthesis, as accept(2) does', () => {
    expect(formatPrototype(CALLS.accept.prototype)).toEqual([
      'int accept(int sockfd, struct sockaddr *restrict addr,',
      '           socklen_t *restrict addrlen);',
    ]);
  });

  it('leaves a short one on one line', () => {
    expect(formatPrototype('int listen(int sockfd, int backlog);')).toEqual(['int listen(int sockfd, int backlog);']);
  });
});

describe('wrap', () => {
  it('fills lines up to the width, keeping every word', () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve';
    const wrapped = wrap(text, 20, '  ');
    expect(wrapped).toEqual(['  one two three four', '  five six seven', '  eight nine ten', '  eleven twelve']);
    expect(wrapped.join(' ').replace(/\s+/g, ' ').trim()).toBe(text);
  });
});

describe('renderCall', () => {
  it('shows accept: prototype, header, what it waits for, its errors and its lesson', () => {
    const text = renderCall('accept', CALLS.accept, PLAIN, lessonsMaking('accept', LESSONS));
    expect(lines(text)[0]).toBe('accept - accept a connection on a socket');
    expect(text).toContain('\n#include <sys/socket.h>\n');
    expect(oneSpaced(text)).toContain(
      'int accept(int sockfd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);',
    );
    expect(text).toMatch(/^What it waits for\n {2}Until a connection is in the queue/m);
    expect(text).toMatch(/^ {2}EAGAIN {10}no connection yet/m);
    expect(text).toMatch(/^Lesson: tcp-server \(netsys lesson tcp-server\)/m);
  });

  it('says when no lesson makes the call', () => {
    expect(renderCall('accept4', CALLS.accept4)).toMatch(/^Lesson: no lesson makes this call yet\.$/m);
  });

  it.each(CALL_NAMES)('%s fits 80 columns, with prose wrapped at 78', (name) => {
    const call = CALLS[name];
    const prototype = formatPrototype(call.prototype);
    for (const line of lines(renderCall(name, call))) {
      expect(line.length).toBeLessThanOrEqual(prototype.includes(line) ? 80 : 78);
    }
  });

  it('styles only names and headings, and keeps the layout', () => {
    const marked: Style = { heading: (t) => `<${t}>`, name: (t) => `*${t}*`, aside: (t) => t };
    const text = renderCall('accept', CALLS.accept, marked);
    expect(text).toContain('<Common errors>');
    expect(text).toMatch(/^ {2}\*EAGAIN\* {10}no connection yet/m);
  });
});

describe('renderErrno', () => {
  it('shows number, name and message, how a trace shows it, the cause, and the calls', () => {
    const out = lines(renderErrno(ECONNREFUSED));
    expect(out[0]).toBe('ECONNREFUSED, errno 111: Connection refused');
    expect(out[1]).toBe('In a trace: ... = -1 ECONNREFUSED (Connection refused)');
    expect(oneSpaced(out.join('\n'))).toContain(explainErrno('ECONNREFUSED'));
    expect(out).toContain('Returned by: connect, recv, send');
    expect(out).toContain('More: netsys explain connect');
    for (const line of out) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('names the aliases of a number', () => {
    expect(lines(renderErrno(EAGAIN))[0]).toBe('EAGAIN (also EWOULDBLOCK), errno 11: Resource temporarily unavailable');
  });

  it('still gives libc\'s facts for an error it has no notes on', () => {
    const text = renderErrno(ENOENT);
    expect(text).toMatch(/^ENOENT, errno 2: No such file or directory$/m);
    expect(text).toMatch(/no notes on ENOENT/);
  });

  it("says that getaddrinfo's codes are not errno values", () => {
    const out = lines(renderAddrinfoError(EAI_NONAME));
    expect(out[0]).toBe('EAI_NONAME, getaddrinfo error -2: Name or service not known');
    expect(oneSpaced(out.join(' '))).toContain('Not an errno value');
    expect(out).toContain('In a trace: ... = -2 EAI_NONAME (Name or service not known)');
  });
});

describe('renderErrnoTable', () => {
  const text = renderErrnoTable([ECONNREFUSED, EAGAIN, EADDRINUSE], [EAI_NONAME]);
  const out = lines(text);

  it('lists errno values by number, each with its message and then its usual cause', () => {
    const rows = out.filter((line) => /^ +-?\d+ {2}E/.test(line));
    expect(rows).toEqual([
      '   11  EAGAIN           Resource temporarily unavailable',
      '   98  EADDRINUSE       Address already in use',
      '  111  ECONNREFUSED     Connection refused',
      '   -2  EAI_NONAME       Name or service not known',
    ]);
    const at = out.indexOf(rows[2]);
    expect(out[at + 1]).toBe(' '.repeat(24) + SOCKET_ERRORS.ECONNREFUSED.summary);
  });

  it("puts getaddrinfo's codes in a table of their own", () => {
    expect(text).toMatch(/return codes, not errno values[^]*EAI_NONAME/);
  });

  it('fits 78 columns', () => {
    for (const line of out) expect(line.length).toBeLessThanOrEqual(78);
  });
});

describe('renderCallList', () => {
  it('lists every call with its man page summary', () => {
    const text = renderCallList();
    for (const name of CALL_NAMES) expect(text).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
    expect(text).toMatch(/^ {2}getaddrinfo +network address and service translation \(a library call\)$/m);
  });
});

describe('Related: only calls netsys explain knows', () => {
  const known: readonly string[] = CALL_NAMES;

  it.each(Object.keys(CALLS))('explain %s names no call it cannot explain', (name) => {
    const call = findCall(name)!;
    const related = renderCall(name, call).split('\n').filter((line) => line.startsWith('Related:') || /^\s/.test(line)).join(' ');
    const named = related.slice(related.indexOf('Related:') + 'Related:'.length).split(/[\s,]+/).filter((word) => /^[a-z_0-9]+$/.test(word));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((other) => !known.includes(other))).toEqual([]);
    expect(call.related.filter((other) => !known.includes(other))).toEqual([]); // select, epoll, fcntl were
  });
});
