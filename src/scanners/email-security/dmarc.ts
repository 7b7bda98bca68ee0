// DMARC records (RFC 7489 §6.3) read into a policy. Hostile text in, bounded values out: the
// parser never throws, records what is wrong, and keeps report URIs only as text.
import { errorSink, MAX_ERRORS, parseTagList } from './tag-list';

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';
export type Alignment = 'r' | 's';

export interface DmarcRecord {
  /** Absent when the p= tag is missing or invalid (receivers then fall back, see effectivePolicy). */
  p?: DmarcPolicy;
  sp?: DmarcPolicy;
  pct?: number;
  rua: string[];
  ruf: string[];
  adkim?: Alignment;
  aspf?: Alignment;
  fo?: string[];
  rf?: string[];
  ri?: number;
  /** What makes the record wrong or partly ignored (invalid values, duplicate tags, bad URIs). */
  errors: string[];
  /** Tags this parser does not know (receivers ignore them). */
  unknown: string[];
}

const MAX_URIS = 10;
const MAX_TEXT = 300;

/**
 * A TXT record at _dmarc is a DMARC record when it starts with "v=DMARC1" (§6.6.3). What follows
 * is checked by the parser, so "v=DMARC1 p=reject" (no semicolon) is a DMARC record with an error.
 */
export function isDmarcRecord(text: string): boolean {
  return /^v[ \t]*=[ \t]*DMARC1/.test(text);
}

function policyOf(value: string): DmarcPolicy | undefined {
  const lower = value.toLowerCase();
  return lower === 'none' || lower === 'quarantine' || lower === 'reject' ? lower : undefined;
}

/** mailto:addr[!size[k|m|g|t]] with a plausible address; the one URI scheme receivers send reports to. */
export function reportUriError(uri: string): string | undefined {
  const match = /^mailto:([^\s!,;<>"]+)(?:!([0-9]+)[kmgt]?)?$/i.exec(uri);
  if (!match) return 'is not a mailto: URI';
  const address = decodeURIComponentSafe(match[1] ?? '');
  const at = address.lastIndexOf('@');
  if (at < 1) return 'has no email address';
  const domain = address.slice(at + 1);
  if (!/^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}$/.test(domain)) {
    return 'has an invalid domain';
  }
  return undefined;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The domain a report URI sends to (lowercase), or undefined. */
export function reportDomain(uri: string): string | undefined {
  if (reportUriError(uri)) return undefined;
  const address = decodeURIComponentSafe(uri.slice(7).replace(/!.*$/, ''));
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** Reads a DMARC record; undefined when the text is not one. */
export function parseDmarc(text: string): DmarcRecord | undefined {
  if (!isDmarcRecord(text)) return undefined;
  const record: DmarcRecord = { rua: [], ruf: [], errors: [], unknown: [] };
  const error = errorSink(record.errors);
  const seen = new Set<string>();
  for (const { index, name, value, part } of parseTagList(text, {
    namePattern: /^[a-z][a-z0-9]*$/,
    lowercase: true,
    error,
  })) {
    const shown = value.slice(0, MAX_TEXT);
    if (index === 0) {
      if (value !== 'DMARC1') error(`the record must start "v=DMARC1;", not "${part.slice(0, 40)}"`);
      continue;
    }
    if (name === 'v') {
      error('v= must appear only once, first');
      continue;
    }
    if (seen.has(name)) {
      error(`the ${name}= tag appears more than once`);
      continue;
    }
    seen.add(name);
    switch (name) {
      case 'p':
      case 'sp': {
        const policy = policyOf(value);
        if (policy) record[name] = policy;
        else error(`${name}=${shown} is not none, quarantine or reject`);
        break;
      }
      case 'pct':
        if (/^[0-9]{1,3}$/.test(value) && Number(value) <= 100) record.pct = Number(value);
        else error(`pct=${shown} is not a whole number from 0 to 100`);
        break;
      case 'adkim':
      case 'aspf': {
        const lower = value.toLowerCase();
        if (lower === 'r' || lower === 's') record[name] = lower;
        else error(`${name}=${shown} is not r or s`);
        break;
      }
      case 'rua':
      case 'ruf': {
        const uris = value.split(',').map((u) => u.trim());
        if (uris.length > MAX_URIS) error(`${name} lists ${uris.length} URIs; only the first ${MAX_URIS} were kept`);
        for (const uri of uris.slice(0, MAX_URIS)) {
          const why = reportUriError(uri);
          if (why) error(`${name}: "${uri.slice(0, 100)}" ${why}`);
          else record[name].push(uri.slice(0, MAX_TEXT));
        }
        break;
      }
      case 'fo': {
        const options = value.split(':').map((o) => o.trim());
        if (options.every((o) => ['0', '1', 'd', 's'].includes(o.toLowerCase()))) {
          record.fo = options.map((o) => o.toLowerCase());
        } else error(`fo=${shown} is not a list of 0, 1, d and s`);
        break;
      }
      case 'rf': {
        const formats = value.split(':').map((f) => f.trim().toLowerCase());
        if (formats.every((f) => /^[a-z0-9-]{1,30}$/.test(f))) record.rf = formats.slice(0, 10);
        else error(`rf=${shown} is not a list of report formats`);
        break;
      }
      case 'ri':
        if (/^[0-9]{1,10}$/.test(value) && Number(value) <= 4294967295) record.ri = Number(value);
        else error(`ri=${shown} is not a whole number of seconds`);
        break;
      default:
        if (record.unknown.length < MAX_ERRORS) record.unknown.push(name.slice(0, 40));
    }
  }
  if (record.p === undefined && !seen.has('p')) error('the required p= tag is missing');
  return record;
}

/**
 * The policy receivers apply (§6.6.3): p=, or "none" when p= is missing or invalid but a valid
 * rua= is present; undefined when the record counts as absent.
 */
export function effectivePolicy(record: DmarcRecord): DmarcPolicy | undefined {
  if (record.p) return record.p;
  return record.rua.length > 0 ? 'none' : undefined;
}

/** The policy for subdomains: sp=, else p= (§6.3). */
export function subdomainPolicy(record: DmarcRecord): DmarcPolicy | undefined {
  return record.sp ?? effectivePolicy(record);
}

/** The record as text, tags in the conventional order; only what was read (errors and unknown tags are not). */
export function formatDmarc(record: Omit<DmarcRecord, 'errors' | 'unknown'>): string {
  const tags: string[] = ['v=DMARC1'];
  if (record.p) tags.push(`p=${record.p}`);
  if (record.sp) tags.push(`sp=${record.sp}`);
  if (record.pct !== undefined) tags.push(`pct=${record.pct}`);
  if (record.rua.length > 0) tags.push(`rua=${record.rua.join(',')}`);
  if (record.ruf.length > 0) tags.push(`ruf=${record.ruf.join(',')}`);
  if (record.adkim) tags.push(`adkim=${record.adkim}`);
  if (record.aspf) tags.push(`aspf=${record.aspf}`);
  if (record.fo) tags.push(`fo=${record.fo.join(':')}`);
  if (record.rf) tags.push(`rf=${record.rf.join(':')}`);
  if (record.ri !== undefined) tags.push(`ri=${record.ri}`);
  return tags.join('; ');
}
