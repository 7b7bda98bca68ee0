import type { ScannerManifest } from '../../shared/scanner';

export const DEFAULT_PARAMS = ['url', 'redirect', 'next', 'return', 'returnUrl', 'goto'];

export const openRedirectManifest: ScannerManifest = {
  id: 'open-redirect',
  title: 'Open redirect',
  description:
    'Sets the usual redirect parameters (url, redirect, next, return, returnUrl, goto) to a canary URL on a host ' +
    "that cannot exist, on the site's root and the paths it links to, and reports where the answer sends the " +
    'browser to the canary (a redirect or a meta refresh). The canary is never requested. Active: it sends ' +
    'crafted requests to the target.',
  category: 'web',
  accepts: ['domain', 'url'],
  produces: [],
  mode: 'active',
  timeoutMs: 120_000,
  rateLimitPerSecond: null,
  options: [
    { key: 'params', type: 'string[]', default: DEFAULT_PARAMS, description: 'The query parameters tried.' },
    { key: 'maxPaths', type: 'number', default: 8, description: 'How many paths of the site are probed.' },
    { key: 'timeoutMs', type: 'number', default: 10_000, description: 'How long one request may take.' },
  ],
};
