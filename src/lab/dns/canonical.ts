// DNSSEC canonical forms (RFC 4034 §6, RFC 6840 §5.1): name order, the byte string an RRSIG
// signs, key tags and DS digests. dns-packet never compresses names, so its per-type encoders give
// the uncompressed RDATA the canonical form needs; lowercasing and ordering are done here.
import { createHash } from 'node:crypto';
import * as packet from 'dns-packet';

interface Codec<T> {
  encode(value: T): Buffer;
}

// dns-packet exports these codecs at runtime; its type definitions do not declare them.
const codecs = packet as unknown as {
  record(type: string): Codec<unknown>;
  name: Codec<string>;
  rrsig: Codec<packet.RrsigData>;
  dnskey: Codec<packet.DnskeyData>;
};

export type DsDigestType = 1 | 2 | 4;

/** Type codes of every type the lab's zones hold (RFC 1035, 3596, 2782, 4034, 8659). */
export const TYPE_CODES: Readonly<Record<string, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  CAA: 257,
};

export function typeCode(type: string): number {
  const code = TYPE_CODES[type];
  if (code === undefined) throw new Error(`no type code known for ${type}`);
  return code;
}

/** ASCII-only lowercasing: RFC 4034 §6.1 folds A-Z and nothing else. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

function bareName(name: string): string {
  return name === '.' ? '' : name.replace(/\.$/, '');
}

/** Labels from the root down, as bytes, lowercased: the unit RFC 4034 §6.1 compares. */
function labelsFromRoot(name: string): Buffer[] {
  const bare = bareName(name);
  if (bare === '') return [];
  return bare
    .split('.')
    .reverse()
    .map((label) => Buffer.from(asciiLower(label), 'utf8'));
}

function compareLabels(la: readonly Buffer[], lb: readonly Buffer[]): number {
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const order = Buffer.compare(la[i] as Buffer, lb[i] as Buffer);
    if (order !== 0) return order;
  }
  return la.length - lb.length;
}

/**
 * RFC 4034 §6.1 canonical order: compare labels from the rightmost, each as a lowercase octet
 * string, a name that runs out of labels first sorting first. Negative, zero or positive.
 */
export function compareCanonical(a: string, b: string): number {
  return compareLabels(labelsFromRoot(a), labelsFromRoot(b));
}

/** Names sorted canonically, each split into labels once rather than at every comparison. */
export function sortCanonical(names: Iterable<string>): string[] {
  const keyed = [...names].map((name) => ({ name, labels: labelsFromRoot(name) }));
  keyed.sort((a, b) => compareLabels(a.labels, b.labels));
  return keyed.map((k) => k.name);
}

/** The RRSIG labels field: labels of the owner, not counting the root or a leading wildcard. */
export function labelCount(name: string): number {
  const bare = bareName(name);
  if (bare === '') return 0;
  const labels = bare.split('.');
  return labels[0] === '*' ? labels.length - 1 : labels.length;
}

/** A name in canonical wire form: lowercase, uncompressed. */
export function nameWire(name: string): Buffer {
  return codecs.name.encode(asciiLower(bareName(name)) || '.');
}

const lowerName = (name: string): string => asciiLower(name);

/**
 * RDATA with the embedded names of RFC 4034 §6.2's list lowercased (RFC 6840 §5.1 took NSEC's
 * next name off that list). Types without names are returned as they are.
 */
export function canonicalData(type: string, data: unknown): unknown {
  if (typeof data === 'string') {
    return type === 'NS' || type === 'CNAME' || type === 'PTR' || type === 'DNAME' ? lowerName(data) : data;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || Buffer.isBuffer(data)) return data;
  switch (type) {
    case 'MX': {
      const mx = data as packet.MxData;
      return { ...mx, exchange: lowerName(mx.exchange) };
    }
    case 'SOA': {
      const soa = data as packet.SoaData;
      return { ...soa, mname: lowerName(soa.mname), rname: lowerName(soa.rname) };
    }
    case 'SRV': {
      const srv = data as packet.SrvData;
      return { ...srv, target: lowerName(srv.target) };
    }
    case 'RRSIG': {
      const sig = data as packet.RrsigData;
      return { ...sig, signersName: lowerName(sig.signersName) };
    }
    default:
      return data;
  }
}

/** The canonical RDATA of one record, without its length prefix. */
export function rdataWire(type: string, data: unknown): Buffer {
  return codecs.record(type).encode(canonicalData(type, data)).subarray(2);
}

export interface RrData {
  name: string;
  type: string;
  data: unknown;
}

/**
 * The RRset part of the signed data (RFC 4034 §3.1.8.1): each RR as owner | type | class |
 * original TTL | RDLENGTH | RDATA in canonical form, ordered by RDATA as unsigned octets
 * (§6.3), duplicates dropped. All records must share owner and type.
 */
export function canonicalRrset(records: readonly RrData[], originalTtl: number): Buffer {
  const first = records[0];
  if (!first) throw new Error('an RRset needs at least one record');
  const owner = nameWire(first.name);
  const ownerKey = asciiLower(bareName(first.name));
  const rdatas: Buffer[] = [];
  for (const record of records) {
    if (asciiLower(bareName(record.name)) !== ownerKey || record.type !== first.type) {
      throw new Error(`${record.name} ${record.type} is not in the RRset ${first.name} ${first.type}`);
    }
    rdatas.push(rdataWire(record.type, record.data));
  }
  rdatas.sort(Buffer.compare);
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16BE(typeCode(first.type), 0);
  fixed.writeUInt16BE(1, 2); // class IN
  fixed.writeUInt32BE(originalTtl >>> 0, 4);
  const parts: Buffer[] = [];
  let previous: Buffer | undefined;
  for (const rdata of rdatas) {
    if (previous?.equals(rdata)) continue;
    previous = rdata;
    const length = Buffer.alloc(2);
    length.writeUInt16BE(rdata.length);
    parts.push(owner, fixed, length, rdata);
  }
  return Buffer.concat(parts);
}

/** RRSIG RDATA without the signature: the first part of the signed data. */
export function rrsigPrefix(sig: Omit<packet.RrsigData, 'signature'>): Buffer {
  return codecs.rrsig
    .encode({ ...sig, signersName: asciiLower(bareName(sig.signersName)) || '.', signature: Buffer.alloc(0) })
    .subarray(2);
}

/** Everything an RRSIG's signature covers: its own fields, then the canonical RRset. */
export function signedData(sig: Omit<packet.RrsigData, 'signature'>, records: readonly RrData[]): Buffer {
  return Buffer.concat([rrsigPrefix(sig), canonicalRrset(records, sig.originalTTL)]);
}

/** DNSKEY RDATA (flags, protocol 3, algorithm, key). */
export function dnskeyRdata(key: packet.DnskeyData): Buffer {
  return codecs.dnskey.encode(key).subarray(2);
}

/** RFC 4034 Appendix B: the key tag, a 16-bit checksum over the DNSKEY RDATA. */
export function keyTag(rdata: Buffer): number {
  let sum = 0;
  for (let i = 0; i < rdata.length; i++) sum += i & 1 ? (rdata[i] ?? 0) : (rdata[i] ?? 0) << 8;
  sum += (sum >>> 16) & 0xffff;
  return sum & 0xffff;
}

const DIGESTS: Record<DsDigestType, string> = { 1: 'sha1', 2: 'sha256', 4: 'sha384' };

/** RFC 4034 §5.1.4 / RFC 4509: digest over the owner's canonical name and the DNSKEY RDATA. */
export function dsDigest(owner: string, key: packet.DnskeyData, digestType: DsDigestType = 2): Buffer {
  return createHash(DIGESTS[digestType])
    .update(Buffer.concat([nameWire(owner), dnskeyRdata(key)]))
    .digest();
}

/**
 * RFC 3110 §2: an RSA public key as exponent length (one byte, or zero and two bytes when the
 * exponent is longer than 255), exponent, modulus. Leading zero bytes are dropped from both.
 */
export function rsaPublicKeyRfc3110(modulus: Buffer, exponent: Buffer): Buffer {
  const n = stripZeros(modulus);
  const e = stripZeros(exponent);
  if (e.length === 0 || e.length > 0xffff) throw new Error('the RSA exponent must be 1 to 65535 bytes');
  const prefix = e.length <= 255 ? Buffer.from([e.length]) : Buffer.from([0, e.length >> 8, e.length & 0xff]);
  return Buffer.concat([prefix, e, n]);
}

/** The inverse of rsaPublicKeyRfc3110; throws on a key too short to hold what it announces. */
export function parseRsaPublicKey(key: Buffer): { modulus: Buffer; exponent: Buffer } {
  let offset = 1;
  let length = key[0] ?? 0;
  if (length === 0) {
    if (key.length < 3) throw new Error('RSA key too short');
    length = key.readUInt16BE(1);
    offset = 3;
  }
  if (length === 0 || key.length <= offset + length) throw new Error('RSA key too short');
  return { exponent: key.subarray(offset, offset + length), modulus: key.subarray(offset + length) };
}

function stripZeros(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** RRSIG times (RFC 4034 §3.2): YYYYMMDDHHmmSS in UTC. */
export function formatSigTime(seconds: number): string {
  return new Date(seconds * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/[-:T]/g, '');
}

/** Reads either RRSIG time form: YYYYMMDDHHmmSS, or seconds since 1970 (at most 10 digits). */
export function parseSigTime(text: string): number | undefined {
  if (/^\d{14}$/.test(text)) {
    const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(8, 10)}:${text.slice(10, 12)}:${text.slice(12, 14)}Z`;
    const ms = Date.parse(iso);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== iso.slice(0, 19)) return undefined;
    const seconds = ms / 1000;
    return seconds >= 0 && seconds <= 0xffffffff ? seconds : undefined;
  }
  if (/^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff) return Number(text);
  return undefined;
}
