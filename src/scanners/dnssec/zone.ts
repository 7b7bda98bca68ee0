// One zone's part of the chain of trust: its DNSKEYs, the DS its parent publishes (or the root's
// trust anchors), whether a DS digest matches a key and whether that key signs the DNSKEY RRset.
import type { DsRdata } from '../../shared/dns/dnssec-rdata';
import { parseDs } from '../../shared/dns/dnssec-rdata';
import { algorithmName, digestSupported, dsDigest, SUPPORTED_ALGORITHMS } from './crypto';
import type { Rrset } from './rrsets';
import { checkRrset, type SigCheck, type ZoneKey, zoneKeys } from './verify';

export type ZoneStatus = 'secure' | 'insecure' | 'bogus' | 'unsupported';
export type DsMatch = 'matches' | 'no-match' | 'no-key' | 'unsupported-digest';

export interface ZoneReport {
  zone: string;
  status: ZoneStatus;
  keys: { tag: number; algorithm: number; flags: number; role: 'KSK' | 'ZSK'; revoked: boolean }[];
  ds: { tag: number; algorithm: number; digestType: number; match: DsMatch }[];
  /** Where the DS came from: the parent's answer, or the built-in root trust anchors. */
  dsSource: 'parent' | 'root trust anchor';
  dnskeySignatures: SigCheck[];
  /** Authenticated denial the resolver sent with an empty DS answer. */
  dsDenial: 'NSEC' | 'NSEC3' | null;
  /** Why the zone is not secure. */
  problems: string[];
}

export interface ZoneInput {
  zone: string;
  dnskey: Rrset | undefined;
  ds: Rrset | undefined;
  dsDenial: 'NSEC' | 'NSEC3' | null;
  /** For the root zone: the trust anchors stand in for the DS. */
  anchors?: readonly DsRdata[];
  now: number;
}

export interface EvaluatedZone {
  report: ZoneReport;
  keys: ZoneKey[];
}

const dsList = (rrset: Rrset | undefined): DsRdata[] => {
  const out: DsRdata[] = [];
  for (const rdata of rrset?.rdatas ?? []) {
    if (rdata.length >= 5) out.push(parseDs(rdata));
  }
  return out;
};

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

export function evaluateZone(input: ZoneInput): EvaluatedZone {
  const { zone, now } = input;
  const keys = zoneKeys(input.dnskey?.rdatas ?? []);
  const anchored = input.anchors !== undefined;
  const ds = anchored ? [...(input.anchors ?? [])] : dsList(input.ds);
  const owner = input.dnskey?.owner ?? input.ds?.owner ?? [];
  const matches = ds.map((d) => {
    const candidates = keys.filter((k) => k.tag === d.keyTag && k.algorithm === d.algorithm);
    if (candidates.length === 0) return { d, match: 'no-key' as DsMatch, key: undefined };
    for (const key of candidates) {
      const digest = dsDigest(owner, key.rdata, d.digestType);
      if (digest === undefined) return { d, match: 'unsupported-digest' as DsMatch, key: undefined };
      if (equalBytes(digest, d.digest)) return { d, match: 'matches' as DsMatch, key };
    }
    return { d, match: 'no-match' as DsMatch, key: undefined };
  });
  const dnskeySignatures = input.dnskey ? checkRrset(input.dnskey, zone, keys, now) : [];
  const report: ZoneReport = {
    zone,
    status: 'secure',
    keys: keys.map((k) => ({
      tag: k.tag,
      algorithm: k.algorithm,
      flags: k.flags,
      role: k.ksk ? 'KSK' : 'ZSK',
      revoked: k.revoked,
    })),
    ds: matches.map(({ d, match }) => ({ tag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType, match })),
    dsSource: anchored ? 'root trust anchor' : 'parent',
    dnskeySignatures,
    dsDenial: input.dsDenial,
    problems: [],
  };
  const result = (status: ZoneStatus, ...problems: string[]): EvaluatedZone => {
    report.status = status;
    report.problems.push(...problems);
    return { report, keys };
  };

  if (keys.length === 0) {
    if (ds.length === 0) return result('insecure', `${zone} publishes no DNSKEY and its parent no DS`);
    return result('bogus', `the parent publishes a DS for ${zone}, but ${zone} answers with no DNSKEY`);
  }
  if (ds.length === 0) {
    return result(
      'insecure',
      `${zone} publishes DNSKEYs but its parent has no DS for it, so validators treat it as unsigned (an island of security)`,
    );
  }
  // RFC 4035 §5.2: a DS set of algorithms or digests a validator does not know makes the zone
  // insecure to that validator, not bogus. Other validators may know them, so the zone is marked
  // unsupported and the verdict is unknown: neither signed nor unsigned is claimed, nor graded.
  const usable = ds.filter((d) => SUPPORTED_ALGORITHMS.has(d.algorithm) && digestSupported(d.digestType));
  if (usable.length === 0) {
    const algorithms = [...new Set(ds.map((d) => algorithmName(d.algorithm)))].join(', ');
    return result(
      'unsupported',
      `${zone} is signed with algorithm ${algorithms} or a digest type this scanner cannot check`,
    );
  }
  const trusted = matches.filter((m) => m.match === 'matches' && m.key !== undefined).map((m) => m.key as ZoneKey);
  if (trusted.length === 0) {
    const tags = ds.map((d) => `${d.keyTag}/${d.algorithm}/${d.digestType}`).join(', ');
    return result('bogus', `no DS digest for ${zone} (tag/algorithm/digest type ${tags}) matches one of its DNSKEYs`);
  }
  const bySep = dnskeySignatures.filter((s) => trusted.some((k) => k.tag === s.keyTag && k.algorithm === s.algorithm));
  if (bySep.some((s) => s.status === 'valid')) return result('secure');
  if (bySep.length === 0) {
    return result('bogus', `the DNSKEY RRset of ${zone} carries no signature by the key its DS names`);
  }
  return result('bogus', ...bySep.map((s) => `the DNSKEY RRset of ${zone}: ${describeSig(s)}`));
}

/** One signature's failure in words. */
export function describeSig(s: SigCheck): string {
  const by = `RRSIG by key ${s.keyTag}`;
  switch (s.status) {
    case 'expired':
      return `${by} expired at ${s.expiration}`;
    case 'not-yet-valid':
      return `${by} is not valid before ${s.inception}`;
    case 'bad-signature':
      return `${by} does not verify`;
    case 'no-key':
      return `${by}: no such DNSKEY in ${s.signer}`;
    case 'wrong-signer':
      return `${by} names signer ${s.signer}, not the zone`;
    case 'unsupported-algorithm':
      return `${by} uses algorithm ${algorithmName(s.algorithm)}, which this scanner cannot verify`;
    case 'valid':
      return `${by} is valid until ${s.expiration}`;
  }
}
