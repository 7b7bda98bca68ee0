// Finds the system Chromium and starts it with no network of its own: every name resolves to
// nothing, every connection goes to a proxy that cannot be reached (loopback included), and WebRTC
// may not send UDP around the proxy. What the page gets, it gets through the fetch bridge.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Where Chromium or Chrome is installed by the usual packages (the e2e tests look there too). */
export const KNOWN_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The executable: the chromiumPath option, else $TRACEGRAPH_CHROMIUM, else the first known install path. */
export function findChromium(
  option: string,
  env: Record<string, string | undefined> = process.env,
  exists: (path: string) => boolean = existsSync,
): string {
  const given: [string, string | undefined][] = [
    ['the chromiumPath option', option || undefined],
    ['TRACEGRAPH_CHROMIUM', env.TRACEGRAPH_CHROMIUM || undefined],
  ];
  for (const [source, path] of given) {
    if (path === undefined) continue;
    if (!exists(path)) throw new Error(`${source} names ${path}, which does not exist`);
    return path;
  }
  const found = KNOWN_CHROMIUM_PATHS.find((path) => exists(path));
  if (found) return found;
  throw new Error(
    'no Chromium or Chrome found: set the chromiumPath option or the TRACEGRAPH_CHROMIUM environment variable ' +
      `to its executable, or install one (Debian/Ubuntu: apt-get install chromium). Looked in ${KNOWN_CHROMIUM_PATHS.join(', ')}`,
  );
}

/** No address resolves, so the proxy (named, never an IP) is unreachable, and loopback is not exempt from it. */
export const OFFLINE_ARGS = [
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--proxy-server=socks5://no-network.tracegraph.invalid:9',
  '--proxy-bypass-list=<-loopback>',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-gpu',
];

export async function launchOffline(executablePath: string, sandbox: boolean, timeoutMs: number): Promise<Browser> {
  // Loaded when a browser is started: the driver takes seconds to import, which loading the
  // scanner (the registry test loads them all) should not pay.
  const { chromium } = await import('playwright-core');
  try {
    return await chromium.launch({
      executablePath,
      headless: true,
      chromiumSandbox: sandbox,
      args: OFFLINE_ARGS,
      timeout: timeoutMs,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (sandbox && /sandbox/i.test(message)) {
      throw new Error(
        `${executablePath} could not start its sandbox (as root, or without user namespaces); set the sandbox ` +
          'option to false only where the system cannot provide one',
      );
    }
    throw new Error(`${executablePath} did not start: ${message.split('\n')[0]}`);
  }
}
