// The RDATA of the DNSSEC types (RFC 4034, RFC 5155) read from bytes, and the RRSIG fields written
// back as the head of what a signature covers. Readers take canonical RDATA (see canonical.ts) and
// throw DnsWireError on anything cut short.
import { concatBytes } from './canonical';
import { DnsWireError, nameWire, readName } from './name';

export interface RrsigFields {
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  /** Seconds since 1970 modulo 2^32 (RFC 4034 §3.1.5). */
  expiration: number;
  inception: number;
  keyTag: number;
  signer: Uint8Array[];
}

export interface RrsigRdata extends RrsigFields {
  signature: Uint8Array;
}

export interface DnskeyRdata {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Uint8Array;
}

export interface DsRdata {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: Uint8Array;
}

export interface NsecRdata {
  next: Uint8Array[];
  types: number[];
}

export interface Nsec3Rdata {
  hashAlgorithm: number;
  flags: number;
  iterations: number;
  salt: Uint8Array;
  nextHashed: Uint8Array;
  types: number[];
}

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function need(rdata: Uint8Array, length: number, what: string): void {
  if (rdata.length < length) throw new DnsWireError(`${what} RDATA is too short`);
}

export function parseRrsig(rdata: Uint8Array): RrsigRdata {
  need(rdata, 19, 'RRSIG');
  const v = view(rdata);
  const signer = readName(rdata, 18);
  return {
    typeCovered: v.getUint16(0),
    algorithm: v.getUint8(2),
    labels: v.getUint8(3),
    originalTtl: v.getUint32(4),
    expiration: v.getUint32(8),
    inception: v.getUint32(12),
    keyTag: v.getUint16(16),
    signer: signer.labels,
    signature: rdata.slice(signer.next),
  };
}

/** The RRSIG RDATA without its signature, signer in canonical form: the first part of what it signs. */
export function rrsigHead(fields: RrsigFields): Uint8Array {
  const fixed = new Uint8Array(18);
  const v = view(fixed);
  v.setUint16(0, fields.typeCovered);
  v.setUint8(2, fields.algorithm);
  v.setUint8(3, fields.labels);
  v.setUint32(4, fields.originalTtl >>> 0);
  v.setUint32(8, fields.expiration >>> 0);
  v.setUint32(12, fields.inception >>> 0);
  v.setUint16(16, fields.keyTag);
  return concatBytes([fixed, nameWire(fields.signer)]);
}

/** DNSKEY and DS start alike: a 16-bit field, two one-byte fields, then bytes to the end. */
function fieldsAndRest(rdata: Uint8Array, what: string): [number, number, number, Uint8Array] {
  need(rdata, 4, what);
  return [view(rdata).getUint16(0), rdata[2] as number, rdata[3] as number, rdata.slice(4)];
}

export function parseDnskey(rdata: Uint8Array): DnskeyRdata {
  const [flags, protocol, algorithm, publicKey] = fieldsAndRest(rdata, 'DNSKEY');
  return { flags, protocol, algorithm, publicKey };
}

export function parseDs(rdata: Uint8Array): DsRdata {
  const [keyTag, algorithm, digestType, digest] = fieldsAndRest(rdata, 'DS');
  return { keyTag, algorithm, digestType, digest };
}

/** The type bitmap of NSEC / NSEC3 (RFC 4034 §4.1.2): windows of up to 32 bytes, one bit per type. */
export function parseTypeBitmap(rdata: Uint8Array, start: number): number[] {
  const types: number[] = [];
  let at = start;
  while (at < rdata.length) {
    const window = rdata[at] as number;
    const length = rdata[at + 1];
    if (length === undefined || length === 0 || length > 32 || at + 2 + length > rdata.length) {
      throw new DnsWireError('a type bitmap window is malformed');
    }
    for (let i = 0; i < length; i++) {
      const byte = rdata[at + 2 + i] as number;
      for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) types.push(window * 256 + i * 8 + bit);
    }
    at += 2 + length;
  }
  return types;
}

export function parseNsec(rdata: Uint8Array): NsecRdata {
  const next = readName(rdata, 0);
  return { next: next.labels, types: parseTypeBitmap(rdata, next.next) };
}

export function parseNsec3(rdata: Uint8Array): Nsec3Rdata {
  need(rdata, 5, 'NSEC3');
  const saltLength = rdata[4] as number;
  const hashAt = 5 + saltLength;
  need(rdata, hashAt + 1, 'NSEC3');
  const hashLength = rdata[hashAt] as number;
  need(rdata, hashAt + 1 + hashLength, 'NSEC3');
  return {
    hashAlgorithm: rdata[0] as number,
    flags: rdata[1] as number,
    iterations: view(rdata).getUint16(2),
    salt: rdata.slice(5, hashAt),
    nextHashed: rdata.slice(hashAt + 1, hashAt + 1 + hashLength),
    types: parseTypeBitmap(rdata, hashAt + 1 + hashLength),
  };
}

function stripZeros(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/**
 * RFC 3110 §2: an RSA public key as exponent length (one byte, or zero and two bytes when the
 * exponent is longer than 255), exponent, modulus. Leading zero bytes are dropped from both.
 */
export function rsaPublicKeyRfc3110(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  const n = stripZeros(modulus);
  const e = stripZeros(exponent);
  if (e.length === 0 || e.length > 0xffff) throw new Error('the RSA exponent must be 1 to 65535 bytes');
  const prefix = e.length <= 255 ? Uint8Array.of(e.length) : Uint8Array.of(0, e.length >> 8, e.length & 0xff);
  return concatBytes([prefix, e, n]);
}

/** The inverse of rsaPublicKeyRfc3110; throws DnsWireError on a key too short to hold what it announces. */
export function parseRsaPublicKey(key: Uint8Array): { modulus: Uint8Array; exponent: Uint8Array } {
  let offset = 1;
  let length = key[0] ?? 0;
  if (length === 0) {
    if (key.length < 3) throw new DnsWireError('RSA key too short');
    length = view(key).getUint16(1);
    offset = 3;
  }
  if (length === 0 || key.length <= offset + length) throw new DnsWireError('RSA key too short');
  return { exponent: key.subarray(offset, offset + length), modulus: key.subarray(offset + length) };
}
