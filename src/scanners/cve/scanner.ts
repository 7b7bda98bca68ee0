// The CVE scanner: which known vulnerabilities NVD lists for a technology's CPE name. Passive:
// only NVD's CVE API 2.0 is asked, page by page up to maxResults, paced to NVD's rate limit; each
// answer is kept as evidence and cited. A technology without a versioned CPE is not looked up:
// "any version" would list every CVE the product ever had.
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityKey, JsonValue } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { GraphBuilder } from '../kit/graph-builder';
import { versionedCpe } from './cpe';
import { cveManifest } from './manifest';
import { type Cve, cleanText, MAX_PAGE, parseNvdPage } from './nvd';
import { cveFinding, cvesProp, rankCves, technologyLabel } from './report';

const CATEGORY = 'web';
/** A full page of 2,000 CVEs runs to a few megabytes. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const QUERY_TIMEOUT_MS = 60_000;
/** Requests per run at most, whatever the pages hold, so a server answering one CVE a page cannot keep it going. */
export const MAX_PAGES = 20;
/** NVD asks for a pause between requests: 5 in 30 s without a key, 50 with one. */
const PAUSE_MS = { withoutKey: 6_000, withKey: 600 };
const API_PATH = '/rest/json/cves/2.0';
const KEY_URL = 'https://nvd.nist.gov/developers/request-an-api-key';

export interface CveOptions {
  maxResults: number;
  resultsPerPage: number;
  apiKey: string | null;
}

function count(value: JsonValue | undefined, fallback: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(1, Math.floor(value))) : fallback;
}

/** The options; the apiKey option wins over the key configured for "nvd" (`configuredKey`). */
export function cveOptions(raw: Record<string, JsonValue>, configuredKey?: string): CveOptions {
  const key = (typeof raw.apiKey === 'string' && raw.apiKey.trim() ? raw.apiKey : (configuredKey ?? '')).trim();
  return {
    maxResults: count(raw.maxResults, 200, 20_000),
    resultsPerPage: count(raw.resultsPerPage, MAX_PAGE, MAX_PAGE),
    // A key goes into a header: anything but a plain token would be a malformed header or an injection.
    apiKey: /^[A-Za-z0-9-]{1,100}$/.test(key) ? key : null,
  };
}

/**
 * The query URL. The endpoint is the API itself (the default, https://services.nvd.nist.gov/rest/json/cves/2.0)
 * or a base its path is appended to (the lab serves both).
 */
export function nvdUrl(endpoint: string, cpe: string, startIndex: number, resultsPerPage: number): string {
  const base = endpoint.replace(/\/+$/, '');
  const api = base.endsWith(API_PATH) ? base : base + API_PATH;
  const params = new URLSearchParams({
    cpeName: cpe,
    resultsPerPage: String(resultsPerPage),
    startIndex: String(startIndex),
  });
  return `${api}?${params.toString()}`;
}

/** The run's error for an answer other than 200: NVD throttles with 403, 429 or 503. */
export function httpError(status: number, statusText: string, message: string | undefined, keyed: boolean): Error {
  const said = `NVD answered HTTP ${status}${statusText ? ` ${cleanText(statusText, 60)}` : ''}${
    message ? ` (${cleanText(message, 200)})` : ''
  }`;
  if (status === 403 || status === 429 || status === 503) {
    const advice = keyed
      ? 'Check that the apiKey option holds a valid NVD key and wait before running again (50 requests in 30 seconds with a key).'
      : `Without an API key NVD allows 5 requests in 30 seconds: wait before running again, or set the cve scanner's apiKey option (a free key: ${KEY_URL}).`;
    return new Error(`${said}: the service throttled or refused the request. ${advice}`);
  }
  return new Error(said);
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  if (input.type !== 'technology') throw new Error(`the cve scanner does not accept ${input.type} entities`);
  const subject: EntityKey = { type: 'technology', value: input.value };
  const label = technologyLabel(input.value, input.props);
  const graph = new GraphBuilder(CATEGORY);
  const cpe = versionedCpe(input.props.cpe);
  if (cpe === null) {
    const given = typeof input.props.cpe === 'string' ? ` Its CPE is ${cleanText(input.props.cpe, 200)}.` : '';
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${label}: no CPE with a version: cannot look up CVEs`,
      detail:
        `NVD is asked by CPE name and version; ${label} carries no CPE 2.3 name with both.${given} ` +
        'Nothing was asked: without a version every CVE the product ever had would match.',
    });
    yield* graph.drain();
    yield { kind: 'progress', fraction: 1, message: 'done' };
    return;
  }

  const options = cveOptions(ctx.options, ctx.net.apiKey('nvd'));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey !== null) headers.apiKey = options.apiKey;
  const endpoint = ctx.net.endpoint('nvd');
  const byId = new Map<string, Cve>();
  const refs: string[] = [];
  let total: number | null = null;
  let received = 0;
  let skipped = 0;
  let unreadable: string | null = null;

  for (let page = 1; page <= MAX_PAGES && received < options.maxResults; page++) {
    if (page > 1) {
      await sleep(options.apiKey ? PAUSE_MS.withKey : PAUSE_MS.withoutKey, undefined, { signal: ctx.signal });
    }
    const want = Math.min(options.resultsPerPage, options.maxResults - received);
    const url = nvdUrl(endpoint, cpe, received, want);
    yield {
      kind: 'progress',
      fraction: Math.min(0.9, 0.1 + (0.8 * received) / options.maxResults),
      message: `asking NVD about ${cpe.slice(0, 200)} (page ${page})`,
    };
    const response = await ctx.net.http({
      url,
      headers,
      maxBodyBytes: MAX_BODY_BYTES,
      timeoutMs: QUERY_TIMEOUT_MS,
      signal: ctx.signal,
    });
    if (response.status !== 200) {
      const message = response.headers.find(([name]) => name.toLowerCase() === 'message')?.[1];
      throw httpError(response.status, response.statusText, message, options.apiKey !== null);
    }
    const ref = `${page}:cve:nvd`;
    const text = Buffer.from(response.body).toString('utf8');
    // The key travels in a header, never in the URL, so the evidence's source does not hold it.
    yield {
      kind: 'evidence',
      ref,
      mediaType: 'application/json',
      source: url.slice(0, 2048),
      encoding: 'utf8',
      content: text,
    };
    refs.push(ref);

    let json: unknown;
    try {
      json = response.bodyTruncated ? undefined : (JSON.parse(text) as unknown);
    } catch {
      json = undefined;
    }
    const parsed = json === undefined ? null : parseNvdPage(json);
    if (parsed === null || !parsed.ok) {
      unreadable = response.bodyTruncated
        ? `the answer was cut at ${response.body.byteLength} bytes`
        : parsed === null
          ? 'the answer is not JSON'
          : parsed.reason;
      break;
    }
    total = parsed.totalResults;
    received += parsed.received;
    skipped += parsed.skipped;
    for (const cve of parsed.cves) if (!byId.has(cve.id)) byId.set(cve.id, cve);
    if (parsed.received === 0 || received >= parsed.totalResults) break;
  }

  if (unreadable !== null) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `The NVD answer for ${label} could not be read`,
      detail: `${unreadable}. It was kept as evidence.${total === null ? '' : ' The CVEs read before it are reported.'}`,
      evidence: refs.slice(-1),
    });
  }
  if (total !== null) {
    const ranked = rankCves([...byId.values()]);
    // A server listing more CVEs than its own total is believed for what it listed.
    const known = Math.max(total, byId.size);
    graph.entity(subject, refs, { cves: cvesProp(ranked, known) });
    if (known === 0) {
      graph.finding({
        about: subject,
        severity: 'info',
        title: `${label} has no known CVEs`,
        detail:
          `NVD lists no CVE for ${cpe}. NVD matches CPE names from its own dictionary: a product it names ` +
          'differently, or a version its records leave out, is not found this way.',
        evidence: refs,
      });
    } else {
      graph.finding({ about: subject, ...cveFinding(label, cpe, ranked, known), evidence: refs });
    }
    if (received < total && unreadable === null) {
      graph.finding({
        about: subject,
        severity: 'info',
        title: `Only ${received} of the ${total} CVEs NVD lists for ${label} were read`,
        detail: `The count is NVD's; the list and the highest score cover the CVEs read (option maxResults, at most ${MAX_PAGES} requests).`,
        evidence: refs,
      });
    }
    if (skipped > 0) {
      graph.finding({
        about: subject,
        severity: 'info',
        title: `${skipped} NVD vulnerability record(s) for ${label} had an unexpected shape`,
        detail: 'They were kept as evidence and left out of the list and the highest score.',
        evidence: refs,
      });
    }
  }
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const cveScanner: Scanner = { manifest: cveManifest, run };
