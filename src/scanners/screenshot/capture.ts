// Renders a fetched document in the offline browser and captures it: the page's own requests go
// through the bridge until the load deadline, then the bridge closes (so nothing pending holds
// the capture up) and the full page is shot, cut at maxHeight. Every browser call is bounded.
import type { Browser, BrowserContext } from 'playwright-core';
import type { FetchBridge, Fetched } from './bridge';
import type { ShotOptions } from './options';

/** How long the capture itself (height, screenshot, title) may take once loading has ended. */
export const CAPTURE_MS = 15_000;
const TITLE_CHARS = 500;

export interface Capture {
  png: Buffer;
  url: string;
  title: string;
  /** Whether the load event fired before the deadline. */
  loaded: boolean;
  /** The document's height in pixels, which the capture may have cut. */
  pageHeight: number;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export async function capture(
  browser: Browser,
  bridge: FetchBridge,
  fetched: Fetched,
  options: ShotOptions,
  deadlineAt: number,
): Promise<Capture> {
  const context = await browser.newContext({
    viewport: { width: options.width, height: options.height },
    javaScriptEnabled: options.javaScript,
    // Headless Chromium names itself HeadlessChrome, which lets a phishing kit show a decoy.
    userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`,
    serviceWorkers: 'block',
    acceptDownloads: false,
  });
  try {
    return await shoot(context, bridge, fetched, options, deadlineAt);
  } finally {
    // The browser outlives the capture (see browser-cache.ts); the page's context does not.
    await within(context.close(), CAPTURE_MS, 'closing the page').catch(() => undefined);
  }
}

async function shoot(
  context: BrowserContext,
  bridge: FetchBridge,
  fetched: Fetched,
  options: ShotOptions,
  deadlineAt: number,
): Promise<Capture> {
  const remaining = () => Math.max(1, deadlineAt - Date.now());
  await context.routeWebSocket(/.*/, (socket) => socket.close({ code: 1008, reason: 'no network' }));
  await context.route('**/*', bridge.handle);
  const page = await context.newPage();
  // Pop-ups are not part of the capture.
  context.on('page', (other) => void other.close());
  const url = fetched.chain.at(-1) ?? '';
  bridge.serveOnce(url, fetched);
  // The document is already fetched, so the commit does not wait on the network.
  await page.goto(url, { waitUntil: 'commit', timeout: CAPTURE_MS });
  let loaded = true;
  try {
    await page.waitForLoadState('load', { timeout: remaining() });
  } catch (error) {
    if (!(error instanceof Error && error.name === 'TimeoutError')) throw error;
    loaded = false;
  }
  bridge.close();
  // The page's scripts run in this world and may lie; only a finite number is believed.
  const measured: unknown = await within(
    page.evaluate('Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)'),
    CAPTURE_MS,
    'measuring the page',
  );
  const pageHeight =
    typeof measured === 'number' && Number.isFinite(measured) && measured > 0 ? Math.ceil(measured) : options.height;
  const height = Math.min(Math.max(pageHeight, options.height), options.maxHeight);
  const png = await page.screenshot({
    fullPage: true,
    clip: { x: 0, y: 0, width: options.width, height },
    timeout: CAPTURE_MS,
    animations: 'disabled',
  });
  const title = await within(page.title(), CAPTURE_MS, 'reading the title');
  return {
    png,
    url: /^https?:/.test(page.url()) ? page.url() : url,
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a title is one line of text
    title: title.replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, TITLE_CHARS),
    loaded,
    pageHeight,
  };
}
