// The hosts a domain's MX and NS records name, resolved to their addresses: the pivot from a
// domain to its mail and name servers' IPs (domain → has_mx / has_ns → host → resolves_to → ip).
// Bounded: at most MAX_SERVER_HOSTS hosts, CONCURRENCY queries at a time (runQueries), and
// nothing asked once the run's time for them has passed. Also the reading of A / AAAA and CNAME
// answers into relations, which the domain's own answers share.
import { getDomain } from 'tldts';
import type { EntityKey } from '../../shared/model';
import type { DnsAnswerRecord } from '../../shared/scanner';
import type { GraphBuilder } from '../kit/graph-builder';
import { answered, cnameChain, MAX_RECORDS, type Outcome, recordsOf } from './queries';
import { addressOf, domainOf, nameKey } from './records';

/** Hosts resolved per domain: MX and NS sets are small; a hostile zone's thousands are not all asked. */
export const MAX_SERVER_HOSTS = 16;

export type ServerRole = 'mail server' | 'name server';

export interface ServerHost {
  name: string;
  roles: ServerRole[];
}

/** Reads names from records as canonical domains; an invalid one is noted in `skipped` (for the log). */
export type NameReader = (text: string, what: string) => string | undefined;

export function nameReader(skipped: string[]): NameReader {
  return (text, what) => {
    const value = domainOf(text);
    if (value === undefined) skipped.push(`${what} "${text.slice(0, 100)}"`);
    return value;
  };
}

const domain = (value: string): EntityKey => ({ type: 'domain', value });
const ip = (value: string): EntityKey => ({ type: 'ip', value });

/** The CNAME links of a chain as cname_to relations. */
export function aliasRelations(
  links: readonly [string, string][],
  refs: string[],
  graph: GraphBuilder,
  valid: NameReader,
): void {
  for (const [from, to] of links) {
    const fromName = valid(from, 'CNAME owner');
    const toName = valid(to, 'CNAME target');
    if (fromName && toName) graph.relation(domain(fromName), 'cname_to', domain(toName), refs);
  }
}

/**
 * Address records of one answer as resolves_to relations: from `name` (with `via` the aliases
 * when a CNAME led elsewhere) and from the alias that owns each record. Returns the addresses;
 * data that is not an address of the type goes to `skipped`.
 */
export function addressRelations(
  name: string,
  type: 'A' | 'AAAA',
  records: readonly DnsAnswerRecord[],
  chain: readonly string[],
  refs: string[],
  graph: GraphBuilder,
  skipped: string[],
): string[] {
  const valid = nameReader(skipped);
  const addresses: string[] = [];
  for (const record of records) {
    const address = addressOf(record.data, type);
    if (!address) {
      skipped.push(`${type} data "${record.data.slice(0, 100)}"`);
      continue;
    }
    addresses.push(address);
    const owner = nameKey(record.name);
    graph.relation(
      domain(name),
      'resolves_to',
      ip(address),
      refs,
      owner === name ? undefined : { via: chain.slice(1) },
    );
    const ownerName = owner === name ? undefined : valid(owner, 'owner');
    if (ownerName) graph.relation(domain(ownerName), 'resolves_to', ip(address), refs);
  }
  return addresses;
}

/**
 * The hosts to resolve for `name`: MX exchanges (in preference order) and NS hosts taken in turn,
 * so neither list crowds the other out of the cap; the domain itself (its addresses are already
 * known) and repeats left out. `total` counts them all, cap or not.
 */
export function serverHosts(
  name: string,
  mx: readonly string[],
  ns: readonly string[],
  max = MAX_SERVER_HOSTS,
): { hosts: ServerHost[]; total: number } {
  const byName = new Map<string, ServerHost>();
  const add = (host: string | undefined, role: ServerRole): void => {
    if (host === undefined || host === name) return;
    const known = byName.get(host);
    if (!known) byName.set(host, { name: host, roles: [role] });
    else if (!known.roles.includes(role)) known.roles.push(role);
  };
  for (let i = 0; i < Math.max(mx.length, ns.length); i++) {
    add(mx[i], 'mail server');
    add(ns[i], 'name server');
  }
  const all = [...byName.values()];
  return { hosts: all.slice(0, max), total: all.length };
}

/** What a host's A and AAAA answers say, when they give it no address. */
interface Unresolved {
  host: ServerHost;
  /** The name (or the end of its alias chain) does not exist. */
  nxdomain: boolean;
  why: string;
  refs: string[];
}

function describe(host: ServerHost): string {
  return `${host.name} (${host.roles.join(', ')})`;
}

/** "mail server", "name servers", "mail and name servers". */
function rolesLabel(hosts: readonly ServerHost[]): string {
  const roles = new Set(hosts.flatMap((h) => h.roles));
  const label = roles.size > 1 ? 'mail and name server' : ([...roles][0] ?? 'server');
  return hosts.length === 1 ? label : `${label}s`;
}

/**
 * Reads the A and AAAA outcomes of the server hosts into the graph: the hosts' addresses as
 * resolves_to, and findings for hosts with no address and for lookups that failed. Returns the
 * names skipped as invalid (for the log).
 */
export function analyseServerHosts(
  name: string,
  hosts: readonly ServerHost[],
  outcomes: readonly Outcome[],
  graph: GraphBuilder,
): string[] {
  const skipped: string[] = [];
  const valid = nameReader(skipped);
  const unresolved: Unresolved[] = [];
  const failed: { text: string; refs: string[] }[] = [];
  for (const host of hosts) {
    const own = outcomes.filter((o) => o.query.name === host.name);
    const responses = answered(own);
    graph.entity(
      domain(host.name),
      responses.flatMap((o) => o.refs),
    );
    let found = 0;
    let missingAt: string | undefined;
    for (const o of responses) {
      const chain = cnameChain(host.name, o.response.answers);
      aliasRelations(chain.links, o.refs, graph, valid);
      const type = o.query.type === 'AAAA' ? 'AAAA' : 'A';
      const records = recordsOf(o.response, type, chain.names).slice(0, MAX_RECORDS);
      found += addressRelations(host.name, type, records, chain.names, o.refs, graph, skipped).length;
      if (o.response.rcode === 'NXDOMAIN') missingAt = chain.names[chain.names.length - 1];
    }
    if (found > 0) continue;
    const refs = responses.flatMap((o) => o.refs);
    const errors = own.flatMap((o) => {
      if ('error' in o) return [`${o.query.type}: ${o.error}`];
      const rcode = o.response.rcode;
      return rcode === 'NOERROR' || rcode === 'NXDOMAIN' ? [] : [`${o.query.type}: the resolver answered ${rcode}`];
    });
    if (missingAt !== undefined) {
      const alias = missingAt === host.name ? '' : `is an alias of ${missingAt.slice(0, 300)}, which `;
      unresolved.push({ host, nxdomain: true, why: `${alias}does not exist (NXDOMAIN)`, refs });
    } else if (errors.length === 0) {
      unresolved.push({ host, nxdomain: false, why: 'exists but has no A or AAAA record', refs });
    } else {
      failed.push({ text: `${describe(host)}: ${errors.join('; ')}`, refs });
    }
  }

  const subject = domain(name);
  if (unresolved.length > 0) {
    const servers = unresolved.map((u) => u.host);
    const first = unresolved[0] as Unresolved;
    const mail = servers.some((h) => h.roles.includes('mail server'));
    const ns = servers.some((h) => h.roles.includes('name server'));
    const nxdomain = unresolved.some((u) => u.nxdomain);
    // A missing name under someone else's domain is a takeover risk when that domain is free.
    const own = getDomain(name);
    const foreign = [
      ...new Set(
        unresolved
          .filter((u) => u.nxdomain)
          .map((u) => getDomain(u.host.name))
          .filter((d): d is string => d !== null && d !== own),
      ),
    ];
    const explanation = [
      mail ? `Mail for ${name} cannot be delivered to a mail server without an address.` : '',
      ns
        ? `A name server without an address is a lame delegation: resolvers must fall back on the other name servers of ${name}.`
        : '',
      foreign.length > 0
        ? `The names that do not exist are under ${foreign.slice(0, 5).join(', ')}: if ${foreign.length === 1 ? 'that domain is' : 'those domains are'} ` +
          'not registered, whoever registers one can answer in place of the missing server.'
        : '',
    ].filter((s) => s !== '');
    graph.finding({
      about: subject,
      // A name that does not exist can be someone else's to claim; one with no address only breaks delivery.
      severity: nxdomain ? 'low' : 'info',
      title:
        unresolved.length === 1
          ? `The ${rolesLabel(servers)} ${first.host.name} of ${name} has no address`
          : `${unresolved.length} ${rolesLabel(servers)} of ${name} have no address`,
      detail: [
        ...unresolved.slice(0, 20).map((u) => `${describe(u.host)} ${u.why}.`),
        ...(unresolved.length > 20 ? [`… and ${unresolved.length - 20} more.`] : []),
        '',
        explanation.join(' '),
      ].join('\n'),
      evidence: unresolved.flatMap((u) => u.refs),
    });
  }
  if (failed.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `Some DNS queries for the mail and name servers of ${name} failed`,
      detail: `The addresses of these servers are unknown:\n${failed.map((f) => f.text).join('\n')}`,
      evidence: failed.flatMap((f) => f.refs),
    });
  }
  return skipped;
}
