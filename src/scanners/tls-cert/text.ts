// Certificate fields are written by whoever made the certificate: shown as text, they must not
// carry terminal escapes, NULs or bidi overrides, nor run to megabytes. Such characters are
// written as \u escapes, and values are cut to a length.

/** C0 and C1 controls, DEL, bidi embeddings, overrides and isolates, line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

export function hasUnsafeCharacters(text: string): boolean {
  return new RegExp(UNSAFE.source).test(text);
}

export function visible(text: string, max = 1000): string {
  const cut = text.length > max ? `${text.slice(0, max)}...` : text;
  return cut.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
