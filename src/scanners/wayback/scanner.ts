// The Wayback scanner: how long and how often the Internet Archive has seen a domain. One CDX
// query (the domain and its subdomains, at most one capture per URL and day) gives the counts;
// the answer is the evidence. Captures from before the current registration mean the name was
// used, dropped and registered again: its history belongs to someone else.
import type { EntityKey, JsonValue, Props } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { GraphBuilder } from '../kit/graph-builder';
import { type SensitiveMatch, sensitiveMatch } from '../kit/sensitive-paths';
import { type Capture, captureStats, parseCdx } from './cdx';
import { waybackManifest } from './manifest';

const CATEGORY = 'web';
const MAX_BODY_BYTES = 20 * 1024 * 1024;
const QUERY_TIMEOUT_MS = 60_000;

function maxRows(raw: Record<string, JsonValue>): number {
  const v = raw.maxRows;
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(1_000_000, Math.max(1, Math.floor(v))) : 50_000;
}

/** The registration date from the input's props (WHOIS writes `created`), if it reads as a date. */
export function registrationDate(props: Record<string, JsonValue>): string | null {
  const created = props.created;
  if (typeof created !== 'string') return null;
  const ms = Date.parse(created);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function cdxUrl(base: string, domain: string, limit: number): string {
  const params = new URLSearchParams({
    url: domain,
    matchType: 'domain',
    output: 'json',
    fl: 'timestamp,original,statuscode,mimetype',
    // One row per URL and day: crawlers revisit busy pages many times a day.
    collapse: 'timestamp:8',
    limit: String(limit),
  });
  return `${base.replace(/\/+$/, '')}/cdx/search/cdx?${params.toString()}`;
}

/** Archived URLs listed in a finding at most. */
const MAX_SENSITIVE_LISTED = 50;

export interface SensitiveCapture {
  url: string;
  /** The last capture the archive served with a 2xx status. */
  time: string;
  match: SensitiveMatch;
}

/**
 * Archived URLs whose path names something sensitive (backups, admin pages, configuration), one
 * per URL, most severe first. Only captures answered 2xx count: the archive holds a copy anyone
 * can fetch, whether or not the site still serves it.
 */
export function sensitiveCaptures(captures: readonly Capture[]): SensitiveCapture[] {
  const byUrl = new Map<string, SensitiveCapture>();
  for (const capture of captures) {
    if (!capture.status?.startsWith('2')) continue;
    const known = byUrl.get(capture.original);
    if (known) {
      if (capture.time > known.time) known.time = capture.time;
      continue;
    }
    const match = sensitiveMatch(capture.original);
    if (match) byUrl.set(capture.original, { url: capture.original, time: capture.time, match });
  }
  const order = ['high', 'medium', 'low'];
  return [...byUrl.values()].sort(
    (a, b) => order.indexOf(a.match.severity) - order.indexOf(b.match.severity) || a.url.localeCompare(b.url),
  );
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  if (input.type !== 'domain') throw new Error(`the wayback scanner does not accept ${input.type} entities`);
  const name = canonicalValue('domain', input.value);
  if (!name) throw new Error(`"${input.value.slice(0, 300)}" is not a valid domain name`);
  const limit = maxRows(ctx.options);
  const url = cdxUrl(ctx.net.endpoint('wayback'), name, limit);
  yield { kind: 'progress', fraction: 0.1, message: `asking the Wayback Machine about ${name}` };
  const response = await ctx.net.http({
    url,
    maxBodyBytes: MAX_BODY_BYTES,
    timeoutMs: QUERY_TIMEOUT_MS,
    signal: ctx.signal,
  });
  if (response.status !== 200) {
    throw new Error(`the Wayback CDX server answered HTTP ${response.status} ${response.statusText}`.trim());
  }
  const ref = '1:wayback:cdx';
  const text = Buffer.from(response.body).toString('utf8');
  yield {
    kind: 'evidence',
    ref,
    mediaType: 'application/json',
    source: url.slice(0, 2048),
    encoding: 'utf8',
    content: text,
  };

  const subject: EntityKey = { type: 'domain', value: name };
  const graph = new GraphBuilder(CATEGORY);
  let json: unknown;
  let readable = !response.bodyTruncated;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    readable = false;
  }
  const parsed = readable ? parseCdx(json) : null;
  if (parsed === null || !parsed.ok) {
    const reason = response.bodyTruncated
      ? `the answer was cut at ${response.body.byteLength} bytes`
      : parsed === null
        ? 'the answer is not JSON'
        : parsed.reason;
    graph.finding({
      about: subject,
      severity: 'low',
      title: `The Wayback CDX answer for ${name} could not be read`,
      detail: `${reason}. It was kept as evidence.`,
      evidence: [ref],
    });
    yield* graph.drain();
    return;
  }
  const stats = captureStats(parsed.captures);
  const sensitive = sensitiveCaptures(parsed.captures);
  const props: Props = { waybackSnapshots: stats.count, waybackCapturesPerYear: stats.perYear };
  if (sensitive.length > 0) props.waybackSensitive = sensitive.slice(0, MAX_SENSITIVE_LISTED).map((s) => s.url);
  if (stats.first) props.waybackFirstCapture = stats.first;
  if (stats.last) props.waybackLastCapture = stats.last;
  graph.entity(subject, [ref], props);

  if (stats.count === 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `The Wayback Machine has no captures of ${name}`,
      detail: `The CDX index lists no capture of ${name} or its subdomains: the site is new, unlinked, or excluded from archiving.`,
      evidence: [ref],
    });
  }
  const created = registrationDate(input.props);
  if (created && stats.first && stats.first < created) {
    const older = parsed.captures.filter((c) => c.time < created);
    const examples = older
      .slice(0, 5)
      .map((c) => `${c.time} ${c.original}`)
      .join('\n');
    graph.finding({
      about: subject,
      severity: 'medium',
      title: `${name} was archived before its current registration`,
      detail:
        `${older.length} capture(s), the first on ${stats.first}, predate the registration on ${created}. The name ` +
        "was in use before, then dropped and registered again: its reputation and backlinks are someone else's.\n" +
        examples,
      evidence: [ref],
    });
  }
  const worst = sensitive[0];
  if (worst) {
    const lines = sensitive
      .slice(0, MAX_SENSITIVE_LISTED)
      .map((s) => `${s.time} ${s.url} (${s.match.why}: "${s.match.segment}")`);
    const more =
      sensitive.length > MAX_SENSITIVE_LISTED ? `\n… and ${sensitive.length - MAX_SENSITIVE_LISTED} more` : '';
    graph.finding({
      about: subject,
      severity: worst.match.severity,
      title: `The Wayback Machine holds ${sensitive.length} archived URL(s) of ${name} with sensitive paths`,
      detail:
        'Captured with a 2xx answer, so the archive keeps a copy anyone can fetch, whether or not the site still ' +
        `serves it (most severe first, with the last capture):\n${lines.join('\n')}${more}`,
      evidence: [ref],
    });
  }
  if (parsed.rows >= limit) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `Only the first ${limit} Wayback captures of ${name} were read`,
      detail: 'The counts and the last capture cover only the rows read (option maxRows).',
      evidence: [ref],
    });
  }
  if (parsed.skipped > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${parsed.skipped} Wayback row(s) for ${name} had an unexpected shape`,
      detail: 'They were kept as evidence and not counted.',
      evidence: [ref],
    });
  }
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const waybackScanner: Scanner = { manifest: waybackManifest, run };
