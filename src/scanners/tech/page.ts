// Fetching a site's page for the web scanners: HTTPS first, then HTTP; redirects followed a few
// hops and only within the same site (a redirect elsewhere is another site's technology); every
// response kept as text evidence with its body bounded.
import { getDomain } from 'tldts';
import type { JsonValue } from '../../shared/model';
import type { HttpResponse, ScanContext, ScanEvent } from '../../shared/scanner';
import type { SiteTarget } from './site';

export type EvidenceEvent = Extract<ScanEvent, { kind: 'evidence' }>;

export interface FetchedPage {
  /** The URL that answered last. */
  url: string;
  response: HttpResponse;
  /** The body as UTF-8 text (invalid bytes replaced). */
  body: string;
  /** The URLs requested, in order (redirects included). */
  chain: string[];
  /** One evidence event per response. */
  evidence: EvidenceEvent[];
  /** Why the last redirect was not followed, when it was not. */
  stopped?: string;
}

export interface FetchOptions {
  timeoutMs: number;
  maxBodyBytes: number;
  maxRedirects?: number;
  /** Evidence refs are `<prefix><hop>:<url>`; the caller keeps prefixes unique within the run. */
  refPrefix: string;
}

/** Body text kept in evidence. */
const MAX_EVIDENCE_BODY = 256 * 1024;
const DEFAULT_REDIRECTS = 5;

const HEADERS = { 'User-Agent': 'Mozilla/5.0 (compatible; Tracegraph)', Accept: 'text/html,application/xhtml+xml,*/*' };

/** The per-fetch timeout option, within 1 ms and 2 minutes. */
export function timeoutOption(value: JsonValue | undefined, fallback = 10_000): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.min(value, 120_000) : fallback;
}

export function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

/** Same site: the same registrable domain, or the same host when there is none (an IP). */
export function sameSite(a: string, b: string): boolean {
  const site = (host: string) => getDomain(host, { allowPrivateDomains: false }) ?? host;
  return a === b || site(a) === site(b);
}

/** The response as text evidence: status line, headers, a blank line and the bounded body. */
export function responseEvidence(ref: string, url: string, response: HttpResponse, body: string): EvidenceEvent {
  const head = [
    `HTTP/1.1 ${response.status} ${response.statusText}`,
    ...response.headers.map(([k, v]) => `${k}: ${v}`),
  ];
  const cut = body.length > MAX_EVIDENCE_BODY || response.bodyTruncated ? '\n[body truncated]' : '';
  return {
    kind: 'evidence',
    ref: ref.slice(0, 200),
    mediaType: 'text/plain; charset=utf-8',
    source: url.slice(0, 2048),
    encoding: 'utf8',
    content: `${head.join('\n')}\n\n${body.slice(0, MAX_EVIDENCE_BODY)}${cut}`,
  };
}

const header = (response: HttpResponse, name: string): string | undefined =>
  response.headers.find(([k]) => k.toLowerCase() === name)?.[1];

/** GETs `url`, following same-site redirects; throws when the first request fails. */
export async function fetchPage(url: string, ctx: ScanContext, options: FetchOptions): Promise<FetchedPage> {
  const chain: string[] = [];
  const evidence: EvidenceEvent[] = [];
  let current = url;
  for (let hop = 0; ; hop++) {
    chain.push(current);
    const response = await ctx.net.http({
      url: current,
      method: 'GET',
      headers: HEADERS,
      maxBodyBytes: options.maxBodyBytes,
      timeoutMs: options.timeoutMs,
      signal: ctx.signal,
    });
    const body = new TextDecoder('utf-8').decode(response.body);
    evidence.push(responseEvidence(`${options.refPrefix}${hop}:${current}`, current, response, body));
    const page = { url: current, response, body, chain, evidence };
    const location = response.status >= 300 && response.status < 400 ? header(response, 'location') : undefined;
    if (location === undefined) return page;
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      return { ...page, stopped: 'the redirect has an invalid Location' };
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      return { ...page, stopped: `the redirect goes to a ${next.protocol} URL` };
    if (!sameSite(new URL(current).hostname, next.hostname))
      return { ...page, stopped: `the redirect leaves the site for ${next.hostname}` };
    next.hash = '';
    if (chain.includes(next.href)) return { ...page, stopped: 'the redirects loop' };
    if (hop >= (options.maxRedirects ?? DEFAULT_REDIRECTS)) return { ...page, stopped: 'too many redirects' };
    current = next.href;
  }
}

/** The site's front page: https://host/ first, http://host/ when HTTPS cannot be reached. */
export async function fetchSite(
  host: string,
  ctx: ScanContext,
  options: FetchOptions,
): Promise<{ page: FetchedPage; failures: string[] }> {
  const failures: string[] = [];
  for (const scheme of ['https', 'http'] as const) {
    const url = `${scheme}://${host}/`;
    try {
      return { page: await fetchPage(url, ctx, options), failures };
    } catch (error) {
      ctx.signal.throwIfAborted();
      failures.push(`${url}: ${errorText(error)}`);
    }
  }
  throw new Error(`could not fetch ${host}: ${failures.join('; ')}`);
}

/**
 * The page a web scanner reads: the input URL's, else the site's front page. A site that cannot
 * be fetched (nothing listens, it hangs up, it times out) is a result, not a failure of the scan.
 */
export async function frontPage(
  target: SiteTarget,
  ctx: ScanContext,
  options: FetchOptions,
): Promise<{ page: FetchedPage } | { unreachable: string }> {
  try {
    const page = target.startUrl
      ? await fetchPage(target.startUrl, ctx, options)
      : (await fetchSite(target.host, ctx, options)).page;
    return { page };
  } catch (error) {
    ctx.signal.throwIfAborted();
    return { unreachable: (error instanceof Error ? error.message : String(error)).slice(0, 2000) };
  }
}
