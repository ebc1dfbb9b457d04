import { parseCount, parseHost, parsePort, UsageError } from '../../src/args';

describe('argument parsing', () => {
  it.each(['0', '80', '65535'])('accepts port %s', (text) => {
    expect(parsePort(text)).toBe(Number(text));
  });
  it.each(['65536', '-1', '80a', '', ' 80', '1e3', '0x50'])('refuses port "%s" with the accepted range', (text) => {
    expect(() => parsePort(text)).toThrow(UsageError);
    expect(() => parsePort(text)).toThrow(/0 to 65535/);
  });
  it('refuses an empty host', () => {
    expect(() => parseHost('')).toThrow(/must not be empty/);
    expect(parseHost('localhost')).toBe('localhost');
  });
  it('checks counts against their range', () => {
    expect(parseCount('-s', 0, 10)('7')).toBe(7);
    expect(() => parseCount('-s', 0, 10)('x')).toThrow('-s must be a whole number from 0 to 10, not "x"');
  });
});
