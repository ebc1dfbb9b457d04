// Finding things in the reference tables: pure functions, no libc, so lessons and notes can use them.
import { UsageError } from '../args';
import { ERRNO_ALIASES } from '../libc/xlat';
import { EXPLAINED_NAMES, ExplainedName } from '../calls/registry';
import { CALLS, CallReference } from './calls';
import { ADDRINFO_ERROR_NOTES, ErrorNote, SOCKET_ERRORS } from './errors';
import { visible } from '../visible';

/** What `netsys errno` was asked about: a number, or a name in capitals. */
export type ErrnoQuery = { readonly number: number } | { readonly name: string };

/** table[key] when the table itself has that key, not its prototype (`constructor`). */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** The notes on an error, by its name in any case or by an alias: `econnrefused`, `EWOULDBLOCK`, `EAI_NONAME`. */
export function errorNote(name: string): ErrorNote | undefined {
  const upper = name.toUpperCase();
  const canonical = own(ERRNO_ALIASES, upper) ?? upper;
  return own(SOCKET_ERRORS, canonical) ?? own(ADDRINFO_ERROR_NOTES, canonical);
}

/** What usually causes the error `name` on Linux, in a sentence or two; undefined for an error not in the tables. */
export function explainErrno(name: string): string | undefined {
  return errorNote(name)?.cause;
}

/** The other names of libc's `name`: `['EWOULDBLOCK']` for EAGAIN. */
export function aliasesOf(name: string): string[] {
  return Object.keys(ERRNO_ALIASES).filter((alias) => ERRNO_ALIASES[alias] === name);
}

/** Every call `netsys explain` knows, in the registry's order. */
export const CALL_NAMES: readonly ExplainedName[] = EXPLAINED_NAMES;

/** `accept`, `ACCEPT`, `accept()` and `accept(2)` all name `accept`. */
export function callName(text: string): string {
  return text.trim().toLowerCase().replace(/\(\d?\)$/, '');
}

/** The reference for a call, by any of the spellings callName() accepts. */
export function findCall(text: string): CallReference | undefined {
  return own(CALLS, callName(text));
}

export function unknownErrno(text: string): UsageError {
  return new UsageError(`unknown errno "${visible(text)}": give a name such as ECONNREFUSED or a number such as 111`);
}

export function unknownCall(text: string): UsageError {
  return new UsageError(`unknown call "${visible(text)}": netsys explains ${CALL_NAMES.join(', ')}`);
}

/** `111`, `-2` (getaddrinfo's codes are negative), `ECONNREFUSED`, `econnrefused`. */
export function parseErrnoQuery(text: string): ErrnoQuery {
  const trimmed = text.trim();
  if (/^-?\d{1,9}$/.test(trimmed)) return { number: Number(trimmed) };
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(trimmed)) return { name: trimmed.toUpperCase() };
  throw unknownErrno(text);
}
