// The two CT search services' answers, checked with zod and read into one certificate shape.
// crt.sh returns one row per log entry (a precertificate and its final certificate are two
// rows with the same serial); Cert Spotter returns issuances with hashes but no serial. A row
// that does not fit is skipped and counted; an answer that is not a list at all is a failure of
// that source, never an exception.
import * as z from 'zod';
import { splitIdentities } from './names';

export const CT_SOURCES = ['crtsh', 'certspotter'] as const;
export type CtSource = (typeof CT_SOURCES)[number];

export interface RawCert {
  source: CtSource;
  /** crt.sh's id (a log entry) or Cert Spotter's issuance id: kept for reference, never an identity. */
  entryId: string;
  /** The issuer's distinguished name as given (or Cert Spotter's friendly name when no DN). */
  issuer: string;
  /** Lowercase hex without leading zeros, or null when the source gives none. */
  serial: string | null;
  /** SHA-256 of the whole certificate, lowercase hex, when the source gives it. */
  fingerprint: string | null;
  notBefore: string | null;
  notAfter: string | null;
  /** Identities as listed, unvalidated: names, but also whatever else the entry holds. */
  identities: string[];
}

export type ParseResult =
  | { ok: true; certs: RawCert[]; total: number; skipped: number; reasons: string[]; capped: boolean }
  | { ok: false; reason: string };

const MAX_REASONS = 5;

const CrtshRow = z.object({
  id: z.number().int().nonnegative(),
  issuer_name: z.string().max(10_000),
  common_name: z.string().max(10_000).nullish(),
  name_value: z.string().max(1_000_000),
  not_before: z.string().max(100),
  not_after: z.string().max(100),
  serial_number: z.string().max(200),
});

const Hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/);
const Issuance = z.object({
  id: z.union([z.string().max(40), z.number().int()]),
  cert_sha256: Hex64,
  dns_names: z.array(z.string().max(10_000)).max(100_000),
  issuer: z
    .object({ name: z.string().max(10_000).optional(), friendly_name: z.string().max(1000).optional() })
    .refine((i) => (i.name ?? i.friendly_name ?? '') !== '', 'issuer has neither name nor friendly_name'),
  not_before: z.string().max(100),
  not_after: z.string().max(100),
});

/** Lowercase hex without separators or leading zeros: renderings differ in the DER sign byte. */
export function normaliseSerial(text: string): string | null {
  const hex = text.replace(/[\s:]/g, '').toLowerCase();
  if (!/^[0-9a-f]{1,128}$/.test(hex)) return null;
  return hex.replace(/^0+(?=.)/, '');
}

/** crt.sh prints UTC without a zone, Cert Spotter RFC 3339; both become ISO 8601 with Z. */
export function ctTime(text: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim());
  if (!match) return null;
  const ms = Date.parse(`${match[1]}T${match[2]}${match[3] ?? 'Z'}`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return `${path}${issue.message}`.slice(0, 200);
}

function readList(json: unknown, maxEntries: number, what: string) {
  if (!Array.isArray(json)) {
    const shape = json === null ? 'null' : typeof json === 'object' ? 'an object' : `a ${typeof json}`;
    return { ok: false as const, reason: `expected a JSON list of ${what}, got ${shape}` };
  }
  return { ok: true as const, items: json.slice(0, maxEntries), total: json.length, capped: json.length > maxEntries };
}

export function parseCrtsh(json: unknown, maxEntries: number): ParseResult {
  const list = readList(json, maxEntries, 'crt.sh rows');
  if (!list.ok) return list;
  const certs: RawCert[] = [];
  const reasons: string[] = [];
  let skipped = 0;
  const skip = (reason: string): void => {
    skipped++;
    if (reasons.length < MAX_REASONS) reasons.push(reason);
  };
  for (const [index, item] of list.items.entries()) {
    const row = CrtshRow.safeParse(item);
    if (!row.success) {
      skip(`row ${index}: ${issueText(row.error)}`);
      continue;
    }
    const serial = normaliseSerial(row.data.serial_number);
    if (serial === null) {
      skip(`row ${index}: serial_number is not hexadecimal`);
      continue;
    }
    const identities = splitIdentities(row.data.name_value);
    if (row.data.common_name) identities.push(...splitIdentities(row.data.common_name));
    certs.push({
      source: 'crtsh',
      entryId: String(row.data.id),
      issuer: row.data.issuer_name,
      serial,
      fingerprint: null,
      notBefore: ctTime(row.data.not_before),
      notAfter: ctTime(row.data.not_after),
      identities,
    });
  }
  return { ok: true, certs, total: list.total, skipped, reasons, capped: list.capped };
}

export function parseCertspotter(json: unknown, maxEntries: number): ParseResult {
  const list = readList(json, maxEntries, 'Cert Spotter issuances');
  if (!list.ok) return list;
  const certs: RawCert[] = [];
  const reasons: string[] = [];
  let skipped = 0;
  for (const [index, item] of list.items.entries()) {
    const issuance = Issuance.safeParse(item);
    if (!issuance.success) {
      skipped++;
      if (reasons.length < MAX_REASONS) reasons.push(`issuance ${index}: ${issueText(issuance.error)}`);
      continue;
    }
    const data = issuance.data;
    certs.push({
      source: 'certspotter',
      entryId: String(data.id),
      issuer: data.issuer.name || data.issuer.friendly_name || '',
      serial: null,
      fingerprint: data.cert_sha256.toLowerCase(),
      notBefore: ctTime(data.not_before),
      notAfter: ctTime(data.not_after),
      identities: [...data.dns_names],
    });
  }
  return { ok: true, certs, total: list.total, skipped, reasons, capped: list.capped };
}

/** The last issuance id of a Cert Spotter page, for `after=` paging; null when there is none. */
export function lastIssuanceId(json: unknown): string | null {
  if (!Array.isArray(json) || json.length === 0) return null;
  const last: unknown = json[json.length - 1];
  if (typeof last !== 'object' || last === null || !('id' in last)) return null;
  const id = (last as { id: unknown }).id;
  const text = typeof id === 'number' ? String(id) : typeof id === 'string' ? id : '';
  return /^\d{1,20}$/.test(text) ? text : null;
}
