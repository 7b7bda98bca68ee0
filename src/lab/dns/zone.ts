// Zone data for the lab's authoritative DNS server: a zod schema over a simple presentation form
// (as scenario files write it), and its compilation into records the wire encoder takes.
import type * as packet from 'dns-packet';
import ipaddr from 'ipaddr.js';
import * as z from 'zod';

export const ZONE_RECORD_TYPES = ['A', 'AAAA', 'MX', 'NS', 'TXT', 'CNAME', 'SOA', 'PTR', 'CAA', 'SRV'] as const;
export type ZoneRecordType = (typeof ZONE_RECORD_TYPES)[number];

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
function txtStrings(data: string | string[]): Buffer[] {
  const out: Buffer[] = [];
  for (const text of Array.isArray(data) ? data : [data]) {
    const bytes = Buffer.from(text, 'utf8');
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

export type RecordData = string | Buffer[] | packet.MxData | packet.SoaData | packet.CaaData | packet.SrvData;

/** The wire-encoder form of one record's data; throws ZoneDataError saying what is wrong. */
export function recordData(type: ZoneRecordType, data: string | string[]): RecordData {
  if (type === 'TXT') return txtStrings(data);
  if (Array.isArray(data)) throw new ZoneDataError(`only TXT data may be a list of strings, not ${type}`);
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
  }
}

export const ZoneRecord = z
  .object({
    name: z.string().min(1).max(300),
    type: z.enum(ZONE_RECORD_TYPES),
    ttl: z.number().int().min(0).max(2147483647).optional(),
    /** Presentation form: an address, a name, "10 mail.example.com", TXT text or texts, SOA fields. */
    data: z.union([z.string().max(70_000), z.array(z.string().max(70_000)).min(1).max(1000)]),
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
  return { origin, names, existing, soa };
}
