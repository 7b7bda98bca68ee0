// DNSSEC for lab zones: keys made at lab start with node:crypto, every RRset signed, an NSEC chain
// for denial, and the DS the parent would publish. Faults can be set on purpose so scanners meet
// expired signatures, signatures that do not verify and a DS that matches no key.
import { generateKeyPair, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { promisify } from 'node:util';
import type * as packet from 'dns-packet';
import * as z from 'zod';
import { dnskeyRdata, dsDigest, keyTag, labelCount, rsaPublicKeyRfc3110, signedData, sortCanonical } from './canonical';
import {
  type CompiledZone,
  checkName,
  compileZone,
  DEFAULT_TTL,
  type DelegationRecordInput,
  DNSSEC_TYPES,
  formatDnssecData,
  type StoredRecord,
  ZoneDataError,
  type ZoneInput,
  type ZoneRecordType,
} from './zone';

export const DNSSEC_FAULTS = ['none', 'expired-signatures', 'bad-signature', 'ds-mismatch'] as const;
export type DnssecFault = (typeof DNSSEC_FAULTS)[number];
/** 8: RSA/SHA-256 (RFC 5702), 13: ECDSA P-256/SHA-256 (RFC 6605). */
export type DnssecAlgorithm = 8 | 13;

/**
 * How one zone is signed. Faults: `expired-signatures` puts every signature's window in the past;
 * `bad-signature` corrupts every signature made by the ZSK (the DNSKEY RRset, signed by the KSK,
 * still verifies, so the break shows at the data); `ds-mismatch` publishes a DS whose digest
 * matches no key (key tag and algorithm still name the KSK).
 */
export const DnssecSpec = z
  .object({
    zone: z.string().min(1).max(300),
    algorithm: z.union([z.literal(8), z.literal(13)]).default(13),
    fault: z.enum(DNSSEC_FAULTS).default('none'),
  })
  .strict()
  .superRefine((spec, ctx) => {
    try {
      checkName(spec.zone);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['zone'], message: error instanceof Error ? error.message : String(error) });
    }
  });
export type DnssecSpec = z.infer<typeof DnssecSpec>;
export type DnssecSpecInput = z.input<typeof DnssecSpec>;

export interface ZoneKey {
  role: 'ksk' | 'zsk';
  /** The DNSKEY record data: flags 257 (KSK, SEP bit) or 256 (ZSK), the algorithm and public key. */
  dnskey: packet.DnskeyData;
  keyTag: number;
  privateKey: KeyObject;
}

export interface ZoneKeys {
  algorithm: DnssecAlgorithm;
  ksk: ZoneKey;
  zsk: ZoneKey;
}

export interface SignOptions {
  /** The signing time (default: now); the validity window is placed around it. */
  now?: Date | number;
  /** Keys to sign with; made fresh when not given. */
  keys?: ZoneKeys;
}

export interface SignatureWindow {
  /** Seconds since 1970, as RRSIG carries them. */
  inception: number;
  expiration: number;
}

export interface SignedZone {
  /** The zone's own records, unchanged, followed by DNSKEY, NSEC and RRSIG records. */
  zone: ZoneInput;
  /** The DS RRset for the apex as the parent publishes it (digest type 2, SHA-256). */
  ds: DelegationRecordInput[];
  keys: ZoneKeys;
  window: SignatureWindow;
}

const DNSKEY_TTL = 3600;
const DS_TTL = 3600;
const HOUR = 3600;
const DAY = 86_400;
/** A signature valid from an hour ago (clock skew) for 30 days, or one that ran out yesterday. */
const VALID_WINDOW = { before: HOUR, after: 30 * DAY };
const EXPIRED_WINDOW = { before: 31 * DAY, after: -DAY };

function publicKeyField(algorithm: DnssecAlgorithm, publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (algorithm === 13) {
    // RFC 6605 §4: the point as x || y, 32 bytes each (JWK keeps the leading zeros).
    return Buffer.concat([Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  }
  return rsaPublicKeyRfc3110(Buffer.from(jwk.n ?? '', 'base64url'), Buffer.from(jwk.e ?? '', 'base64url'));
}

type KeyPair = { publicKey: KeyObject; privateKey: KeyObject };

function zoneKey(algorithm: DnssecAlgorithm, role: 'ksk' | 'zsk', pair: KeyPair): ZoneKey {
  const dnskey: packet.DnskeyData = {
    flags: role === 'ksk' ? 257 : 256,
    algorithm,
    key: publicKeyField(algorithm, pair.publicKey),
  };
  return { role, dnskey, keyTag: keyTag(dnskeyRdata(dnskey)), privateKey: pair.privateKey };
}

function makeKey(algorithm: DnssecAlgorithm, role: 'ksk' | 'zsk'): ZoneKey {
  const pair =
    algorithm === 13
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  return zoneKey(algorithm, role, pair);
}

const generateKeyPairAsync = promisify(generateKeyPair);

async function makeKeyAsync(algorithm: DnssecAlgorithm, role: 'ksk' | 'zsk'): Promise<ZoneKey> {
  const pair =
    algorithm === 13
      ? await generateKeyPairAsync('ec', { namedCurve: 'P-256' })
      : await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  return zoneKey(algorithm, role, pair);
}

/** A KSK and a ZSK; their key tags differ, so a validator never has to try both. */
export function generateZoneKeys(algorithm: DnssecAlgorithm): ZoneKeys {
  const ksk = makeKey(algorithm, 'ksk');
  let zsk = makeKey(algorithm, 'zsk');
  while (zsk.keyTag === ksk.keyTag) zsk = makeKey(algorithm, 'zsk');
  return { algorithm, ksk, zsk };
}

/**
 * The same off the event loop: RSA-2048 key generation takes from a fraction of a second to a
 * couple of seconds, which a lab starting beside a UI should not block on.
 */
export async function generateZoneKeysAsync(algorithm: DnssecAlgorithm): Promise<ZoneKeys> {
  const [ksk, first] = await Promise.all([makeKeyAsync(algorithm, 'ksk'), makeKeyAsync(algorithm, 'zsk')]);
  let zsk = first;
  while (zsk.keyTag === ksk.keyTag) zsk = await makeKeyAsync(algorithm, 'zsk');
  return { algorithm, ksk, zsk };
}

/** Signs bytes as the algorithm prescribes: PKCS#1 v1.5 for 8, r || s (64 bytes) for 13. */
function signBytes(key: ZoneKey, data: Buffer): Buffer {
  if (key.dnskey.algorithm === 13) return sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return sign('sha256', data, key.privateKey);
}

/** A signature with one byte flipped: same length and fields, fails verification. */
function corrupt(signature: Buffer): Buffer {
  const copy = Buffer.from(signature);
  const at = copy.length >> 1;
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}

/**
 * The RRSIG over one RRset (records of one owner and type). Its TTL and original TTL are the
 * RRset's lowest TTL, so one value serves every record.
 */
export function signRrset(
  records: readonly StoredRecord[],
  key: ZoneKey,
  signer: string,
  window: SignatureWindow,
  options: { corrupt?: boolean } = {},
): StoredRecord {
  const first = records[0];
  if (!first) throw new Error('nothing to sign');
  const ttl = Math.min(...records.map((r) => r.ttl));
  const fields: Omit<packet.RrsigData, 'signature'> = {
    typeCovered: first.type,
    algorithm: key.dnskey.algorithm,
    labels: labelCount(first.name),
    originalTTL: ttl,
    expiration: window.expiration,
    inception: window.inception,
    keyTag: key.keyTag,
    signersName: signer,
  };
  const signature = signBytes(key, signedData(fields, records));
  return {
    name: first.name,
    type: 'RRSIG',
    ttl,
    data: { ...fields, signature: options.corrupt ? corrupt(signature) : signature },
  };
}

function windowFor(fault: DnssecFault, now: Date | number | undefined): SignatureWindow {
  const seconds = Math.floor((now === undefined ? Date.now() : Number(now)) / 1000);
  const span = fault === 'expired-signatures' ? EXPIRED_WINDOW : VALID_WINDOW;
  // RRSIG times are 32-bit serial numbers (RFC 4034 §3.1.5); wrap like them.
  return { inception: (seconds - span.before) >>> 0, expiration: (seconds + span.after) >>> 0 };
}

function negativeTtl(zone: CompiledZone): number {
  const soa = zone.soa;
  if (!soa) return DEFAULT_TTL;
  const minimum = (soa.data as packet.SoaData).minimum ?? soa.ttl;
  // RFC 4035 §2.3 / RFC 9077: NSEC lives as long as a negative answer would be cached.
  return Math.min(soa.ttl, minimum);
}

/** NSEC and RRSIG come first in no bitmap; the encoder orders by type code itself. */
function typesAt(node: Map<ZoneRecordType, StoredRecord[]>): string[] {
  return [...node.keys(), 'RRSIG', 'NSEC'];
}

function presentation(record: StoredRecord): { name: string; type: ZoneRecordType; ttl: number; data: string } {
  const type = record.type as 'DNSKEY' | 'RRSIG' | 'NSEC' | 'DS';
  return { name: `${record.name}.`, type, ttl: record.ttl, data: formatDnssecData(type, record.data) };
}

/**
 * Signs a zone: DNSKEY (KSK 257 + ZSK 256) at the apex, an NSEC chain over every owner name in
 * canonical order, an RRSIG over every RRset (DNSKEY by the KSK, the rest by the ZSK), and the
 * DS for the parent. Throws ZoneDataError when the zone is invalid, is not the one the spec names,
 * or already holds DNSKEY, RRSIG or NSEC records.
 */
export function signZone(input: ZoneInput, specInput: DnssecSpecInput, options: SignOptions = {}): SignedZone {
  const spec = DnssecSpec.parse(specInput);
  const zone = compileZone(input);
  if (checkName(spec.zone) !== zone.origin) {
    throw new ZoneDataError(`the DNSSEC settings name ${spec.zone}, not the zone ${zone.origin}`);
  }
  for (const node of zone.names.values()) {
    for (const type of DNSSEC_TYPES) {
      if (node.has(type)) throw new ZoneDataError(`${zone.origin} already holds ${type} records: it is signed once`);
    }
  }
  const keys = options.keys ?? generateZoneKeys(spec.algorithm);
  if (keys.algorithm !== spec.algorithm) {
    throw new ZoneDataError(`keys for algorithm ${keys.algorithm} cannot sign with algorithm ${spec.algorithm}`);
  }
  const window = windowFor(spec.fault, options.now);
  const origin = zone.origin;

  const nodes = new Map<string, Map<ZoneRecordType, StoredRecord[]>>();
  for (const [name, byType] of zone.names) nodes.set(name, new Map(byType));
  const apex = nodes.get(origin) ?? new Map<ZoneRecordType, StoredRecord[]>();
  nodes.set(origin, apex);
  const added: StoredRecord[] = [];
  const dnskeys: StoredRecord[] = [keys.ksk, keys.zsk].map((key) => ({
    name: origin,
    type: 'DNSKEY',
    ttl: DNSKEY_TTL,
    data: key.dnskey,
  }));
  apex.set('DNSKEY', dnskeys);
  added.push(...dnskeys);

  const owners = sortCanonical(nodes.keys());
  const nsecTtl = negativeTtl(zone);
  owners.forEach((owner, index) => {
    const node = nodes.get(owner) as Map<ZoneRecordType, StoredRecord[]>;
    const nsec: StoredRecord = {
      name: owner,
      type: 'NSEC',
      ttl: nsecTtl,
      // The last name points back to the apex, closing the chain (RFC 4034 §4.1.1).
      data: { nextDomain: owners[(index + 1) % owners.length] as string, rrtypes: typesAt(node) },
    };
    node.set('NSEC', [nsec]);
    added.push(nsec);
  });

  for (const owner of owners) {
    const node = nodes.get(owner) as Map<ZoneRecordType, StoredRecord[]>;
    for (const [type, records] of node) {
      const key = type === 'DNSKEY' ? keys.ksk : keys.zsk;
      const broken = spec.fault === 'bad-signature' && key === keys.zsk;
      added.push(signRrset(records, key, origin, window, { corrupt: broken }));
    }
  }

  const digest = dsDigest(origin, keys.ksk.dnskey, 2);
  // A wrong digest keeps its length, key tag and algorithm, so only the digest comparison fails.
  if (spec.fault === 'ds-mismatch') digest[digest.length - 1] = (digest[digest.length - 1] ?? 0) ^ 0xff;
  const ds: StoredRecord = {
    name: origin,
    type: 'DS',
    ttl: DS_TTL,
    data: { keyTag: keys.ksk.keyTag, algorithm: spec.algorithm, digestType: 2, digest },
  };

  return {
    zone: { origin: input.origin, records: [...input.records, ...added.map(presentation)] },
    ds: [presentation(ds)],
    keys,
    window,
  };
}

export interface SignedZones {
  /** The zones in the order given, signed where a spec names them. */
  zones: ZoneInput[];
  /** DS records for every signed zone, with RRSIGs where the parent zone is signed too. */
  ds: DelegationRecordInput[];
  signed: Map<string, SignedZone>;
}

/**
 * Signs every zone a spec names, and signs each DS RRset with the ZSK of the closest signed zone
 * above it, so a chain of trust runs from a signed parent to a signed child inside the lab.
 * `keys` (by zone name) lets a caller make keys beforehand with generateZoneKeysAsync.
 */
export function signZones(
  zones: readonly ZoneInput[],
  specs: readonly DnssecSpecInput[],
  options: { now?: Date | number; keys?: ReadonlyMap<string, ZoneKeys> } = {},
): SignedZones {
  const byOrigin = new Map(zones.map((zone) => [checkName(zone.origin), zone]));
  const signed = new Map<string, SignedZone>();
  const faults = new Map<string, DnssecFault>();
  for (const specInput of specs) {
    const spec = DnssecSpec.parse(specInput);
    const origin = checkName(spec.zone);
    const zone = byOrigin.get(origin);
    if (!zone) throw new ZoneDataError(`DNSSEC is set for ${origin}, which no zone defines`);
    if (signed.has(origin)) throw new ZoneDataError(`DNSSEC is set twice for ${origin}`);
    const keys = options.keys?.get(origin);
    signed.set(origin, signZone(zone, spec, keys ? { now: options.now, keys } : { now: options.now }));
    faults.set(origin, spec.fault);
  }
  const ds: DelegationRecordInput[] = [];
  for (const [origin, result] of signed) {
    ds.push(...result.ds);
    let parent: string | undefined;
    for (const candidate of signed.keys()) {
      if (origin.endsWith(`.${candidate}`) && (!parent || candidate.length > parent.length)) parent = candidate;
    }
    const parentZone = parent === undefined ? undefined : signed.get(parent);
    if (parent === undefined || !parentZone) continue;
    const fault = faults.get(parent) ?? 'none';
    const records = compileZone({ origin, records: result.ds.map((r) => ({ ...r, name: `${origin}.` })) })
      .names.get(origin)
      ?.get('DS');
    if (!records) continue;
    const sig = signRrset(records, parentZone.keys.zsk, parent, parentZone.window, {
      corrupt: fault === 'bad-signature',
    });
    ds.push(presentation(sig));
  }
  return { zones: zones.map((zone) => signed.get(checkName(zone.origin))?.zone ?? zone), ds, signed };
}
