import type { ScannerManifest } from '../../shared/scanner';

export const techManifest: ScannerManifest = {
  id: 'tech',
  title: 'Technology and WAF / CDN',
  description:
    "Fetches the site's front page (HTTPS, then HTTP; same-site redirects followed) and matches its headers, " +
    'cookies, HTML, script URLs and meta tags against the shipped signatures: servers, languages, frameworks, ' +
    'CMS, analytics, JavaScript libraries with their versions, and WAFs and CDNs. Resolves the domain and marks ' +
    "its addresses as the CDN's when headers or the CDN's published ranges say so (weak pivots). Active: it " +
    "requests the target's own page.",
  category: 'web',
  accepts: ['domain', 'url'],
  produces: ['technology', 'ip', 'domain'],
  mode: 'active',
  timeoutMs: 60_000,
  rateLimitPerSecond: null,
  options: [{ key: 'timeoutMs', type: 'number', default: 10_000, description: 'How long one page fetch may take.' }],
};
