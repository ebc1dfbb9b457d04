// Text from the user (an argument, a line of a lesson file, a host name) shown on a terminal: control
// characters are escaped as strace escapes data (\n, \t, \33), so that an escape sequence is seen, never
// obeyed, and a message stays one line; a long text is cut, as strace -s cuts data.

/** How many characters of a user's text a message shows. */
export const SHOWN_CHARACTERS = 64;

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r' };
/** C0 controls, DEL and the C1 controls (which some terminals obey as escape sequences too). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with every control character escaped (`\33`, `\n`), whole. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\${c.charCodeAt(0).toString(8)}`);
}

/** `text` escaped and cut to `limit` characters, then `...`: for a piece of user text inside a message. */
export function visible(text: string, limit = SHOWN_CHARACTERS): string {
  const cut = [...text].length > limit ? [...text].slice(0, limit).join('') : null;
  return cut === null ? escapeControls(text) : `${escapeControls(cut)}...`;
}

/** The first control character in `text`, escaped (`\33`), or null: lesson files must have none. */
export function firstControl(text: string): string | null {
  const found = text.replace(/\t/g, ' ').match(/[\u0000-\u001f\u007f-\u009f]/);
  return found ? escapeControls(found[0]) : null;
}
