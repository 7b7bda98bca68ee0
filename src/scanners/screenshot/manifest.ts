import type { ScannerManifest } from '../../shared/scanner';

export const screenshotManifest: ScannerManifest = {
  id: 'screenshot',
  title: 'Screenshot',
  description:
    'Renders the page in a headless Chromium and keeps a full-page PNG (cut at a maximum height) as evidence, ' +
    'with the final URL and the page title. Chromium makes no connection of its own: every request of the page ' +
    'is fetched through the scan network (lab, proxy and internal-target rules apply). Active: it loads the ' +
    "target's page and everything the page asks for.",
  category: 'web',
  accepts: ['domain', 'url'],
  produces: ['url'],
  mode: 'active',
  timeoutMs: 120_000,
  rateLimitPerSecond: null,
  options: [
    {
      key: 'chromiumPath',
      type: 'string',
      default: '',
      description:
        'The Chromium or Chrome executable; when empty, $TRACEGRAPH_CHROMIUM, else /usr/bin/chromium, ' +
        '/usr/bin/chromium-browser or /usr/bin/google-chrome.',
    },
    { key: 'width', type: 'number', default: 1280, description: 'Viewport width in pixels (320 to 3840).' },
    { key: 'height', type: 'number', default: 800, description: 'Viewport height in pixels (240 to 4320).' },
    {
      key: 'maxHeight',
      type: 'number',
      default: 10_000,
      description: 'The full page is captured down to this many pixels (at most 30,000).',
    },
    {
      key: 'timeoutMs',
      type: 'number',
      default: 20_000,
      description:
        'How long the page may take to load (1,000 to 90,000 ms); after that, what has rendered is captured.',
    },
    {
      key: 'sandbox',
      type: 'boolean',
      default: true,
      description:
        "Run Chromium's sandbox around the page. As root, where Chromium cannot sandbox, the page is rendered " +
        'with its scripts off instead. Turn off only where the system cannot provide one (a container without ' +
        'user namespaces): the page is hostile content.',
    },
  ],
};
