// What of a fetched page the signatures look at: headers, cookie names, the HTML, script URLs
// (resolved against the page) and meta tags; each list capped, since the page is hostile.
import { parseHtml } from './html';
import type { PageFeatures } from './match';
import type { FetchedPage } from './page';

const MAX_COOKIES = 100;
const MAX_SCRIPTS = 500;
const MAX_META = 200;
const WANTED = new Set(['script', 'meta']);

/** The cookie name of a Set-Cookie value. */
export function cookieName(setCookie: string): string {
  const eq = setCookie.indexOf('=');
  return (eq < 0 ? '' : setCookie.slice(0, Math.min(eq, 256))).trim();
}

/** A URL as written in a page, made absolute against the page's URL; undefined when it cannot be. */
export function absoluteUrl(ref: string, base: string): string | undefined {
  try {
    return new URL(ref.trim(), base).href;
  } catch {
    return undefined;
  }
}

export function isHtml(page: FetchedPage): boolean {
  const type = page.response.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  return /html|xml/i.test(type) || (type === '' && /^\s{0,100}</.test(page.body));
}

export function featuresOf(page: FetchedPage): PageFeatures {
  const { headers } = page.response;
  const cookies = headers
    .filter(([k]) => k.toLowerCase() === 'set-cookie')
    .slice(0, MAX_COOKIES)
    .map(([, v]) => cookieName(v))
    .filter((name) => name !== '');
  const html = isHtml(page) ? page.body : '';
  const parsed = parseHtml(html, WANTED);
  const scripts: string[] = [];
  const meta: [string, string][] = [];
  for (const tag of parsed.tags) {
    const src = tag.attrs.get('src');
    if (tag.name === 'script' && src && scripts.length < MAX_SCRIPTS) {
      scripts.push(absoluteUrl(src, page.url) ?? src);
    }
    const name = tag.attrs.get('name') ?? tag.attrs.get('property') ?? tag.attrs.get('http-equiv');
    const content = tag.attrs.get('content');
    if (tag.name === 'meta' && name && content !== undefined && meta.length < MAX_META) {
      meta.push([name.trim().toLowerCase(), content]);
    }
  }
  return { headers, cookies, html, scripts, meta };
}
