// Data shown the way strace's string_quote() and printstr_ex() show it: printable ASCII as is,
// C escapes for \t \n \v \f \r " and \, octal for the rest, written short (\0, \37, \377) unless
// the next shown byte is an octal digit (then \000), and `...` after the closing quote when more
// bytes were passed than are shown. With -x a string holding any byte that is neither printable
// ASCII nor one of \t \n \v \f \r is written wholly in hex (`\xff\x01\x68`); with -xx every string is.

/** strace's -x level: 0 none, 1 (-x) strings with a non-printable byte in hex, 2 (-xx) every string in hex. */
export type HexLevel = 0 | 1 | 2;

const NAMED_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x22, '\\"'],
  [0x5c, '\\\\'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x0b, '\\v'],
]);

function isOctalDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x37;
}

function octal(byte: number, fullWidth: boolean): string {
  return '\\' + (fullWidth ? byte.toString(8).padStart(3, '0') : byte.toString(8));
}

/** What strace -x lets pass as text: printable ASCII and the C whitespace escapes \t \n \v \f \r (9 to 13). */
function isTextByte(byte: number): boolean {
  return (byte >= 0x20 && byte < 0x7f) || (byte >= 0x09 && byte <= 0x0d);
}

function hexOf(bytes: Uint8Array, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += `\\x${bytes[i].toString(16).padStart(2, '0')}`;
  return out;
}

/** Whether strace writes these shown bytes in hex: always with -xx, with -x when one is not text (util.c string_quote). */
function wantsHex(head: Uint8Array, shown: number, hex: HexLevel): boolean {
  if (hex === 2) return true;
  if (hex === 0) return false;
  for (let i = 0; i < shown; i++) if (!isTextByte(head[i])) return true;
  return false;
}

/**
 * @param head   the bytes available (at least min(length, limit) of them)
 * @param length how many bytes the call passed or returned
 * @param limit  how many bytes to show (strace's -s, 32 by default)
 * @param hex    strace's -x level
 */
export function quoteBytes(head: Uint8Array, length: number, limit: number, hex: HexLevel = 0): string {
  const shown = Math.min(length, limit, head.length);
  const more = length > limit ? '...' : '';
  if (wantsHex(head, shown, hex)) return `"${hexOf(head, shown)}"${more}`;
  let out = '"';
  for (let i = 0; i < shown; i++) {
    const byte = head[i];
    const named = NAMED_ESCAPES.get(byte);
    if (named !== undefined) out += named;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += octal(byte, i + 1 < shown && isOctalDigit(head[i + 1]));
  }
  return `${out}"${more}`;
}

/** A C string, such as getaddrinfo's node or an address in a sockaddr: quoted like data, never cut. */
export function quoteString(text: string, hex: HexLevel = 0): string {
  const bytes = Buffer.from(text, 'utf8');
  return quoteBytes(bytes, bytes.length, bytes.length, hex);
}
