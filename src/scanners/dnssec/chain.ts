// The walk up the chain of trust: the domain's zone (from the SOA answer), then each zone's
// DNSKEY and DS, moving to the parent that signed the DS until the root (checked against the
// trust anchors), an unsigned zone, or a DS no visible parent signed. Then the domain's own data
// (SOA and A answers) is checked against its zone's keys.

import type { WireRecord } from '../../shared/dns/message';
import { DNS_TYPE_CODES } from '../../shared/dns/types';
import type { ScanEvent } from '../../shared/scanner';
import { ROOT_ANCHORS } from './anchors';
import { groupRrsets, type Rrset } from './rrsets';
import type { Asked, Session } from './session';
import { checkRrset, type SigCheck, type ZoneKey } from './verify';
import { describeSig, evaluateZone, type ZoneReport } from './zone';

/** Zones walked at most: a name has few, and a hostile resolver must not lead us on forever. */
const MAX_ZONES = 10;

export type Verdict = 'signed' | 'unsigned' | 'broken' | 'unknown';

export interface ChainResult {
  verdict: Verdict;
  reasons: string[];
  /** The domain's zone (apex), when found. */
  zone: string | null;
  zones: ZoneReport[];
  /** Signatures over each zone's DS, checked with its parent's keys (index i: zones[i]'s DS). */
  dsSignatures: SigCheck[][];
  /** Signatures over the domain's own answers. */
  dataSignatures: SigCheck[];
  /** What the chain rests on. */
  anchor: string | null;
}

/** Whether `name` is `zone` or under it (lowercase text, "." is the root). */
export function inZone(name: string, zone: string): boolean {
  return zone === '.' || name === zone || name.endsWith(`.${zone}`);
}

/** The zone a name lives in: the owner of the SOA in the answer or authority section, if it is the name or above it. */
export function zoneOf(name: string, asked: Asked): string | undefined {
  if (!asked.ok) return undefined;
  const { answers, authorities } = asked.message;
  const soa = [...answers, ...authorities].find((r) => r.type === DNS_TYPE_CODES.SOA && inZone(name, r.name));
  return soa?.name;
}

/** The name one label up, or undefined at a top-level name. */
function parentName(name: string): string | undefined {
  const dot = name.indexOf('.');
  return dot === -1 ? undefined : name.slice(dot + 1);
}

const rrsetOf = (records: readonly WireRecord[], name: string, type: number): Rrset | undefined =>
  groupRrsets(records).find((set) => set.name === name && set.type === type);

function denialIn(records: readonly WireRecord[]): 'NSEC' | 'NSEC3' | null {
  if (records.some((r) => r.type === DNS_TYPE_CODES.NSEC3)) return 'NSEC3';
  if (records.some((r) => r.type === DNS_TYPE_CODES.NSEC)) return 'NSEC';
  return null;
}

interface Step {
  report: ZoneReport;
  keys: ZoneKey[];
  ds: Rrset | undefined;
}

const progress = (fraction: number, message: string): ScanEvent => ({ kind: 'progress', fraction, message });

export async function* walkChain(
  domain: string,
  session: Session,
  now: number,
): AsyncGenerator<ScanEvent, ChainResult> {
  const [soa, address] = await Promise.all([session.ask(domain, 'SOA'), session.ask(domain, 'A')]);
  yield* session.flush();
  const result: ChainResult = {
    verdict: 'unknown',
    reasons: [],
    zone: null,
    zones: [],
    dsSignatures: [],
    dataSignatures: [],
    anchor: null,
  };
  let zone = zoneOf(domain, soa);
  // An alias's SOA answer follows the CNAME elsewhere: the zone holding the name is above it.
  let above = parentName(domain);
  for (let i = 0; zone === undefined && soa.ok && above !== undefined && i < MAX_ZONES; i++) {
    const asked = await session.ask(above, 'SOA');
    yield* session.flush();
    zone = zoneOf(domain, asked);
    above = parentName(above);
  }
  if (zone === undefined) {
    result.reasons.push(
      soa.ok
        ? `the SOA answer for ${domain} names no zone above it`
        : `asking the SOA of ${domain} failed: ${soa.error}`,
    );
    return result;
  }
  result.zone = zone;
  yield progress(0.2, `zone ${zone}`);

  const steps: Step[] = [];
  const failures: string[] = [];
  let current = zone;
  for (let i = 0; i < MAX_ZONES; i++) {
    const root = current === '.';
    const [dnskey, ds] = await Promise.all([
      session.ask(current, 'DNSKEY'),
      root ? undefined : session.ask(current, 'DS'),
    ]);
    yield* session.flush();
    yield progress(Math.min(0.8, 0.2 + 0.15 * (i + 1)), `DNSKEY and DS of ${current}`);
    const failed = [dnskey, ds].find((a) => a !== undefined && !a.ok);
    if (failed !== undefined && !failed.ok) {
      failures.push(`asking the ${failed.type} of ${current} failed: ${failed.error}`);
      break;
    }
    const dsAnswer = ds?.ok ? ds.message : undefined;
    const evaluated = evaluateZone({
      zone: current,
      dnskey: dnskey.ok ? rrsetOf(dnskey.message.answers, current, DNS_TYPE_CODES.DNSKEY) : undefined,
      ds: dsAnswer ? rrsetOf(dsAnswer.answers, current, DNS_TYPE_CODES.DS) : undefined,
      dsDenial: dsAnswer ? denialIn(dsAnswer.authorities) : null,
      ...(root ? { anchors: ROOT_ANCHORS } : {}),
      now,
    });
    const dsRrset = dsAnswer ? rrsetOf(dsAnswer.answers, current, DNS_TYPE_CODES.DS) : undefined;
    steps.push({ ...evaluated, ds: dsRrset });
    if (evaluated.report.status !== 'secure' || root) break;
    // The parent is the zone that signed the DS; unsigned, the DS is the top of what can be seen.
    const signer = dsRrset?.signatures.map((s) => s.signer).find((s) => s !== current && inZone(current, s));
    if (signer === undefined) break;
    current = signer;
  }
  result.zones = steps.map((s) => s.report);

  // What makes the domain broken; an insecure zone only makes it unsigned.
  const problems = steps.filter((s) => s.report.status === 'bogus').flatMap((s) => s.report.problems);
  // Each DS must be signed by the parent above it, with a key the parent's chain vouches for.
  for (let i = 0; i + 1 < steps.length; i++) {
    const child = steps[i] as Step;
    const parent = steps[i + 1] as Step;
    const checks = child.ds ? checkRrset(child.ds, parent.report.zone, parent.keys, now) : [];
    result.dsSignatures.push(checks);
    if (!checks.some((c) => c.status === 'valid')) {
      problems.push(
        ...checks
          .filter((c) => c.signer === parent.report.zone)
          .map((c) => `the DS of ${child.report.zone} at ${parent.report.zone}: ${describeSig(c)}`),
      );
    }
  }
  const top = steps.at(-1);
  if (top !== undefined && top.report.status === 'secure') {
    result.anchor =
      top.report.dsSource === 'root trust anchor'
        ? 'the root trust anchors (KSK-2017, KSK-2024)'
        : `the DS for ${top.report.zone} as the resolver returned it (no signature by a parent zone in sight)`;
  }

  const first = steps[0];
  if (first !== undefined && first.report.status === 'secure') {
    // Each answer on its own (both may carry the same CNAME), each RRset judged once.
    const seen = new Set<string>();
    const rrsets = [soa, address].flatMap((a) =>
      a.ok ? groupRrsets([...a.message.answers, ...a.message.authorities]) : [],
    );
    for (const rrset of rrsets) {
      const key = `${rrset.name} ${rrset.type}`;
      // The domain's own records, its zone's apex, and what the zone signed; a name an alias
      // leads to may sit in a child zone with keys (or none) of its own.
      const ours = rrset.name === domain || rrset.name === zone || rrset.signatures.some((s) => s.signer === zone);
      if (!ours || !inZone(rrset.name, zone) || seen.has(key)) continue;
      seen.add(key);
      const checks = checkRrset(rrset, zone, first.keys, now);
      result.dataSignatures.push(...checks);
      if (checks.some((c) => c.status === 'valid')) continue;
      const what = `${rrset.name} ${checks[0]?.covers ?? rrset.type}`;
      if (checks.length === 0) problems.push(`${what} is not signed`);
      else problems.push(...checks.map((c) => `${what}: ${describeSig(c)}`));
    }
  }
  yield progress(0.9, 'verdict');

  const insecure = steps.find((s) => s.report.status === 'insecure');
  if (problems.length > 0) {
    result.verdict = 'broken';
    result.reasons = [...new Set([...problems, ...failures])];
  } else if (insecure !== undefined) {
    result.verdict = 'unsigned';
    result.reasons = [...insecure.report.problems];
    const denial = insecure.report.dsDenial;
    if (denial) result.reasons.push(`the resolver proved there is no DS for ${insecure.report.zone} (${denial})`);
  } else if (
    failures.length > 0 ||
    first === undefined ||
    first.report.status !== 'secure' ||
    top?.report.status !== 'secure'
  ) {
    result.reasons = [...failures, ...steps.flatMap((s) => s.report.problems)];
  } else {
    result.verdict = 'signed';
    result.reasons = [`a valid chain of trust from ${result.anchor} down to ${zone}`];
  }
  return result;
}
