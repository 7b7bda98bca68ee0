// Reading the presentation-form record data ctx.net hands back. The data came from a DNS server
// that may be hostile: every parser returns undefined for anything malformed, never throws.
import ipaddr from 'ipaddr.js';
import { canonicalIp, canonicalValue } from '../../shared/target';

export interface MxData {
  preference: number;
  /** Canonical exchange name, or "" for the null MX "." (RFC 7505). */
  exchange: string;
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

const U32 = 4294967295;

function uint(text: string | undefined, max: number): number | undefined {
  if (text === undefined || !/^[0-9]{1,10}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= max ? value : undefined;
}

/** A name from a record as a canonical domain, or undefined when it is not a valid one. */
export function domainOf(name: string): string | undefined {
  if (name.length > 300) return undefined;
  return canonicalValue('domain', name);
}

/** The comparison key of a name as it appears in records (no validation: chains are matched on it). */
export function nameKey(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** An address record's data as a canonical IP of the expected family, or undefined. */
export function addressOf(data: string, type: 'A' | 'AAAA'): string | undefined {
  if (data.length > 100) return undefined;
  const ip = canonicalIp(data);
  if (!ip) return undefined;
  const isV6 = ip.includes(':');
  return isV6 === (type === 'AAAA') ? ip : undefined;
}

/** "10 mail.example.com" (or the null MX "0 ."). */
export function parseMx(data: string): MxData | undefined {
  const match = /^([0-9]{1,5}) (\S+)$/.exec(data);
  if (!match) return undefined;
  const preference = uint(match[1], 65535);
  if (preference === undefined) return undefined;
  if (match[2] === '.') return { preference, exchange: '' };
  const exchange = domainOf(match[2] ?? '');
  return exchange === undefined ? undefined : { preference, exchange };
}

/** "mname rname serial refresh retry expire minimum"; names are kept as text (they may be odd). */
export function parseSoa(data: string): SoaData | undefined {
  const fields = data.split(' ');
  if (fields.length !== 7) return undefined;
  const [mname, rname, ...numbers] = fields;
  const values = numbers.map((n) => uint(n, U32));
  if (!mname || !rname || values.some((v) => v === undefined)) return undefined;
  const [serial, refresh, retry, expire, minimum] = values as number[];
  return {
    mname: nameKey(mname).slice(0, 255),
    rname: nameKey(rname).slice(0, 255),
    serial: serial ?? 0,
    refresh: refresh ?? 0,
    retry: retry ?? 0,
    expire: expire ?? 0,
    minimum: minimum ?? 0,
  };
}

/** The PTR query name of an address: 4.3.2.1.in-addr.arpa, or nibbles under ip6.arpa. */
export function reverseName(ip: string): string {
  const bytes = ipaddr.parse(ip).toByteArray();
  if (bytes.length === 4) return `${[...bytes].reverse().join('.')}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (const byte of bytes) nibbles.push((byte >> 4).toString(16), (byte & 0x0f).toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

export interface CaaData {
  flags: number;
  /** Lowercase: CAA tags match case-insensitively (RFC 8659 §4.1). */
  tag: string;
  value: string;
}

/** '0 issue "letsencrypt.org"' as ctx.net presents CAA (value quoted, `\"` and `\\` escaped). */
export function parseCaa(data: string): CaaData | undefined {
  if (data.length > 5000) return undefined;
  const match = /^([0-9]{1,3}) ([A-Za-z0-9]{1,15}) "((?:[^"\\]|\\.)*)"$/.exec(data);
  if (!match) return undefined;
  const flags = uint(match[1], 255);
  if (flags === undefined) return undefined;
  // Only the quote and backslash escapes are undone; \DDD stays as text (it stands for a byte).
  const value = (match[3] ?? '').replace(/\\(["\\])/g, '$1');
  return { flags, tag: (match[2] ?? '').toLowerCase(), value };
}

const ALPHANUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random DNS label, for names that cannot exist unless a wildcard answers for them. */
export function randomLabel(length = 16): string {
  const bytes = new Uint8Array(length);
  // Bytes of 252 and above (252 = 7 × 36) are redrawn, so every character is equally likely.
  let out = '';
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) if (byte < 252 && out.length < length) out += ALPHANUM[byte % 36];
  }
  return out;
}
