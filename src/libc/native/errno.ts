// Error names and messages, asked of libc itself rather than copied into a table.
import type { ErrorInfo } from '../results';
import { gaiStrerror, strerror, strerrorname } from './ffi';
import { ADDRINFO_ERRORS, ERRNO_ALIASES, nameOf } from '../xlat';


const errnoCache = new Map<number, ErrorInfo>();

export function errnoInfo(code: number): ErrorInfo {
  let info = errnoCache.get(code);
  if (!info) {
    info = { code, name: strerrorname(code) ?? `E${code}`, message: strerror(code) };
    errnoCache.set(code, info);
  }
  return info;
}

/** getaddrinfo()'s own error codes are not errno values: they have names and messages of their own. */
export function addrinfoErrorInfo(code: number): ErrorInfo {
  return { code, name: nameOf(ADDRINFO_ERRORS, code) ?? `EAI_${code}`, message: gaiStrerror(code) };
}

/** The kernel's MAX_ERRNO (include/linux/err.h): no error number is larger. */
const MAX_ERRNO = 4095;
const codesByName = new Map<string, number>();
let highestScanned = 0;

/** The error libc has a name for at `code`, or undefined (0 is not an error; 99999 has no name). */
export function namedErrno(code: number): ErrorInfo | undefined {
  if (!Number.isInteger(code) || code < 1 || code > MAX_ERRNO || strerrorname(code) === null) return undefined;
  return errnoInfo(code);
}

/**
 * The error called `name` (ECONNREFUSED, or an alias such as EWOULDBLOCK), or undefined. libc has no
 * name-to-number function, so the numbers are asked for their names in turn, as far as needed.
 */
export function errnoByName(name: string): ErrorInfo | undefined {
  const wanted = Object.prototype.hasOwnProperty.call(ERRNO_ALIASES, name) ? ERRNO_ALIASES[name] : name;
  while (!codesByName.has(wanted) && highestScanned < MAX_ERRNO) {
    highestScanned += 1;
    const found = strerrorname(highestScanned);
    if (found !== null) codesByName.set(found, highestScanned);
  }
  const code = codesByName.get(wanted);
  return code === undefined ? undefined : errnoInfo(code);
}

/** getaddrinfo()'s error called `name` (EAI_NONAME), or with that (negative) code; else undefined. */
export function namedAddrinfoError(nameOrCode: string | number): ErrorInfo | undefined {
  const entry = ADDRINFO_ERRORS.entries.find(([name, code]) => name === nameOrCode || code === nameOrCode);
  return entry ? addrinfoErrorInfo(entry[1]) : undefined;
}

/** A Node.js I/O error as a failed call shows it: `EPIPE (Broken pipe)`, with libc's own words. */
export function nodeErrorText(error: unknown): string {
  const errno = (error as NodeJS.ErrnoException | undefined)?.errno;
  if (typeof errno !== 'number') return String(error);
  const info = errnoInfo(-errno);
  return `${info.name} (${info.message})`;
}
