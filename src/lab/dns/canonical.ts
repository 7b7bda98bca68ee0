// DNSSEC canonical forms for the lab's signer, over the zone's records as dns-packet data: each
// record is encoded by dns-packet (which never compresses names) and handed to the byte-level
// canonical code in src/shared/dns, which the DNSSEC scanner's validator uses too.
import { createHash } from 'node:crypto';
import * as packet from 'dns-packet';
import {
  canonicalRdata,
  dsDigestInput,
  canonicalRrset as rrsetBytes,
  signedData as signedBytes,
} from '../../shared/dns/canonical';
import {
  parseRsaPublicKey as parseRfc3110,
  rsaPublicKeyRfc3110 as rfc3110,
  rrsigHead,
} from '../../shared/dns/dnssec-rdata';
import { compareNames, labelCount as countLabels, nameLabels, nameWire as wireOf } from '../../shared/dns/name';
import { dnsTypeCode } from '../../shared/dns/types';

export { keyTag } from '../../shared/dns/canonical';

interface Codec<T> {
  encode(value: T): Buffer;
}

// dns-packet exports these codecs at runtime; its type definitions do not declare them.
const codecs = packet as unknown as {
  record(type: string): Codec<unknown>;
  dnskey: Codec<packet.DnskeyData>;
};

export type DsDigestType = 1 | 2 | 4;

export function typeCode(type: string): number {
  const code = dnsTypeCode(type);
  if (code === undefined) throw new Error(`no type code known for ${type}`);
  return code;
}

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** ASCII-only lowercasing: RFC 4034 §6.1 folds A-Z and nothing else. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

/**
 * RFC 4034 §6.1 canonical order: compare labels from the rightmost, each as a lowercase octet
 * string, a name that runs out of labels first sorting first. Negative, zero or positive.
 */
export function compareCanonical(a: string, b: string): number {
  return compareNames(nameLabels(a), nameLabels(b));
}

/** Names sorted canonically, each split into labels once rather than at every comparison. */
export function sortCanonical(names: Iterable<string>): string[] {
  const keyed = [...names].map((name) => ({ name, labels: nameLabels(name) }));
  keyed.sort((a, b) => compareNames(a.labels, b.labels));
  return keyed.map((k) => k.name);
}

/** The RRSIG labels field: labels of the owner, not counting the root or a leading wildcard. */
export function labelCount(name: string): number {
  return countLabels(nameLabels(name));
}

/** A name in canonical wire form: lowercase, uncompressed. */
export function nameWire(name: string): Buffer {
  return toBuffer(wireOf(nameLabels(name)));
}

/** The canonical RDATA of one record, without its length prefix. */
export function rdataWire(type: string, data: unknown): Buffer {
  const encoded = codecs.record(type).encode(data);
  return toBuffer(canonicalRdata(typeCode(type), encoded, 2, encoded.length - 2));
}

export interface RrData {
  name: string;
  type: string;
  data: unknown;
}

/** Owner, type and canonical RDATAs of an RRset; throws unless all records share owner and type. */
function rrsetParts(records: readonly RrData[]): { owner: Uint8Array; type: number; rdatas: Buffer[] } {
  const first = records[0];
  if (!first) throw new Error('an RRset needs at least one record');
  const rdatas = records.map((record) => {
    if (compareCanonical(record.name, first.name) !== 0 || record.type !== first.type) {
      throw new Error(`${record.name} ${record.type} is not in the RRset ${first.name} ${first.type}`);
    }
    return rdataWire(record.type, record.data);
  });
  return { owner: wireOf(nameLabels(first.name)), type: typeCode(first.type), rdatas };
}

/** The RRset part of the signed data (RFC 4034 §3.1.8.1), canonical and deduplicated. */
export function canonicalRrset(records: readonly RrData[], originalTtl: number): Buffer {
  const { owner, type, rdatas } = rrsetParts(records);
  return toBuffer(rrsetBytes(owner, type, rdatas, originalTtl));
}

/** Everything an RRSIG's signature covers: its own fields, then the canonical RRset. */
export function signedData(sig: Omit<packet.RrsigData, 'signature'>, records: readonly RrData[]): Buffer {
  const { owner, type, rdatas } = rrsetParts(records);
  const head = rrsigHead({
    typeCovered: typeCode(sig.typeCovered),
    algorithm: sig.algorithm,
    labels: sig.labels,
    originalTtl: sig.originalTTL,
    expiration: sig.expiration,
    inception: sig.inception,
    keyTag: sig.keyTag,
    signer: nameLabels(sig.signersName),
  });
  return toBuffer(signedBytes(head, owner, type, rdatas, sig.originalTTL));
}

/** DNSKEY RDATA (flags, protocol 3, algorithm, key). */
export function dnskeyRdata(key: packet.DnskeyData): Buffer {
  return codecs.dnskey.encode(key).subarray(2);
}

const DIGESTS: Record<DsDigestType, string> = { 1: 'sha1', 2: 'sha256', 4: 'sha384' };

/** RFC 4034 §5.1.4 / RFC 4509: digest over the owner's canonical name and the DNSKEY RDATA. */
export function dsDigest(owner: string, key: packet.DnskeyData, digestType: DsDigestType = 2): Buffer {
  return createHash(DIGESTS[digestType])
    .update(dsDigestInput(wireOf(nameLabels(owner)), dnskeyRdata(key)))
    .digest();
}

/** RFC 3110 §2 RSA public key (see src/shared/dns), as a Buffer. */
export function rsaPublicKeyRfc3110(modulus: Buffer, exponent: Buffer): Buffer {
  return toBuffer(rfc3110(modulus, exponent));
}

/** The inverse of rsaPublicKeyRfc3110; throws on a key too short to hold what it announces. */
export function parseRsaPublicKey(key: Buffer): { modulus: Buffer; exponent: Buffer } {
  const { modulus, exponent } = parseRfc3110(key);
  return { modulus: toBuffer(modulus), exponent: toBuffer(exponent) };
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
