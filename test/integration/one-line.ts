// The shape of every answer to bad input: exactly one line on standard error, never a stack trace.

/** Checks that `stderr` is one line with no stack trace, and returns that line. */
export function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0];
}
