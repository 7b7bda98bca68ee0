// A bounded, linear HTML tag reader for hostile pages: it finds tags and their attributes, the
// text between them and the inline scripts, without building a DOM. Every loop advances through
// the input, and tags, attributes and text are capped, so a crafted page costs at most one pass.

export interface HtmlTag {
  /** Lowercase tag name. */
  name: string;
  /** Lowercase attribute names to decoded values (the first occurrence wins). */
  attrs: Map<string, string>;
}

export interface ParsedHtml {
  /** Opening tags of the names asked for, in document order. */
  tags: HtmlTag[];
  /** Each inline script: its type attribute (lowercase, '' when absent) and its text's length. */
  inlineScripts: { type: string; length: number }[];
  /** The text outside tags, scripts and styles, entities decoded, capped. */
  text: string;
  /** A cap was reached: the page has more than was read. */
  capped: boolean;
}

export interface HtmlLimits {
  maxTags: number;
  maxAttrs: number;
  maxValue: number;
  maxText: number;
}

export const DEFAULT_LIMITS: HtmlLimits = { maxTags: 20_000, maxAttrs: 64, maxValue: 4096, maxText: 256 * 1024 };

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Decodes the character references pages use in URLs and text (named basics and numeric). */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

const NAME_CHAR = /[A-Za-z0-9:_-]/;
const SPACE = /[\s/]/;
const RAW_TEXT_END: Record<string, RegExp> = { script: /<\/script/gi, style: /<\/style/gi, textarea: /<\/textarea/gi };

/**
 * Reads `html`, keeping the opening tags named in `wanted`. Linear in the input: each step moves
 * the position forward and every search starts where the last one ended.
 */
export function parseHtml(html: string, wanted: ReadonlySet<string>, limits: HtmlLimits = DEFAULT_LIMITS): ParsedHtml {
  const tags: HtmlTag[] = [];
  const inlineScripts: ParsedHtml['inlineScripts'] = [];
  const text: string[] = [];
  let textLength = 0;
  let capped = false;
  let seen = 0;
  const addText = (chunk: string): void => {
    if (textLength >= limits.maxText || chunk.trim() === '') return;
    const piece = chunk.slice(0, limits.maxText - textLength);
    text.push(decodeEntities(piece));
    textLength += piece.length;
  };
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      addText(html.slice(i));
      break;
    }
    addText(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    const closing = html[lt + 1] === '/';
    let j = closing ? lt + 2 : lt + 1;
    if (html[j] === '!' || html[j] === '?') {
      const end = html.indexOf('>', j);
      i = end < 0 ? n : end + 1;
      continue;
    }
    const nameStart = j;
    while (j < n && NAME_CHAR.test(html[j] as string)) j++;
    if (j === nameStart || !/[A-Za-z]/.test(html[nameStart] as string)) {
      addText('<');
      i = lt + 1;
      continue;
    }
    if (++seen > limits.maxTags) {
      capped = true;
      break;
    }
    const name = html.slice(nameStart, Math.min(j, nameStart + 64)).toLowerCase();
    const attrs = new Map<string, string>();
    // Attributes: name, optional =, optional quoted or bare value; up to '>' outside quotes.
    while (j < n && html[j] !== '>') {
      if (SPACE.test(html[j] as string)) {
        j++;
        continue;
      }
      const attrStart = j;
      while (j < n && !/[\s=>/]/.test(html[j] as string)) j++;
      if (j === attrStart) {
        j++;
        continue;
      }
      const attr = html.slice(attrStart, Math.min(j, attrStart + 128)).toLowerCase();
      while (j < n && /\s/.test(html[j] as string)) j++;
      let value = '';
      if (html[j] === '=') {
        j++;
        while (j < n && /\s/.test(html[j] as string)) j++;
        const quote = html[j];
        if (quote === '"' || quote === "'") {
          const end = html.indexOf(quote, j + 1);
          const stop = end < 0 ? n : end;
          value = html.slice(j + 1, Math.min(stop, j + 1 + limits.maxValue));
          j = stop + 1;
        } else {
          const valueStart = j;
          while (j < n && !/[\s>]/.test(html[j] as string)) j++;
          value = html.slice(valueStart, Math.min(j, valueStart + limits.maxValue));
        }
      }
      if (attrs.size < limits.maxAttrs && !attrs.has(attr)) attrs.set(attr, decodeEntities(value));
      else if (attrs.size >= limits.maxAttrs) capped = true;
    }
    i = j + 1;
    if (closing) continue;
    if (wanted.has(name)) tags.push({ name, attrs });
    const endPattern = RAW_TEXT_END[name];
    if (endPattern) {
      endPattern.lastIndex = i;
      const end = endPattern.exec(html);
      const stop = end ? end.index : n;
      if (name === 'script' && !attrs.has('src')) {
        inlineScripts.push({ type: (attrs.get('type') ?? '').trim().toLowerCase(), length: stop - i });
      }
      if (name === 'textarea') addText(html.slice(i, stop));
      i = stop;
    }
  }
  return { tags, inlineScripts, text: text.join(' '), capped };
}
