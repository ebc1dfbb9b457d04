// Data shown the way strace's string_quote() and printstr_ex() show it: printable ASCII as is,
// C escapes for \t \n \v \f \r " and \, octal for the rest, written short (\0, \37, \377) unless
// the next shown byte is an octal digit (then \000), and `...` after the closing quote when more
// bytes were passed than are shown.

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

/**
 * @param head   the bytes available (at least min(length, limit) of them)
 * @param length how many bytes the call passed or returned
 * @param limit  how many bytes to show (strace's -s, 32 by default)
 */
export function quoteBytes(head: Uint8Array, length: number, limit: number): string {
  const shown = Math.min(length, limit, head.length);
  let out = '"';
  for (let i = 0; i < shown; i++) {
    const byte = head[i];
    const named = NAMED_ESCAPES.get(byte);
    if (named !== undefined) out += named;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += octal(byte, i + 1 < shown && isOctalDigit(head[i + 1]));
  }
  out += '"';
  return length > limit ? out + '...' : out;
}

/** A C string argument, such as getaddrinfo's node: quoted like data, never cut. */
export function quoteString(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return quoteBytes(bytes, bytes.length, bytes.length);
}
