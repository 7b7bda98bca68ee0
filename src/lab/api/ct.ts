// Certificate Transparency search for the lab, in two shapes from the same entries: crt.sh's JSON
// rows (name_value holding newline-separated identities) and Cert Spotter's issuances (hashes,
// dns_names, issuer object). Hashes the scenario does not give are derived from the entry, so
// the same scenario always shows the same values.
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import type { CtEntry } from '../scenario/schema';

type Entry = z.infer<typeof CtEntry>;

export interface IndexedEntry {
  entry: Entry;
  /** Lowercase identities: the common name and every name_value line, each once. */
  names: string[];
  /** The identities that are DNS names (wildcards included), as Cert Spotter lists them. */
  dnsNames: string[];
}

/** Cert Spotter returns at most this many issuances per request; `after` pages on. */
export const CERTSPOTTER_PAGE = 100;
const MAX_PATTERN_LENGTH = 300;
const MAX_WILDCARDS = 4;
const DNS_NAME = /^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

function identities(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line !== '');
}

/** Every entry once (by id), in id order. */
export function indexCt(groups: readonly { entries: readonly Entry[] }[]): IndexedEntry[] {
  const byId = new Map<number, Entry>();
  for (const group of groups) for (const entry of group.entries) if (!byId.has(entry.id)) byId.set(entry.id, entry);
  return [...byId.values()]
    .sort((a, b) => a.id - b.id)
    .map((entry) => {
      const dnsNames = [...new Set(identities(entry.name_value))].filter((name) => DNS_NAME.test(name));
      const names = [...new Set([...identities(entry.common_name), ...identities(entry.name_value)])];
      return { entry, names, dnsNames };
    });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Which identities a crt.sh query matches: "%" is SQL LIKE's "anything" ("%.example.com" is every
 * subdomain); a plain name matches itself and every name under it. Null for an unusable query.
 */
export function crtshMatcher(query: string): ((name: string) => boolean) | null {
  const q = query.trim().toLowerCase().replace(/\.$/, '');
  if (q === '' || q.length > MAX_PATTERN_LENGTH) return null;
  if (q.includes('%')) {
    const parts = q.split('%');
    if (parts.length - 1 > MAX_WILDCARDS) return null;
    const pattern = new RegExp(`^${parts.map(escapeRegExp).join('.*')}$`, 's');
    return (name) => pattern.test(name);
  }
  return (name) => name === q || name.endsWith(`.${q}`);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export interface CrtshRow {
  issuer_ca_id: number;
  issuer_name: string;
  common_name: string;
  name_value: string;
  id: number;
  entry_timestamp: string;
  not_before: string;
  not_after: string;
  serial_number: string;
  result_count: number;
}

/** crt.sh's JSON rows for a query, newest certificate first; `now` decides what exclude=expired drops. */
export function crtshRows(
  entries: readonly IndexedEntry[],
  matches: (name: string) => boolean,
  options: { excludeExpired: boolean; now: Date },
): CrtshRow[] {
  const rows: CrtshRow[] = [];
  for (const { entry, names } of entries) {
    const matched = names.filter(matches).length;
    if (matched === 0) continue;
    if (options.excludeExpired && Date.parse(rfc3339(entry.not_after)) < options.now.getTime()) continue;
    rows.push({
      issuer_ca_id: entry.issuer_ca_id ?? 1 + (fnv1a(entry.issuer_name) % 999_999),
      issuer_name: entry.issuer_name,
      common_name: entry.common_name,
      name_value: entry.name_value,
      id: entry.id,
      entry_timestamp: entry.entry_timestamp,
      not_before: entry.not_before,
      not_after: entry.not_after,
      serial_number: entry.serial_number.toLowerCase(),
      result_count: matched,
    });
  }
  return rows.reverse();
}

/** crt.sh prints times without a zone (UTC); Cert Spotter prints RFC 3339 with Z. */
export function rfc3339(time: string): string {
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(time) ? time : `${time}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? time : `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface CertspotterQuery {
  domain: string;
  includeSubdomains: boolean;
  matchWildcards: boolean;
  /** Only issuances with a larger id (Cert Spotter's paging). */
  after: number | null;
  expand: ReadonlySet<string>;
}

export interface CertspotterIssuance {
  id: string;
  tbs_sha256: string;
  cert_sha256: string;
  pubkey_sha256: string;
  not_before: string;
  not_after: string;
  revoked: boolean;
  dns_names?: string[];
  issuer?: { name: string; friendly_name: string; pubkey_sha256: string };
}

/** Cert Spotter's /v1/issuances answer: id order, at most CERTSPOTTER_PAGE issuances. */
export function certspotterIssuances(entries: readonly IndexedEntry[], query: CertspotterQuery): CertspotterIssuance[] {
  const domain = query.domain.toLowerCase().replace(/\.$/, '');
  const parent = domain.slice(domain.indexOf('.') + 1);
  const matches = (name: string): boolean =>
    name === domain ||
    (query.includeSubdomains && name.endsWith(`.${domain}`)) ||
    (query.matchWildcards && domain.includes('.') && name === `*.${parent}`);
  const out: CertspotterIssuance[] = [];
  for (const { entry, dnsNames } of entries) {
    if (query.after !== null && entry.id <= query.after) continue;
    if (!dnsNames.some(matches)) continue;
    const issuance: CertspotterIssuance = {
      id: String(entry.id),
      tbs_sha256: sha256(`tbs ${entry.id} ${entry.serial_number}`),
      cert_sha256: sha256(`cert ${entry.id} ${entry.serial_number}`),
      pubkey_sha256: sha256(`key ${entry.serial_number} ${entry.common_name}`),
      not_before: rfc3339(entry.not_before),
      not_after: rfc3339(entry.not_after),
      revoked: false,
    };
    if (query.expand.has('dns_names')) issuance.dns_names = dnsNames;
    if (query.expand.has('issuer')) {
      const friendly = /(?:^|,\s*)CN=([^,]+)/.exec(entry.issuer_name)?.[1] ?? entry.issuer_name;
      issuance.issuer = {
        name: entry.issuer_name,
        friendly_name: friendly,
        pubkey_sha256: sha256(`issuer ${entry.issuer_name}`),
      };
    }
    out.push(issuance);
    if (out.length >= CERTSPOTTER_PAGE) break;
  }
  return out;
}
