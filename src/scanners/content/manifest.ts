import type { ScannerManifest } from '../../shared/scanner';

export const contentManifest: ScannerManifest = {
  id: 'content',
  title: 'Page content, robots.txt and sitemap',
  description:
    "Fetches the site's front page, /robots.txt and its sitemaps (an index followed one level) and reports " +
    'what they give away: sensitive paths (admin, API, backup, configuration, database, ...), mixed content, ' +
    'forms posting over plain HTTP, inline scripts, the other domains scripts load from, social profiles, ' +
    "email addresses and phone numbers. Active: it requests the target's own pages.",
  category: 'web',
  accepts: ['domain', 'url'],
  produces: ['domain', 'url', 'email'],
  mode: 'active',
  timeoutMs: 90_000,
  rateLimitPerSecond: null,
  options: [
    { key: 'timeoutMs', type: 'number', default: 10_000, description: 'How long one fetch may take.' },
    {
      key: 'maxSitemaps',
      type: 'number',
      default: 10,
      description: 'Sitemaps fetched in all, those a sitemap index lists included.',
    },
  ],
};
