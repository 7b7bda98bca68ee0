// Presentation form of decoded DNS records: one printable line per record, whatever bytes the
// server sent. Names and strings written by an adversary are escaped (\DDD), never passed through.
import * as packet from 'dns-packet';
import type { DnsAnswerRecord } from '../../shared/scanner';

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += `\\${byte.toString().padStart(3, '0')}`;
  return out;
}

/**
 * A domain name as text: printable ASCII kept (backslash escaped); anything else as \DDD of its
 * UTF-8 bytes, so a look-alike or control character can never pass for a plain name.
 */
export function presentName(name: string): string {
  if (name === '' || name === '.') return '.';
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  // Nearly every name is plain printable ASCII: check that first, without building a copy.
  let plain = true;
  for (let i = 0; i < bare.length && plain; i++) {
    const code = bare.charCodeAt(i);
    plain = code > 0x20 && code < 0x7f && code !== 0x5c;
  }
  if (plain) return bare;
  let out = '';
  for (const ch of bare) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (code > 0x20 && code < 0x7f) out += ch;
    else out += escapeBytes(encoder.encode(ch));
  }
  return out;
}

// Control, format (bidi overrides, zero-width) and separator characters are escaped in text.
const UNSAFE_CHAR = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/u;

/** A character-string (TXT, CAA value): valid UTF-8 kept except unsafe characters; else bytes escaped. */
export function presentText(bytes: Uint8Array, quoteEscape = false): string {
  let text: string | undefined;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    let out = '';
    for (const byte of bytes) {
      if (byte === 0x5c) out += '\\\\';
      else if (quoteEscape && byte === 0x22) out += '\\"';
      else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
      else out += escapeBytes(Uint8Array.of(byte));
    }
    return out;
  }
  let out = '';
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (quoteEscape && ch === '"') out += '\\"';
    else if (UNSAFE_CHAR.test(ch)) out += escapeBytes(encoder.encode(ch));
    else out += ch;
  }
  return out;
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  return new Uint8Array(0);
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** RFC 3597 generic form: \# <length> <hex>. */
function generic(bytes: Uint8Array): string {
  return bytes.length === 0 ? '\\# 0' : `\\# ${bytes.length} ${Buffer.from(bytes).toString('hex')}`;
}

// dns-packet exports its per-type codecs but its type definitions do not declare them.
const recordCodec = (packet as unknown as { record(type: string): { encode(data: unknown): Buffer } }).record;

/** Re-encodes a structured rdata dns-packet decoded, to show types we do not format ourselves. */
function reencoded(type: string, data: unknown): string {
  try {
    const encoded = recordCodec(type).encode(data);
    return generic(encoded.subarray(2));
  } catch {
    return '\\# ?';
  }
}

type Fields = Record<string, unknown>;

function fields(data: unknown): Fields {
  return typeof data === 'object' && data !== null && !(data instanceof Uint8Array) ? (data as Fields) : {};
}

/** The presentation form of one record's data. Never throws. */
export function presentData(type: string, data: unknown): string {
  switch (type) {
    case 'A':
    case 'AAAA':
      // dns-packet decodes addresses itself; anything that is not a plain address is escaped.
      return typeof data === 'string' && /^[0-9a-fA-F.:]+$/.test(data) ? data : '\\# ?';
    case 'NS':
    case 'CNAME':
    case 'PTR':
    case 'DNAME':
      return presentName(str(data));
    case 'MX': {
      const f = fields(data);
      return `${num(f.preference)} ${presentName(str(f.exchange))}`;
    }
    case 'SOA': {
      const f = fields(data);
      return [
        presentName(str(f.mname)),
        presentName(str(f.rname)),
        num(f.serial),
        num(f.refresh),
        num(f.retry),
        num(f.expire),
        num(f.minimum),
      ].join(' ');
    }
    case 'TXT': {
      // Strings concatenated: that is how SPF, DMARC and verification tokens are read (RFC 7208 3.3).
      const parts = Array.isArray(data) ? data : [data];
      return parts.map((part) => presentText(toBytes(part))).join('');
    }
    case 'CAA': {
      const f = fields(data);
      return `${num(f.flags)} ${presentText(toBytes(str(f.tag)))} "${presentText(toBytes(str(f.value)), true)}"`;
    }
    case 'SRV': {
      const f = fields(data);
      return `${num(f.priority)} ${num(f.weight)} ${num(f.port)} ${presentName(str(f.target))}`;
    }
    case 'DNSKEY': {
      const f = fields(data);
      return `${num(f.flags)} 3 ${num(f.algorithm)} ${base64(f.key)}`;
    }
    case 'DS': {
      const f = fields(data);
      return `${num(f.keyTag)} ${num(f.algorithm)} ${num(f.digestType)} ${hex(f.digest).toUpperCase()}`;
    }
    case 'RRSIG': {
      const f = fields(data);
      return [
        typeMnemonic(f.typeCovered),
        num(f.algorithm),
        num(f.labels),
        num(f.originalTTL),
        sigTime(f.expiration),
        sigTime(f.inception),
        num(f.keyTag),
        `${presentName(str(f.signersName))}.`,
        base64(f.signature),
      ].join(' ');
    }
    case 'NSEC': {
      const f = fields(data);
      return [`${presentName(str(f.nextDomain))}.`, ...typeList(f.rrtypes)].join(' ');
    }
    case 'NSEC3': {
      const f = fields(data);
      const salt = hex(f.salt);
      return [
        num(f.algorithm),
        num(f.flags),
        num(f.iterations),
        salt === '' ? '-' : salt.toUpperCase(),
        base32hex(f.nextDomain),
        ...typeList(f.rrtypes),
      ].join(' ');
    }
    default:
      if (data instanceof Uint8Array) return generic(data);
      return reencoded(type, data);
  }
}

const base64 = (value: unknown): string => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : '');
const hex = (value: unknown): string => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : '');

/** A type mnemonic from dns-packet (a name, or UNKNOWN_n for a code it does not know). */
function typeMnemonic(value: unknown): string {
  const text = str(value);
  return /^[A-Z0-9]{1,10}$/.test(text) ? text : /^UNKNOWN_(\d{1,5})$/.test(text) ? `TYPE${text.slice(8)}` : 'TYPE0';
}

function typeList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(typeMnemonic) : [];
}

/** RRSIG times as YYYYMMDDHHmmSS (RFC 4034 §3.2). */
function sigTime(value: unknown): string {
  return new Date(num(value) * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/[-:T]/g, '');
}

/** Base 32 with the extended hex alphabet, unpadded (RFC 4648 §7), as NSEC3 shows hashed names. */
function base32hex(value: unknown): string {
  if (!(value instanceof Uint8Array)) return '';
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
  let out = '';
  let bits = 0;
  let buffer = 0;
  for (const byte of value) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

/** The EDNS fields of an OPT pseudo-record, as dns-packet decodes them. */
export interface OptFields {
  udpPayloadSize?: unknown;
  ednsVersion?: unknown;
  flag_do?: unknown;
  options?: unknown;
}

/** An OPT pseudo-record in presentation form (dig's OPT pseudo-section line). */
export function presentOpt(name: string, record: OptFields): DnsAnswerRecord {
  const options = Array.isArray(record.options) ? record.options.length : 0;
  const data = `version: ${num(record.ednsVersion)}, flags:${record.flag_do ? ' do' : ''}; udp: ${num(record.udpPayloadSize)}${
    options > 0 ? `; options: ${options}` : ''
  }`;
  return { name: presentName(name), type: 'OPT', ttl: 0, data };
}

/** A record given by its decoded parts, in presentation form. Never throws. */
export function presentParts(name: string, type: string, ttl: unknown, data: unknown): DnsAnswerRecord {
  return { name: presentName(name), type, ttl: num(ttl), data: presentData(type, data) };
}

/** One decoded record in presentation form. Never throws. */
export function presentRecord(record: packet.Answer): DnsAnswerRecord {
  const type = typeof record.type === 'string' ? record.type : 'UNKNOWN';
  const name = typeof record.name === 'string' ? record.name : '';
  if (type === 'OPT') return presentOpt(name, record as packet.OptAnswer);
  const withData = record as { ttl?: unknown; data?: unknown };
  return presentParts(name, type, withData.ttl, withData.data);
}
