// Checking the RRSIGs over one RRset against a zone's DNSKEYs: the signer, the validity window and
// the signature itself. Every signature gets a status; the RRset is secure when one is valid.
import type { KeyObject } from 'node:crypto';
import { keyTag, signedData, signedOwner } from '../../shared/dns/canonical';
import { type DnskeyRdata, parseDnskey, rrsigHead } from '../../shared/dns/dnssec-rdata';
import { dnsTypeName } from '../../shared/dns/types';
import { publicKeyOf, SUPPORTED_ALGORITHMS, verifySignature } from './crypto';
import type { Rrset, Signature } from './rrsets';

export interface ZoneKey {
  tag: number;
  algorithm: number;
  flags: number;
  /** SEP bit set (257): a key-signing key by convention. */
  ksk: boolean;
  /** REVOKE bit (RFC 5011): such a key signs nothing valid. */
  revoked: boolean;
  rdata: Uint8Array;
  dnskey: DnskeyRdata;
  /** Undefined for an unsupported algorithm or a malformed key. */
  publicKey: KeyObject | undefined;
}

export type SigStatus =
  | 'valid'
  | 'expired'
  | 'not-yet-valid'
  | 'bad-signature'
  | 'no-key'
  | 'wrong-signer'
  | 'unsupported-algorithm';

export interface SigCheck {
  owner: string;
  covers: string;
  keyTag: number;
  algorithm: number;
  signer: string;
  inception: string;
  expiration: string;
  status: SigStatus;
}

/** DNSKEY RDATAs as keys; ones that do not parse or are not protocol 3 are left out. */
export function zoneKeys(rdatas: readonly Uint8Array[]): ZoneKey[] {
  const keys: ZoneKey[] = [];
  for (const rdata of rdatas) {
    if (rdata.length < 4 || rdata[2] !== 3) continue;
    const dnskey = parseDnskey(rdata);
    keys.push({
      tag: keyTag(rdata),
      algorithm: dnskey.algorithm,
      flags: dnskey.flags,
      ksk: (dnskey.flags & 1) === 1,
      revoked: (dnskey.flags & 0x80) !== 0,
      rdata,
      dnskey,
      publicKey: SUPPORTED_ALGORITHMS.has(dnskey.algorithm) ? publicKeyOf(dnskey) : undefined,
    });
  }
  return keys;
}

const SERIAL = 2 ** 32;

/** An RRSIG time (32-bit serial, RFC 4034 §3.1.5) as the absolute time nearest `now`, in seconds. */
export function absoluteTime(serial: number, now: number): number {
  return serial + SERIAL * Math.round((now - serial) / SERIAL);
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** The status of one signature over `rrset`, made by `zone` (lowercase text), at time `now` (seconds). */
export function checkSignature(
  rrset: Rrset,
  sig: Signature,
  zone: string,
  keys: readonly ZoneKey[],
  now: number,
): SigCheck {
  const { rrsig } = sig;
  const inception = absoluteTime(rrsig.inception, now);
  const expiration = absoluteTime(rrsig.expiration, now);
  const base = {
    owner: rrset.name,
    covers: dnsTypeName(rrset.type),
    keyTag: rrsig.keyTag,
    algorithm: rrsig.algorithm,
    signer: sig.signer,
    inception: iso(inception),
    expiration: iso(expiration),
  };
  const status = (s: SigStatus): SigCheck => ({ ...base, status: s });
  if (sig.signer !== zone) return status('wrong-signer');
  if (!SUPPORTED_ALGORITHMS.has(rrsig.algorithm)) return status('unsupported-algorithm');
  const candidates = keys.filter(
    (k) => k.tag === rrsig.keyTag && k.algorithm === rrsig.algorithm && !k.revoked && (k.flags & 0x100) !== 0,
  );
  if (candidates.length === 0) return status('no-key');
  const data = signedData(
    rrsigHead(rrsig),
    signedOwner(rrset.owner, rrsig.labels),
    rrset.type,
    rrset.rdatas,
    rrsig.originalTtl,
  );
  const verified = candidates.some(
    (k) => k.publicKey !== undefined && verifySignature(rrsig.algorithm, k.publicKey, data, rrsig.signature),
  );
  if (!verified) return status('bad-signature');
  // Checked after the signature: an expired signature that still verifies is reported as expired.
  if (now > expiration) return status('expired');
  if (now < inception) return status('not-yet-valid');
  return status('valid');
}

/** Every signature over `rrset` by `zone`, checked. */
export function checkRrset(rrset: Rrset, zone: string, keys: readonly ZoneKey[], now: number): SigCheck[] {
  return rrset.signatures.map((sig) => checkSignature(rrset, sig, zone, keys, now));
}
