// Error names and messages, asked of libc itself rather than copied into a table.
import { gaiStrerror, strerror, strerrorname } from './ffi';
import { ADDRINFO_ERRORS, nameOf, valueOf } from './xlat';

export interface ErrorInfo {
  readonly code: number;
  /** `ECONNREFUSED`, `EAI_NONAME`. */
  readonly name: string;
  /** `Connection refused`, as strerror(3) or gai_strerror(3) words it. */
  readonly message: string;
}

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

/** Linux's errno values end well below this; libc names each one it knows. */
const ERRNO_LIMIT = 256;

/** The errno libc knows by this number, or null. */
export function knownErrno(code: number): ErrorInfo | null {
  if (!Number.isInteger(code) || code <= 0 || code >= ERRNO_LIMIT || strerrorname(code) === null) return null;
  return errnoInfo(code);
}

/** The errno libc knows by this name (`ECONNREFUSED`), or null. Aliases such as EWOULDBLOCK give the number's own name. */
export function errnoByName(name: string): ErrorInfo | null {
  for (let code = 1; code < ERRNO_LIMIT; code++) {
    const info = knownErrno(code);
    if (info?.name === name) return info;
  }
  const ALIASES: Readonly<Record<string, string>> = { EWOULDBLOCK: 'EAGAIN', EDEADLOCK: 'EDEADLK', ENOTSUP: 'EOPNOTSUPP' };
  return ALIASES[name] ? errnoByName(ALIASES[name]) : null;
}

/** getaddrinfo's error by name (`EAI_NONAME`), or null. */
export function addrinfoErrorByName(name: string): ErrorInfo | null {
  return ADDRINFO_ERRORS.entries.some(([entry]) => entry === name) ? addrinfoErrorInfo(valueOf(ADDRINFO_ERRORS, name)) : null;
}

/** A Node.js I/O error as a failed call shows it: `EPIPE (Broken pipe)`, with libc's own words. */
export function nodeErrorText(error: unknown): string {
  const errno = (error as NodeJS.ErrnoException | undefined)?.errno;
  if (typeof errno !== 'number') return String(error);
  const info = errnoInfo(-errno);
  return `${info.name} (${info.message})`;
}
