// Matches what a page shows (headers, cookie names, HTML, script URLs, meta tags) against the
// compiled signatures. Each input is cut to a bounded length before any pattern sees it, and a
// version is kept only when it looks like one.
import { type CompiledTechnology, SIGNATURES } from './signatures';

export interface PageFeatures {
  headers: readonly (readonly [string, string])[];
  /** Set-Cookie names. */
  cookies: readonly string[];
  html: string;
  /** Script src URLs, absolute where they could be resolved. */
  scripts: readonly string[];
  /** [lowercase meta name, content]. */
  meta: readonly (readonly [string, string])[];
}

export interface Detection {
  tech: CompiledTechnology;
  version?: string;
  /** What matched, as one short printable line ("header server: nginx/1.18.0"). */
  matched: string;
}

/** Field lengths patterns see; longer values are cut. */
const MAX_FIELD = 4096;
const MAX_HTML = 1024 * 1024;
/** Distinct versions kept per technology (two jQuery copies on one page happen). */
const MAX_VERSIONS = 3;

/** Up to four numeric parts and an optional suffix ("1.18.0", "8.2p1", "3.0.0rc1"). */
const VERSION = /^[0-9]{1,8}(?:\.[0-9]{1,8}){0,3}(?:[a-z]{1,5}[0-9]{0,4})?$/i;

/**
 * The first capture group that holds a version. A capture followed by more digits was cut by its
 * bound, so it is junk ("1.1.1.1…"), not a version.
 */
/** The first capture group that reads as a version and is not cut off mid-number; a sentence's final dot dropped. */
export function versionOf(match: RegExpExecArray, input: string): string | undefined {
  for (let g = 1; g < match.length; g++) {
    const group = match[g];
    const end = match.indices?.[g]?.[1];
    if (!group || end === undefined || /^\.?[0-9]/.test(input.slice(end, end + 2))) continue;
    const version = group.replace(/\.+$/, '');
    if (VERSION.test(version)) return version;
  }
  return undefined;
}

/** One printable line, bounded: matched text comes from the page and is hostile. */
export function printable(text: string, max = 160): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

interface Hit {
  version?: string;
  matched: string;
}

function hitsOf(tech: CompiledTechnology, page: PageFeatures, html: string): Hit[] {
  const hits: Hit[] = [];
  const test = (pattern: RegExp, value: string, label: string): void => {
    const input = value.slice(0, MAX_FIELD);
    const m = pattern.exec(input);
    if (!m) return;
    const version = versionOf(m, input);
    hits.push({ ...(version ? { version } : {}), matched: printable(`${label}: ${input}`) });
  };
  for (const { name, pattern } of tech.headers) {
    for (const [header, value] of page.headers) {
      if (header.toLowerCase() === name) test(pattern, value, `header ${name}`);
    }
  }
  for (const pattern of tech.cookies) {
    for (const cookie of page.cookies) test(pattern, cookie, 'cookie');
  }
  for (const pattern of tech.scripts) {
    for (const src of page.scripts) test(pattern, src, 'script');
  }
  for (const { name, pattern } of tech.meta) {
    for (const [meta, content] of page.meta) if (meta === name) test(pattern, content, `meta ${name}`);
  }
  for (const pattern of tech.html) {
    const m = pattern.exec(html);
    if (!m) continue;
    const version = versionOf(m, html);
    hits.push({ ...(version ? { version } : {}), matched: printable(`html: ${m[0]}`) });
  }
  return hits;
}

/**
 * The technologies the page shows: one detection per distinct version found (or one without a
 * version), then those implied by them that were not seen themselves.
 */
export function detect(page: PageFeatures, signatures: readonly CompiledTechnology[] = SIGNATURES): Detection[] {
  const html = page.html.slice(0, MAX_HTML);
  const detections: Detection[] = [];
  for (const tech of signatures) {
    const hits = hitsOf(tech, page, html);
    if (hits.length === 0) continue;
    const versioned = new Map<string, Hit>();
    for (const hit of hits) if (hit.version && !versioned.has(hit.version)) versioned.set(hit.version, hit);
    const kept = versioned.size > 0 ? [...versioned.values()].slice(0, MAX_VERSIONS) : [hits[0] as Hit];
    for (const hit of kept) detections.push({ tech, ...hit });
  }
  const byName = new Map(signatures.map((t) => [t.name, t]));
  const found = new Set(detections.map((d) => d.tech.name));
  // Implications go one level at a time; the set of names bounds the loop.
  for (let k = 0; k < detections.length && k < 1000; k++) {
    const from = detections[k] as Detection;
    for (const implied of from.tech.implies) {
      const tech = byName.get(implied);
      if (!tech || found.has(implied)) continue;
      found.add(implied);
      detections.push({ tech, matched: `implied by ${from.tech.name}` });
    }
  }
  return detections;
}

/** The node value: "jquery@3.5.1", or the slug alone when no version is known. */
export function technologyValue(d: Pick<Detection, 'tech' | 'version'>): string {
  return d.version ? `${d.tech.slug}@${d.version}` : d.tech.slug;
}

/** A CPE 2.3 name for the detection, the version `*` (any) when unknown. */
export function cpeOf(d: Pick<Detection, 'tech' | 'version'>): string | undefined {
  if (!d.tech.cpe) return undefined;
  return `${d.tech.cpe}:${d.version ?? '*'}:*:*:*:*:*:*:*`;
}
