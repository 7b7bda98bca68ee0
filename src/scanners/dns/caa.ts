// CAA (RFC 8659): which certificate authorities may issue for a name. A name without CAA records
// inherits those of its closest ancestor that has some, so the search climbs towards the
// registrable domain; when nothing on the way restricts issuance, any public CA may issue.
import { getDomain } from 'tldts';
import type { EntityKey } from '../../shared/model';
import type { DnsAnswerRecord } from '../../shared/scanner';
import type { GraphBuilder } from '../kit/graph-builder';
import { type Answered, cnameChain, type Outcome, recordsOf } from './queries';
import { nameKey, parseCaa } from './records';

/** Ancestors asked for CAA when a name has none; deeper names than this are rare and odd. */
export const MAX_CAA_ANCESTORS = 8;
/** Values kept per tag: a hostile zone may hold thousands of CAA records. */
const MAX_VALUES = 32;
const KNOWN_TAGS = new Set(['issue', 'issuewild', 'iodef']);

export interface CaaPolicy {
  issue: string[];
  issuewild: string[];
  iodef: string[];
  /** Other tags as "tag value" (issuemail, contactemail, ...), critical ones marked. */
  other: string[];
  /** A critical tag the CA does not know forbids issuance altogether (RFC 8659 §4.1). */
  criticalUnknown: boolean;
}

/** Names above `name` whose CAA applies when it has none, closest first, up to the registrable domain. */
export function caaAncestors(name: string): string[] {
  const registrable = getDomain(name);
  if (!registrable || registrable === name || !name.endsWith(`.${registrable}`)) return [];
  const out: string[] = [];
  let current = name;
  while (current !== registrable && out.length < MAX_CAA_ANCESTORS) {
    current = current.slice(current.indexOf('.') + 1);
    out.push(current);
  }
  return out;
}

export function caaPolicy(records: readonly DnsAnswerRecord[]): CaaPolicy {
  const policy: CaaPolicy = { issue: [], issuewild: [], iodef: [], other: [], criticalUnknown: false };
  for (const record of records) {
    const caa = parseCaa(record.data);
    if (!caa) continue;
    const value = caa.value.slice(0, 300);
    if (caa.tag === 'issue' || caa.tag === 'issuewild' || caa.tag === 'iodef') {
      if (policy[caa.tag].length < MAX_VALUES) policy[caa.tag].push(value);
    } else {
      const critical = (caa.flags & 128) !== 0 && !KNOWN_TAGS.has(caa.tag);
      if (critical) policy.criticalUnknown = true;
      if (policy.other.length < MAX_VALUES) policy.other.push(`${critical ? 'critical ' : ''}${caa.tag} ${value}`);
    }
  }
  return policy;
}

/** True when the policy limits which CAs may issue (an issue ";" forbids every CA). */
export function restrictsIssuance(policy: CaaPolicy): boolean {
  return policy.issue.length > 0 || policy.issuewild.length > 0 || policy.criticalUnknown;
}

function usable(outcome: Outcome | undefined): outcome is Answered {
  return outcome !== undefined && 'response' in outcome && ['NOERROR', 'NXDOMAIN'].includes(outcome.response.rcode);
}

/**
 * Reads the name's CAA answer, then its ancestors' (closest first), into a `caa` prop and, when
 * nothing restricts issuance, a finding. Silent when an answer on the way is missing: the policy
 * is then unknown, and the failed query is reported elsewhere.
 */
export function analyseCaa(
  subject: EntityKey,
  own: Outcome | undefined,
  ancestors: readonly Outcome[],
  graph: GraphBuilder,
): void {
  if (!usable(own) || own.response.rcode !== 'NOERROR') return;
  // A name caught in a CNAME loop cannot have a certificate issued anyway; the loop is reported.
  if (cnameChain(nameKey(own.query.name), own.response.answers).loop) return;
  const consulted: Answered[] = [];
  let found: { outcome: Answered; records: DnsAnswerRecord[] } | undefined;
  for (const outcome of [own, ...ancestors]) {
    if (!usable(outcome)) return;
    consulted.push(outcome);
    const start = nameKey(outcome.query.name);
    const records = recordsOf(outcome.response, 'CAA', cnameChain(start, outcome.response.answers).names);
    if (records.length > 0) {
      found = { outcome, records };
      break;
    }
  }
  const refs = consulted.flatMap((o) => o.refs);
  const name = subject.value;
  if (!found) {
    if (ancestors.length === 0 && caaAncestors(name).length > 0) return;
    const who =
      consulted.length > 1
        ? `Neither ${name} nor its parent domains up to ${consulted.at(-1)?.query.name} publish`
        : `${name} publishes no`;
    graph.finding({
      about: subject,
      severity: 'low',
      title: `No CAA record restricts certificate issuance for ${name}`,
      detail:
        `${who} CAA records (RFC 8659): any public certificate authority may issue certificates for it. ` +
        'A CAA record naming the CAs in use narrows who can obtain a certificate for it.',
      evidence: refs,
    });
    return;
  }
  const policy = caaPolicy(found.records);
  const owner = nameKey(found.outcome.query.name);
  graph.entity(subject, refs, {
    caa: {
      issue: policy.issue,
      issuewild: policy.issuewild,
      iodef: policy.iodef,
      ...(policy.other.length > 0 ? { other: policy.other } : {}),
      ...(owner !== name ? { inheritedFrom: owner } : {}),
    },
  });
  if (!restrictsIssuance(policy)) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `No CAA record restricts certificate issuance for ${name}`,
      detail:
        `The CAA records ${owner === name ? `of ${name}` : `that ${name} inherits from ${owner}`} have no issue or ` +
        'issuewild tag: they restrict nothing, and any public certificate authority may issue certificates for it.',
      evidence: refs,
    });
  }
}
