// Parsing and checking what the user typed. Each function returns the value or throws a UsageError
// whose message names what was wrong and what is accepted.

export class UsageError extends Error {}

export function parsePort(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`port must be a number from 0 to 65535, not "${text}"`);
  const port = Number(text);
  if (port > 65535) throw new UsageError(`port must be a number from 0 to 65535, not ${text}`);
  return port;
}

export function parseCount(what: string, min: number, max: number): (text: string) => number {
  return (text: string) => {
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) throw new UsageError(`${what} must be a whole number from ${min} to ${max}, not "${text}"`);
    return value;
  };
}

export function parseHost(text: string): string {
  if (text.trim() === '') throw new UsageError('host must not be empty: give a name such as localhost or an address such as 127.0.0.1');
  return text;
}

export function parseOutputFile(text: string): string {
  if (text === '') throw new UsageError('-o needs the name of a file to write the trace to, not ""');
  return text;
}
