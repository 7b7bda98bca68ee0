// The Wayback Machine's CDX search for the lab. Captures are keyed by SURT ("com,example)/path"),
// which is how the CDX server matches: exactly (the default), by prefix ("example.com/*"), by
// host, or by domain ("*.example.com", subdomains included). Rows are sorted by key, then time.
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import type { WaybackCapture } from '../scenario/schema';

type Capture = z.infer<typeof WaybackCapture>;

export const CDX_FIELDS = ['urlkey', 'timestamp', 'original', 'mimetype', 'statuscode', 'digest', 'length'] as const;
export type CdxField = (typeof CDX_FIELDS)[number];
export type CdxRow = Record<CdxField, string>;
export type MatchType = 'exact' | 'prefix' | 'host' | 'domain';

const MAX_FILTER_LENGTH = 200;
const MAX_ROWS = 150_000;

/**
 * The SURT key of a URL as the CDX server writes it: scheme, user info and fragment dropped, host
 * labels reversed and comma-joined without a leading "www.", a non-default port kept, ")" then
 * path and query, lowercase. Parsed by hand rather than with URL, which refuses hosts that
 * captures of hostile sites do contain. Null when there is no host.
 */
export function surtKey(url: string): string | null {
  let text = url.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const hash = text.indexOf('#');
  if (hash >= 0) text = text.slice(0, hash);
  const end = text.search(/[/?]/);
  let authority = end < 0 ? text : text.slice(0, end);
  let rest = end < 0 ? '/' : text.slice(end);
  if (rest.startsWith('?')) rest = `/${rest}`;
  authority = authority.slice(authority.lastIndexOf('@') + 1);
  let host = authority;
  let port = '';
  const bracket = /^\[([^\]]*)\](?::(\d*))?$/.exec(authority);
  const colon = /^([^:]*):(\d*)$/.exec(authority);
  if (bracket) {
    host = bracket[1] ?? '';
    port = bracket[2] ?? '';
  } else if (colon) {
    host = colon[1] ?? '';
    port = colon[2] ?? '';
  }
  host = host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^www\d*\./, '');
  if (host === '') return null;
  const reversed = host.includes(':') ? host : host.split('.').reverse().join(',');
  const shownPort = port === '' || port === '80' || port === '443' ? '' : `:${port}`;
  return `${reversed}${shownPort})${rest}`.toLowerCase();
}

function hostPart(key: string): string {
  const host = key.slice(0, key.indexOf(')'));
  return host.replace(/:\d+$/, '');
}

function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** One capture as a CDX row; digest and length are derived when the scenario leaves them out. */
export function cdxRow(capture: Capture): CdxRow | null {
  const urlkey = surtKey(capture.url);
  if (urlkey === null) return null;
  const sha1 = createHash('sha1').update(`${capture.url} ${capture.timestamp}`).digest();
  return {
    urlkey,
    timestamp: capture.timestamp,
    original: capture.url,
    mimetype: capture.mimetype,
    statuscode: capture.status,
    digest: capture.digest ?? base32(sha1),
    length: String(capture.length ?? 400 + (sha1.readUInt16BE(0) % 20_000)),
  };
}

export function indexCaptures(captures: readonly Capture[]): CdxRow[] {
  return captures
    .map(cdxRow)
    .filter((row): row is CdxRow => row !== null)
    .sort((a, b) =>
      a.urlkey < b.urlkey
        ? -1
        : a.urlkey > b.urlkey
          ? 1
          : a.timestamp < b.timestamp
            ? -1
            : a.timestamp > b.timestamp
              ? 1
              : 0,
    );
}

export interface CdxQuery {
  url: string;
  matchType: MatchType | null;
  fields: CdxField[];
  from: string | null;
  to: string | null;
  filters: string[];
  collapse: string[];
  limit: number | null;
}

/** What is wrong with a query, worded for the response body. */
export class CdxQueryError extends Error {
  override name = 'CdxQueryError';
}

export function isCdxField(name: string): name is CdxField {
  return (CDX_FIELDS as readonly string[]).includes(name);
}

/** Reads the query parameters the lab supports; throws CdxQueryError naming a bad one. */
export function parseCdxQuery(params: URLSearchParams): CdxQuery {
  const url = params.get('url');
  if (url === null || url.trim() === '') throw new CdxQueryError('the url parameter is required');
  const matchType = params.get('matchType');
  if (matchType !== null && !['exact', 'prefix', 'host', 'domain'].includes(matchType)) {
    throw new CdxQueryError(`unknown matchType "${matchType.slice(0, 40)}"`);
  }
  const fl = params.get('fl');
  const fields = fl === null || fl === '' ? [...CDX_FIELDS] : fl.split(',').map((f) => f.trim());
  for (const field of fields) if (!isCdxField(field)) throw new CdxQueryError(`unknown field "${field.slice(0, 40)}"`);
  const limitText = params.get('limit');
  let limit: number | null = null;
  if (limitText !== null && limitText !== '') {
    if (!/^-?\d{1,7}$/.test(limitText)) throw new CdxQueryError('limit must be a whole number');
    limit = Number(limitText);
  }
  const stamp = (name: string): string | null => {
    const value = params.get(name);
    if (value === null || value === '') return null;
    if (!/^\d{1,14}$/.test(value)) throw new CdxQueryError(`${name} must be a timestamp prefix (digits)`);
    return value;
  };
  return {
    url: url.trim(),
    matchType: matchType as MatchType | null,
    fields: fields as CdxField[],
    from: stamp('from'),
    to: stamp('to'),
    filters: params.getAll('filter'),
    collapse: params.getAll('collapse'),
    limit,
  };
}

function matcher(query: CdxQuery): (row: CdxRow) => boolean {
  let url = query.url;
  let matchType: MatchType = query.matchType ?? 'exact';
  // "*.example.com" and "example.com/*" are shorthand for domain and prefix matching.
  if (query.matchType === null && url.startsWith('*.')) {
    matchType = 'domain';
    url = url.slice(2);
  } else if (query.matchType === null && url.endsWith('*')) {
    matchType = 'prefix';
  }
  if (url.endsWith('*')) url = url.slice(0, -1);
  const key = surtKey(url);
  if (key === null) return () => false;
  const host = hostPart(key);
  switch (matchType) {
    case 'exact':
      return (row) => row.urlkey === key;
    case 'prefix':
      // "example.com" as a prefix is the whole site: its key already ends in ")/".
      return (row) => row.urlkey.startsWith(key);
    case 'host':
      return (row) => hostPart(row.urlkey) === host;
    case 'domain':
      return (row) => {
        const rowHost = hostPart(row.urlkey);
        return rowHost === host || rowHost.startsWith(`${host},`);
      };
  }
}

function filterFn(spec: string): (row: CdxRow) => boolean {
  if (spec.length > MAX_FILTER_LENGTH) throw new CdxQueryError('filter is too long');
  const match = /^(!?)([a-z]+):(.*)$/s.exec(spec);
  if (!match || !isCdxField(match[2] ?? '')) throw new CdxQueryError(`bad filter "${spec.slice(0, 40)}"`);
  const field = match[2] as CdxField;
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${match[3] ?? ''})$`, 's');
  } catch {
    throw new CdxQueryError(`bad filter pattern "${spec.slice(0, 40)}"`);
  }
  const negate = match[1] === '!';
  return (row) => pattern.test(row[field]) !== negate;
}

function collapseKey(spec: string): (row: CdxRow) => string {
  const match = /^([a-z]+)(?::(\d{1,3}))?$/.exec(spec);
  if (!match || !isCdxField(match[1] ?? '')) throw new CdxQueryError(`bad collapse "${spec.slice(0, 40)}"`);
  const field = match[1] as CdxField;
  const length = match[2] === undefined ? undefined : Number(match[2]);
  return (row) => (length === undefined ? row[field] : row[field].slice(0, length));
}

/** The rows a query selects, in CDX order, with only the asked fields. */
export function searchCdx(rows: readonly CdxRow[], query: CdxQuery): string[][] {
  const matches = matcher(query);
  const filters = query.filters.map(filterFn);
  const collapses = query.collapse.map(collapseKey);
  const from = query.from?.padEnd(14, '0');
  const to = query.to?.padEnd(14, '9');
  let selected = rows.filter(
    (row) =>
      matches(row) &&
      (from === undefined || row.timestamp >= from) &&
      (to === undefined || row.timestamp <= to) &&
      filters.every((f) => f(row)),
  );
  for (const key of collapses) {
    // Collapsing drops a row whose key equals the previous kept row's, as the CDX server does.
    let previous: string | undefined;
    selected = selected.filter((row) => {
      const value = key(row);
      const keep = value !== previous;
      previous = value;
      return keep;
    });
  }
  if (query.limit !== null) selected = query.limit >= 0 ? selected.slice(0, query.limit) : selected.slice(query.limit);
  return selected.slice(0, MAX_ROWS).map((row) => query.fields.map((field) => row[field]));
}
