// Names the product behind a banner: a greeting against the banner signatures, an HTTP response
// head against the tech scanner's header signatures, so a server seen by both is one technology
// node. Input is cut before any pattern sees it, and a version is kept only when it looks like one.
import { cpeOf, detect, technologyValue, versionOf } from '../tech/match';
import { BANNER_SIGNATURES, type BannerProduct } from './banner-signatures';
import { bannerChars, escapeBanner } from './banner-text';
import type { Probe } from './port-table';

export interface Product {
  name: string;
  /** The technology node's value, as the tech scanner writes it: slug@version, or the slug alone. */
  value: string;
  version?: string;
  categories: string[];
  /** CPE 2.3, version `*` (any) when unknown. */
  cpe?: string;
  /** What matched, one bounded printable line. */
  matched: string;
}

/** Bytes of a banner patterns see. */
const MAX_INPUT = 4096;
/** Header lines of a response head read. */
const MAX_HEADERS = 64;
const MAX_MATCHED = 160;

/** The CPE 2.3 name of a product seen with `version`: NVD's update field split off where the product uses it. */
export function cpeFor(product: Pick<BannerProduct, 'cpe' | 'cpeUpdate'>, version?: string): string | undefined {
  if (!product.cpe) return undefined;
  if (!version) return `${product.cpe}:*:*:*:*:*:*:*:*`;
  const split = product.cpeUpdate ? /^([0-9.]+)([a-z][a-z0-9]*)$/i.exec(version) : null;
  if (split) return `${product.cpe}:${split[1]}:${split[2]?.toLowerCase()}:*:*:*:*:*:*`;
  return `${product.cpe}:${version}:*:*:*:*:*:*:*`;
}

function bounded(text: string): string {
  return text.length > MAX_MATCHED ? `${text.slice(0, MAX_MATCHED)}…` : text;
}

/** The products a greeting names: the first pattern of each product that matches. */
export function identifyGreeting(
  bytes: Uint8Array,
  signatures: readonly BannerProduct[] = BANNER_SIGNATURES,
): Product[] {
  const cut = bytes.subarray(0, MAX_INPUT);
  const input = bannerChars(cut);
  const found: Product[] = [];
  for (const product of signatures) {
    for (const pattern of product.patterns) {
      const match = pattern.exec(input);
      if (!match) continue;
      const version = versionOf(match, input);
      const cpe = cpeFor(product, version);
      found.push({
        name: product.name,
        value: version ? `${product.slug}@${version}` : product.slug,
        ...(version ? { version } : {}),
        categories: product.categories,
        ...(cpe ? { cpe } : {}),
        matched: bounded(escapeBanner(cut.subarray(match.index, match.index + match[0].length))),
      });
      break;
    }
  }
  return found;
}

/** A response head's header fields (name, value) and Set-Cookie names, bounded. */
export function headFields(bytes: Uint8Array): { headers: [string, string][]; cookies: string[] } {
  const lines = bannerChars(bytes.subarray(0, MAX_INPUT)).split(/\r?\n/, MAX_HEADERS + 1);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const cookies = headers
    .filter(([name]) => name.toLowerCase() === 'set-cookie')
    .map(([, value]) => (value.split('=', 1)[0] ?? '').trim())
    .filter((name) => name !== '');
  return { headers, cookies };
}

/** The products an HTTP response head names, by the tech scanner's header and cookie signatures. */
export function identifyHttpHead(bytes: Uint8Array): Product[] {
  if (!/^HTTP\/[0-9]/.test(bannerChars(bytes.subarray(0, 8)))) return [];
  const { headers, cookies } = headFields(bytes);
  return detect({ headers, cookies, html: '', scripts: [], meta: [] }).map((d) => {
    const cpe = cpeOf(d);
    return {
      name: d.tech.name,
      value: technologyValue(d),
      ...(d.version ? { version: d.version } : {}),
      categories: d.tech.categories,
      ...(cpe ? { cpe } : {}),
      matched: bounded(d.matched),
    };
  });
}

/**
 * What an open port's banner names: a greeting by the banner signatures; an HTTP head by the tech
 * scanner's signatures and then by the banner signatures' own header patterns (Docker, CouchDB).
 */
export function identify(bytes: Uint8Array, probe: Probe): Product[] {
  if (probe !== 'http') return identifyGreeting(bytes);
  const found = identifyHttpHead(bytes);
  const known = new Set(found.map((p) => p.name));
  return [...found, ...identifyGreeting(bytes).filter((p) => !known.has(p.name))];
}
