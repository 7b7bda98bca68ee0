// The takeover scanner: does the domain alias (CNAME) a resource on a hosting service that nobody
// holds any more? The chain is followed hop by hop (a resolver may stop at a zone boundary), the
// final target matched against the shipped fingerprint table, and a match is only called a
// takeover when the service's own sign shows: the target does not exist, or its "not found" page.
import type { EntityKey, JsonValue } from '../../shared/model';
import type { DnsResponse, HttpResponse, ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { dnsEvidence, Refs } from '../dns/evidence';
import { cnameChain, errorText, MAX_CHAIN, recordsOf } from '../dns/queries';
import { GraphBuilder } from '../kit/graph-builder';
import { matchFingerprints, matchService, type TakeoverService } from './fingerprints';
import { takeoverManifest } from './manifest';

/** Enough for any service's error page; the fingerprints sit near the top. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Body text kept as evidence. */
const MAX_EVIDENCE_BODY = 64 * 1024;

export interface ChainResult {
  /** The input first, then each alias target. */
  names: string[];
  /** The last answer's rcode (or the failure), for the last name. */
  rcode: string;
  addresses: string[];
  loop: boolean;
  refs: string[];
}

/** Follows the CNAME chain from `name` with A queries until it ends, loops or fails. */
async function resolveChain(name: string, ctx: ScanContext, refs: Refs, events: ScanEvent[]): Promise<ChainResult> {
  const names = [name];
  const cited: string[] = [];
  for (let hop = 0; hop <= MAX_CHAIN; hop++) {
    const current = names[names.length - 1] as string;
    let response: DnsResponse;
    try {
      response = await ctx.net.resolver.query(current, 'A', ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted || hop === 0) throw error;
      return { names, rcode: `failed: ${errorText(error)}`, addresses: [], loop: false, refs: cited };
    }
    const evidence = dnsEvidence({ name: current, type: 'A' }, response, refs);
    events.push(...evidence.events);
    cited.push(...evidence.refs);
    const chain = cnameChain(current, response.answers);
    const addresses = recordsOf(response, 'A', chain.names).map((r) => r.data);
    const fresh = chain.names.slice(1);
    const loop = chain.loop || fresh.some((n) => names.includes(n));
    names.push(...fresh.filter((n) => !names.includes(n)));
    const done = addresses.length > 0 || response.rcode !== 'NOERROR' || fresh.length === 0 || loop;
    if (done || names.length > MAX_CHAIN) return { names, rcode: response.rcode, addresses, loop, refs: cited };
  }
  return { names, rcode: 'NOERROR', addresses: [], loop: false, refs: cited };
}

/** The alias target that names a known service: the last one that matches. */
export function serviceOf(names: readonly string[]): { target: string; service: TakeoverService } | undefined {
  for (const target of names.slice(1).reverse()) {
    const service = matchService(target);
    if (service) return { target, service };
  }
  return undefined;
}

function httpText(response: HttpResponse, body: string): string {
  const head = [
    `HTTP/1.1 ${response.status} ${response.statusText}`,
    ...response.headers.map(([k, v]) => `${k}: ${v}`),
  ];
  const truncated = body.length > MAX_EVIDENCE_BODY || response.bodyTruncated ? '\n[body truncated]' : '';
  return `${head.join('\n')}\n\n${body.slice(0, MAX_EVIDENCE_BODY)}${truncated}`;
}

interface PageProof {
  url: string;
  matched: string[];
  status: number;
  evidence: ScanEvent;
}

/** Fetches the domain's page over HTTP, then HTTPS, until a fingerprint shows. */
async function fetchProof(
  name: string,
  service: TakeoverService,
  ctx: ScanContext,
  timeoutMs: number,
  tried: string[],
): Promise<PageProof | undefined> {
  for (const scheme of ['http', 'https'] as const) {
    const url = `${scheme}://${name}/`;
    let response: HttpResponse;
    try {
      response = await ctx.net.http({
        url,
        method: 'GET',
        headers: { 'User-Agent': 'Mozilla/5.0 (compatible; Tracegraph)', Accept: 'text/html,*/*' },
        maxBodyBytes: MAX_BODY_BYTES,
        timeoutMs,
        signal: ctx.signal,
      });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      tried.push(`${url}: ${errorText(error).slice(0, 200)}`);
      continue;
    }
    const body = Buffer.from(response.body).toString('utf8');
    const matched = matchFingerprints(body, service);
    tried.push(`${url}: HTTP ${response.status}${matched.length > 0 ? '' : ', no fingerprint'}`);
    if (matched.length === 0) continue;
    return {
      url,
      matched,
      status: response.status,
      evidence: {
        kind: 'evidence',
        ref: `http:${url}`.slice(0, 200),
        mediaType: 'text/plain; charset=utf-8',
        source: url,
        encoding: 'utf8',
        content: httpText(response, body),
      },
    };
  }
  return undefined;
}

function positive(value: JsonValue | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.min(value, 120_000) : fallback;
}

async function* check(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const name = canonicalValue('domain', input.value);
  if (name === undefined) throw new Error(`"${input.value.slice(0, 100)}" is not a domain name`);
  const timeoutMs = positive(ctx.options.timeoutMs, 10_000);
  const dnsEvents: ScanEvent[] = [];
  yield { kind: 'progress', fraction: 0, message: `CNAME chain of ${name}` };
  const chain = await resolveChain(name, ctx, new Refs(), dnsEvents);
  const match = serviceOf(chain.names);
  if (!match) {
    ctx.log.debug(`takeover: ${name} aliases no known service (${chain.names.join(' -> ')})`);
    return;
  }
  const { service, target } = match;
  if (service.status === 'not vulnerable') {
    ctx.log.info(`takeover: ${name} aliases ${service.service}, which is not known to allow takeover`);
    return;
  }
  const subject: EntityKey = { type: 'domain', value: name };
  const graph = new GraphBuilder('dns');
  const chainText = chain.names.join(' → ');
  const nx = service.nxdomain && chain.rcode === 'NXDOMAIN';
  const tried: string[] = [];
  let proof: PageProof | undefined;
  // An NXDOMAIN target has no page to fetch; a fingerprint-less service has nothing to look for.
  if (!nx && chain.rcode !== 'NXDOMAIN' && service.fingerprint.length > 0) {
    yield { kind: 'progress', fraction: 0.5, message: `fetching ${name} (${service.service})` };
    proof = await fetchProof(name, service, ctx, timeoutMs, tried);
  }
  const notes = service.notes ? `\n\n${service.service}: ${service.notes}` : '';
  if (nx || proof) {
    const sign = nx
      ? `The alias target ${target} does not exist (NXDOMAIN), and for ${service.service} that alone means the name can be registered by anyone.`
      : `${proof?.url} answered HTTP ${proof?.status} with ${service.service}'s page for an unclaimed resource (matched: ${proof?.matched.map((m) => `"${m}"`).join(', ')}).`;
    graph.finding({
      about: subject,
      severity: service.status === 'vulnerable' ? 'high' : 'medium',
      title: `${name} can be taken over: it aliases an unclaimed ${service.service} resource`,
      detail:
        `CNAME chain: ${chainText}.\n${sign}\nWhoever claims ${target} on ${service.service} can serve content, ` +
        `set cookies and obtain certificates for ${name}.` +
        (service.status === 'edge case'
          ? ` ${service.service} is an edge case: a claim works only under some conditions.`
          : '') +
        notes,
      evidence: [...chain.refs, ...(proof && proof.evidence.kind === 'evidence' ? [proof.evidence.ref] : [])],
    });
  } else {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${name} aliases ${service.service} (${target}), a service prone to takeover`,
      detail:
        `CNAME chain: ${chainText} (the last answer: ${chain.rcode}). ${service.service} is listed as ${service.status} ` +
        'for subdomain takeover, but no sign of an unclaimed resource was found' +
        (tried.length > 0 ? `:\n${tried.map((t) => `- ${t}`).join('\n')}` : '.') +
        notes,
      evidence: chain.refs,
    });
  }
  yield* dnsEvents;
  if (proof) yield proof.evidence;
  yield* graph.drain();
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  yield* check(input, ctx);
  // Every way through the check ends here, with or without a finding.
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const takeoverScanner: Scanner = { manifest: takeoverManifest, run };
