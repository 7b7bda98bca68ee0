// The technology scanner: fetches the site's front page and names what runs it (servers,
// frameworks, CMS, analytics, JavaScript libraries with versions, WAFs and CDNs) as technology
// nodes; resolves the domain and marks its addresses as a CDN's when the headers or the CDN's
// published ranges say so, since such an address is shared by many sites and a weak pivot.
import type { EntityKey, Props } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalIp } from '../../shared/target';
import { Refs } from '../dns/evidence';
import { answered, cnameChain, evidenceOf, runQueries } from '../dns/queries';
import { nameKey } from '../dns/records';
import { GraphBuilder } from '../kit/graph-builder';
import { reportUnreachable } from '../kit/unreachable';
import { providerOf } from './cdn-ranges';
import { featuresOf } from './features';
import { techManifest } from './manifest';
import { cpeOf, type Detection, detect, printable, technologyValue } from './match';
import { type FetchedPage, frontPage, timeoutOption } from './page';
import { type SiteTarget, siteTarget } from './site';
import { trackingIds } from './tracking-ids';

const CATEGORY = 'web';
export const MAX_BODY_BYTES = 1024 * 1024;
/** Addresses of one type taken from an answer. */
const MAX_ADDRESSES = 64;

interface Addresses {
  ips: string[];
  refs: Map<string, string[]>;
}

/** A and AAAA of the host (its CNAME chain followed within the answer), with their evidence. */
async function* resolveHost(name: string, ctx: ScanContext): AsyncGenerator<ScanEvent, Addresses> {
  const outcomes = yield* runQueries(
    [
      { name, type: 'A' },
      { name, type: 'AAAA' },
    ],
    ctx,
    { from: 0.05, to: 0.3 },
  );
  yield* evidenceOf(outcomes, new Refs());
  const refs = new Map<string, string[]>();
  for (const outcome of outcomes) if ('error' in outcome) ctx.log.info(`tech: ${outcome.error}`);
  for (const { query, response, refs: cited } of answered(outcomes)) {
    const owners = new Set(cnameChain(name, response.answers).names);
    const records = response.answers.filter((r) => r.type === query.type && owners.has(nameKey(r.name)));
    for (const record of records.slice(0, MAX_ADDRESSES)) {
      const ip = canonicalIp(record.data);
      if (ip) refs.set(ip, cited);
    }
  }
  return { ips: [...refs.keys()], refs };
}

/** The CDN or WAF that fronts the site, from what the page showed. */
function frontOf(detections: readonly Detection[], kind: 'cdn' | 'waf'): Detection | undefined {
  return detections.find((d) => d.tech.categories.includes(kind));
}

function label(d: Pick<Detection, 'tech' | 'version'>): string {
  return d.version ? `${d.tech.name} ${d.version}` : d.tech.name;
}

function technologyProps(d: Detection): Props {
  const cpe = cpeOf(d);
  return {
    name: d.tech.name,
    ...(d.version ? { version: d.version } : {}),
    category: d.tech.categories[0] as string,
    categories: d.tech.categories,
    ...(cpe ? { cpe } : {}),
  };
}

/** The domain's addresses, marked as the CDN's or WAF's that fronts the site, or whose ranges hold them. */
function reportAddresses(
  subject: EntityKey,
  addresses: Addresses,
  fronts: { cdn?: Detection; waf?: Detection },
  graph: GraphBuilder,
): void {
  const byRange = new Map<string, string>();
  for (const ip of addresses.ips) {
    const provider = providerOf(ip);
    if (provider) byRange.set(ip, provider.name);
  }
  const rangeCdn = byRange.size > 0 && byRange.size === addresses.ips.length ? [...byRange.values()][0] : undefined;
  const domainProps: Props = {};
  const cdn = fronts.cdn?.tech.name ?? rangeCdn;
  if (cdn) domainProps.cdn = cdn;
  if (fronts.waf) domainProps.waf = fronts.waf.tech.name;
  graph.entity(subject, [], domainProps);
  for (const ip of addresses.ips) {
    const ipProps: Props = {};
    const ipCdn = fronts.cdn?.tech.name ?? byRange.get(ip);
    if (ipCdn) ipProps.cdn = ipCdn;
    if (fronts.waf) ipProps.waf = fronts.waf.tech.name;
    graph.entity({ type: 'ip', value: ip }, addresses.refs.get(ip) ?? [], ipProps);
    if (subject.type === 'domain')
      graph.relation(subject, 'resolves_to', { type: 'ip', value: ip }, addresses.refs.get(ip) ?? []);
  }
  if (!fronts.cdn && byRange.size > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${subject.value} resolves into a CDN's published address ranges`,
      detail: `${[...byRange].map(([ip, name]) => `${ip} (${name})`).join(', ')}: addresses shared with many other sites, weak pivots. The page showed no CDN headers.`,
      evidence: [...byRange.keys()].flatMap((ip) => addresses.refs.get(ip) ?? []),
    });
  }
}

/** Technology nodes, the fronting CDN / WAF, and a summary of what runs the site. */
function reportPage(
  target: SiteTarget,
  page: FetchedPage,
  html: string,
  detections: readonly Detection[],
  addresses: Addresses,
  graph: GraphBuilder,
): void {
  const subject = target.subject;
  const pageRefs = page.evidence.map((e) => e.ref);
  const ids = trackingIds(html);
  graph.entity(subject, pageRefs, ids.length > 0 ? { trackingIds: ids } : undefined);
  for (const d of detections) {
    const tech: EntityKey = { type: 'technology', value: technologyValue(d) };
    graph.entity(tech, pageRefs, technologyProps(d));
    graph.relation(subject, 'uses_technology', tech, pageRefs, { matched: d.matched, url: page.url });
  }
  const fronts = { cdn: frontOf(detections, 'cdn'), waf: frontOf(detections, 'waf') };
  reportAddresses(subject, addresses, fronts, graph);
  const dnsRefs = [...new Set([...addresses.refs.values()].flat())];
  const listed = addresses.ips.slice(0, 10).join(', ');
  for (const kind of ['cdn', 'waf'] as const) {
    const front = fronts[kind];
    if (!front) continue;
    const shared =
      kind === 'cdn' && listed !== ''
        ? ` Its addresses (${listed}) are ${front.tech.name}'s, shared with many other sites: weak pivots, and the origin server stays hidden.`
        : '';
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${target.host} is behind ${front.tech.name} (${kind === 'cdn' ? 'CDN' : 'WAF'})`,
      detail: `Seen in ${printable(page.url, 500)}: ${front.matched}.${shared}`,
      evidence: [...pageRefs, ...dnsRefs],
    });
  }
  if (detections.length > 0) {
    const names = detections.slice(0, 12).map(label).join(', ');
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${target.host} runs ${names}${detections.length > 12 ? ', …' : ''}`,
      detail: detections.map((d) => `- ${label(d)} [${d.tech.categories.join(', ')}]: ${d.matched}`).join('\n'),
      evidence: pageRefs,
    });
  }
  if (ids.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${target.host} embeds ${ids.length} analytics or advertising account ID${ids.length === 1 ? '' : 's'}`,
      detail: `Sites sharing one of these IDs are run by the same account holder:\n${ids.map((id) => `- ${printable(id)}`).join('\n')}`,
      evidence: pageRefs,
    });
  }
  if (page.stopped) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${target.host}: a redirect was not followed`,
      detail: `${page.stopped}; technology was read from the redirect itself. Requested: ${page.chain.map((u) => printable(u, 300)).join(' → ')}.`,
      evidence: pageRefs,
    });
  }
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const target = siteTarget(input);
  const timeoutMs = timeoutOption(ctx.options.timeoutMs);
  yield { kind: 'progress', fraction: 0, message: `resolving ${target.host}` };
  const addresses: Addresses = target.isDomain
    ? yield* resolveHost(target.host, ctx)
    : { ips: [target.host], refs: new Map() };
  yield { kind: 'progress', fraction: 0.3, message: `fetching ${target.startUrl ?? target.host}` };
  const options = { timeoutMs, maxBodyBytes: MAX_BODY_BYTES, refPrefix: 'http:' };
  const graph = new GraphBuilder(CATEGORY);
  const fetched = await frontPage(target, ctx, options);
  if ('unreachable' in fetched) {
    // The addresses and their CDN ranges are known without the page.
    reportAddresses(target.subject, addresses, {}, graph);
    graph.entity(target.subject, [], { siteUnreachable: true });
    const where = target.startUrl ?? target.host;
    const title = `No technology identified: no page could be fetched from ${where}`;
    yield* reportUnreachable(graph, target.subject, title, where, fetched.unreachable);
    return;
  }
  const { page } = fetched;
  yield* page.evidence;
  yield { kind: 'progress', fraction: 0.8, message: 'matching signatures' };
  const features = featuresOf(page);
  const detections = detect(features);
  reportPage(target, page, features.html, detections, addresses, graph);
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: `${detections.length} technologies` };
}

export const techScanner: Scanner = { manifest: techManifest, run };
