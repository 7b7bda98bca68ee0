// Values written by the site (titles, header values, cookie names) are hostile: they are shown as
// one printable line, with control, format (bidi, zero-width) and separator characters escaped so
// an analyst sees they were there, and cut to a bounded length.

/** Characters that would change how a line displays: C0, DEL, C1, format (Cf), line and paragraph separators. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

function escapeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One printable line of at most `max` characters (an ellipsis marks a cut). */
export function printable(text: string, max = 300): string {
  // Escaping first could cut an escape in half; the input is cut first to bound the work.
  const escaped = text.slice(0, max * 2).replace(UNPRINTABLE, escapeChar);
  return escaped.length > max || text.length > max * 2 ? `${escaped.slice(0, max)}…` : escaped;
}
