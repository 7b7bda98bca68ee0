// What the checks of one subject become in the case: the `reputation` prop (listed, clean, not
// checked; bounded), the grade's score on an address, a netblock node for a DROP block, and the
// findings: DROP (high), abuse listings (by the list's severity), policy listings and lists that
// could not be asked (info). Every finding cites the answers it rests on.
import { gradePropKey } from '../../shared/grade';
import type { EntityKey, JsonValue, Severity } from '../../shared/model';
import type { GraphBuilder } from '../kit/graph-builder';
import type { Check } from './checks';
import { reputationScore, type ScoredListing } from './score';

/** Entries kept in each part of the prop. */
const MAX_PROP_ENTRIES = 50;
const RANK: Readonly<Record<Severity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

function worst(hits: readonly ScoredListing[]): Severity {
  return hits.reduce<Severity>((w, h) => (RANK[h.severity] > RANK[w] ? h.severity : w), 'info');
}

function listedEntry(check: Check): JsonValue {
  return {
    list: check.list,
    source: check.source.slice(0, 300),
    what: check.hits.map((h) => h.what).join(', '),
    severity: worst(check.hits),
    ...(check.txt ? { txt: check.txt } : {}),
    ...(check.block ? { cidr: check.block.cidr, sbl: check.block.sbl } : {}),
  };
}

/** The prop: which lists list the subject, which answered "not listed", which could not be asked. */
export function reputationProp(checks: readonly Check[]): JsonValue {
  const of = (status: Check['status']) => checks.filter((c) => c.status === status).slice(0, MAX_PROP_ENTRIES);
  return {
    listed: of('listed').map(listedEntry),
    clean: of('clean').map((c) => c.list),
    unchecked: of('unchecked').map((c) => ({ list: c.list, reason: (c.reason ?? '').slice(0, 300) })),
  };
}

function describe(check: Check): string {
  const lines = check.hits.map((h) => `- ${h.what}: ${h.meaning} (${h.severity})`);
  if (check.about) lines.push(`Look it up: ${check.about}`);
  return `${lines.join('\n')}\n\nThe answers:\n${check.summary}`;
}

/** Findings for one subject's checks. */
function findings(graph: GraphBuilder, subject: EntityKey, checks: readonly Check[]): void {
  const name = subject.value;
  for (const check of checks.filter((c) => c.status === 'listed')) {
    const names = check.hits.map((h) => h.name).join(', ');
    if (check.block) {
      graph.finding({
        about: subject,
        severity: 'high',
        title: `${name} is in ${check.list}: ${check.block.cidr}, a hijacked or criminal netblock`,
        detail:
          `${check.list} lists netblocks hijacked from their owners or run by spam and cyber-crime operations ` +
          `("Don't Route Or Peer"); ${check.block.cidr}${check.block.sbl ? ` (Spamhaus record ${check.block.sbl})` : ''} ` +
          `holds ${name}. Traffic to and from it is dropped by networks that follow the list.\n\n` +
          `The line: ${check.summary}\nFetched from ${check.source}`,
        evidence: check.refs,
      });
      continue;
    }
    const policyOnly = check.hits.every((h) => h.kind === 'policy');
    graph.finding({
      about: subject,
      severity: policyOnly ? 'info' : check.hits.some((h) => h.kind === 'drop') ? 'high' : worst(check.hits),
      title: policyOnly
        ? `${name} is on ${check.list}'s policy list (${names}), which is not a sign of abuse`
        : `${name} is listed by ${check.list}: ${names}`,
      detail:
        (policyOnly
          ? 'A policy listing describes the range or the sender (an end-user or dynamic range that should not send ' +
            'mail directly, a bulk sender), not harm done: it costs no points.\n'
          : `${check.list} lists ${check.describes ?? 'abuse'}.\n`) + describe(check),
      evidence: check.refs,
    });
  }
  const unchecked = checks.filter((c) => c.status === 'unchecked');
  if (unchecked.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${unchecked.length} list(s) could not be checked for ${name}`,
      detail:
        'These lists gave no usable answer, so they count neither as listed nor as clean:\n' +
        unchecked.map((c) => `- ${c.list} (${c.source}): ${c.reason ?? ''}`).join('\n'),
      evidence: unchecked.flatMap((c) => c.refs),
    });
  }
}

/**
 * Reports one subject: the prop, the findings and, for an address, the grade's score (none when no
 * list could be checked) and a netblock node per DROP block holding it.
 */
export function reportSubject(graph: GraphBuilder, subject: EntityKey, checks: readonly Check[]): void {
  graph.entity(
    subject,
    checks.flatMap((c) => c.refs),
    { reputation: reputationProp(checks) },
  );
  if (subject.type === 'ip') {
    for (const check of checks) {
      if (!check.block) continue;
      const netblock: EntityKey = { type: 'netblock', value: check.block.cidr };
      graph.entity(netblock, check.refs, {
        spamhausDrop: check.list,
        ...(check.block.sbl ? { sbl: check.block.sbl } : {}),
      });
      graph.relation(subject, 'in_netblock', netblock, check.refs, { source: check.list });
    }
    const checked = checks.filter((c) => c.status !== 'unchecked').length;
    const score = reputationScore(
      subject.value,
      checks.flatMap((c) => c.hits),
      checked,
    );
    // Nothing checked is no score: an unknown category, never a pass.
    if (score) graph.prop(subject, gradePropKey('reputation'), score);
  }
  findings(graph, subject, checks);
}
