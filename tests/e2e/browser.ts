// Finds a system Chromium or Chrome for the browser tests and launches it headless with a fresh
// profile. Playwright's own browser downloads are not used: builds here have no internet.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { KNOWN_CHROMIUM_PATHS } from '../../src/scanners/screenshot/chromium';

export const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser to use: $TRACEGRAPH_CHROMIUM, else the first known install path that exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists = existsSync): string {
  const fromEnv = env.TRACEGRAPH_CHROMIUM;
  if (fromEnv) {
    if (!exists(fromEnv)) throw new Error(`TRACEGRAPH_CHROMIUM is set to ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const found = KNOWN_CHROMIUM_PATHS.find((path) => exists(path));
  if (found) return found;
  throw new Error(
    [
      'No Chromium or Chrome found for the browser tests. Either:',
      '  - install Chromium: sudo apt-get install chromium   (Debian/Ubuntu; or your distribution’s package)',
      '  - install Google Chrome from https://www.google.com/chrome/',
      '  - or point TRACEGRAPH_CHROMIUM at a Chromium/Chrome executable.',
      `Looked in: ${KNOWN_CHROMIUM_PATHS.join(', ')}`,
    ].join('\n'),
  );
}

export interface Browser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Chromium with a throwaway profile directory, removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tracegraph-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: true,
    args: BROWSER_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects console errors, page errors and CSP violations so a test can assert there were none. */
export function watchPage(page: Page): { errors: string[] } {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return { errors };
}
