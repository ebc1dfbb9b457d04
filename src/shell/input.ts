// What one line typed at `netsys shell` asks for: a call (on the side of the prompt, or `client: CALL`
// on the side it names), a switch of side, or one of the shell's own words. Pure: text in, a command out.
import { Side, SIDES } from '../lessons/format';

export type ShellCommand =
  | { readonly kind: 'empty' }
  | { readonly kind: 'switch'; readonly side: Side }
  /** `source` is the call as typed; `column` where it starts in the line (for a caret under a problem). */
  | { readonly kind: 'call'; readonly side: Side | null; readonly source: string; readonly column: number }
  | { readonly kind: 'help' }
  | { readonly kind: 'explain'; readonly name?: string }
  | { readonly kind: 'errno'; readonly name?: string }
  | { readonly kind: 'names' }
  | { readonly kind: 'save'; readonly file: string }
  | { readonly kind: 'exit' };

/** The shell's own words, with what each does (for `help` and Tab). */
export const SHELL_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['server', 'the next calls are the server\'s (the prompt says whose they are)'],
  ['client', 'the next calls are the client\'s; "client: CALL" makes one call on that side'],
  ['names', 'what each name stands for, and each open socket\'s state from the kernel'],
  ['explain', 'explain CALL: its prototype, what it does, its errors (as netsys explain)'],
  ['errno', 'errno NAME: its number, message and usual cause (as netsys errno)'],
  ['save', 'save FILE: the calls made so far as a lesson file (netsys lesson --lessons-dir DIR ID runs it)'],
  ['help', 'this list'],
  ['exit', 'wake every held call, close every socket, and leave (also Ctrl-D, or Ctrl-C on an empty line)'],
];

const SIDE_PREFIX = /^\s*(server|client)\s*:\s*/;

/** Reads one line. Anything that is not one of the shell's words is taken as a call (the grammar judges it). */
export function readCommand(line: string): ShellCommand {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return { kind: 'empty' };
  if ((SIDES as readonly string[]).includes(text)) return { kind: 'switch', side: text as Side };
  const [word, ...rest] = text.split(/\s+/);
  const argument = rest.join(' ');
  switch (word) {
    case 'help':
    case '?':
      if (rest.length === 0) return { kind: 'help' };
      break;
    case 'exit':
    case 'quit':
      if (rest.length === 0) return { kind: 'exit' };
      break;
    case 'names':
      if (rest.length === 0) return { kind: 'names' };
      break;
    case 'explain':
      return argument === '' ? { kind: 'explain' } : { kind: 'explain', name: argument };
    case 'errno':
      return argument === '' ? { kind: 'errno' } : { kind: 'errno', name: argument };
    case 'save':
      return { kind: 'save', file: argument };
  }
  const prefix = SIDE_PREFIX.exec(line);
  if (prefix) return { kind: 'call', side: prefix[1] as Side, source: line.slice(prefix[0].length), column: prefix[0].length };
  return { kind: 'call', side: null, source: line, column: 0 };
}
