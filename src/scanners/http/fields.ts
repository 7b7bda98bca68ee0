// Splitting header values the way their grammars say: lists separated by a delimiter outside
// quoted strings (RFC 9110 5.6), and `name=value` parameters. One pass over the characters, so
// any input is read in linear time.

/** Splits `text` on `delimiter` outside double-quoted strings (backslash escapes honoured); parts are trimmed. */
export function splitOutsideQuotes(text: string, delimiter: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted && ch === '\\' && i + 1 < text.length) {
      current += ch + (text[i + 1] as string);
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === delimiter && !quoted) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current.trim());
  return parts;
}

/** A quoted string's content (escapes undone), or the text as is when it is not quoted. */
export function unquote(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  let out = '';
  const inner = text.slice(1, -1);
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i] as string;
    if (ch === '\\' && i + 1 < inner.length) {
      out += inner[i + 1] as string;
      i++;
    } else out += ch;
  }
  return out;
}

/** `name=value` (or a bare `name`) with the name lowercased and the value unquoted; null value for a bare name. */
export function nameValue(part: string): { name: string; value: string | null } {
  const eq = part.indexOf('=');
  if (eq < 0) return { name: part.trim().toLowerCase(), value: null };
  return { name: part.slice(0, eq).trim().toLowerCase(), value: unquote(part.slice(eq + 1).trim()) };
}

/** Every value of a header (case-insensitive name), in order. */
export function headerValues(headers: readonly (readonly [string, string])[], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}
