// The open-redirect test: can a link on the target's own site send a visitor anywhere? The site's
// root is fetched (its redirects followed on the same host only) to find the pages worth probing;
// then each page gets each redirect parameter set to a canary URL, and an answer that points the
// browser at the canary host is a finding. Redirects of probes are never followed.
import type { EntityKey, JsonValue } from '../../shared/model';
import type { HttpResponse, ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { type Chain, followRedirects } from '../http/chain';
import { bodyText, exchangeEvidence, type FetchSettings, fetchPage } from '../http/fetch';
import { policyCheck } from '../http/host-policy';
import { numberOption } from '../http/options';
import { urlOver, type WebTarget, webTarget } from '../http/target';
import { printable } from '../http/text';
import { GraphBuilder } from '../kit/graph-builder';
import { DEFAULT_PARAMS, openRedirectManifest } from './manifest';
import { linkedPaths, pathsToProbe } from './paths';
import { judgeProbe, PAYLOADS, type ProbeVerdict, probeUrl } from './probe';

/** Probes in flight at once. */
const CONCURRENCY = 4;
const PARAM_NAME = /^[A-Za-z0-9_.[\]-]{1,64}$/;

function paramsOption(value: JsonValue | undefined): string[] {
  const list = Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && PARAM_NAME.test(v))
    : [];
  return list.length > 0 ? [...new Set(list)].slice(0, 32) : DEFAULT_PARAMS;
}

/** The root's chain over the target's scheme, or the other one when that did not answer. */
async function findSite(target: WebTarget, ctx: ScanContext, settings: FetchSettings): Promise<Chain> {
  const refuse = policyCheck(ctx);
  const schemes: ('http' | 'https')[] = target.onlyScheme
    ? [target.onlyScheme]
    : target.scheme === 'http'
      ? ['http', 'https']
      : ['https', 'http'];
  let chain: Chain | undefined;
  for (const scheme of schemes) {
    chain = await followRedirects(urlOver(target, scheme), {
      get: (url) => fetchPage(ctx, url, settings),
      // Paths are collected on the target's own host; another host is another target.
      allow: (next) => new URL(next).hostname.replace(/^\[(.*)\]$/, '$1') === target.hostname.toLowerCase(),
      maxHops: 5,
      refuse,
      signal: ctx.signal,
    });
    if (chain.hops[0]?.response) return chain;
  }
  return chain as Chain;
}

interface Probe {
  url: string;
  param: string;
  path: string;
  response?: HttpResponse;
  error?: string;
  verdict: ProbeVerdict;
  /** Every request made for this page and parameter, with its outcome, for the log. */
  tried: string[];
}

function describe(p: Probe): string {
  if (p.error !== undefined) return `failed: ${p.error.slice(0, 200)}`;
  const location = p.response?.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
  return `HTTP ${p.response?.status ?? '?'}${location === undefined ? '' : ` → ${printable(location, 200)}`}`;
}

async function probe(
  ctx: ScanContext,
  settings: FetchSettings,
  page: string,
  path: string,
  param: string,
): Promise<Probe> {
  const tried: string[] = [];
  let last: Probe | undefined;
  for (const payload of PAYLOADS) {
    const url = probeUrl(page, param, payload);
    try {
      const response = await fetchPage(ctx, url, settings);
      last = { url, param, path, response, verdict: judgeProbe(response, url, bodyText(response)), tried };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      last = { url, param, path, error: error instanceof Error ? error.message : String(error), verdict: null, tried };
    }
    tried.push(`GET ${url}\n  ${describe(last)}`);
    if (last.verdict) break;
  }
  return last as Probe;
}

/** Runs `tasks` at most CONCURRENCY at a time, results in task order. */
async function pooled<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tasks.length) }, worker));
  return results;
}

async function* scan(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const target = webTarget(input);
  const about: EntityKey = target.entity;
  const label = printable(about.value, 200);
  const params = paramsOption(ctx.options.params);
  const maxPaths = numberOption(ctx.options.maxPaths, 8, 32);
  const settings: FetchSettings = {
    timeoutMs: numberOption(ctx.options.timeoutMs, 10_000, 60_000),
    deadline: Date.now() + 100_000,
  };
  const graph = new GraphBuilder('web');
  const evidence: ScanEvent[] = [];

  yield { kind: 'progress', fraction: 0, message: `finding the pages of ${label}` };
  const site = await findSite(target, ctx, settings);
  const answered = site.hops.filter((h) => h.response);
  const last = answered[answered.length - 1];
  if (!last?.response) {
    const ref = '1:site';
    evidence.push(exchangeEvidence(ref, site.hops[0]?.url ?? '', site.hops[0] ?? {}));
    graph.finding({
      about,
      severity: 'info',
      title: `${label}: open-redirect test not run, the site could not be reached`,
      detail: site.hops.map((h) => `${h.url}: ${h.error ?? 'no answer'}`).join('\n'),
      evidence: [ref],
    });
    yield* evidence;
    yield* graph.drain();
    return;
  }
  const base = last.url;
  const paths = pathsToProbe(
    [
      ['/', new URL(urlOver(target, 'http')).pathname],
      site.hops.map((h) => new URL(h.url).pathname),
      linkedPaths(bodyText(last.response), base, maxPaths),
    ],
    maxPaths,
  );
  const origin = new URL(base).origin;
  const tasks = paths.flatMap((path) =>
    params.map((param) => () => probe(ctx, settings, `${origin}${path}`, path, param)),
  );
  yield {
    kind: 'progress',
    fraction: 0.2,
    message: `probing ${tasks.length} parameter${tasks.length === 1 ? '' : 's'} on ${paths.length} path${paths.length === 1 ? '' : 's'}`,
  };
  const probes = await pooled(tasks);

  const logRef = '1:probes';
  evidence.push({
    kind: 'evidence',
    ref: logRef,
    mediaType: 'text/plain; charset=utf-8',
    source: origin,
    encoding: 'utf8',
    content: [`Canary host: ${PAYLOADS.join(', ')} (never requested)`, '', ...probes.flatMap((p) => p.tried)].join(
      '\n',
    ),
  });
  const hits = probes.filter((p) => p.verdict !== null);
  for (const [i, hit] of hits.entries()) {
    const ref = `${i + 2}:GET ${hit.url}`.slice(0, 200);
    evidence.push(exchangeEvidence(ref, hit.url, hit));
    const via = hit.verdict?.via === 'location' ? `a ${hit.response?.status} redirect (Location)` : 'a meta refresh';
    graph.finding({
      about,
      severity: hit.verdict?.via === 'location' ? 'high' : 'medium',
      title: `${label}: open redirect through ?${hit.param}= on ${printable(hit.path, 200)}`,
      detail:
        `${hit.url} sends the browser to ${printable(hit.verdict?.target ?? '', 300)} by ${via}. ` +
        `A link on ${new URL(origin).hostname} can therefore lead anywhere: phishing mails use such links to borrow the site's name, ` +
        'and redirect-based login flows (OAuth) can leak tokens to the attacker. The canary host was not contacted.',
      evidence: [ref, logRef],
    });
  }
  const failed = probes.filter((p) => p.error !== undefined).length;
  graph.prop(about, 'openRedirect', {
    tested: probes.length,
    failed,
    paths,
    params,
    vulnerable: hits.map((h) => ({ path: h.path, param: h.param, via: h.verdict?.via ?? null, url: h.url })),
  });
  if (hits.length === 0) {
    graph.finding({
      about,
      severity: 'info',
      title: `${label}: no open redirect found`,
      detail: `${probes.length} probes (${params.join(', ')} on ${paths.join(', ')}) did not send the browser to the canary host${failed > 0 ? `; ${failed} failed` : ''}.`,
      evidence: [logRef],
    });
  }
  yield* evidence;
  yield* graph.drain();
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  yield* scan(input, ctx);
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const openRedirectScanner: Scanner = { manifest: openRedirectManifest, run };
