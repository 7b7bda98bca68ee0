// A sitemap reader: is it a url set or a sitemap index, and which <loc> URLs does it list. Not an
// XML parser: it scans for <loc> elements (CDATA and the five XML entities handled), which is all
// a sitemap says and cannot expand entities or recurse. Gzipped sitemaps are inflated with a cap.
import { constants, gunzipSync } from 'node:zlib';

export interface Sitemap {
  kind: 'urlset' | 'index' | 'unknown';
  locs: string[];
  capped: boolean;
}

export const SITEMAP_LIMITS = { maxLocs: 5_000, maxLoc: 2_048, maxInflated: 8 * 1024 * 1024 };

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return XML_ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

/** Reads sitemap XML. */
export function parseSitemap(xml: string, limits = SITEMAP_LIMITS): Sitemap {
  const root = /<(?:[a-z0-9_-]{1,20}:)?(sitemapindex|urlset)[\s>]/i.exec(xml.slice(0, 64 * 1024));
  const kind = !root ? 'unknown' : (root[1] as string).toLowerCase() === 'urlset' ? 'urlset' : 'index';
  const locs: string[] = [];
  let capped = false;
  const open = /<(?:[a-z0-9_-]{1,20}:)?loc\s{0,20}>/gi;
  const close = /<\/(?:[a-z0-9_-]{1,20}:)?loc\s{0,20}>/gi;
  for (let m = open.exec(xml); m; m = open.exec(xml)) {
    close.lastIndex = open.lastIndex;
    const end = close.exec(xml);
    if (!end) break;
    open.lastIndex = close.lastIndex;
    const start = m.index + m[0].length;
    if (end.index - start > limits.maxLoc + 32) continue;
    let raw = xml.slice(start, end.index).trim();
    const cdata = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(raw);
    raw = cdata ? (cdata[1] as string).trim() : decodeXml(raw);
    if (raw === '' || raw.length > limits.maxLoc) continue;
    if (locs.length >= limits.maxLocs) {
      capped = true;
      break;
    }
    locs.push(raw);
  }
  return { kind, locs, capped };
}

/** The sitemap's text: inflated when the bytes are gzip (a cut-off stream gives what it holds). */
export function sitemapText(bytes: Uint8Array, limits = SITEMAP_LIMITS): string {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      const inflated = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: limits.maxInflated });
      return new TextDecoder('utf-8').decode(inflated);
    } catch {
      return '';
    }
  }
  return new TextDecoder('utf-8').decode(bytes);
}
