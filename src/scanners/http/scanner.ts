// The HTTP scanner: fetches the target's site from http:// and https://, following redirects
// itself; judges the HTTPS redirect and HTTP/2 (ALPN) here and the page's response in page.ts
// (headers, clickjacking, cookies, HSTS preload, HTTP/3, title). Every request is bounded (time,
// head, body) and every answer or failure is evidence.
import { scoreCategory } from '../../shared/grade';
import type { EntityKey, JsonValue } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { GraphBuilder } from '../kit/graph-builder';
import { type Chain, followRedirects, type Hop } from './chain';
import { auditCookie, type CookieAudit, MAX_COOKIES } from './cookie-audit';
import { exchangeEvidence, type FetchSettings, failureTitle, fetchPage } from './fetch';
import { headerValues } from './fields';
import { policyCheck } from './host-policy';
import { httpManifest } from './manifest';
import { numberOption } from './options';
import { judgePage, SCANNER } from './page';
import { answeredOverHttps, redirectVerdict } from './redirect-verdict';
import { parseSetCookie } from './set-cookie';
import { urlOver, type WebTarget, webTarget } from './target';
import { printable } from './text';

/** Fetches chains and keeps one evidence event per request. */
class Session {
  readonly evidence: ScanEvent[] = [];
  private readonly refs = new Map<Hop, string>();
  private readonly refuse: (url: string) => Promise<string | undefined>;

  constructor(
    private readonly ctx: ScanContext,
    private readonly settings: FetchSettings,
  ) {
    this.refuse = policyCheck(ctx);
  }

  async follow(start: string): Promise<Chain> {
    const chain = await followRedirects(start, {
      get: (url) => fetchPage(this.ctx, url, this.settings),
      refuse: this.refuse,
      signal: this.ctx.signal,
    });
    for (const hop of chain.hops) {
      const ref = `${this.evidence.length + 1}:GET ${hop.url}`.slice(0, 200);
      this.refs.set(hop, ref);
      this.evidence.push(exchangeEvidence(ref, hop.url, hop));
    }
    return chain;
  }

  ref(hop: Hop): string[] {
    const ref = this.refs.get(hop);
    return ref === undefined ? [] : [ref];
  }

  chainRefs(chain: Chain | undefined): string[] {
    return chain?.hops.flatMap((h) => this.ref(h)) ?? [];
  }

  add(event: ScanEvent & { kind: 'evidence' }): string {
    this.evidence.push(event);
    return event.ref;
  }
}

/** The response whose headers are judged: the first HTTPS page, else a plain-HTTP one. */
function pagesHop(chains: (Chain | undefined)[]): Hop | undefined {
  const pages = chains.flatMap((c) => (c?.end === 'page' ? [c.hops[c.hops.length - 1] as Hop] : []));
  return pages.find((h) => h.url.startsWith('https:')) ?? pages[0];
}

async function negotiatedAlpn(
  ctx: ScanContext,
  url: URL,
  timeoutMs: number,
): Promise<{ alpn: string | null } | { error: string }> {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  try {
    const connection = await ctx.net.dialTls({
      host: hostname,
      port: url.port === '' ? 443 : Number(url.port),
      servername: hostname,
      alpn: ['h2', 'http/1.1'],
      timeoutMs,
      signal: ctx.signal,
    });
    const alpn = connection.alpn();
    connection.close();
    return { alpn };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The cookies every response set, the last of each name, domain and path kept. */
function collectCookies(chains: (Chain | undefined)[], session: Session): { audit: CookieAudit; refs: string[] }[] {
  const byKey = new Map<string, { audit: CookieAudit; refs: string[] }>();
  for (const hop of chains.flatMap((c) => c?.hops ?? [])) {
    for (const line of headerValues(hop.response?.headers ?? [], 'set-cookie')) {
      const cookie = parseSetCookie(line);
      const key = `${cookie.name}\u0000${cookie.domain}\u0000${cookie.path}`;
      if (!byKey.has(key) && byKey.size >= MAX_COOKIES) continue;
      byKey.set(key, { audit: auditCookie(cookie), refs: session.ref(hop) });
    }
  }
  return [...byKey.values()];
}

function reportChainEnds(
  chain: Chain | undefined,
  label: string,
  session: Session,
  graph: GraphBuilder,
  about: EntityKey,
): void {
  if (!chain) return;
  const last = chain.hops[chain.hops.length - 1] as Hop;
  const path = chain.hops.map((h) => h.url).join(' → ');
  const evidence = session.chainRefs(chain);
  const finding = (severity: 'info' | 'low', title: string, detail: string) =>
    graph.finding({ about, severity, title: `${label}: ${title}`, detail, evidence });
  switch (chain.end) {
    case 'failed':
      finding('info', `${printable(last.url, 200)} ${failureTitle(last.error ?? '')}`, `${path}\n${last.error ?? ''}`);
      return;
    case 'refused':
      finding(
        'low',
        `${printable(last.url, 200)} was not requested: the scan policy refuses its address`,
        `${path}\n${last.error ?? ''}`,
      );
      return;
    case 'loop':
      finding(
        'low',
        'redirect loop',
        `The redirects go round in a circle: ${path} → ${chain.endLocation ?? ''}. Browsers give up with an error.`,
      );
      return;
    case 'too-many':
      finding(
        'low',
        'too many redirects',
        `More than ${chain.hops.length - 1} redirects in a row: ${path}. Browsers give up after about 20; this scan after 10.`,
      );
      return;
    case 'bad-location':
      finding(
        'info',
        'a redirect to something other than a web page',
        `${printable(last.url, 200)} redirects to "${printable(chain.endLocation ?? '', 200)}", which is not an http(s) URL.`,
      );
      return;
    default:
      if (last.response?.bodyTruncated) {
        finding(
          'info',
          `${printable(last.url, 200)} sent a body longer than the scan reads`,
          `Only the first ${last.response.body.length} bytes were read; the rest was not (the server had more, or sends without end).`,
        );
      }
  }
}

async function* scan(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const target: WebTarget = webTarget(input);
  const about = target.entity;
  const label = printable(about.value, 200);
  const timeoutMs = numberOption(ctx.options.timeoutMs, 10_000, 60_000);
  const session = new Session(ctx, {
    timeoutMs,
    deadline: Date.now() + numberOption(ctx.options.budgetMs, 90_000, 110_000),
  });
  const graph = new GraphBuilder('web');

  yield { kind: 'progress', fraction: 0, message: `fetching ${label}` };
  const httpChain = target.onlyScheme === 'https' ? undefined : await session.follow(urlOver(target, 'http'));
  yield { kind: 'progress', fraction: 0.4, message: 'redirects followed over HTTP' };
  const reached = httpChain?.end === 'page' && httpChain.hops[httpChain.hops.length - 1]?.url.startsWith('https:');
  const httpsChain =
    target.onlyScheme === 'http' || reached ? undefined : await session.follow(urlOver(target, 'https'));
  const chains = [httpChain, httpsChain];
  yield { kind: 'progress', fraction: 0.7, message: 'redirects followed over HTTPS' };

  // The graph: the redirect chains as url nodes. The target's own root URLs are the target itself.
  const own = new Set([urlOver(target, 'http'), urlOver(target, 'https')].map((u) => new URL(u).href));
  const node = (url: string): EntityKey => (own.has(url) ? about : { type: 'url', value: url });
  for (const chain of chains) {
    let from = about;
    for (const hop of chain?.hops ?? []) {
      if (hop.next === undefined) break;
      const to = node(hop.next);
      if (to !== from)
        graph.relation(from, 'redirects_to', to, session.ref(hop), {
          status: hop.response?.status ?? 0,
          from: hop.url,
        });
      from = to;
    }
  }

  const props: Record<string, JsonValue> = {};
  const httpProps: Record<string, JsonValue> = {
    chains: chains.flatMap((c) => (c ? [{ urls: c.hops.map((h) => h.url), end: c.end }] : [])),
  };

  // The HTTPS redirect.
  const redirect = redirectVerdict(httpChain, httpsChain);
  httpProps.httpsRedirect = { verdict: redirect.kind, detail: redirect.detail };
  if (redirect.kind !== 'unknown') {
    props['grade.httpsRedirect'] = scoreCategory(
      'httpsRedirect',
      SCANNER,
      redirect.lost > 0 ? [{ points: redirect.lost, reason: redirect.detail }] : [],
    );
  }
  const redirectEvidence = [...session.chainRefs(httpChain), ...session.chainRefs(httpsChain)];
  if (redirect.kind === 'no-redirect' || redirect.kind === 'no-https') {
    graph.finding({
      about,
      severity: 'medium',
      title: redirect.kind === 'no-redirect' ? `${label}: HTTP does not redirect to HTTPS` : `${label}: no HTTPS`,
      detail: `${redirect.detail}. (−${redirect.lost} of 10 grade points.)`,
      evidence: redirectEvidence,
    });
  } else if (redirect.kind === 'https-only') {
    graph.finding({
      about,
      severity: 'info',
      title: `${label}: served over HTTPS only`,
      detail: redirect.detail,
      evidence: redirectEvidence,
    });
  }
  reportChainEnds(httpChain, label, session, graph, about);
  reportChainEnds(httpsChain, label, session, graph, about);

  const page = pagesHop(chains);
  if (page?.response) {
    judgePage({
      about,
      label,
      graph,
      props,
      httpProps,
      url: page.url,
      response: page.response,
      pageRefs: session.ref(page),
      redirect,
      redirectEvidence,
      cookies: collectCookies(chains, session),
    });
  } else {
    graph.finding({
      about,
      severity: 'info',
      title: `${label}: no page to judge`,
      detail:
        'No request ended on a page (see the other findings), so the headers, cookies and title are unknown and the grade leaves them out.',
      evidence: redirectEvidence,
    });
  }

  // HTTP/2 from ALPN, over the first HTTPS URL that answered.
  const httpsHop = chains.flatMap((c) => c?.hops ?? []).find((h) => h.url.startsWith('https:') && h.response);
  if (httpsHop && (answeredOverHttps(httpChain) || answeredOverHttps(httpsChain))) {
    yield { kind: 'progress', fraction: 0.85, message: 'ALPN' };
    const url = new URL(httpsHop.url);
    const result = await negotiatedAlpn(ctx, url, timeoutMs);
    const ref = session.add({
      kind: 'evidence',
      ref: `${session.evidence.length + 1}:ALPN ${url.host}`.slice(0, 200),
      mediaType: 'text/plain; charset=utf-8',
      source: `tls://${url.host}`.slice(0, 2048),
      encoding: 'utf8',
      content: `TLS handshake with ${url.host} offering ALPN h2, http/1.1\n${'alpn' in result ? `negotiated: ${result.alpn ?? '(none)'}` : `failed: ${result.error}`}`,
    });
    if ('alpn' in result) {
      httpProps.http2 = { alpn: result.alpn, supported: result.alpn === 'h2' };
      if (result.alpn !== 'h2') {
        graph.finding({
          about,
          severity: 'info',
          title: `${label}: HTTP/2 not offered`,
          detail: `Offered h2 and http/1.1 in ALPN, the server chose ${result.alpn ?? 'neither (no ALPN)'}.`,
          evidence: [ref],
        });
      }
    }
  }

  props.http = httpProps;
  graph.entity(about, page ? session.ref(page) : [], props);
  yield* session.evidence;
  yield* graph.drain();
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  yield* scan(input, ctx);
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const httpScanner: Scanner = { manifest: httpManifest, run };
