// The HTTP scanner: fetches the target's site from http:// and https://, following redirects
// itself, then judges what the page's response says: the HTTPS redirect, the security headers,
// clickjacking, cookies, HSTS preload, HTTP/2 (ALPN) and HTTP/3 (Alt-Svc), and the title. Every
// request is bounded (time, head, body) and every answer or failure is evidence.
import { scoreCategory } from '../../shared/grade';
import type { EntityKey, JsonValue } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { GraphBuilder } from '../kit/graph-builder';
import { http3Services, parseAltSvc } from './alt-svc';
import { type Chain, followRedirects, type Hop } from './chain';
import { clickjackingVerdict } from './clickjacking';
import { auditCookie, type CookieAudit, cookieScore, MAX_COOKIES } from './cookie-audit';
import { parseCsp } from './csp';
import { bodyText, exchangeEvidence, type FetchSettings, failureTitle, fetchPage } from './fetch';
import { headerValues } from './fields';
import { assessHeaders, POINTS_PER_HEADER } from './headers';
import { policyCheck } from './host-policy';
import { parseHsts, preloadProblems } from './hsts';
import { httpManifest } from './manifest';
import { numberOption } from './options';
import { answeredOverHttps, redirectVerdict } from './redirect-verdict';
import { parseSetCookie } from './set-cookie';
import { urlOver, type WebTarget, webTarget } from './target';
import { printable } from './text';
import { extractTitle } from './title';

const SCANNER = 'http';

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
      fetch: (url) => fetchPage(this.ctx, url, this.settings),
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
  const response = page?.response;
  if (page && response) {
    const pageRefs = session.ref(page);
    const https = page.url.startsWith('https:');
    httpProps.url = page.url;
    httpProps.status = response.status;
    const server = headerValues(response.headers, 'server')[0];
    if (server !== undefined) httpProps.server = printable(server, 200);
    const contentType = headerValues(response.headers, 'content-type')[0] ?? '';
    httpProps.title = contentType === '' || /html/i.test(contentType) ? extractTitle(bodyText(response)) : null;

    // Security headers.
    const verdicts = assessHeaders(response.headers, https);
    httpProps.headers = Object.fromEntries(
      verdicts.map((v) => [v.header, { status: v.status, value: v.value, lost: v.lost }]),
    );
    props['grade.headers'] = scoreCategory(
      'headers',
      SCANNER,
      verdicts
        .filter((v) => v.lost > 0)
        .map((v) => ({ points: v.lost, reason: `${v.header} ${v.status}: ${v.detail}` })),
    );
    for (const v of verdicts.filter((x) => x.lost > 0)) {
      const state = v.status === 'missing' ? 'is missing' : v.status === 'weak' ? 'is weak' : 'is ineffective';
      graph.finding({
        about,
        severity: v.severity,
        title: `${label}: ${v.header} ${state}`,
        detail: `${v.value === null ? '' : `${v.header}: ${v.value}\n`}${v.detail}. (−${v.lost} of ${POINTS_PER_HEADER} grade points.)`,
        evidence: pageRefs,
      });
    }

    // Clickjacking.
    const clickjacking = clickjackingVerdict(
      parseCsp(headerValues(response.headers, 'content-security-policy')),
      headerValues(response.headers, 'x-frame-options'),
    );
    httpProps.clickjacking = { protected: clickjacking.protected, by: clickjacking.by, reason: clickjacking.reason };
    if (!clickjacking.protected) {
      graph.finding({
        about,
        severity: 'medium',
        title: `${label}: can be framed by any site (clickjacking)`,
        detail: `${clickjacking.reason}. Another site can load ${printable(page.url, 200)} in an invisible frame and make visitors click on it. Send CSP frame-ancestors 'self' (and X-Frame-Options SAMEORIGIN for old browsers).`,
        evidence: pageRefs,
      });
    }

    // HSTS and preload.
    const hstsValue = https ? headerValues(response.headers, 'strict-transport-security')[0] : undefined;
    if (hstsValue !== undefined) {
      const hsts = parseHsts(hstsValue);
      const problems = preloadProblems(hsts);
      if (redirect.kind !== 'redirects' && redirect.kind !== 'https-only')
        problems.push('HTTP does not redirect to HTTPS');
      httpProps.hsts = {
        maxAge: hsts.maxAge,
        includeSubDomains: hsts.includeSubDomains,
        preload: hsts.preload,
        preloadReady: problems.length === 0,
        errors: hsts.errors,
      };
      if (hsts.preload) {
        graph.finding({
          about,
          severity: problems.length === 0 ? 'info' : 'low',
          title:
            problems.length === 0
              ? `${label}: HSTS is ready for the browsers' preload list`
              : `${label}: HSTS asks for preload but does not qualify`,
          detail:
            problems.length === 0
              ? 'The header has max-age of a year or more, includeSubDomains and preload, and HTTP redirects to HTTPS: the requirements of hstspreload.org (whether the name is on the list is not checked).'
              : `The preload list would refuse it: ${problems.join('; ')}.`,
          evidence: [...pageRefs, ...redirectEvidence],
        });
      }
    }

    // Cookies.
    const cookies = collectCookies(chains, session);
    httpProps.cookies = cookies.map(({ audit }) => ({ ...audit, problems: audit.problems.map((p) => p.problem) }));
    props['grade.cookies'] = cookieScore(
      cookies.map((c) => c.audit),
      SCANNER,
    );
    for (const { audit, refs } of cookies.filter((c) => c.audit.score < 100)) {
      graph.finding({
        about,
        severity: audit.score < 50 ? 'medium' : 'low',
        title: `${label}: cookie ${audit.name} scores ${audit.score}/100`,
        detail: audit.problems.map((p) => `−${p.points}: ${p.problem}`).join('\n'),
        evidence: refs,
      });
    }

    // HTTP/3 from Alt-Svc.
    const h3 = http3Services(parseAltSvc(headerValues(response.headers, 'alt-svc')));
    httpProps.http3 = {
      advertised: h3.length > 0,
      alternatives: h3.map((s) => printable(`${s.protocol}=${s.host}:${s.port ?? ''}`, 100)),
    };
    if (h3.length > 0) {
      graph.finding({
        about,
        severity: 'info',
        title: `${label}: advertises HTTP/3`,
        detail: `Alt-Svc offers ${h3.map((s) => printable(`${s.protocol} on ${s.host || 'the same host'}:${s.port ?? '?'}`, 100)).join(', ')}.`,
        evidence: pageRefs,
      });
    }
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
