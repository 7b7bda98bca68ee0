// The screenshot scanner: fetches the page through the scan network (refusing internal targets
// the case does not allow), renders it in a Chromium with no network of its own whose every
// request goes through the bridge, and keeps a full-page PNG with the final URL and title.
import type { EntityKey } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { GraphBuilder } from '../kit/graph-builder';
import { timeoutSignal } from '../kit/timeout-signal';
import { reportUnreachable } from '../kit/unreachable';
import { FetchBridge, type Fetched, RefusedError } from './bridge';
import { borrowBrowser, discardBrowser, returnBrowser } from './browser-cache';
import { CAPTURE_MS, type Capture, capture } from './capture';
import { findChromium } from './chromium';
import { screenshotManifest } from './manifest';
import { parseOptions, type ShotOptions } from './options';

/** The evidence store takes at most 64 MiB of base64. */
const MAX_PNG_BYTES = 48 * 1024 * 1024;

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Where to start: a URL as given; a domain over HTTPS, then HTTP. */
export function startUrls(input: Pick<ScanInput, 'type' | 'value'>): string[] {
  if (input.type === 'url') {
    let url: URL;
    try {
      url = new URL(input.value);
    } catch {
      throw new Error(`"${input.value.slice(0, 200)}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`only http and https pages are captured, not ${url.protocol}`);
    }
    return [url.href];
  }
  const name = canonicalValue('domain', input.value);
  if (name === undefined) throw new Error(`"${input.value.slice(0, 200)}" is not a domain name`);
  return [`https://${name}/`, `http://${name}/`];
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (view.length < 24 || view.toString('latin1', 12, 16) !== 'IHDR') throw new Error('the capture is not a PNG');
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

async function fetchDocument(
  urls: string[],
  bridge: FetchBridge,
  ctx: ScanContext,
  deadline: AbortSignal,
  timeoutMs: number,
): Promise<Fetched | { unreachable: string }> {
  const failures: string[] = [];
  for (const url of urls) {
    try {
      return await bridge.request(url, 'GET', { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    } catch (error) {
      ctx.signal.throwIfAborted();
      if (error instanceof RefusedError) {
        throw new Error(`${url} ${error.message}; allow internal targets for this case to capture it`);
      }
      if (deadline.aborted) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
      failures.push(`${url}: ${reasonOf(error)}`);
    }
  }
  return { unreachable: failures.join('; ') };
}

async function render(
  path: string,
  options: ShotOptions,
  bridge: FetchBridge,
  fetched: Fetched,
  deadlineAt: number,
  signal: AbortSignal,
): Promise<Capture> {
  const browser = await borrowBrowser(path, options.sandbox, CAPTURE_MS);
  const stop = () => discardBrowser();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const shot = await capture(browser, bridge, fetched, options, deadlineAt);
    returnBrowser();
    return shot;
  } catch (error) {
    discardBrowser();
    throw error;
  } finally {
    signal.removeEventListener('abort', stop);
    bridge.close();
  }
}

function requestLog(bridge: FetchBridge, document: Fetched): string {
  const lines = document.chain.map((url, i) =>
    i < document.chain.length - 1 ? `GET ${url} -> redirect` : `GET ${url} -> ${document.response.status} (document)`,
  );
  for (const { method, url, outcome } of bridge.log) lines.push(`${method} ${url.slice(0, 2000)} -> ${outcome}`);
  return `${lines.join('\n')}\n`;
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const options = parseOptions(ctx.options, process.getuid?.() === 0);
  const urls = startUrls(input);
  const path = findChromium(options.chromiumPath);
  const started = Date.now();
  const deadlineAt = started + options.timeoutMs;
  const deadline = timeoutSignal(ctx.signal, options.timeoutMs);
  const bridge = new FetchBridge(ctx, deadline);
  yield { kind: 'progress', fraction: 0, message: `fetching ${urls[0]}` };
  const document = await fetchDocument(urls, bridge, ctx, deadline, options.timeoutMs);
  if ('unreachable' in document) {
    // Nothing answered: a result about the site, not a failure of the capture.
    const where = urls[0] ?? input.value;
    yield* reportUnreachable(
      new GraphBuilder(screenshotManifest.category),
      { type: input.type, value: input.value },
      `No screenshot: no page could be fetched from ${where.slice(0, 300)}`,
      where,
      document.unreachable,
    );
    return;
  }
  yield { kind: 'progress', fraction: 0.2, message: `rendering ${document.chain.at(-1)}` };
  const shot = await render(path, options, bridge, document, deadlineAt, ctx.signal);
  if (shot.png.length > MAX_PNG_BYTES)
    throw new Error(`the capture is ${shot.png.length} bytes, over the evidence limit`);
  const size = pngSize(shot.png);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  yield {
    kind: 'evidence',
    ref: 'screenshot',
    mediaType: 'image/png',
    source: shot.url,
    encoding: 'base64',
    content: shot.png.toString('base64'),
  };
  yield {
    kind: 'evidence',
    ref: 'requests',
    mediaType: 'text/plain; charset=utf-8',
    source: shot.url,
    encoding: 'utf8',
    content: requestLog(bridge, document),
  };
  const graph = new GraphBuilder(screenshotManifest.category);
  const page: EntityKey = { type: 'url', value: shot.url };
  const hops = [...document.chain, shot.url].filter((url, i, all) => i === 0 || all[i - 1] !== url);
  for (let i = 1; i < hops.length; i++) {
    graph.relation({ type: 'url', value: hops[i - 1] ?? '' }, 'redirects_to', { type: 'url', value: hops[i] ?? '' }, [
      'requests',
    ]);
  }
  graph.entity(page, ['screenshot'], { title: shot.title, status: document.response.status });
  const refused = bridge.log.filter((e) => e.outcome.startsWith('refused')).length;
  const failed = bridge.log.filter((e) => !/^\d{3},/.test(e.outcome)).length - refused;
  const cut = shot.pageHeight > size.height ? `; the page is ${shot.pageHeight} px tall, cut at ${size.height}` : '';
  graph.finding({
    about: page,
    severity: 'info',
    title: `Screenshot of ${shot.url.slice(0, 300)}: ${size.width}×${size.height} px`,
    detail:
      `Title: ${shot.title || '(none)'}\nCaptured ${size.width}×${size.height} px${cut} in ${seconds} s.\n` +
      `The page made ${bridge.log.length} request(s) besides the document: ${refused} refused, ${failed} not fetched ` +
      '(see the request log).',
    evidence: ['screenshot', 'requests'],
  });
  if (!options.javaScript) {
    graph.finding({
      about: page,
      severity: 'info',
      title: `${shot.url.slice(0, 300)} was rendered with JavaScript off`,
      detail:
        'Chromium cannot run its sandbox for a process running as root, and the page is hostile content, so its ' +
        'scripts did not run; run Tracegraph as an ordinary user for a capture with scripts.',
      evidence: ['screenshot'],
    });
  }
  if (!shot.loaded) {
    graph.finding({
      about: page,
      severity: 'info',
      title: `${shot.url.slice(0, 300)} did not finish loading within ${options.timeoutMs / 1000} s`,
      detail: 'What had rendered by then was captured; requests still pending were abandoned (see the request log).',
      evidence: ['screenshot', 'requests'],
    });
  }
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const screenshotScanner: Scanner = { manifest: screenshotManifest, run };
