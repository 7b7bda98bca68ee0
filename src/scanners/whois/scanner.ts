// The WHOIS scanner: who registered a domain, when, with whom, and until when. Three layers, each
// falling back to the next: port-43 WHOIS (the TLD's registry, from the shipped table or IANA,
// then the registrar it refers to), RDAP (the shipped bootstrap, then the configured redirector),
// and the text parser that reads whatever format the servers use. Every answer is kept as
// evidence and every entity, relation and finding cites the answers behind it.
import { getDomain } from 'tldts';
import type { EntityKey, JsonValue, Props } from '../../shared/model';
import type { DnsRecordType, DnsResponse, ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { dnsEvidence, Refs } from '../dns/evidence';
import { abortError } from '../dns/queries';
import { domainOf, nameKey } from '../dns/records';
import { GraphBuilder } from '../kit/graph-builder';
import { queryWhois, ServerPacer, type WhoisAnswer } from './client';
import { whoisManifest } from './manifest';
import { parseWhois, type WhoisRecord } from './parse';
import { fetchRdap, type RdapOutcome } from './rdap';
import { canonicalRegistrar } from './registrars';
import { IANA_WHOIS, queryLine, rdapBaseFor, referralHost, whoisServerFor } from './servers';

const CATEGORY = 'registration';
const DAY_MS = 86_400_000;
/** Under this many days a domain is young enough to be a strong signal (fresh phishing and fraud domains). */
export const YOUNG_HIGH_DAYS = 30;
export const YOUNG_MEDIUM_DAYS = 90;
export const EXPIRING_DAYS = 30;

type SourceKind = 'registry' | 'registrar' | 'rdap' | 'rdap-registrar';

interface Source {
  kind: SourceKind;
  /** "whois://whois.verisign-grs.com" or the RDAP URL: recorded per field in `sources`. */
  label: string;
  host: string;
  record: WhoisRecord;
  refs: string[];
}

interface Options {
  rdap: 'fallback' | 'always' | 'never';
  followReferral: boolean;
  timeoutMs: number;
  intervalMs: number;
}

function readOptions(raw: Record<string, JsonValue>): Options {
  const rdap = raw.rdap === 'always' || raw.rdap === 'never' ? raw.rdap : 'fallback';
  const number = (v: JsonValue | undefined, fallback: number, min: number, max: number): number =>
    typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
  return {
    rdap,
    followReferral: raw.followReferral !== false,
    timeoutMs: number(raw.queryTimeoutMs, 15_000, 100, 120_000),
    intervalMs: number(raw.serverIntervalMs, 1000, 0, 60_000),
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A lookup that gave nothing: who was asked, in words, and why it gave nothing. */
interface Failure {
  what: string;
  reason: string;
}

/**
 * A network error as the reason a lookup gave nothing: the request it names is already in the
 * failure's `what`, and an unresolvable server name is said plainly.
 */
function plainReason(error: unknown): string {
  const text = errorText(error).replace(/^HTTP [A-Z]+ \S+: /, '');
  const unresolved = /^cannot resolve (\S+)(.*)$/s.exec(text);
  return unresolved ? `the name ${unresolved[1]} does not resolve${unresolved[2]}` : text;
}

function failureList(failures: readonly Failure[]): string[] {
  return failures.map((f) => `${f.what}: ${f.reason}`);
}

const domainKey = (value: string): EntityKey => ({ type: 'domain', value });

function hasData(record: WhoisRecord): boolean {
  return record.created !== null || record.nameServers.length > 0 || record.registrar.name !== null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 100);
  }
}

/** Everything one run gathers: evidence counter, answers, failures, pacing. */
class RunState {
  readonly sources: Source[] = [];
  readonly failures: Failure[] = [];
  readonly graph = new GraphBuilder(CATEGORY);
  readonly allRefs: string[] = [];
  /** Answers about the domain itself (IANA's answers about the TLD do not count). */
  answers = 0;
  private count = 0;
  readonly pacer: ServerPacer;
  /** DNS answers are evidence in the dns scanner's style, `N:TYPE:name`. */
  readonly dnsRefs = new Refs();
  readonly tld: string;

  constructor(
    readonly ctx: ScanContext,
    readonly options: Options,
    readonly subject: EntityKey,
  ) {
    this.pacer = new ServerPacer(options.intervalMs);
    this.tld = subject.value.slice(subject.value.lastIndexOf('.') + 1);
  }

  evidence(kind: 'whois' | 'rdap', host: string, source: string, mediaType: string, content: string, base64: boolean) {
    this.count++;
    const ref = `${this.count}:${kind}:${host.slice(0, 150)}`;
    this.allRefs.push(ref);
    const event: ScanEvent = {
      kind: 'evidence',
      ref,
      mediaType,
      source: source.slice(0, 2048),
      encoding: base64 ? 'base64' : 'utf8',
      content,
    };
    return { ref, event };
  }
}

function whoisEvidence(state: RunState, answer: WhoisAnswer) {
  const source = `whois://${answer.host}/${encodeURIComponent(answer.query)}`;
  // Bytes that are not UTF-8 are kept as received (base64), so the evidence stays byte-exact.
  return answer.utf8
    ? state.evidence('whois', answer.host, source, 'text/plain; charset=utf-8', answer.text, false)
    : state.evidence(
        'whois',
        answer.host,
        source,
        'text/plain',
        Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength).toString('base64'),
        true,
      );
}

/** One port-43 query: evidence, parse, and the findings about how the server behaved. */
async function* askWhois(
  state: RunState,
  host: string,
  query: string,
  kind: 'registry' | 'registrar' | 'iana',
): AsyncGenerator<ScanEvent, Source | undefined> {
  const { ctx, options, graph, subject } = state;
  await state.pacer.wait(host, ctx.signal);
  let answer: WhoisAnswer;
  try {
    answer = await queryWhois(ctx.net, host, query, { timeoutMs: options.timeoutMs, signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const what = {
      iana: `IANA's WHOIS server ${host}`,
      registry: `the .${state.tld} registry's WHOIS server ${host}`,
      registrar: `the registrar's WHOIS server ${host}`,
    }[kind];
    state.failures.push({ what, reason: plainReason(error) });
    ctx.log.info(`whois: ${host}: ${errorText(error)}`);
    return undefined;
  }
  const { ref, event } = whoisEvidence(state, answer);
  yield event;
  if (kind !== 'iana') state.answers++;
  const record = parseWhois(answer.text);
  if (answer.timedOut) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `WHOIS server ${host} did not close the connection`,
      detail:
        `${host} was still sending (or silent) after ${options.timeoutMs} ms; the ${answer.bytes.byteLength} bytes ` +
        'received by then were kept and read as the answer.',
      evidence: [ref],
    });
  }
  if (answer.truncated) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `WHOIS answer from ${host} was cut at ${answer.bytes.byteLength} bytes`,
      detail: `${host} sent more than ${answer.bytes.byteLength} bytes; reading stopped there and the first part was read as the answer.`,
      evidence: [ref],
    });
  }
  if (record.rateLimited) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `WHOIS server ${host} refused the query: rate limit`,
      detail: `${host} answered with a rate-limit or quota message instead of the record: "${record.rateLimitText ?? ''}". The registration data from this server is unknown.`,
      evidence: [ref],
    });
  }
  if (kind === 'iana') return { kind: 'registry', label: `whois://${host}`, host, record, refs: [ref] };
  const source: Source = { kind, label: `whois://${host}`, host, record, refs: [ref] };
  state.sources.push(source);
  return source;
}

function ianaServer(state: RunState): string {
  try {
    const configured = state.ctx.net.endpoint('ianaWhois');
    return referralHost(configured.replace(/^whois:\/\//i, '')) ?? IANA_WHOIS;
  } catch {
    return IANA_WHOIS;
  }
}

/** Asks IANA which server runs a TLD ("refer:" / "whois:"). */
async function* discover(state: RunState, tld: string): AsyncGenerator<ScanEvent, string | undefined> {
  const iana = ianaServer(state);
  const answer = yield* askWhois(state, iana, tld, 'iana');
  if (!answer) return undefined;
  const server = referralHost(answer.record.referral);
  if (!server) {
    state.failures.push({ what: `IANA's WHOIS server ${iana}`, reason: `it names no WHOIS server for .${tld}` });
    return undefined;
  }
  return server;
}

async function* whoisLayer(state: RunState, name: string, tld: string): AsyncGenerator<ScanEvent> {
  const { options, ctx } = state;
  let server = whoisServerFor(tld);
  const fromTable = server !== undefined;
  if (!server) server = yield* discover(state, tld);
  if (!server) return;
  yield { kind: 'progress', fraction: 0.15, message: `asking ${server} about ${name}` };
  let registry = yield* askWhois(state, server, queryLine(server, name), 'registry');
  if (!registry && fromTable) {
    // The table may be out of date (or the lab may run the registry elsewhere): ask IANA.
    const other = yield* discover(state, tld);
    if (other && other !== server) registry = yield* askWhois(state, other, queryLine(other, name), 'registry');
  }
  if (!registry || !options.followReferral) return;
  const record = registry.record;
  const referral = referralHost(record.referral ?? record.registrar.whoisServer);
  if (!referral || referral === registry.host || record.notFound || record.rateLimited) return;
  yield { kind: 'progress', fraction: 0.35, message: `following the referral to ${referral}` };
  const registrar = yield* askWhois(state, referral, name, 'registrar');
  if (!registrar) ctx.log.info(`whois: the registrar's server ${referral} gave no answer`);
}

function rdapEvidence(state: RunState, outcome: RdapOutcome) {
  return state.evidence('rdap', hostOf(outcome.url), outcome.url, 'application/rdap+json', outcome.body, false);
}

/** One RDAP lookup; yields its evidence and records the outcome. Returns the outcome or undefined. */
async function* askRdap(
  state: RunState,
  url: string,
  kind: SourceKind,
): AsyncGenerator<ScanEvent, RdapOutcome | undefined> {
  const { ctx, graph, subject, options } = state;
  let outcome: RdapOutcome;
  try {
    outcome = await fetchRdap(ctx.net, url, { timeoutMs: options.timeoutMs, signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    state.failures.push({ what: `RDAP ${url}`, reason: plainReason(error) });
    return undefined;
  }
  const refs: string[] = [];
  state.answers++;
  if (outcome.body !== '') {
    const { ref, event } = rdapEvidence(state, outcome);
    yield event;
    refs.push(ref);
  }
  switch (outcome.kind) {
    case 'record':
      state.sources.push({ kind, label: outcome.url, host: hostOf(outcome.url), record: outcome.record, refs });
      break;
    case 'not-found': {
      const record = parseWhois('');
      record.notFound = true;
      state.sources.push({ kind, label: outcome.url, host: hostOf(outcome.url), record, refs });
      break;
    }
    case 'throttled':
      graph.finding({
        about: subject,
        severity: 'low',
        title: `RDAP server ${hostOf(outcome.url)} refused the query: rate limit`,
        detail: `${outcome.url} answered HTTP 429 (too many requests); the registration data from it is unknown.`,
        evidence: refs,
      });
      break;
    case 'invalid':
      graph.finding({
        about: subject,
        severity: 'low',
        title: `RDAP answer from ${hostOf(outcome.url)} is not a valid RDAP domain object`,
        detail: `${outcome.url} answered, but not with an RDAP domain object (RFC 9083): ${outcome.reason}. It was kept as evidence and not read.`,
        evidence: refs,
      });
      break;
    case 'http-error':
      state.failures.push({ what: `RDAP ${outcome.url}`, reason: `it answered HTTP ${outcome.status}` });
      break;
  }
  return outcome;
}

async function* rdapLayer(state: RunState, name: string, tld: string): AsyncGenerator<ScanEvent> {
  const urls: string[] = [];
  const base = rdapBaseFor(tld);
  if (base) urls.push(`${base}domain/${name}`);
  try {
    urls.push(`${state.ctx.net.endpoint('rdap').replace(/\/+$/, '')}/domain/${name}`);
  } catch (error) {
    if (!base) state.failures.push({ what: 'RDAP', reason: errorText(error) });
  }
  yield { kind: 'progress', fraction: 0.55, message: `asking RDAP about ${name}` };
  for (const url of urls) {
    const outcome = yield* askRdap(state, url, 'rdap');
    if (!outcome || (outcome.kind !== 'record' && outcome.kind !== 'not-found')) continue;
    if (outcome.kind === 'record' && outcome.related && state.options.followReferral) {
      let related: URL | undefined;
      try {
        related = new URL(outcome.related, outcome.url);
      } catch {
        related = undefined;
      }
      if (
        related &&
        (related.protocol === 'https:' || related.protocol === 'http:') &&
        related.host !== hostOf(outcome.url)
      ) {
        yield* askRdap(state, related.toString(), 'rdap-registrar');
      }
    }
    return;
  }
}

/** What DNS says of a name the registry has no record of. */
type Delegation =
  /** It has a zone of its own: NS records (named), or at least an SOA at the name. */
  | { kind: 'delegated'; ns: string[]; refs: string[] }
  | { kind: 'absent'; why: string; refs: string[] }
  | { kind: 'unknown'; why: string; refs: string[] };

/** Name servers named in a finding; the rest are in the evidence. */
const MAX_NS_NAMED = 8;

/**
 * Asks DNS (NS and SOA, through ctx.net.resolver) whether a name the registry says it has no
 * record of is delegated anyway: a contradiction worth showing, where an undelegated name
 * confirms the registry.
 */
async function* checkDelegation(state: RunState, name: string): AsyncGenerator<ScanEvent, Delegation> {
  const { ctx } = state;
  yield { kind: 'progress', fraction: 0.8, message: `asking DNS whether ${name} is delegated` };
  const types: DnsRecordType[] = ['NS', 'SOA'];
  const settled = await Promise.allSettled(types.map((type) => ctx.net.resolver.query(name, type, ctx.signal)));
  if (ctx.signal.aborted) throw abortError(ctx.signal);
  const answers: DnsResponse[] = [];
  const refs: string[] = [];
  const problems: string[] = [];
  for (const [index, result] of settled.entries()) {
    const type = types[index] as DnsRecordType;
    if (result.status === 'rejected') {
      problems.push(`${type}: ${errorText(result.reason)}`);
      continue;
    }
    const evidence = dnsEvidence({ name, type }, result.value, state.dnsRefs);
    yield* evidence.events;
    refs.push(...evidence.refs);
    state.allRefs.push(...evidence.refs);
    answers.push(result.value);
    if (result.value.rcode !== 'NOERROR' && result.value.rcode !== 'NXDOMAIN') {
      problems.push(`${type}: the resolver answered ${result.value.rcode}`);
    }
  }
  const own = answers.flatMap((a) => a.answers.filter((r) => nameKey(r.name) === name));
  const ns = own.filter((r) => r.type === 'NS').flatMap((r) => domainOf(r.data) ?? []);
  if (ns.length > 0 || own.some((r) => r.type === 'SOA')) return { kind: 'delegated', ns: [...new Set(ns)], refs };
  if (answers.some((a) => a.rcode === 'NXDOMAIN')) {
    return { kind: 'absent', why: `the resolver answered NXDOMAIN (no such name) for ${name}`, refs };
  }
  if (problems.length === 0) {
    return { kind: 'absent', why: `${name} has no NS or SOA record of its own: no zone is delegated to it`, refs };
  }
  return { kind: 'unknown', why: problems.join('; '), refs };
}

/** The first source (in the given order) with a value for a field. */
function pick<T>(
  sources: readonly (Source | undefined)[],
  get: (record: WhoisRecord) => T | null | undefined,
): { value: T; source: Source } | undefined {
  for (const source of sources) {
    if (!source) continue;
    const value = get(source.record);
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    return { value, source };
  }
  return undefined;
}

/** The registry's "no match", weighed against what DNS says of the name. */
function notFoundFinding(state: RunState, name: string, notFound: Source, dns: Delegation): void {
  const evidence = [...notFound.refs, ...dns.refs];
  const says = `${notFound.label} says no domain ${name} is registered`;
  switch (dns.kind) {
    case 'delegated': {
      const named = dns.ns.slice(0, MAX_NS_NAMED).join(', ');
      const more = dns.ns.length > MAX_NS_NAMED ? `, … (${dns.ns.length} in all)` : '';
      const zone = dns.ns.length > 0 ? `NS ${named}${more}` : 'it has an SOA record of its own';
      state.graph.finding({
        about: state.subject,
        severity: 'low',
        title: `The registry has no record of ${name}, yet it is delegated in DNS (${zone})`,
        detail:
          `${says}, yet DNS has a zone for it (${zone}): one of the two is wrong, or they speak of different moments. ` +
          'It may be that the registration lookup went to the wrong server (an out-of-date WHOIS server table or ' +
          'RDAP bootstrap, or a server that answers for the TLD without holding its registrations); that the ' +
          "registration is so fresh the registry's WHOIS and RDAP have not caught up, or was just deleted and its " +
          "delegation lingers in resolvers' caches; or that the name lives under a private or alternative TLD, or in " +
          'a zone the resolver serves itself (split-horizon DNS, or a resolver that rewrites answers). The ' +
          "registry's own web lookup and the TLD's name servers tell which.",
        evidence,
      });
      return;
    }
    case 'absent':
      state.graph.finding({
        about: state.subject,
        severity: 'info',
        title: `${name} is not registered`,
        detail:
          `${says}, and DNS agrees: ${dns.why}. It may be free to register (a lookalike anyone could take, or a ` +
          'name worth registering defensively), reserved by the registry, or just deleted.',
        evidence,
      });
      return;
    case 'unknown':
      state.graph.finding({
        about: state.subject,
        severity: 'info',
        title: `The registry has no record of ${name}`,
        detail:
          `${says}. Whether ${name} is delegated in DNS could not be checked (${dns.why}), so it is not known ` +
          'whether the name is free or the registration lookup missed it.',
        evidence,
      });
      return;
  }
}

function merge(state: RunState, name: string, registryHost: string | undefined, dns: Delegation | undefined): void {
  const { graph, subject } = state;
  const now = Date.now();
  const useful = state.sources.filter((s) => hasData(s.record));
  const of = (kind: SourceKind) => useful.find((s) => s.kind === kind);
  const registry = of('registry');
  const registrar = of('registrar');
  const rdap = of('rdap');
  const rdapRegistrar = of('rdap-registrar');
  // The registry is authoritative for dates, status and delegation; the registrar's record for contacts.
  const registryFirst = [registry, rdap, registrar, rdapRegistrar];
  const contactsFirst = [registrar, rdapRegistrar, rdap, registry];

  const fieldSources: Record<string, string> = {};
  const used = new Set<string>();
  const take = <T>(field: string, picked: { value: T; source: Source } | undefined): T | undefined => {
    if (!picked) return undefined;
    fieldSources[field] = picked.source.label;
    for (const ref of picked.source.refs) used.add(ref);
    return picked.value;
  };
  const refsOf = (picked: { source: Source } | undefined): string[] => picked?.source.refs ?? [];

  const createdPick = pick(registryFirst, (r) => r.created);
  const expiresPick = pick(registryFirst, (r) => r.expires);
  const created = take('created', createdPick);
  const expires = take('expires', expiresPick);
  const updated = take(
    'updated',
    pick(registryFirst, (r) => r.updated),
  );
  const status = take(
    'status',
    pick(registryFirst, (r) => r.status),
  );
  const dnssec = take(
    'dnssec',
    pick(registryFirst, (r) => r.dnssec),
  );
  const nsPick = pick(registryFirst, (r) => r.nameServers);
  const nameServers = take('nameServers', nsPick) ?? [];
  const namePick = pick(registryFirst, (r) => r.registrar.name);
  const registrarName = take('registrar', namePick);
  const ianaId = take(
    'registrarIanaId',
    pick(registryFirst, (r) => r.registrar.ianaId),
  );
  const registrarUrl = take(
    'registrarUrl',
    pick(contactsFirst, (r) => r.registrar.url),
  );
  const registrarWhois = take(
    'registrarWhoisServer',
    pick(registryFirst, (r) => r.registrar.whoisServer),
  );
  const orgPick = pick(contactsFirst, (r) => r.registrant.organization);
  const organization = take('registrantOrganization', orgPick);
  const country = take(
    'registrantCountry',
    pick(contactsFirst, (r) => r.registrant.country),
  );
  const abusePick = pick(contactsFirst, (r) => r.abuse.email);
  const abuseEmail = take('abuseEmail', abusePick);
  const abusePhone = take(
    'abusePhone',
    pick(contactsFirst, (r) => r.abuse.phone),
  );
  const redacted = useful.some((s) => s.record.registrant.redacted);

  const props: Props = {};
  if (created) {
    props.created = created.iso;
    props.ageDays = Math.floor((now - created.epochMs) / DAY_MS);
  }
  if (expires) props.expires = expires.iso;
  if (updated) props.updated = updated.iso;
  if (status) props.status = status;
  if (dnssec) props.dnssec = dnssec;
  if (country) props.registrantCountry = country;
  if (useful.length > 0) props.redacted = redacted;
  if (registryHost) props.whoisServer = registryHost;
  if (registrarWhois) props.registrarWhoisServer = registrarWhois;
  if (Object.keys(fieldSources).length > 0) props.sources = fieldSources;
  graph.entity(subject, [...used], props);

  const canonical = canonicalRegistrar(registrarName ?? null, ianaId ?? null);
  if (canonical) {
    const registrarKey: EntityKey = { type: 'registrar', value: canonical.value };
    const refs = [...refsOf(namePick)];
    const spellings = [
      ...new Set(useful.map((s) => s.record.registrar.name).filter((n): n is string => n !== null)),
    ].slice(0, 8);
    const registrarProps: Props = { names: spellings };
    if (canonical.ianaId) registrarProps.ianaId = canonical.ianaId;
    if (registrarUrl) registrarProps.url = registrarUrl;
    if (registrarWhois) registrarProps.whoisServer = registrarWhois;
    if (abusePhone) registrarProps.abusePhone = abusePhone;
    graph.entity(registrarKey, refs, registrarProps);
    graph.relation(subject, 'registered_with', registrarKey, refs, { source: namePick?.source.label ?? '' });
    if (abuseEmail) {
      graph.relation(registrarKey, 'has_abuse_contact', { type: 'email', value: abuseEmail }, refsOf(abusePick), {
        source: abusePick?.source.label ?? '',
      });
    }
  }
  for (const ns of nameServers) {
    if (ns === name) continue;
    graph.relation(subject, 'has_ns', domainKey(ns), refsOf(nsPick), { source: 'whois' });
  }
  if (organization) {
    graph.relation(subject, 'registered_by', { type: 'organization', value: organization }, refsOf(orgPick), {
      source: orgPick?.source.label ?? '',
    });
  }

  // Findings, each on the answers that show it.
  const notFound = notFoundSource(state);
  if (notFound && useful.length === 0 && dns) notFoundFinding(state, name, notFound, dns);
  if (created && createdPick) {
    const age = Math.floor((now - created.epochMs) / DAY_MS);
    if (age < YOUNG_MEDIUM_DAYS) {
      const high = age < YOUNG_HIGH_DAYS;
      graph.finding({
        about: subject,
        severity: high ? 'high' : 'medium',
        title: `${name} was registered ${Math.max(age, 0)} days ago`,
        detail:
          `${name} was created on ${created.date} (${createdPick.source.label}). ` +
          `Domains under ${high ? YOUNG_HIGH_DAYS : YOUNG_MEDIUM_DAYS} days old are common in phishing and fraud; ` +
          'a young domain is a signal to weigh with others, not a verdict.',
        evidence: createdPick.source.refs,
      });
    }
  }
  if (expires && expiresPick) {
    const left = Math.floor((expires.epochMs - now) / DAY_MS);
    if (expires.epochMs < now) {
      graph.finding({
        about: subject,
        severity: 'medium',
        title: `The registration of ${name} expired ${Math.max(-left - 1, 0)} days ago`,
        detail: `${name} expired on ${expires.date} (${expiresPick.source.label}). An expired domain can be deleted and registered again by anyone.`,
        evidence: expiresPick.source.refs,
      });
    } else if (left <= EXPIRING_DAYS) {
      graph.finding({
        about: subject,
        severity: 'low',
        title: `The registration of ${name} expires in ${left} days`,
        detail: `${name} expires on ${expires.date} (${expiresPick.source.label}). If it is not renewed it can be dropped and registered by someone else.`,
        evidence: expiresPick.source.refs,
      });
    }
  }
  const problems = useful.flatMap((s) => s.record.problems.map((p) => ({ text: `${s.label}: ${p}`, refs: s.refs })));
  if (problems.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `Some dates in the registration record of ${name} could not be read`,
      detail: problems
        .slice(0, 20)
        .map((p) => p.text)
        .join('\n'),
      evidence: problems.flatMap((p) => p.refs),
    });
  }
  const failed = failureList(state.failures).map((f) => `- ${f}`);
  if (useful.length === 0 && !notFound) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `No registration data could be read for ${name}`,
      detail:
        `No WHOIS or RDAP server asked gave a record of ${name}, so its registrar, dates and registrant are ` +
        'unknown: not absent, unknown.' +
        (failed.length > 0 ? `\nThese lookups gave nothing:\n${failed.join('\n')}` : ''),
      evidence: state.allRefs,
    });
  } else if (failed.length > 0) {
    const from = [...new Set(useful.map((s) => s.label))];
    graph.finding({
      about: subject,
      severity: 'info',
      title: `Some registration lookups for ${name} failed`,
      detail:
        (from.length > 0 ? `The registration data comes from ${from.join(', ')}. ` : '') +
        `These lookups gave nothing:\n${failed.join('\n')}`,
    });
  }
}

/** The registry's (or RDAP's) answer that it has no such domain, if one came. */
function notFoundSource(state: RunState): Source | undefined {
  return state.sources.find((s) => s.record.notFound && (s.kind === 'registry' || s.kind === 'rdap'));
}

async function* scanDomain(state: RunState, name: string): AsyncGenerator<ScanEvent> {
  const { options, tld } = state;
  yield* whoisLayer(state, name, tld);
  const registry = state.sources.find((s) => s.kind === 'registry');
  const usable = state.sources.some((s) => hasData(s.record) || (s.kind === 'registry' && s.record.notFound));
  if (options.rdap === 'always' || (options.rdap === 'fallback' && !usable)) yield* rdapLayer(state, name, tld);
  if (state.answers === 0) {
    throw new Error(
      `no WHOIS or RDAP answer for ${name}: ${failureList(state.failures).join('; ') || 'no server to ask'}`,
    );
  }
  const unregistered = notFoundSource(state) !== undefined && !state.sources.some((s) => hasData(s.record));
  const dns = unregistered ? yield* checkDelegation(state, name) : undefined;
  yield { kind: 'progress', fraction: 0.9, message: 'reading the answers' };
  merge(state, name, registry?.host, dns);
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const options = readOptions(ctx.options);
  let name: string;
  const pre = new GraphBuilder(CATEGORY);
  switch (input.type) {
    case 'domain': {
      const value = canonicalValue('domain', input.value);
      if (!value) throw new Error(`"${input.value.slice(0, 300)}" is not a valid domain name`);
      name = value;
      break;
    }
    case 'email': {
      const email = canonicalValue('email', input.value);
      if (!email) throw new Error(`"${input.value.slice(0, 300)}" is not a valid email address`);
      name = email.slice(email.lastIndexOf('@') + 1);
      // The address itself shows which domain it uses; the registration follows.
      pre.relation({ type: 'email', value: email }, 'uses_email_domain', domainKey(name), []);
      break;
    }
    default:
      throw new Error(`the whois scanner does not accept ${input.type} entities`);
  }
  // Registries hold registrable domains: "www.example.co.uk" is registered as "example.co.uk".
  const registrable = getDomain(name, { allowPrivateDomains: false }) ?? name;
  if (registrable !== name) pre.relation(domainKey(name), 'subdomain_of', domainKey(registrable), []);
  yield* pre.drain();
  yield { kind: 'progress', fraction: 0.05, message: `looking up ${registrable}` };
  const state = new RunState(ctx, options, domainKey(registrable));
  yield* scanDomain(state, registrable);
  yield* state.graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const whoisScanner: Scanner = { manifest: whoisManifest, run };
