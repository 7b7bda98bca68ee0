// Requests as both web scanners make them: a browser-like GET through ctx.net.http with a body
// cap and a per-request timeout that never outlasts the run's own time budget, and each answer
// (or failure) written up as evidence: the request line, the raw response head, a bounded body.
import type { HttpResponse, ScanContext, ScanEvent } from '../../shared/scanner';
import { headerValues } from './fields';
import { decodeBody } from './title';

/** Enough for any page's head and title; an endless body is cut here. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Body text kept in evidence. */
const EVIDENCE_BODY_CHARS = 16 * 1024;

export interface FetchSettings {
  timeoutMs: number;
  /** Epoch ms after which no request starts and running ones are cut short. */
  deadline: number;
}

/** A GET for `url`, bounded by the per-request timeout and what is left of the budget. */
export function fetchPage(
  ctx: Pick<ScanContext, 'net' | 'signal'>,
  url: string,
  settings: FetchSettings,
): Promise<HttpResponse> {
  const left = settings.deadline - Date.now();
  if (left <= 0) return Promise.reject(new Error('not requested: the scan ran out of time'));
  return ctx.net.http({
    url,
    method: 'GET',
    headers: {
      'User-Agent': 'Mozilla/5.0 (compatible; Tracegraph)',
      Accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
    },
    maxBodyBytes: MAX_BODY_BYTES,
    timeoutMs: Math.max(1, Math.min(settings.timeoutMs, left)),
    signal: ctx.signal,
  });
}

export function bodyText(response: HttpResponse): string {
  return decodeBody(response.body, headerValues(response.headers, 'content-type')[0]);
}

/** Evidence for one request: what was asked and what came back (or why nothing did). */
export function exchangeEvidence(
  ref: string,
  url: string,
  outcome: { response?: HttpResponse; error?: string },
): ScanEvent {
  const lines = [`GET ${url}`, ''];
  const { response, error } = outcome;
  if (response) {
    lines.push(
      `HTTP/1.1 ${response.status} ${response.statusText}`,
      ...response.headers.map(([k, v]) => `${k}: ${v}`),
      '',
    );
    const body = bodyText(response);
    lines.push(body.slice(0, EVIDENCE_BODY_CHARS));
    if (body.length > EVIDENCE_BODY_CHARS || response.bodyTruncated) {
      lines.push(
        `[body cut: ${response.body.length} bytes read${response.bodyTruncated ? ', the server had more' : ''}]`,
      );
    }
  } else {
    lines.push(`failed: ${error ?? 'unknown error'}`);
  }
  return {
    kind: 'evidence',
    ref,
    mediaType: 'text/plain; charset=utf-8',
    source: url.slice(0, 2048),
    encoding: 'utf8',
    content: lines.join('\n'),
  };
}

/** How a failed request reads in a finding title. */
export function failureTitle(error: string): string {
  if (/timed out|time limit|ran out of time/i.test(error)) return 'did not answer in time';
  if (/head is too large|more than \d+ header lines/i.test(error))
    return 'sent a response head too large to read (over 64 KiB or 256 lines)';
  if (/refused/i.test(error)) return 'refused the connection';
  if (/reset/i.test(error)) return 'reset the connection';
  return 'could not be fetched';
}
