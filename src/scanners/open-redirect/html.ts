// Just enough HTML reading for the open-redirect test, without a parser or a backtracking regex:
// the start tags of one name and their attribute values, from a bounded prefix of the page.

/** Characters of the page searched. */
const SEARCH_LIMIT = 256 * 1024;
/** Characters of one tag read. */
const TAG_LIMIT = 4096;

/** ASCII-only lowercasing keeps every index the same in both strings. */
const asciiLower = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

const isSpace = (ch: string | undefined): boolean =>
  ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f';

/** The text of each `<name ...>` start tag (without the brackets), at most `max` of them. */
export function startTags(html: string, name: string, max: number): string[] {
  const text = html.slice(0, SEARCH_LIMIT);
  const lower = asciiLower(text);
  const open = `<${name}`;
  const tags: string[] = [];
  let at = lower.indexOf(open);
  while (at >= 0 && tags.length < max) {
    const after = at + open.length;
    if (isSpace(lower[after]) || lower[after] === '>' || lower[after] === '/') {
      const end = lower.indexOf('>', after);
      tags.push(text.slice(after, end < 0 ? after + TAG_LIMIT : Math.min(end, after + TAG_LIMIT)));
    }
    at = lower.indexOf(open, after);
  }
  return tags;
}

/** The value of attribute `name` in a tag's text (quoted or not), or null when absent. */
export function attribute(tag: string, name: string): string | null {
  const lower = asciiLower(tag);
  let at = lower.indexOf(name);
  while (at >= 0) {
    const before = lower[at - 1];
    let i = at + name.length;
    while (isSpace(lower[i])) i++;
    if ((at === 0 || isSpace(before) || before === '"' || before === "'" || before === '/') && lower[i] === '=') {
      i++;
      while (isSpace(lower[i])) i++;
      const quote = tag[i];
      if (quote === '"' || quote === "'") {
        const end = tag.indexOf(quote, i + 1);
        return tag.slice(i + 1, end < 0 ? tag.length : end);
      }
      let end = i;
      while (end < tag.length && !isSpace(tag[end]) && tag[end] !== '>') end++;
      return tag.slice(i, end);
    }
    at = lower.indexOf(name, at + 1);
  }
  return null;
}

/** The URL part of a refresh value: "5; url=https://x/" (or "5,url=", "5; https://x/"), optionally quoted. */
export function refreshTarget(content: string): string {
  let i = 0;
  const skip = (test: (ch: string) => boolean): void => {
    while (i < content.length && test(content[i] as string)) i++;
  };
  skip(isSpace);
  skip((ch) => (ch >= '0' && ch <= '9') || ch === '.');
  skip(isSpace);
  if (content[i] === ';' || content[i] === ',') i++;
  skip(isSpace);
  if (asciiLower(content.slice(i, i + 3)) === 'url') {
    let j = i + 3;
    while (isSpace(content[j])) j++;
    if (content[j] === '=') {
      i = j + 1;
      skip(isSpace);
    }
  }
  const rest = content.slice(i).trim();
  const quote = rest[0];
  if (quote !== '"' && quote !== "'") return rest;
  const end = rest.indexOf(quote, 1);
  return rest.slice(1, end < 0 ? undefined : end);
}

/** The URL of a `<meta http-equiv="refresh" content="0; url=...">`, when the page has one. */
export function metaRefreshUrl(html: string): string | null {
  for (const tag of startTags(html, 'meta', 64)) {
    if (asciiLower(attribute(tag, 'http-equiv') ?? '').trim() !== 'refresh') continue;
    const url = refreshTarget(attribute(tag, 'content') ?? '');
    if (url !== '') return url;
  }
  return null;
}
