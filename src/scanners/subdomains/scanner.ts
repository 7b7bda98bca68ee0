// The subdomains scanner: asks for common host labels under a domain and reports the names that
// exist. Certificates and links show only the hosts someone published; vpn., dev. or
// autodiscover. often exist without either. A random name is asked first, so a wildcard, which
// makes every name answer, does not make every label a finding: names answering exactly like it
// are counted, not listed. Only the answers of names found are kept as evidence.
import type { EntityKey } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { Refs } from '../dns/evidence';
import { addressRelations, aliasRelations, nameReader } from '../dns/hosts';
import { type Answered, answered, cnameChain, evidenceOf, type Query, recordsOf, runQueries } from '../dns/queries';
import { nameKey } from '../dns/records';
import { answerSet, isEmpty, sameAnswers, wildcardProbeName, wildcardProp } from '../dns/wildcard';
import { GraphBuilder } from '../kit/graph-builder';
import { labelsOption } from './labels';
import { subdomainsManifest } from './manifest';

/** Names listed in the finding; all found are nodes. */
const MAX_LISTED = 100;
/** Asking stops this long before the run's timeout, so what was found is still reported. */
const RESERVE_MS = 10_000;

const domain = (value: string): EntityKey => ({ type: 'domain', value });

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  if (input.type !== 'domain') throw new Error(`the subdomains scanner does not accept ${input.type} entities`);
  const name = canonicalValue('domain', input.value);
  if (!name) throw new Error(`"${input.value.slice(0, 300)}" is not a valid domain name`);
  const candidates = labelsOption(ctx.options.labels)
    .map((label) => `${label}.${name}`)
    .filter((candidate) => candidate.length <= 253);
  const probe = wildcardProbeName(name);
  const queries: Query[] = [...(probe ? [probe] : []), ...candidates].map((n) => ({ name: n, type: 'A' }));
  const deadline = Date.now() + subdomainsManifest.timeoutMs - RESERVE_MS;
  const outcomes = yield* runQueries(queries, ctx, { from: 0, to: 0.9 }, deadline);

  const probeOutcomes = probe ? outcomes.slice(0, 1) : [];
  const wildcard = probe ? answerSet(probe, probeOutcomes) : undefined;
  const underWildcard = wildcard !== undefined && !isEmpty(wildcard);
  const found: Answered[] = [];
  let wildcardLike = 0;
  for (const outcome of answered(outcomes.slice(probeOutcomes.length))) {
    const set = answerSet(outcome.query.name, [outcome]);
    if (isEmpty(set)) continue;
    if (underWildcard && sameAnswers(set, wildcard)) wildcardLike++;
    else found.push(outcome);
  }
  const failures = outcomes.flatMap((o) => ('error' in o ? [`${o.query.name}: ${o.error}`] : []));
  const failed = failures.length;
  if (failed === outcomes.length) {
    throw new Error(`the resolver answered none of ${outcomes.length} questions: ${failures.slice(0, 3).join('; ')}`);
  }

  const refs = new Refs();
  yield* evidenceOf([...(underWildcard ? answered(probeOutcomes) : []), ...found], refs);
  const graph = new GraphBuilder(subdomainsManifest.category);
  const subject = domain(name);
  const skipped: string[] = [];
  const valid = nameReader(skipped);
  for (const outcome of found) {
    const host = nameKey(outcome.query.name);
    const chain = cnameChain(host, outcome.response.answers);
    graph.entity(domain(host), outcome.refs);
    graph.relation(domain(host), 'subdomain_of', subject, outcome.refs);
    aliasRelations(chain.links, outcome.refs, graph, valid);
    addressRelations(
      host,
      'A',
      recordsOf(outcome.response, 'A', chain.names),
      chain.names,
      outcome.refs,
      graph,
      skipped,
    );
  }
  // Read after evidenceOf, which gives the answers their refs.
  const probeRefs = underWildcard ? answered(probeOutcomes).flatMap((o) => o.refs) : [];
  graph.entity(subject, [...probeRefs], {
    commonSubdomains: { asked: candidates.length, found: found.length, wildcardLike, failed },
    ...(underWildcard && probe && wildcard ? { wildcard: wildcardProp(name, probe, wildcard) } : {}),
  });
  if (found.length > 0) {
    const listed = found.slice(0, MAX_LISTED).map((o) => nameKey(o.query.name));
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${found.length} of ${candidates.length} common host names exist under ${name}`,
      detail: `${listed.join('\n')}${found.length > MAX_LISTED ? `\n… and ${found.length - MAX_LISTED} more` : ''}`,
      evidence: found.flatMap((o) => o.refs),
    });
  }
  if (underWildcard) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `A wildcard answers for names under ${name}: ${wildcardLike} common names answered exactly like it`,
      detail:
        `The random name ${probe} resolves, so every name under ${name} does. Names answering like it were left ` +
        'out: they may exist only through the wildcard. Names answering otherwise are hosts of their own.',
      evidence: probeRefs,
    });
  }
  if (failed > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${failed} of ${outcomes.length} names under ${name} could not be checked`,
      detail: `The resolver gave no answer for these, so whether they exist is unknown:\n${failures.slice(0, MAX_LISTED).join('\n')}`,
      evidence: [],
    });
  }
  if (skipped.length > 0) ctx.log.info(`subdomains: skipped ${skipped.slice(0, 5).join(', ')}`);
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: `${found.length} found` };
}

export const subdomainsScanner: Scanner = { manifest: subdomainsManifest, run };
