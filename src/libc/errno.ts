// Error names and messages, asked of libc itself rather than copied into a table.
import { gaiStrerror, strerror, strerrorname } from './ffi';
import { ADDRINFO_ERRORS, nameOf } from './xlat';

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

/** A Node.js I/O error as a failed call shows it: `EPIPE (Broken pipe)`, with libc's own words. */
export function nodeErrorText(error: unknown): string {
  const errno = (error as NodeJS.ErrnoException | undefined)?.errno;
  if (typeof errno !== 'number') return String(error);
  const info = errnoInfo(-errno);
  return `${info.name} (${info.message})`;
}
