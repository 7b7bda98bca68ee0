// Zone data for the lab's authoritative DNS server: a zod schema over a simple presentation form
// (as scenario files write it), and its compilation into records the wire encoder takes.
import type * as packet from 'dns-packet';
import ipaddr from 'ipaddr.js';
import * as z from 'zod';
import { type Payload, payload, payloadBytes } from '../scenario/bytes';
import { formatSigTime, parseSigTime, sortCanonical } from './canonical';

export const ZONE_RECORD_TYPES = [
  'A',
  'AAAA',
  'MX',
  'NS',
  'TXT',
  'CNAME',
  'SOA',
  'PTR',
  'CAA',
  'SRV',
  'DNSKEY',
  'RRSIG',
  'NSEC',
  'DS',
] as const;
export type ZoneRecordType = (typeof ZONE_RECORD_TYPES)[number];
/** Types signZone adds; a zone that already holds them is not signed again. */
export const DNSSEC_TYPES: readonly ZoneRecordType[] = ['DNSKEY', 'RRSIG', 'NSEC'];

export const DEFAULT_TTL = 300;
const LABEL = /^[A-Za-z0-9_-]{1,63}$/;
const U16 = 65535;
const U32 = 4294967295;

/** A problem with one record's data, worded for the person who wrote the scenario. */
export class ZoneDataError extends Error {
  override name = 'ZoneDataError';
}

/** Lowercase, no trailing dot; throws when a label or the whole name is not a DNS name. */
export function checkName(name: string, allowRoot = false): string {
  const bare = name.trim().replace(/\.$/, '').toLowerCase();
  if (bare === '') {
    if (allowRoot && name.trim() === '.') return '';
    throw new ZoneDataError(`"${name}" is not a domain name`);
  }
  if (bare.length > 253) throw new ZoneDataError(`"${name.slice(0, 40)}…" is longer than 253 characters`);
  for (const label of bare.split('.')) {
    if (!LABEL.test(label)) {
      throw new ZoneDataError(
        `"${name}" has an invalid label "${label.slice(0, 63)}" (letters, digits, - and _ only, 1-63 long)`,
      );
    }
  }
  return bare;
}

function isWithin(name: string, origin: string): boolean {
  return name === origin || name.endsWith(`.${origin}`);
}

/**
 * An owner name relative to the origin: "@" is the origin, a name ending in "." or already ending
 * in the origin is taken as is, anything else is relative ("www" -> "www.example.com").
 */
export function ownerName(name: string, origin: string): string {
  const trimmed = name.trim();
  if (trimmed === '@') return origin;
  // A wildcard owner (RFC 4592): "*" as the leftmost label only.
  if (trimmed === '*' || trimmed.startsWith('*.')) {
    const rest = trimmed === '*' || trimmed === '*.' ? '@' : trimmed.slice(2);
    return `*.${ownerName(rest, origin)}`;
  }
  const absolute = trimmed.endsWith('.');
  const checked = checkName(trimmed);
  if (absolute || isWithin(checked, origin)) {
    if (!isWithin(checked, origin)) throw new ZoneDataError(`"${name}" is outside the zone ${origin}`);
    return checked;
  }
  return checkName(`${checked}.${origin}`);
}

function uint(text: string | undefined, max: number, what: string): number {
  if (text === undefined || !/^[0-9]{1,10}$/.test(text) || Number(text) > max) {
    throw new ZoneDataError(`${what} must be a whole number from 0 to ${max}`);
  }
  return Number(text);
}

function fieldsOf(data: string, count: number, shape: string): string[] {
  const fields = data.trim().split(/\s+/);
  if (fields.length !== count) throw new ZoneDataError(`expected "${shape}", got "${data.slice(0, 100)}"`);
  return fields;
}

/** TXT strings longer than 255 bytes are split, as a zone file compiler would. */
function txtStrings(data: RecordInput): Buffer[] {
  const out: Buffer[] = [];
  for (const item of Array.isArray(data) ? data : [data]) {
    const bytes = payloadBytes(item);
    if (bytes.length === 0) out.push(bytes);
    for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255));
  }
  if (out.reduce((n, b) => n + b.length + 1, 0) > 65000) throw new ZoneDataError('TXT data is longer than 65000 bytes');
  return out;
}

function caaValue(text: string): string {
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(text);
  return quoted ? (quoted[1] ?? '').replace(/\\(.)/g, '$1') : text;
}

export type RecordData =
  | string
  | Buffer[]
  | packet.MxData
  | packet.SoaData
  | packet.CaaData
  | packet.SrvData
  | packet.DnskeyData
  | packet.RrsigData
  | packet.NsecData
  | packet.DsData;

function isZoneType(text: string): text is ZoneRecordType {
  return (ZONE_RECORD_TYPES as readonly string[]).includes(text);
}

/** Base64 that may be split by spaces, as zone files write long keys and signatures. */
function base64Field(parts: string[], what: string): Buffer {
  const text = parts.join('');
  if (text === '' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new ZoneDataError(`${what} must be base64`);
  }
  return Buffer.from(text, 'base64');
}

function dnssecData(type: 'DNSKEY' | 'RRSIG' | 'NSEC' | 'DS', text: string): RecordData {
  const fields = text.split(/\s+/);
  switch (type) {
    case 'DNSKEY': {
      if (fields.length < 4)
        throw new ZoneDataError(`expected "flags protocol algorithm key", got "${text.slice(0, 100)}"`);
      if (fields[1] !== '3') throw new ZoneDataError('the DNSKEY protocol must be 3');
      return {
        flags: uint(fields[0], U16, 'the DNSKEY flags'),
        algorithm: uint(fields[2], 255, 'the DNSKEY algorithm'),
        key: base64Field(fields.slice(3), 'the DNSKEY key'),
      };
    }
    case 'RRSIG': {
      if (fields.length < 9) {
        throw new ZoneDataError(
          `expected "type algorithm labels ttl expiration inception keytag signer signature", got "${text.slice(0, 100)}"`,
        );
      }
      const covered = (fields[0] ?? '').toUpperCase();
      if (!isZoneType(covered)) throw new ZoneDataError(`"${fields[0]}" is not a record type the lab serves`);
      const expiration = parseSigTime(fields[4] ?? '');
      const inception = parseSigTime(fields[5] ?? '');
      if (expiration === undefined || inception === undefined) {
        throw new ZoneDataError('RRSIG times must be YYYYMMDDHHmmSS or seconds since 1970');
      }
      return {
        typeCovered: covered,
        algorithm: uint(fields[1], 255, 'the RRSIG algorithm'),
        labels: uint(fields[2], 255, 'the RRSIG labels'),
        originalTTL: uint(fields[3], U32, 'the RRSIG original TTL'),
        expiration,
        inception,
        keyTag: uint(fields[6], U16, 'the RRSIG key tag'),
        signersName: checkName(fields[7] ?? '', true) || '.',
        signature: base64Field(fields.slice(8), 'the RRSIG signature'),
      };
    }
    case 'NSEC': {
      const rrtypes: string[] = [];
      for (const field of fields.slice(1)) {
        const upper = field.toUpperCase();
        if (!isZoneType(upper)) throw new ZoneDataError(`"${field}" is not a record type the lab serves`);
        if (!rrtypes.includes(upper)) rrtypes.push(upper);
      }
      return { nextDomain: checkName(fields[0] ?? '', true) || '.', rrtypes };
    }
    case 'DS': {
      if (fields.length < 4)
        throw new ZoneDataError(`expected "keytag algorithm digesttype digest", got "${text.slice(0, 100)}"`);
      const hex = fields.slice(3).join('');
      if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(hex)) {
        throw new ZoneDataError('the DS digest must be hexadecimal');
      }
      return {
        keyTag: uint(fields[0], U16, 'the DS key tag'),
        algorithm: uint(fields[1], 255, 'the DS algorithm'),
        digestType: uint(fields[2], 255, 'the DS digest type'),
        digest: Buffer.from(hex, 'hex'),
      };
    }
  }
}

/** The presentation form of DNSSEC record data, as recordData reads it back. */
export function formatDnssecData(type: 'DNSKEY' | 'RRSIG' | 'NSEC' | 'DS', data: RecordData): string {
  const fields = data as Partial<packet.DnskeyData & packet.RrsigData & packet.NsecData & packet.DsData>;
  const absolute = (name: string | undefined): string => (name === undefined || name === '.' ? '.' : `${name}.`);
  switch (type) {
    case 'DNSKEY':
      return `${fields.flags} 3 ${fields.algorithm} ${fields.key?.toString('base64')}`;
    case 'RRSIG':
      return [
        fields.typeCovered,
        fields.algorithm,
        fields.labels,
        fields.originalTTL,
        formatSigTime(fields.expiration ?? 0),
        formatSigTime(fields.inception ?? 0),
        fields.keyTag,
        absolute(fields.signersName),
        fields.signature?.toString('base64'),
      ].join(' ');
    case 'NSEC':
      return [absolute(fields.nextDomain), ...(fields.rrtypes ?? [])].join(' ');
    case 'DS':
      return `${fields.keyTag} ${fields.algorithm} ${fields.digestType} ${fields.digest?.toString('hex').toUpperCase()}`;
  }
}

/** A record's data as a scenario writes it: text, or for TXT also bytes and lists of either. */
export type RecordInput = Payload | Payload[];

/** The wire-encoder form of one record's data; throws ZoneDataError saying what is wrong. */
export function recordData(type: ZoneRecordType, data: RecordInput): RecordData {
  if (type === 'TXT') return txtStrings(data);
  if (Array.isArray(data)) throw new ZoneDataError(`only TXT data may be a list of strings, not ${type}`);
  if (typeof data !== 'string') throw new ZoneDataError(`only TXT data may be bytes, not ${type}`);
  const text = data.trim();
  switch (type) {
    case 'A':
      if (!ipaddr.IPv4.isValidFourPartDecimal(text)) throw new ZoneDataError(`"${text}" is not an IPv4 address`);
      return ipaddr.IPv4.parse(text).toString();
    case 'AAAA':
      if (!ipaddr.IPv6.isValid(text)) throw new ZoneDataError(`"${text}" is not an IPv6 address`);
      return ipaddr.IPv6.parse(text).toString();
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return checkName(text);
    case 'MX': {
      const [preference, exchange] = fieldsOf(text, 2, 'preference exchange');
      return {
        preference: uint(preference, U16, 'the MX preference'),
        exchange: checkName(exchange ?? '', true) || '.',
      };
    }
    case 'SOA': {
      const [mname, rname, serial, refresh, retry, expire, minimum] = fieldsOf(
        text,
        7,
        'mname rname serial refresh retry expire minimum',
      );
      return {
        mname: checkName(mname ?? ''),
        rname: checkName(rname ?? ''),
        serial: uint(serial, U32, 'the SOA serial'),
        refresh: uint(refresh, U32, 'the SOA refresh'),
        retry: uint(retry, U32, 'the SOA retry'),
        expire: uint(expire, U32, 'the SOA expire'),
        minimum: uint(minimum, U32, 'the SOA minimum'),
      };
    }
    case 'CAA': {
      const match = /^(\S+)\s+(\S+)\s+(.+)$/.exec(text);
      if (!match) throw new ZoneDataError(`expected "flags tag value", got "${text.slice(0, 100)}"`);
      const tag = match[2] ?? '';
      if (!/^[A-Za-z0-9]{1,15}$/.test(tag)) throw new ZoneDataError(`"${tag}" is not a CAA tag`);
      const value = caaValue(match[3] ?? '');
      if (Buffer.byteLength(value) > 4096) throw new ZoneDataError('the CAA value is too long');
      // The tag is typed narrowly by dns-packet; it writes any tag.
      return { flags: uint(match[1], 255, 'the CAA flags'), tag: tag as packet.CaaData['tag'], value };
    }
    case 'SRV': {
      const [priority, weight, port, target] = fieldsOf(text, 4, 'priority weight port target');
      return {
        priority: uint(priority, U16, 'the SRV priority'),
        weight: uint(weight, U16, 'the SRV weight'),
        port: uint(port, U16, 'the SRV port'),
        target: checkName(target ?? '', true) || '.',
      };
    }
    case 'DNSKEY':
    case 'RRSIG':
    case 'NSEC':
    case 'DS':
      return dnssecData(type, text);
  }
}

export const ZoneRecord = z
  .object({
    name: z.string().min(1).max(300),
    type: z.enum(ZONE_RECORD_TYPES),
    ttl: z.number().int().min(0).max(2147483647).optional(),
    /**
     * Presentation form: an address, a name, "10 mail.example.com", SOA fields. TXT data is one
     * string or a list, each a string or { "base64": "..." } bytes.
     */
    data: z.union([payload(70_000), z.array(payload(70_000)).min(1).max(1000)]),
  })
  .strict()
  .superRefine((record, ctx) => {
    try {
      recordData(record.type, record.data);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: error instanceof Error ? error.message : String(error) });
    }
  });
export type ZoneRecord = z.infer<typeof ZoneRecord>;

export const Zone = z
  .object({
    origin: z.string().min(1).max(300),
    records: z.array(ZoneRecord).max(200_000),
  })
  .strict()
  .superRefine((zone, ctx) => {
    let origin: string;
    try {
      origin = checkName(zone.origin);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['origin'],
        message: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    zone.records.forEach((record, index) => {
      try {
        ownerName(record.name, origin);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['records', index, 'name'],
          message: error instanceof Error ? error.message : String(error),
        });
      }
    });
  });
export type Zone = z.infer<typeof Zone>;
export type ZoneInput = z.input<typeof Zone>;

export interface StoredRecord {
  name: string;
  type: ZoneRecordType;
  ttl: number;
  data: RecordData;
}

export interface CompiledZone {
  origin: string;
  /** Owner name -> type -> records. */
  names: Map<string, Map<ZoneRecordType, StoredRecord[]>>;
  /** Every owner name and every name between it and the origin (empty non-terminals answer NODATA). */
  existing: Set<string>;
  soa: StoredRecord | undefined;
  /** Owners of NSEC records in canonical order, to find the NSEC that covers a missing name. */
  nsecOwners: string[];
  /**
   * The DS RRset (and its RRSIGs) the parent publishes for this zone's apex. The lab is
   * authoritative for parent and child alike, so DS queries at the apex are answered from here.
   */
  ds: StoredRecord[];
}

/** Parses (throws a ZodError naming the bad field) and indexes a zone for answering. */
export function compileZone(input: ZoneInput): CompiledZone {
  const zone = Zone.parse(input);
  const origin = checkName(zone.origin);
  const names = new Map<string, Map<ZoneRecordType, StoredRecord[]>>();
  const existing = new Set<string>([origin]);
  for (const record of zone.records) {
    const name = ownerName(record.name, origin);
    const stored: StoredRecord = {
      name,
      type: record.type,
      ttl: record.ttl ?? DEFAULT_TTL,
      data: recordData(record.type, record.data),
    };
    let byType = names.get(name);
    if (!byType) {
      byType = new Map();
      names.set(name, byType);
    }
    const list = byType.get(record.type) ?? [];
    list.push(stored);
    byType.set(record.type, list);
    for (let n = name; n !== origin && n.includes('.'); n = n.slice(n.indexOf('.') + 1)) existing.add(n);
  }
  const soa = names.get(origin)?.get('SOA')?.[0];
  const nsecOwners = sortCanonical([...names].filter(([, byType]) => byType.has('NSEC')).map(([name]) => name));
  return { origin, names, existing, soa, nsecOwners, ds: [] };
}

/**
 * The zone with an SOA at its apex: real zones always have one, and negative answers and the
 * DNSSEC walk need it, so a scenario zone that names none gets a plain one (its first name
 * server as primary). Takes a validated zone. Applied before signing, so the SOA is signed like any other record.
 */
export function withSoa(input: ZoneInput): ZoneInput {
  const origin = checkName(input.origin);
  const apex = input.records.filter((r) => ownerName(r.name, origin) === origin);
  if (apex.some((r) => r.type === 'SOA')) return input;
  const ns = apex.find((r) => r.type === 'NS')?.data;
  const primary = typeof ns === 'string' ? ns.trim().replace(/\.$/, '') : `ns.${origin}`;
  const soa = `${primary} hostmaster.${origin} 1 7200 3600 1209600 300`;
  return { ...input, records: [{ name: '@', type: 'SOA', data: soa }, ...input.records] };
}

/** A DS record or an RRSIG over DS records, owned by the apex of the zone it delegates to. */
export type DelegationRecordInput = z.input<typeof ZoneRecord>;

/**
 * Attaches DS records (and RRSIGs covering them) to the zones whose apex owns them. Owner names
 * are absolute. Throws ZoneDataError for another type, or an owner that is no zone's apex.
 */
export function attachDelegations(zones: readonly CompiledZone[], records: readonly DelegationRecordInput[]): void {
  const byOrigin = new Map(zones.map((zone) => [zone.origin, zone]));
  const attached = new Map<CompiledZone, StoredRecord[]>();
  for (const input of records) {
    const record = ZoneRecord.parse(input);
    const name = checkName(record.name);
    const data = recordData(record.type, record.data);
    const coversDs = record.type === 'RRSIG' && (data as packet.RrsigData).typeCovered === 'DS';
    if (record.type !== 'DS' && !coversDs) {
      throw new ZoneDataError(`delegation records are DS or RRSIG over DS, not ${record.type} (${name})`);
    }
    const zone = byOrigin.get(name);
    if (!zone) throw new ZoneDataError(`DS records for ${name}, which is not the apex of any zone served`);
    const list = attached.get(zone) ?? [];
    list.push({ name, type: record.type, ttl: record.ttl ?? DEFAULT_TTL, data });
    attached.set(zone, list);
  }
  for (const [zone, list] of attached) zone.ds = list;
}
