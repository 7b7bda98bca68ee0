// The Certificate Transparency scanner: which certificates have been logged for a domain and its
// subdomains, asked of crt.sh and Cert Spotter behind one module. Every answer is kept as evidence;
// a source that fails or answers nonsense is a finding while the other still counts, and only
// when every source fails does the run fail, naming each reason.
import type { EntityKey, JsonValue, Props } from '../../shared/model';
import type { HttpResponse, ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { GraphBuilder } from '../kit/graph-builder';
import { certValue, issuerLabel, issuerOrganization, type MergedCert, mergeCerts, parseDisplayName } from './dedup';
import { ctManifest } from './manifest';
import { type NameScope, registrableOf, scopeOf } from './names';
import {
  CT_SOURCES,
  type CtSource,
  lastIssuanceId,
  type ParseResult,
  parseCertspotter,
  parseCrtsh,
  type RawCert,
} from './sources';

const CATEGORY = 'certificates';
/** Enough for every certificate of a large site; crt.sh answers for giants exceed it (then: a finding). */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;
const QUERY_TIMEOUT_MS = 60_000;
/** Cert Spotter pages hold up to 100 issuances; a shorter page is the last one. */
const CERTSPOTTER_PAGE = 100;
/** Names of one certificate put on the graph (shared hosting certificates list hundreds). */
const MAX_NAMES_PER_CERT = 500;
const MAX_LISTED = 50;
const HOUR_MS = 3_600_000;

const SOURCE_TITLES: Record<CtSource, string> = { crtsh: 'crt.sh', certspotter: 'Cert Spotter' };

interface Options {
  sources: CtSource[];
  maxEntries: number;
  burstCount: number;
  burstWindowHours: number;
}

function readOptions(raw: Record<string, JsonValue>): Options {
  const number = (v: JsonValue | undefined, fallback: number, min: number, max: number): number =>
    typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.floor(v))) : fallback;
  const asked = Array.isArray(raw.sources) ? raw.sources : [...CT_SOURCES];
  const sources = CT_SOURCES.filter((s) => asked.includes(s));
  if (sources.length === 0) throw new Error(`option sources names no known source (known: ${CT_SOURCES.join(', ')})`);
  return {
    sources,
    maxEntries: number(raw.maxEntries, 10_000, 1, 1_000_000),
    burstCount: number(raw.burstCount, 10, 2, 100_000),
    burstWindowHours: number(raw.burstWindowHours, 24, 1, 24 * 365),
  };
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

interface SourceOutcome {
  source: CtSource;
  events: ScanEvent[];
  /** Why the source gave nothing usable; null when it answered. */
  failure: string | null;
  certs: (RawCert & { ref: string })[];
  refs: string[];
  skipped: number;
  reasons: string[];
  capped: boolean;
  /** Problems that did not make the whole source fail (a later page that failed). */
  problems: string[];
}

/** Evidence is byte-exact: UTF-8 kept as text, anything else base64. */
function evidenceEvent(ref: string, url: string, body: Uint8Array): ScanEvent {
  let text: string | null;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    text = null;
  }
  return {
    kind: 'evidence',
    ref,
    mediaType: 'application/json',
    source: url.slice(0, 2048),
    encoding: text === null ? 'base64' : 'utf8',
    content: text ?? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'),
  };
}

/** The JSON in an answer, or why there is none. */
function readJson(response: HttpResponse): { ok: true; json: unknown } | { ok: false; reason: string } {
  if (response.status !== 200) return { ok: false, reason: `HTTP ${response.status} ${response.statusText}`.trim() };
  if (response.bodyTruncated) {
    return { ok: false, reason: `the answer was cut at ${response.body.byteLength} bytes (larger than the limit)` };
  }
  try {
    return { ok: true, json: JSON.parse(Buffer.from(response.body).toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'the answer is not JSON' };
  }
}

/**
 * The evidence ref of one answer: numbered by source and page, not by arrival, since both
 * sources are asked at once and the same run must cite the same refs whichever answers first.
 */
function ctRef(source: CtSource, page = 0): string {
  return source === 'crtsh' ? '1:ct:crtsh' : `${2 + page}:ct:certspotter`;
}

async function ask(ctx: ScanContext, url: string): Promise<HttpResponse> {
  return ctx.net.http({
    url,
    headers: { accept: 'application/json' },
    maxBodyBytes: MAX_BODY_BYTES,
    timeoutMs: QUERY_TIMEOUT_MS,
    signal: ctx.signal,
  });
}

function outcome(source: CtSource): SourceOutcome {
  return {
    source,
    events: [],
    failure: null,
    certs: [],
    refs: [],
    skipped: 0,
    reasons: [],
    capped: false,
    problems: [],
  };
}

function absorb(out: SourceOutcome, parsed: ParseResult & { ok: true }, ref: string): void {
  for (const cert of parsed.certs) out.certs.push({ ...cert, ref });
  out.skipped += parsed.skipped;
  out.reasons.push(...parsed.reasons.slice(0, Math.max(0, 5 - out.reasons.length)));
  out.capped ||= parsed.capped;
}

async function fetchCrtsh(ctx: ScanContext, name: string, options: Options): Promise<SourceOutcome> {
  const out = outcome('crtsh');
  const url = `${ctx.net.endpoint('crtsh').replace(/\/+$/, '')}/?q=${encodeURIComponent(name)}&output=json`;
  const response = await ask(ctx, url);
  const ref = ctRef('crtsh');
  out.events.push(evidenceEvent(ref, url, response.body));
  out.refs.push(ref);
  const read = readJson(response);
  if (!read.ok) {
    out.failure = read.reason;
    return out;
  }
  const parsed = parseCrtsh(read.json, options.maxEntries);
  if (!parsed.ok) out.failure = parsed.reason;
  else absorb(out, parsed, ref);
  return out;
}

async function fetchCertspotter(ctx: ScanContext, name: string, options: Options): Promise<SourceOutcome> {
  const out = outcome('certspotter');
  const base =
    `${ctx.net.endpoint('certspotter').replace(/\/+$/, '')}/v1/issuances?domain=${encodeURIComponent(name)}` +
    '&include_subdomains=true&expand=dns_names&expand=issuer';
  let after: string | null = null;
  const maxPages = Math.ceil(options.maxEntries / CERTSPOTTER_PAGE) + 1;
  for (let page = 0; page < maxPages; page++) {
    const url = after === null ? base : `${base}&after=${after}`;
    let response: HttpResponse;
    try {
      response = await ask(ctx, url);
    } catch (error) {
      if (page === 0 || ctx.signal.aborted) throw error;
      out.problems.push(`page after issuance ${after}: ${errorText(error)}`);
      break;
    }
    const ref = ctRef('certspotter', page);
    out.events.push(evidenceEvent(ref, url, response.body));
    out.refs.push(ref);
    const read = readJson(response);
    const parsed = read.ok ? parseCertspotter(read.json, options.maxEntries - out.certs.length - out.skipped) : read;
    if (!parsed.ok) {
      // A later page failing leaves the earlier pages standing.
      if (page === 0) out.failure = parsed.reason;
      else out.problems.push(`page after issuance ${after}: ${parsed.reason}`);
      break;
    }
    absorb(out, parsed, ref);
    const next = read.ok ? lastIssuanceId(read.json) : null;
    if (parsed.total < CERTSPOTTER_PAGE || next === null || next === after) break;
    if (out.certs.length + out.skipped >= options.maxEntries) {
      out.capped = true;
      break;
    }
    after = next;
  }
  return out;
}

async function fetchSource(ctx: ScanContext, source: CtSource, name: string, options: Options) {
  try {
    return await (source === 'crtsh' ? fetchCrtsh : fetchCertspotter)(ctx, name, options);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const out = outcome(source);
    out.failure = errorText(error);
    return out;
  }
}

const domainKey = (value: string): EntityKey => ({ type: 'domain', value });

interface Placed {
  cert: MergedCert;
  key: EntityKey;
  refs: string[];
}

/** The largest number of times within `windowMs` of each other, and where that window starts. */
export function densestWindow(times: readonly number[], windowMs: number): { count: number; from: number; to: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { count: 0, from: 0, to: 0 };
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    const t = sorted[end] ?? 0;
    while ((sorted[start] ?? 0) < t - windowMs) start++;
    const count = end - start + 1;
    if (count > best.count) best = { count, from: sorted[start] ?? 0, to: t };
  }
  return best;
}

function buildGraph(graph: GraphBuilder, name: string, certs: MergedCert[], options: Options): void {
  const subject = domainKey(name);
  const registrable = registrableOf(name) ?? name;
  const placed: Placed[] = [];
  const subdomains = new Set<string>();
  const pivots = new Map<string, Set<string>>();
  const wildcards: Placed[] = [];
  const invalid = new Set<string>();
  const issuers: Record<string, number> = {};

  for (const cert of certs) {
    const scoped = [...cert.names].map((display) => {
      const parsed = parseDisplayName(display);
      return { ...parsed, scope: scopeOf(parsed.name, name, registrable) };
    });
    // A source may list a certificate that does not name the domain at all: not ours to report.
    if (!scoped.some((n) => n.scope === 'self' || n.scope === 'inside' || n.scope === 'sibling')) continue;
    const key: EntityKey = { type: 'certificate', value: certValue(cert) };
    const refs = [...cert.refs];
    const entry: Placed = { cert, key, refs };
    placed.push(entry);
    const props: Props = {
      issuer: cert.issuer,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      names: [...cert.names].slice(0, 200),
      sources: [...cert.sources],
      ctEntries: [...cert.entryIds].slice(0, 50),
    };
    if (cert.serial) props.serial = cert.serial;
    if (cert.fingerprint) props.sha256 = cert.fingerprint;
    graph.entity(key, refs, props);
    const issuer = issuerLabel(cert.issuer);
    issuers[issuer] = (issuers[issuer] ?? 0) + 1;
    const organization = issuerOrganization(cert.issuer);
    if (organization !== null) graph.relation(key, 'issued_by', { type: 'organization', value: organization }, refs);
    for (const text of cert.invalid) if (invalid.size < 1000) invalid.add(text);
    if (scoped.some((n) => n.wildcard)) wildcards.push(entry);

    for (const n of scoped.slice(0, MAX_NAMES_PER_CERT)) {
      const scope: NameScope | null = n.scope;
      if (scope === null) continue;
      const target = domainKey(n.name);
      const relationProps: Props | undefined = n.wildcard ? { wildcard: true } : undefined;
      if (n.wildcard) graph.entity(target, refs, { wildcard: true });
      graph.relation(target, 'covered_by_cert', key, refs, relationProps);
      if (scope === 'inside') {
        subdomains.add(n.name);
        graph.relation(target, 'subdomain_of', subject, refs);
      } else if (scope === 'sibling' && n.name !== registrable) {
        graph.relation(target, 'subdomain_of', domainKey(registrable), refs);
      } else if (scope === 'other') {
        const on = pivots.get(n.name) ?? new Set<string>();
        on.add(key.value);
        pivots.set(n.name, on);
      }
    }
  }

  const allRefs = [...new Set(placed.flatMap((p) => p.refs))];
  const times = placed.flatMap((p) => (p.cert.notBefore ? [Date.parse(p.cert.notBefore)] : []));
  const props: Props = { ctCertificates: placed.length, ctSubdomains: subdomains.size, ctIssuers: issuers };
  if (times.length > 0) {
    props.ctFirstNotBefore = new Date(Math.min(...times)).toISOString();
    props.ctLastNotBefore = new Date(Math.max(...times)).toISOString();
  }
  graph.entity(subject, allRefs, props);

  if (placed.length === 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `No certificates found for ${name} in Certificate Transparency`,
      detail:
        `The CT search services asked list no certificate naming ${name} or its subdomains. ` +
        'Sites without HTTPS, or only behind a shared certificate for another name, leave no trace here.',
    });
    return;
  }
  if (pivots.size > 0) {
    const certsWithPivots = placed.filter((p) => [...pivots.values()].some((on) => on.has(p.key.value)));
    const lines = [...pivots.entries()]
      .slice(0, MAX_LISTED)
      .map(([other, on]) => `${other} (on ${[...on].slice(0, 3).join(', ')}${on.size > 3 ? ', ...' : ''})`);
    graph.finding({
      about: subject,
      severity: 'info',
      title: `Certificates for ${name} also name ${pivots.size} other domain${pivots.size === 1 ? '' : 's'}`,
      detail:
        `${certsWithPivots.length} certificate(s) naming ${name} also cover names in other registrable domains. ` +
        'One certificate for several domains usually means one operator: a pivot to related infrastructure.\n' +
        lines.join('\n') +
        (pivots.size > MAX_LISTED ? `\n... and ${pivots.size - MAX_LISTED} more` : ''),
      evidence: [...new Set(certsWithPivots.flatMap((p) => p.refs))],
    });
  }
  if (wildcards.length > 0) {
    const names = [...new Set(wildcards.flatMap((p) => [...p.cert.names].filter((n) => n.startsWith('*.'))))].slice(
      0,
      MAX_LISTED,
    );
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${wildcards.length} wildcard certificate${wildcards.length === 1 ? '' : 's'} for ${name}`,
      detail:
        `Wildcard names: ${names.join(', ')}. A wildcard certificate hides which host names are in use, ` +
        'and its key, if stolen, serves every one of them.',
      evidence: [...new Set(wildcards.flatMap((p) => p.refs))],
    });
  }
  const windowMs = options.burstWindowHours * HOUR_MS;
  const burst = densestWindow(times, windowMs);
  if (burst.count >= options.burstCount) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `${burst.count} certificates for ${name} issued within ${options.burstWindowHours} hours`,
      detail:
        `Between ${new Date(burst.from).toISOString()} and ${new Date(burst.to).toISOString()}, ${burst.count} ` +
        `certificates naming ${name} were issued (threshold ${options.burstCount} in ${options.burstWindowHours} h). ` +
        'Bursts come with new infrastructure being stood up, automation gone wrong, or many short-lived hosts.',
      evidence: allRefs,
    });
  }
  if (invalid.size > 0) {
    const shown = [...invalid].slice(0, 20).map((text) => JSON.stringify(text.slice(0, 100)));
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${invalid.size} identit${invalid.size === 1 ? 'y' : 'ies'} on certificates for ${name} are not DNS names`,
      detail:
        'These were skipped (email addresses, IP addresses, malformed or hostile text):\n' +
        shown.join('\n') +
        (invalid.size > 20 ? `\n... and ${invalid.size - 20} more` : ''),
      evidence: allRefs,
    });
  }
}

function sourceFindings(graph: GraphBuilder, subject: EntityKey, out: SourceOutcome, options: Options): void {
  const title = SOURCE_TITLES[out.source];
  if (out.failure !== null) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `${title} could not be read`,
      detail: `${title}: ${out.failure}. The other source's certificates are reported; ${title}'s may be missing.`,
      evidence: out.refs,
    });
    return;
  }
  if (out.skipped > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${out.skipped} entr${out.skipped === 1 ? 'y' : 'ies'} from ${title} had an unexpected shape`,
      detail: `They were kept as evidence and not read. First problems:\n${out.reasons.join('\n')}`,
      evidence: out.refs,
    });
  }
  if (out.capped) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `Only the first ${options.maxEntries} entries from ${title} were read`,
      detail: `${title} listed more entries than the limit (option maxEntries); the rest were not read.`,
      evidence: out.refs,
    });
  }
  if (out.problems.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `Part of the answer from ${title} could not be read`,
      detail: out.problems.join('\n'),
      evidence: out.refs,
    });
  }
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  if (input.type !== 'domain') throw new Error(`the ct scanner does not accept ${input.type} entities`);
  const name = canonicalValue('domain', input.value);
  if (!name) throw new Error(`"${input.value.slice(0, 300)}" is not a valid domain name`);
  const options = readOptions(ctx.options);
  yield {
    kind: 'progress',
    fraction: 0.05,
    message: `asking ${options.sources.map((s) => SOURCE_TITLES[s]).join(' and ')} about ${name}`,
  };
  const outcomes = await Promise.all(options.sources.map((s) => fetchSource(ctx, s, name, options)));
  for (const out of outcomes) yield* out.events;
  const answered = outcomes.filter((o) => o.failure === null);
  if (answered.length === 0) {
    throw new Error(
      `no CT source answered for ${name}: ${outcomes.map((o) => `${SOURCE_TITLES[o.source]}: ${o.failure}`).join('; ')}`,
    );
  }
  yield { kind: 'progress', fraction: 0.8, message: 'reading the certificates' };
  const graph = new GraphBuilder(CATEGORY);
  const subject = domainKey(name);
  // crt.sh first: its full issuer DN and serial give the names that Cert Spotter's entries join.
  const certs = mergeCerts(
    answered.sort((a, b) => CT_SOURCES.indexOf(a.source) - CT_SOURCES.indexOf(b.source)).flatMap((o) => o.certs),
  );
  buildGraph(graph, name, certs, options);
  for (const out of outcomes) sourceFindings(graph, subject, out, options);
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const ctScanner: Scanner = { manifest: ctManifest, run };
