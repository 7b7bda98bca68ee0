// Serves every request a page makes from the scan network: the browser has no network of its own
// (chromium.ts), so each request Playwright intercepts is checked against the run's policy,
// fetched with ctx.net.http within the page's deadline and size budget, and answered with
// route.fulfill, or aborted with the reason recorded. Redirects are followed here: a redirect
// handed to Chromium would be followed by the browser itself, outside the interception.
import type { Route } from 'playwright-core';
import type { HttpResponse, ScanContext } from '../../shared/scanner';
import { hostRefusal } from '../kit/host-refusal';

export const LIMITS = {
  requests: 300,
  redirects: 10,
  responseBytes: 8 * 1024 * 1024,
  totalBytes: 40 * 1024 * 1024,
  requestBodyBytes: 1024 * 1024,
};

/** One line of the request log: what the page asked for and what became of it. */
export interface Exchange {
  method: string;
  url: string;
  outcome: string;
}

export interface Fetched {
  response: HttpResponse;
  /** Every URL asked, the first one included; the last answered with `response`. */
  chain: string[];
}

export class RefusedError extends Error {}

type Method = 'GET' | 'HEAD' | 'POST';
const METHODS = new Set<string>(['GET', 'HEAD', 'POST']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Request headers the HTTP client sets itself, or that would ask for a compressed body. */
const CLIENT_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'accept-encoding']);
/** Response headers that describe the wire framing, not the body Chromium is handed. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;

function requestHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (TOKEN.test(name) && !CLIENT_HEADERS.has(name.toLowerCase())) kept[name] = value.replace(CONTROL, '');
  }
  return kept;
}

/** Playwright takes one value per name; Set-Cookie lines are joined by newlines, which it splits again. */
export function fulfilHeaders(headers: [string, string][]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [rawName, rawValue] of headers) {
    const name = rawName.toLowerCase();
    if (!TOKEN.test(name) || FRAMING_HEADERS.has(name)) continue;
    const value = rawValue.replace(CONTROL, '');
    const previous = merged[name];
    merged[name] = previous === undefined ? value : `${previous}${name === 'set-cookie' ? '\n' : ', '}${value}`;
  }
  return merged;
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class FetchBridge {
  readonly log: Exchange[] = [];
  private bytes = 0;
  private closed = false;
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;
  private readonly refusals = new Map<string, Promise<string | undefined>>();
  private readonly ready = new Map<string, Fetched>();

  /** `deadline` ends every fetch in flight and every later one; so does close(). */
  constructor(
    private readonly ctx: Pick<ScanContext, 'net' | 'policy'>,
    deadline: AbortSignal,
  ) {
    this.signal = AbortSignal.any([deadline, this.stop.signal]);
  }

  /** Fetches `url`, following redirects, each hop checked against the policy first. */
  async request(url: string, method: Method, headers: Record<string, string>, body?: string): Promise<Fetched> {
    const chain: string[] = [];
    let current = url;
    let currentMethod = method;
    let currentBody = body;
    for (;;) {
      chain.push(current);
      const target = new URL(current);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw new RefusedError(`${target.protocol} URLs are not fetched`);
      }
      const refusal = await this.refusal(target.hostname);
      if (refusal) throw new RefusedError(`refused: ${refusal}`);
      const response = await this.ctx.net.http({
        url: current,
        method: currentMethod,
        headers,
        ...(currentBody !== undefined ? { body: currentBody } : {}),
        maxBodyBytes: Math.max(0, Math.min(LIMITS.responseBytes, LIMITS.totalBytes - this.bytes)),
        signal: this.signal,
      });
      this.bytes += response.body.length;
      const location = response.headers.find(([name]) => name.toLowerCase() === 'location')?.[1];
      if (!REDIRECTS.has(response.status) || location === undefined) return { response, chain };
      if (chain.length > LIMITS.redirects) throw new Error(`more than ${LIMITS.redirects} redirects`);
      current = new URL(location, current).href;
      if (response.status === 303 || (response.status !== 307 && response.status !== 308 && currentMethod === 'POST')) {
        currentMethod = 'GET';
        currentBody = undefined;
      }
    }
  }

  /** The page's navigation to `url` is answered with this response instead of a second fetch. */
  serveOnce(url: string, fetched: Fetched): void {
    // Chromium never sends the fragment.
    this.ready.set(url.replace(/#.*$/, ''), fetched);
  }

  /** Ends every fetch in flight; requests from now on are aborted. */
  close(): void {
    this.closed = true;
    this.stop.abort(new Error('the page is being captured'));
  }

  /** The `page.route('**\/*')` handler. */
  readonly handle = async (route: Route): Promise<void> => {
    const request = route.request();
    const url = request.url();
    const method = request.method();
    const record = (outcome: string) => this.log.push({ method, url, outcome });
    const abort = async (why: string) => {
      record(why);
      await route.abort('blockedbyclient').catch(() => undefined);
    };
    const prepared = this.ready.get(url);
    if (prepared && request.isNavigationRequest()) {
      this.ready.delete(url);
      return this.fulfil(route, prepared, record);
    }
    if (this.closed) return abort('not fetched: the page was already being captured');
    if (this.log.length >= LIMITS.requests) return abort(`not fetched: over ${LIMITS.requests} requests`);
    if (!/^https?:/.test(url)) return abort('not fetched: not an http(s) URL');
    if (!METHODS.has(method)) return abort(`not fetched: method ${method}`);
    const body = request.postDataBuffer();
    if (body && body.length > LIMITS.requestBodyBytes) return abort('not fetched: request body too large');
    try {
      const fetched = await this.request(
        url,
        method as Method,
        requestHeaders(await request.allHeaders()),
        body ? body.toString('utf8') : undefined,
      );
      await this.fulfil(route, fetched, record);
    } catch (error) {
      await abort(reasonOf(error));
    }
  };

  private async fulfil(route: Route, { response, chain }: Fetched, record: (outcome: string) => void): Promise<void> {
    const via = chain.length > 1 ? ` via ${chain.length - 1} redirect(s) to ${chain.at(-1)}` : '';
    const cut = response.bodyTruncated ? ', cut' : '';
    try {
      await route.fulfill({
        status: response.status,
        headers: fulfilHeaders(response.headers),
        body: Buffer.from(response.body),
      });
      record(`${response.status}, ${response.body.length} bytes${cut}${via}`);
    } catch (error) {
      record(`fetched (${response.status}) but not handed to the page: ${reasonOf(error)}`);
    }
  }

  private refusal(host: string): Promise<string | undefined> {
    let pending = this.refusals.get(host);
    if (!pending) {
      pending = hostRefusal(host, this.ctx, this.signal);
      this.refusals.set(host, pending);
    }
    return pending;
  }
}
