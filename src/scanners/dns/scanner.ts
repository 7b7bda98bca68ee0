// The DNS scanner: what a domain's (or an email domain's) records say, and what an address's PTR
// says. Everything goes through ctx.net.resolver; every response is kept as evidence (a dig-like
// text and the raw packet) and every entity, relation and finding cites the responses behind it.
import type { EntityKey } from '../../shared/model';
import type { DnsAnswerRecord, DnsRecordType, ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { GraphBuilder } from '../kit/graph-builder';
import { analyseCaa, caaAncestors } from './caa';
import { Refs } from './evidence';
import { addressRelations, aliasRelations, analyseServerHosts, nameReader, serverHosts } from './hosts';
import { dnsManifest } from './manifest';
import {
  type Answered,
  answered,
  cnameChain,
  evidenceOf,
  type Failed,
  MAX_CHAIN,
  MAX_RECORDS,
  type Outcome,
  type Query,
  recordsOf,
  runQueries,
} from './queries';
import { domainOf, nameKey, parseMx, parseSoa, reverseName, type SoaData } from './records';
import { answerSet, isEmpty, sameAnswers, WILDCARD_TYPES, wildcardProbeName, wildcardProp } from './wildcard';

export const DOMAIN_QUERY_TYPES: readonly DnsRecordType[] = ['A', 'AAAA', 'MX', 'NS', 'TXT', 'CNAME', 'SOA', 'CAA'];
export { cnameChain, MAX_CHAIN, MAX_RECORDS };
/** Addresses whose PTR is asked for in one run. */
export const MAX_REVERSE = 64;
/**
 * The mail and name servers are resolved last and only until this long before the run's timeout,
 * so slow answers for them cost those addresses, never the run and what it found before.
 */
export const SERVER_HOSTS_MARGIN_MS = 10_000;
const MAX_TXT_RECORDS = 64;
const MAX_TXT_CHARS = 4096;

const domain = (value: string): EntityKey => ({ type: 'domain', value });
const ip = (value: string): EntityKey => ({ type: 'ip', value });

interface DomainAnswers {
  /** Its addresses, for PTR lookups. */
  addresses: string[];
  zone: string | undefined;
  /** Its MX exchanges in preference order and its NS hosts, to resolve in turn. */
  mx: string[];
  ns: string[];
}

/** Reads one domain's answers into the graph; returns what later lookups start from. */
function analyseDomain(name: string, outcomes: Outcome[], graph: GraphBuilder, ctx: ScanContext): DomainAnswers {
  const subject = domain(name);
  const responses = answered(outcomes);
  graph.entity(
    subject,
    responses.flatMap((o) => o.refs),
  );
  const addresses = new Set<string>();
  const byType = new Map<DnsRecordType, Answered>(responses.map((o) => [o.query.type, o]));
  const txt: string[] = [];
  let soa: SoaData | undefined;
  let zone: string | undefined;
  let nullMx: Answered | undefined;
  const exchanges: { preference: number; exchange: string }[] = [];
  const ns = new Set<string>();
  const skipped: string[] = [];
  const oversized: { text: string; refs: string[] }[] = [];
  const loops: string[] = [];
  const dangling: { target: string; refs: string[] }[] = [];

  const take = (records: DnsAnswerRecord[], type: string, o: Answered): DnsAnswerRecord[] => {
    if (records.length > MAX_RECORDS) {
      oversized.push({
        text: `The ${type} answer held ${records.length} records; the first ${MAX_RECORDS} were kept.`,
        refs: o.refs,
      });
    }
    return records.slice(0, MAX_RECORDS);
  };
  const valid = nameReader(skipped);

  for (const o of responses) {
    const { response, refs, query } = o;
    const chain = cnameChain(name, response.answers);
    aliasRelations(chain.links, refs, graph, valid);
    if (chain.loop) loops.push(...refs);
    if (response.rcode === 'NXDOMAIN' && chain.links.length > 0) {
      dangling.push({ target: chain.names[chain.names.length - 1] ?? '', refs });
    }
    switch (query.type) {
      case 'A':
      case 'AAAA': {
        const records = take(recordsOf(response, query.type, chain.names), query.type, o);
        const found = addressRelations(name, query.type, records, chain.names, refs, graph, skipped);
        for (const address of found) addresses.add(address);
        break;
      }
      case 'MX':
        for (const record of take(recordsOf(response, 'MX', chain.names), 'MX', o)) {
          const mx = parseMx(record.data);
          if (!mx) skipped.push(`MX data "${record.data.slice(0, 100)}"`);
          else if (mx.exchange === '') nullMx = o;
          else {
            graph.relation(subject, 'has_mx', domain(mx.exchange), refs, { preference: mx.preference });
            exchanges.push(mx);
          }
        }
        break;
      case 'NS':
        for (const record of take(recordsOf(response, 'NS', chain.names), 'NS', o)) {
          const host = valid(record.data, 'NS name');
          if (host) {
            graph.relation(subject, 'has_ns', domain(host), refs);
            ns.add(host);
          }
        }
        break;
      case 'TXT':
        for (const record of take(recordsOf(response, 'TXT', chain.names), 'TXT', o)) {
          if (txt.length < MAX_TXT_RECORDS) txt.push(record.data.slice(0, MAX_TXT_CHARS));
        }
        break;
      case 'SOA': {
        const record = recordsOf(response, 'SOA', chain.names)[0];
        const parsed = record ? parseSoa(record.data) : undefined;
        if (record && parsed) {
          soa = parsed;
          zone = domainOf(record.name) ?? zone;
        }
        break;
      }
      default:
        break;
    }
    // A negative answer names the zone it came from in its authority SOA.
    if (zone === undefined) {
      const authority = response.authorities.find((r) => r.type === 'SOA');
      if (authority) zone = domainOf(authority.name);
    }
  }

  if (txt.length > 0) graph.prop(subject, 'txt', txt);
  if (soa) graph.prop(subject, 'soa', { ...soa });
  if (zone) graph.prop(subject, 'zone', zone);
  if (nullMx) graph.prop(subject, 'nullMx', true);
  if (skipped.length > 0) {
    ctx.log.warn(`dns: skipped ${skipped.length} invalid value(s) for ${name}: ${skipped.slice(0, 5).join(', ')}`);
  }

  // Findings, each on the evidence that shows it.
  const nx = responses.filter((o) => o.response.rcode === 'NXDOMAIN');
  if (dangling.length > 0) {
    const target = dangling[0]?.target ?? '';
    graph.finding({
      about: subject,
      severity: 'medium',
      title: `${name} is an alias of ${target.slice(0, 200)}, which does not exist`,
      detail:
        `${name} has a CNAME chain ending at ${target.slice(0, 300)}, and the resolver answered NXDOMAIN for it. ` +
        'A dangling alias can let whoever registers or claims the target serve content under this name (subdomain takeover).',
      evidence: dangling.flatMap((d) => d.refs),
    });
  } else if (nx.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${name} does not resolve`,
      detail: `The resolver answered NXDOMAIN (no such name) for the ${nx.map((o) => o.query.type).join(', ')} queries: ${name} does not exist in DNS.`,
      evidence: nx.flatMap((o) => o.refs),
    });
  } else {
    const a = byType.get('A');
    const aaaa = byType.get('AAAA');
    const noAddresses = a?.response.rcode === 'NOERROR' && aaaa?.response.rcode === 'NOERROR' && addresses.size === 0;
    // A CNAME loop has its own finding; "no addresses" would only repeat it.
    if (a && aaaa && noAddresses && loops.length === 0) {
      graph.finding({
        about: subject,
        severity: 'info',
        title: `${name} has no A or AAAA records`,
        detail: `${name} exists in DNS but points at no IPv4 or IPv6 address.`,
        evidence: [...a.refs, ...aaaa.refs],
      });
    }
    const ns = byType.get('NS');
    const isApex = zone === name && soa !== undefined;
    if (isApex && ns && ns.response.rcode === 'NOERROR' && recordsOf(ns.response, 'NS', [name]).length === 0) {
      graph.finding({
        about: subject,
        severity: 'low',
        title: `${name} has no NS records`,
        detail: `${name} is a zone apex (it has an SOA record) but its zone lists no name servers: the delegation is broken or misconfigured.`,
        evidence: [...ns.refs, ...(byType.get('SOA')?.refs ?? [])],
      });
    }
  }
  if (nullMx) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${name} accepts no email (null MX)`,
      detail: `${name} publishes the null MX record "0 ." (RFC 7505): it declares that it receives no email.`,
      evidence: nullMx.refs,
    });
  }
  const errorRcodes = new Map<string, Answered[]>();
  for (const o of responses) {
    if (o.response.rcode === 'NOERROR' || o.response.rcode === 'NXDOMAIN') continue;
    errorRcodes.set(o.response.rcode, [...(errorRcodes.get(o.response.rcode) ?? []), o]);
  }
  for (const [rcode, list] of errorRcodes) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `The resolver answered ${rcode} for ${name}`,
      detail: `The ${list.map((o) => o.query.type).join(', ')} queries for ${name} were answered ${rcode}; their records are unknown.`,
      evidence: list.flatMap((o) => o.refs),
    });
  }
  if (loops.length > 0) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `CNAME loop at ${name}`,
      detail: `The aliases (CNAME records) starting at ${name} lead back to a name already visited; the name cannot resolve.`,
      evidence: [...new Set(loops)],
    });
  }
  if (oversized.length > 0) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `Oversized DNS answers for ${name}`,
      detail: oversized.map((o) => o.text).join(' '),
      evidence: [...new Set(oversized.flatMap((o) => o.refs))],
    });
  }
  const failed = outcomes.filter((o): o is Failed => 'error' in o);
  if (failed.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `Some DNS queries for ${name} failed`,
      detail: failed.map((o) => `${o.query.type}: ${o.error}`).join('\n'),
    });
  }
  // Array.prototype.sort is stable: equal preferences keep the answer's order.
  const mx = [...new Set(exchanges.sort((a, b) => a.preference - b.preference).map((m) => m.exchange))];
  return { addresses: [...addresses], zone, mx, ns: [...ns] };
}

/** PTR answers for one address into the graph; true when it has a reverse name. */
function analysePtr(address: string, o: Answered, graph: GraphBuilder, ctx: ScanContext): boolean {
  const start = nameKey(o.query.name);
  const chain = cnameChain(start, o.response.answers);
  graph.entity(ip(address), o.refs);
  let found = false;
  const records = recordsOf(o.response, 'PTR', chain.names);
  for (const record of records.slice(0, MAX_RECORDS)) {
    const target = domainOf(record.data);
    if (!target) {
      ctx.log.warn(`dns: skipped invalid PTR name "${record.data.slice(0, 100)}" for ${address}`);
      continue;
    }
    graph.relation(ip(address), 'ptr_to', domain(target), o.refs);
    found = true;
  }
  return found;
}

/**
 * Wildcards: `*.name` answers when the random probe under the name does; the name itself answers
 * only through `*.parent` when its answers are exactly those of a random probe under its parent.
 * Its resolves_to relations are marked, so a later reader does not take it for a host of its own.
 */
function analyseWildcards(
  name: string,
  own: Outcome[],
  probes: { below?: { name: string; outcomes: Outcome[] }; parent?: { name: string; outcomes: Outcome[] } },
  graph: GraphBuilder,
): void {
  const subject = domain(name);
  let parentWildcard: ReturnType<typeof answerSet> | undefined;
  if (probes.parent) {
    const parent = probes.parent.name.slice(probes.parent.name.indexOf('.') + 1);
    const wildcard = answerSet(probes.parent.name, probes.parent.outcomes);
    const mine = answerSet(
      name,
      own.filter((o) => WILDCARD_TYPES.includes(o.query.type)),
    );
    if (!isEmpty(wildcard) && sameAnswers(mine, wildcard)) {
      parentWildcard = wildcard;
      const refs = [...mine.refs, ...wildcard.refs];
      graph.entity(subject, refs, { viaWildcard: wildcardProp(parent, probes.parent.name, wildcard) });
      for (const address of [...mine.a, ...mine.aaaa]) {
        graph.relation(subject, 'resolves_to', ip(address), [], { wildcard: `*.${parent}` });
      }
      graph.finding({
        about: subject,
        severity: 'info',
        title: `${name} answers exactly like the wildcard *.${parent}`,
        detail:
          `The random name ${probes.parent.name} gets the same answers as ${name} (${describeSet(wildcard)}): ` +
          `${name} may exist only through the wildcard *.${parent}, not as a host of its own.`,
        evidence: refs,
      });
    }
  }
  if (probes.below) {
    const set = answerSet(probes.below.name, probes.below.outcomes);
    // Under a name the parent's wildcard made up, the same wildcard answers again: not one of its own.
    const inherited = parentWildcard !== undefined && sameAnswers(set, parentWildcard);
    if (!isEmpty(set) && !inherited) {
      const prop = wildcardProp(name, probes.below.name, set);
      graph.entity(subject, set.refs, { wildcard: prop });
      graph.finding({
        about: subject,
        severity: 'info',
        title: `${name} has a wildcard record (*.${name})`,
        detail:
          `The random name ${probes.below.name} was answered (${describeSet(set)}): every name under ${name} resolves. ` +
          `Subdomains of ${name} found by guessing or in logs that answer the same may not exist on their own.`,
        evidence: set.refs,
      });
    }
  }
}

function describeSet(set: { a: string[]; aaaa: string[]; cname: string[] }): string {
  const parts = [
    ...set.cname.map((c) => `CNAME ${c}`),
    ...set.a.map((a) => `A ${a}`),
    ...set.aaaa.map((a) => `AAAA ${a}`),
  ];
  return parts.length > 6 ? `${parts.slice(0, 6).join(', ')}, …` : parts.join(', ');
}

/**
 * The A and AAAA of the hosts the domain's MX and NS records name, so the graph leads from the
 * domain to its mail and name servers' addresses.
 */
async function* resolveServerHosts(
  name: string,
  found: DomainAnswers,
  ctx: ScanContext,
  refs: Refs,
  deadline: number,
): AsyncGenerator<ScanEvent> {
  const { hosts, total } = serverHosts(name, found.mx, found.ns);
  if (hosts.length === 0) return;
  if (total > hosts.length) ctx.log.info(`dns: resolving the first ${hosts.length} of ${total} mail and name servers`);
  const queries = hosts.flatMap((host) => (['A', 'AAAA'] as const).map((type) => ({ name: host.name, type })));
  const outcomes = yield* runQueries(queries, ctx, { from: 0.8, to: 0.95 }, deadline);
  yield* evidenceOf(outcomes, refs);
  const graph = new GraphBuilder(dnsManifest.category);
  const skipped = analyseServerHosts(name, hosts, outcomes, graph);
  if (skipped.length > 0) {
    ctx.log.warn(
      `dns: skipped ${skipped.length} invalid value(s) for the servers of ${name}: ${skipped.slice(0, 5).join(', ')}`,
    );
  }
  yield* graph.drain();
}

async function* scanDomain(name: string, ctx: ScanContext, refs: Refs, deadline: number): AsyncGenerator<ScanEvent> {
  yield { kind: 'progress', fraction: 0, message: `querying ${name}` };
  const probeWildcards = ctx.options.wildcard !== false;
  const below = probeWildcards ? wildcardProbeName(name) : undefined;
  const queries: Query[] = DOMAIN_QUERY_TYPES.map((type) => ({ name, type }));
  if (below) queries.push(...WILDCARD_TYPES.map((type) => ({ name: below, type })));
  const outcomes = yield* runQueries(queries, ctx, { from: 0, to: 0.5 });
  const own = outcomes.slice(0, DOMAIN_QUERY_TYPES.length);
  if (own.every((o) => 'error' in o)) {
    const first = own.find((o): o is Failed => 'error' in o);
    throw new Error(`every DNS query for ${name} failed: ${first?.error ?? 'no answer'}`);
  }
  yield* evidenceOf(outcomes, refs);
  const graph = new GraphBuilder(dnsManifest.category);
  const found = analyseDomain(name, own, graph, ctx);
  const { addresses, zone } = found;

  // Second round: CAA of the ancestors when the name has none, and a probe beside the name when
  // it sits below its zone apex and answers (its answers may be the parent's wildcard).
  const caa = own.find((o) => o.query.type === 'CAA');
  const caaMissing =
    caa !== undefined &&
    'response' in caa &&
    caa.response.rcode === 'NOERROR' &&
    recordsOf(caa.response, 'CAA', cnameChain(name, caa.response.answers).names).length === 0;
  const ancestors = caaMissing ? caaAncestors(name) : [];
  const parentName = name.slice(name.indexOf('.') + 1);
  const answers = !isEmpty(
    answerSet(
      name,
      own.filter((o) => WILDCARD_TYPES.includes(o.query.type)),
    ),
  );
  const beside =
    probeWildcards && zone !== undefined && name !== zone && name.endsWith(`.${zone}`) && answers
      ? wildcardProbeName(parentName)
      : undefined;
  const second: Query[] = ancestors.map((ancestor) => ({ name: ancestor, type: 'CAA' }));
  if (beside) second.push(...WILDCARD_TYPES.map((type) => ({ name: beside, type })));
  const more = second.length > 0 ? yield* runQueries(second, ctx, { from: 0.5, to: 0.6 }) : [];
  yield* evidenceOf(more, refs);
  analyseCaa(domain(name), caa, more.slice(0, ancestors.length), graph);
  analyseWildcards(
    name,
    own,
    {
      ...(below ? { below: { name: below, outcomes: outcomes.slice(DOMAIN_QUERY_TYPES.length) } } : {}),
      ...(beside ? { parent: { name: beside, outcomes: more.slice(ancestors.length) } } : {}),
    },
    graph,
  );
  yield* graph.drain();

  if (ctx.options.reverse !== false && addresses.length > 0) {
    if (addresses.length > MAX_REVERSE) {
      ctx.log.info(`dns: asking PTR for the first ${MAX_REVERSE} of ${addresses.length} addresses`);
    }
    const targets = addresses.slice(0, MAX_REVERSE);
    const reverse = yield* runQueries(
      targets.map((address) => ({ name: reverseName(address), type: 'PTR' as const })),
      ctx,
      { from: 0.6, to: 0.8 },
    );
    yield* evidenceOf(reverse, refs);
    reverse.forEach((o, index) => {
      if ('response' in o) analysePtr(targets[index] as string, o, graph, ctx);
      else ctx.log.warn(`dns: ${o.error}`);
    });
    yield* graph.drain();
  }
  if (ctx.options.servers !== false) yield* resolveServerHosts(name, found, ctx, refs, deadline);
}

async function* scanIp(address: string, ctx: ScanContext, refs: Refs): AsyncGenerator<ScanEvent> {
  yield { kind: 'progress', fraction: 0, message: `querying the PTR of ${address}` };
  const query: Query = { name: reverseName(address), type: 'PTR' };
  const [outcome] = yield* runQueries([query], ctx, { from: 0, to: 0.9 });
  if (!outcome || 'error' in outcome) {
    throw new Error(
      `the PTR query for ${address} failed: ${outcome && 'error' in outcome ? outcome.error : 'no answer'}`,
    );
  }
  yield* evidenceOf([outcome], refs);
  const graph = new GraphBuilder(dnsManifest.category);
  const found = analysePtr(address, outcome, graph, ctx);
  const rcode = outcome.response.rcode;
  if (!found && (rcode === 'NOERROR' || rcode === 'NXDOMAIN')) {
    graph.finding({
      about: ip(address),
      severity: 'info',
      title: `${address} has no reverse DNS name`,
      detail: `The resolver answered ${rcode} for ${query.name} PTR: no name is published for this address.`,
      evidence: outcome.refs,
    });
  } else if (!found) {
    graph.finding({
      about: ip(address),
      severity: 'low',
      title: `The resolver answered ${rcode} for the PTR of ${address}`,
      detail: `The PTR query ${query.name} was answered ${rcode}; the reverse name is unknown.`,
      evidence: outcome.refs,
    });
  }
  yield* graph.drain();
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const refs = new Refs();
  const deadline = Date.now() + dnsManifest.timeoutMs - SERVER_HOSTS_MARGIN_MS;
  switch (input.type) {
    case 'domain': {
      const name = canonicalValue('domain', input.value);
      if (!name) throw new Error(`"${input.value.slice(0, 300)}" is not a valid domain name`);
      yield* scanDomain(name, ctx, refs, deadline);
      break;
    }
    case 'ip': {
      const address = canonicalValue('ip', input.value);
      if (!address) throw new Error(`"${input.value.slice(0, 300)}" is not a valid IP address`);
      yield* scanIp(address, ctx, refs);
      break;
    }
    case 'email': {
      const email = canonicalValue('email', input.value);
      if (!email) throw new Error(`"${input.value.slice(0, 300)}" is not a valid email address`);
      const name = email.slice(email.lastIndexOf('@') + 1);
      // The address itself is the proof that it uses this domain; the DNS answers follow.
      const graph = new GraphBuilder(dnsManifest.category);
      graph.relation({ type: 'email', value: email }, 'uses_email_domain', domain(name), []);
      yield* graph.drain();
      yield* scanDomain(name, ctx, refs, deadline);
      break;
    }
    default:
      throw new Error(`the dns scanner does not accept ${input.type} entities`);
  }
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const dnsScanner: Scanner = { manifest: dnsManifest, run };
