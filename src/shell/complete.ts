// Tab at the shell's prompt: the word before the cursor completed from the calls (`sock` → `socket(`),
// the constants an argument may be (`AF_`, `SOCK_`, `MSG_`, `SHUT_`, `SO_`, ...), the names bound so far,
// and, at the start of a line, the shell's own words. Pure: the line and the names in, readline's answer out.
import { INT_CONSTANTS } from '../lessons/callline';
import { SIGNATURES } from '../lessons/signatures';
import { SHELL_WORDS } from './input';

/** Every constant any call's argument may be written as, once each, sorted. */
export const CONSTANTS: readonly string[] = [
  ...new Set([
    ...Object.values(SIGNATURES).flatMap((signature) =>
      signature.params.flatMap((param) => (param.type.kind === 'constant' ? param.type.tables.flatMap((table) => table.entries.map(([name]) => name)) : [])),
    ),
    ...Object.keys(INT_CONSTANTS),
  ]),
].sort();

const CALLS = Object.keys(SIGNATURES).map((call) => `${call}(`);
const AFTER_EXPLAIN = /^\s*explain\s+\w*$/;

/**
 * readline's completer: the candidates for the word before the cursor, and that word.
 * @param line  the line up to the cursor
 * @param names the names bound so far in the session
 */
export function complete(line: string, names: readonly string[]): [string[], string] {
  const word = /[A-Za-z_]\w*$/.exec(line)?.[0] ?? '';
  const before = line.slice(0, line.length - word.length);
  if (AFTER_EXPLAIN.test(line)) {
    return [Object.keys(SIGNATURES).filter((call) => call.startsWith(word)), word];
  }
  const atStart = /^\s*$/.test(before);
  const callPlace = atStart || /^\s*((server|client)\s*:\s*)?([A-Za-z_]\w*\s*=\s*)?$/.test(before);
  const candidates = [
    ...(atStart ? SHELL_WORDS.map(([shellWord]) => shellWord) : []),
    ...(callPlace ? CALLS : []),
    ...(callPlace ? [] : [...names, ...CONSTANTS]),
  ];
  const hits = [...new Set(candidates.filter((candidate) => candidate.startsWith(word)))];
  return [hits, word];
}
