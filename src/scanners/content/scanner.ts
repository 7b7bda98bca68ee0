// The content scanner: what a site's own pages give away. The front page (mixed content, forms
// posting over HTTP, inline scripts, the domains scripts come from, social profiles, emails and
// phone numbers), robots.txt and the sitemaps (sensitive paths). Every fetch is bounded in size
// and time, and only same-site URLs are fetched.
import type { EntityKey, Props, Severity } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { GraphBuilder } from '../kit/graph-builder';
import { type SensitiveMatch, sensitiveMatch } from '../kit/sensitive-paths';
import { reportUnreachable } from '../kit/unreachable';
import { isHtml } from '../tech/features';
import { printable } from '../tech/match';
import { errorText, type FetchedPage, fetchPage, frontPage, sameSite, timeoutOption } from '../tech/page';
import { siteTarget } from '../tech/site';
import { extractContent, type PageContent } from './extract';
import { contentManifest } from './manifest';
import { parseRobots, type Robots, robotsPaths } from './robots';
import { parseSitemap, sitemapText } from './sitemap';

const CATEGORY = 'web';
const PAGE_BYTES = 1024 * 1024;
const ROBOTS_BYTES = 512 * 1024;
const SITEMAP_BYTES = 2 * 1024 * 1024;
/** Sitemap URLs read in all, across sitemaps. */
const MAX_SITEMAP_URLS = 20_000;
/** Entries listed in a finding's detail or a prop. */
const MAX_LISTED = 50;

interface Fetcher {
  ctx: ScanContext;
  timeoutMs: number;
  count: number;
  /** Documents that did not answer at all (a 404 is an answer), with why: they were not read. */
  failures: string[];
}

/** A same-site document that answered 200, or undefined (the reason logged). */
async function fetchDoc(url: string, fetcher: Fetcher, maxBodyBytes: number): Promise<FetchedPage | undefined> {
  const { ctx } = fetcher;
  try {
    const page = await fetchPage(url, ctx, {
      timeoutMs: fetcher.timeoutMs,
      maxBodyBytes,
      refPrefix: `doc${++fetcher.count}:`,
    });
    if (page.response.status === 200) return page;
    ctx.log.info(`content: ${url} answered HTTP ${page.response.status}`);
  } catch (error) {
    ctx.signal.throwIfAborted();
    fetcher.failures.push(`${url}: ${errorText(error)}`);
  }
  return undefined;
}

interface SitemapResult {
  docs: FetchedPage[];
  urls: string[];
  capped: boolean;
}

/** /sitemap.xml and those robots.txt names, then the sitemaps an index lists: one level, capped. */
async function readSitemaps(
  origin: string,
  robots: Robots | undefined,
  max: number,
  fetcher: Fetcher,
): Promise<SitemapResult> {
  const host = new URL(origin).hostname;
  const sameSiteUrl = (u: string): string | undefined => {
    try {
      const url = new URL(u, origin);
      return (url.protocol === 'http:' || url.protocol === 'https:') && sameSite(url.hostname, host)
        ? url.href
        : undefined;
    } catch {
      return undefined;
    }
  };
  const queue = [`${origin}/sitemap.xml`, ...(robots?.sitemaps ?? [])].flatMap((u) => sameSiteUrl(u) ?? []);
  const first = new Set(queue);
  const seen = new Set<string>();
  const result: SitemapResult = { docs: [], urls: [], capped: false };
  while (queue.length > 0 && seen.size < max) {
    const url = queue.shift() as string;
    if (seen.has(url)) continue;
    seen.add(url);
    const doc = await fetchDoc(url, fetcher, SITEMAP_BYTES);
    if (!doc) continue;
    result.docs.push(doc);
    const sitemap = parseSitemap(sitemapText(doc.response.body));
    result.capped ||= sitemap.capped || doc.response.bodyTruncated;
    if (sitemap.kind === 'index') {
      // Only the sitemaps the first round found may list more: one level of index.
      if (first.has(url)) queue.push(...sitemap.locs.flatMap((u) => sameSiteUrl(u) ?? []));
      continue;
    }
    const room = MAX_SITEMAP_URLS - result.urls.length;
    if (sitemap.locs.length > room) result.capped = true;
    result.urls.push(...sitemap.locs.slice(0, Math.max(0, room)));
  }
  if (queue.some((u) => !seen.has(u))) result.capped = true;
  return result;
}

function robotsOf(doc: FetchedPage | undefined): Robots | undefined {
  // A soft 404 (an HTML page at /robots.txt) is no robots file.
  if (!doc || /^\s{0,200}<(?:!doctype|html)/i.test(doc.body)) return undefined;
  return parseRobots(doc.body);
}

function sensitiveOf(paths: readonly string[]): SensitiveMatch[] {
  return paths.flatMap((p) => sensitiveMatch(p) ?? []);
}

function listing(lines: readonly string[]): string {
  const shown = lines.slice(0, MAX_LISTED).map((l) => `- ${printable(l, 300)}`);
  if (lines.length > MAX_LISTED) shown.push(`- … and ${lines.length - MAX_LISTED} more`);
  return shown.join('\n');
}

function sensitiveFinding(
  graph: GraphBuilder,
  subject: EntityKey,
  where: string,
  matches: readonly SensitiveMatch[],
  refs: string[],
): void {
  if (matches.length === 0) return;
  const severity: Severity = matches.some((m) => m.severity === 'high') ? 'medium' : 'low';
  graph.finding({
    about: subject,
    severity,
    title: `${where} names ${matches.length} sensitive path${matches.length === 1 ? '' : 's'}`,
    detail:
      `Public files that point at areas worth a look (and that attackers read first):\n` +
      listing(matches.map((m) => `${m.path} (${m.why})`)),
    evidence: refs,
  });
}

function pageFindings(
  graph: GraphBuilder,
  subject: EntityKey,
  host: string,
  content: PageContent,
  refs: string[],
): void {
  if (content.mixed.length > 0) {
    const active = content.mixed.filter((m) => m.active).length;
    graph.finding({
      about: subject,
      severity: active > 0 ? 'medium' : 'low',
      title: `${host} loads ${content.mixed.length} resource${content.mixed.length === 1 ? '' : 's'} over plain HTTP on an HTTPS page`,
      detail:
        'Mixed content: anyone on the path can read or replace these' +
        (active > 0 ? `, and ${active} of them (scripts, frames, stylesheets) can rewrite the page` : '') +
        `:\n${listing(content.mixed.map((m) => `<${m.tag}> ${m.url}`))}`,
      evidence: refs,
    });
  }
  if (content.insecureForms.length > 0) {
    const secret = content.insecureForms.some((f) => f.secret);
    const first = content.insecureForms[0] as PageContent['insecureForms'][number];
    graph.finding({
      about: subject,
      severity: secret ? 'high' : 'medium',
      title: `${host} has a form posting over plain HTTP to ${printable(first.action, 200)}`,
      detail:
        'What these forms send can be read and changed in transit' +
        (secret ? ', and they ask for passwords, card numbers or other secrets' : '') +
        `:\n${listing(
          content.insecureForms.map(
            (f) =>
              `${f.method} ${f.action}${f.elsewhere ? ' (another site)' : ''}; fields: ${f.fields.join(', ') || 'none named'}`,
          ),
        )}`,
      evidence: refs,
    });
  }
  if (content.scriptDomains.length > 0 || content.inlineScripts > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${host} runs ${content.inlineScripts} inline script${content.inlineScripts === 1 ? '' : 's'} and scripts from ${content.scriptDomains.length} other domain${content.scriptDomains.length === 1 ? '' : 's'}`,
      detail:
        'Each script domain can run code in the page: a supply-chain dependency, and a pivot.\n' +
        listing(content.scriptDomains.map((s) => `${s.domain}: ${s.src}`)),
      evidence: refs,
    });
  }
  const contacts = [
    ...content.emails.map((e) => `email ${e}`),
    ...content.phones.map((p) => `phone ${p}`),
    ...content.socials.map((s) => `${s.platform} ${s.url}`),
  ];
  if (contacts.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${host}'s page names ${content.emails.length} email address(es), ${content.phones.length} phone number(s) and ${content.socials.length} social profile(s)`,
      detail: `Contacts are pivots: the same address or profile on another site links the two.\n${listing(contacts)}`,
      evidence: refs,
    });
  }
}

function pageGraph(graph: GraphBuilder, subject: EntityKey, content: PageContent, refs: string[]): Props {
  for (const { domain, src } of content.scriptDomains) {
    graph.relation(subject, 'loads_script_from', { type: 'domain', value: domain }, refs, { src: printable(src, 500) });
  }
  for (const social of content.socials) {
    const key: EntityKey = { type: 'url', value: social.url };
    graph.entity(key, refs, { platform: social.platform, handle: social.handle });
    graph.relation(subject, 'mentions', key, refs);
  }
  for (const email of content.emails) graph.relation(subject, 'mentions', { type: 'email', value: email }, refs);
  return {
    inlineScripts: content.inlineScripts,
    ...(content.phones.length > 0 ? { phones: content.phones } : {}),
    ...(content.mixed.length > 0 ? { mixedContent: content.mixed.length } : {}),
    ...(content.insecureForms.length > 0 ? { insecureForms: content.insecureForms.map((f) => f.action) } : {}),
  };
}

function positiveInt(value: unknown, fallback: number, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? Math.min(value, max) : fallback;
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const target = siteTarget(input);
  const fetcher: Fetcher = { ctx, timeoutMs: timeoutOption(ctx.options.timeoutMs), count: 0, failures: [] };
  const maxSitemaps = positiveInt(ctx.options.maxSitemaps, 10, 50);
  yield { kind: 'progress', fraction: 0, message: `fetching ${target.startUrl ?? target.host}` };
  const options = { timeoutMs: fetcher.timeoutMs, maxBodyBytes: PAGE_BYTES, refPrefix: 'page:' };
  const fetched = await frontPage(target, ctx, options);
  if ('unreachable' in fetched) {
    const where = target.startUrl ?? target.host;
    const title = `Content not checked: no page could be fetched from ${where}`;
    yield* reportUnreachable(new GraphBuilder(CATEGORY), target.subject, title, where, fetched.unreachable);
    return;
  }
  const { page } = fetched;
  yield* page.evidence;
  const pageRefs = page.evidence.map((e) => e.ref);
  const origin = new URL(page.url).origin;

  yield { kind: 'progress', fraction: 0.3, message: 'robots.txt' };
  const robotsDoc = await fetchDoc(`${origin}/robots.txt`, fetcher, ROBOTS_BYTES);
  const robots = robotsOf(robotsDoc);
  if (robotsDoc && robots) yield* robotsDoc.evidence;

  yield { kind: 'progress', fraction: 0.5, message: 'sitemaps' };
  const sitemaps = await readSitemaps(origin, robots, maxSitemaps, fetcher);
  for (const doc of sitemaps.docs) yield* doc.evidence;

  yield { kind: 'progress', fraction: 0.8, message: 'reading the page' };
  const content = isHtml(page) ? extractContent(page.body, page.url) : undefined;
  const graph = new GraphBuilder(CATEGORY);
  const subject = target.subject;
  const props: Props = content ? pageGraph(graph, subject, content, pageRefs) : {};
  const robotsRefs = robots && robotsDoc ? robotsDoc.evidence.map((e) => e.ref) : [];
  const robotsSensitive = robots ? sensitiveOf(robotsPaths(robots)) : [];
  const sitemapSensitive = sensitiveOf(sitemaps.urls);
  if (robots) props.robotsDisallow = [...new Set(robots.groups.flatMap((g) => g.disallow))].slice(0, MAX_LISTED);
  if (sitemaps.docs.length > 0) props.sitemapUrls = sitemaps.urls.length;
  const sensitive = [...robotsSensitive, ...sitemapSensitive].map((m) => m.path);
  if (sensitive.length > 0) props.sensitivePaths = [...new Set(sensitive)].slice(0, MAX_LISTED);
  graph.entity(subject, pageRefs, props);
  if (content) pageFindings(graph, subject, target.host, content, pageRefs);
  sensitiveFinding(graph, subject, `robots.txt of ${target.host}`, robotsSensitive, robotsRefs);
  sensitiveFinding(
    graph,
    subject,
    `The sitemap of ${target.host}`,
    sitemapSensitive,
    sitemaps.docs.flatMap((d) => d.evidence.map((e) => e.ref)),
  );
  if (sitemaps.capped) ctx.log.info(`content: sitemaps of ${target.host} were read only in part (caps reached)`);
  if (fetcher.failures.length > 0) {
    // A robots.txt that hangs is not the same as none: say what was not read and why.
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${fetcher.failures.length} document(s) of ${target.host} could not be read`,
      detail: `Not read, so not judged:\n${fetcher.failures.slice(0, MAX_LISTED).join('\n')}`,
      evidence: pageRefs,
    });
  }
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const contentScanner: Scanner = { manifest: contentManifest, run };
