// The page title, read from hostile HTML without a parser or a backtracking regex: the first
// <title> element in the first part of the body, its character references decoded, whitespace
// collapsed, and the result made one printable line (markup in it stays text).
import { printable } from './text';

/** Titles sit in the head; nothing past this many characters is searched. */
const SEARCH_LIMIT = 256 * 1024;
/** Raw title text read before decoding. */
const RAW_LIMIT = 4096;
export const TITLE_LIMIT = 300;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Decodes &name; &#NN; &#xHH; (other text is kept as is). */
function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      // Surrogates, NUL and out-of-range code points become U+FFFD, as HTML parsers do.
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Index of the first `<tag` followed by a delimiter (`>`, space, `/`), from `from`; -1 when none. */
function findTag(lower: string, tag: string, from: number): number {
  let at = lower.indexOf(tag, from);
  while (at >= 0) {
    const next = lower[at + tag.length];
    if (
      next === undefined ||
      next === '>' ||
      next === '/' ||
      next === ' ' ||
      next === '\t' ||
      next === '\n' ||
      next === '\r' ||
      next === '\f'
    )
      return at;
    at = lower.indexOf(tag, at + 1);
  }
  return -1;
}

/** The title of an HTML document, or null when it has none. */
export function extractTitle(html: string): string | null {
  const text = html.slice(0, SEARCH_LIMIT);
  // ASCII-only lowercasing keeps every index the same in both strings.
  const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const open = findTag(lower, '<title', 0);
  if (open < 0) return null;
  const contentStart = lower.indexOf('>', open);
  if (contentStart < 0) return null;
  const close = findTag(lower, '</title', contentStart + 1);
  const raw = text.slice(
    contentStart + 1,
    close < 0 ? contentStart + 1 + RAW_LIMIT : Math.min(close, contentStart + 1 + RAW_LIMIT),
  );
  const title = decodeEntities(raw).replace(/\s+/g, ' ').trim();
  return title === '' ? null : printable(title, TITLE_LIMIT);
}

/** The body as text: the declared charset when the platform knows it, else UTF-8; invalid bytes become U+FFFD. */
export function decodeBody(body: Uint8Array, contentType: string | undefined): string {
  const declared = /charset\s*=\s*"?([A-Za-z0-9._:-]{1,40})/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
