// One Chromium per worker, kept between screenshots: a worker serves run after run, and starting
// Chromium is most of a capture's time. Each capture still gets a fresh browser context (no
// cookies, storage or cache shared between pages). The browser closes after a quiet minute, on
// a failed run, and with the worker (Chromium exits when its pipe to the worker closes).
import type { Browser } from 'playwright-core';
import { launchOffline } from './chromium';

const IDLE_MS = 60_000;

let kept: { key: string; browser: Promise<Browser>; idle: NodeJS.Timeout | undefined } | null = null;

/** A connected browser for this executable and sandbox setting, started if need be. */
export async function borrowBrowser(path: string, sandbox: boolean, timeoutMs: number): Promise<Browser> {
  const key = `${sandbox}\u0000${path}`;
  if (kept && kept.key !== key) discardBrowser();
  if (kept) {
    clearTimeout(kept.idle);
    const browser = await kept.browser.catch(() => null);
    if (browser?.isConnected()) return browser;
    discardBrowser();
  }
  const browser = launchOffline(path, sandbox, timeoutMs);
  kept = { key, browser, idle: undefined };
  try {
    return await browser;
  } catch (error) {
    discardBrowser();
    throw error;
  }
}

/** The capture is over: keep the browser for the next one, for a while. */
export function returnBrowser(): void {
  if (!kept) return;
  clearTimeout(kept.idle);
  kept.idle = setTimeout(discardBrowser, IDLE_MS);
  kept.idle.unref();
}

/** Closes the kept browser (after a failure, or when it has been idle). */
export function discardBrowser(): void {
  if (!kept) return;
  const { browser, idle } = kept;
  kept = null;
  clearTimeout(idle);
  void browser.then((b) => b.close()).catch(() => undefined);
}
