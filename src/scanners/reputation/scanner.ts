// The reputation scanner: what blacklists say about an address, or about a domain's addresses and
// the domain itself. Passive: it asks DNS blacklists through the resolver and fetches Spamhaus'
// DROP files; the target is never contacted. A list that refuses to answer (Spamhaus through a
// public resolver, say) is "not checked", never "clean": silence proves nothing.
import { getDomain } from 'tldts';
import type { EntityKey } from '../../shared/model';
import type { DnsRecordType, ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { Refs } from '../dns/evidence';
import { answered, cnameChain, evidenceOf, type Outcome, type Query, recordsOf, runQueries } from '../dns/queries';
import { addressOf, nameKey } from '../dns/records';
import { GraphBuilder } from '../kit/graph-builder';
import { type Check, dnsblCheck, dropCheck, type Question } from './checks';
import { dropFileNames, fetchDropFiles } from './drop-fetch';
import { DNSBLS, dnsblQueryName, dnsblTestName, listedAddress } from './lists';
import { reputationManifest } from './manifest';
import { reportSubject } from './report';

const CATEGORY = 'reputation';
/** Addresses of a domain checked at most: each costs a dozen queries. */
const MAX_ADDRESSES = 16;

/** A domain's A and AAAA addresses, with the answers that gave each. */
async function* resolve(
  domain: string,
  ctx: ScanContext,
  refs: Refs,
): AsyncGenerator<ScanEvent, { addresses: Map<string, string[]>; refs: string[] }> {
  const types: ('A' | 'AAAA')[] = ['A', 'AAAA'];
  const outcomes = yield* runQueries(
    types.map((type) => ({ name: domain, type })),
    ctx,
    { from: 0, to: 0.1 },
  );
  yield* evidenceOf(outcomes, refs);
  const addresses = new Map<string, string[]>();
  for (const outcome of answered(outcomes)) {
    const type = outcome.query.type as 'A' | 'AAAA';
    const chain = cnameChain(nameKey(domain), outcome.response.answers).names;
    for (const record of recordsOf(outcome.response, type, chain)) {
      const ip = addressOf(record.data, type);
      if (ip === undefined || (addresses.size >= MAX_ADDRESSES && !addresses.has(ip))) continue;
      addresses.set(ip, [...new Set([...(addresses.get(ip) ?? []), ...outcome.refs])]);
    }
  }
  return { addresses, refs: outcomes.flatMap((o) => ('refs' in o ? o.refs : [])) };
}

/** Every DNSBL question: each address to the address lists that take its family, each name to the domain lists. */
function questions(addresses: readonly string[], names: readonly string[]): Question[] {
  const list: Question[] = [];
  for (const subject of addresses) {
    const v6 = listedAddress(subject).includes(':');
    for (const spec of DNSBLS) {
      if (spec.subject !== 'ip' || (v6 && !spec.ipv6)) continue;
      const name = dnsblQueryName(spec, subject);
      if (name) list.push({ subject, spec, name });
    }
  }
  for (const subject of names) {
    for (const spec of DNSBLS) {
      if (spec.subject !== 'domain') continue;
      const name = dnsblQueryName(spec, subject);
      if (name) list.push({ subject, spec, name });
    }
  }
  return list;
}

/** Asks the questions, each list's self-test, then TXT where listed; returns each question's check. */
async function* askDnsbls(
  asked: readonly Question[],
  ctx: ScanContext,
  refs: Refs,
): AsyncGenerator<ScanEvent, { question: Question; check: Check }[]> {
  const zones = [...new Set(asked.map((q) => q.spec))];
  const queries: Query[] = [
    ...asked.map((q) => ({ name: q.name, type: 'A' as DnsRecordType })),
    ...zones.map((spec) => ({ name: dnsblTestName(spec), type: 'A' as DnsRecordType })),
  ];
  const outcomes = yield* runQueries(queries, ctx, { from: 0.3, to: 0.8 });
  yield* evidenceOf(outcomes, refs);
  const selfTests = new Map(zones.map((spec, i) => [spec.zone, outcomes[asked.length + i]]));

  const listed = asked.filter(
    (q, i) => dnsblCheck(q, outcomes[i], selfTests.get(q.spec.zone), undefined).status === 'listed',
  );
  const txtOutcomes = yield* runQueries(
    listed.map((q) => ({ name: q.name, type: 'TXT' as DnsRecordType })),
    ctx,
    { from: 0.8, to: 0.9 },
  );
  yield* evidenceOf(txtOutcomes, refs);
  const txtOf = new Map<string, Outcome>(listed.map((q, i) => [q.name, txtOutcomes[i] as Outcome]));
  return asked.map((question, i) => ({
    question,
    check: dnsblCheck(question, outcomes[i], selfTests.get(question.spec.zone), txtOf.get(question.name)),
  }));
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  if (input.type !== 'ip' && input.type !== 'domain') {
    throw new Error(`the reputation scanner does not accept ${input.type} entities`);
  }
  const value = canonicalValue(input.type, input.value);
  if (!value)
    throw new Error(
      `"${input.value.slice(0, 300)}" is not a valid ${input.type === 'ip' ? 'IP address' : 'domain name'}`,
    );
  const target: EntityKey = { type: input.type, value };
  const graph = new GraphBuilder(CATEGORY);
  const refs = new Refs();

  let addresses = new Map<string, string[]>([[value, []]]);
  const names: string[] = [];
  if (target.type === 'domain') {
    yield { kind: 'progress', fraction: 0, message: `resolving ${value}` };
    const resolved = yield* resolve(value, ctx, refs);
    addresses = resolved.addresses;
    for (const [ip, cited] of addresses) graph.relation(target, 'resolves_to', { type: 'ip', value: ip }, cited);
    // Domain lists hold registered domains (and some host names): ask about both.
    const registered = getDomain(value);
    names.push(value, ...(registered && registered !== value ? [registered] : []));
    if (addresses.size === 0) {
      graph.finding({
        about: target,
        severity: 'info',
        title: `${value} has no address to check`,
        detail: 'Its A and AAAA questions returned no address, so only the domain lists were asked.',
        evidence: resolved.refs,
      });
    }
  }

  // Lists describe public addresses; a private or loopback one would even match their test
  // entries (127.0.0.2). The lab's scenario addresses count as public, as the scan policy says.
  const checkable = [...addresses.keys()].filter((ip) => {
    const refused = ctx.policy.refuses(ip);
    if (refused === undefined) return true;
    graph.entity({ type: 'ip', value: ip }, addresses.get(ip) ?? []);
    graph.finding({
      about: { type: 'ip', value: ip },
      severity: 'info',
      title: `${ip} is not a public address: no blacklist was asked`,
      detail: `${refused}. Blacklists and DROP describe public addresses only.`,
      evidence: addresses.get(ip) ?? [],
    });
    return false;
  });
  yield { kind: 'progress', fraction: 0.1, message: 'fetching the Spamhaus DROP lists' };
  const drop = checkable.length > 0 ? yield* fetchDropFiles(dropFileNames(ctx.options.dropFiles), ctx) : [];
  yield { kind: 'progress', fraction: 0.3, message: 'asking the DNS blacklists' };
  const asked = questions(checkable, names);
  const answers = yield* askDnsbls(asked, ctx, refs);

  for (const ip of checkable) {
    const own = answers.filter((a) => a.question.subject === ip).map((a) => a.check);
    const fromDrop = drop.map((source) => dropCheck(source, ip)).filter((c): c is Check => c !== undefined);
    reportSubject(graph, { type: 'ip', value: ip }, [...fromDrop, ...own]);
  }
  if (target.type === 'domain') {
    // The registered domain's answers are the domain's too, named apart.
    const own = answers
      .filter((a) => names.includes(a.question.subject))
      .map(({ question, check }) =>
        question.subject === value ? check : { ...check, list: `${check.list} (${question.subject})` },
      );
    reportSubject(graph, target, own);
  }
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const reputationScanner: Scanner = { manifest: reputationManifest, run };
