import type { ScannerManifest } from '../../shared/scanner';

export const waybackManifest: ScannerManifest = {
  id: 'wayback',
  title: 'Wayback Machine history',
  description:
    "Asks the Internet Archive's CDX index how often a domain and its subdomains were captured: the number of " +
    'snapshots, the first and last capture, and captures per year. Flags captures older than the current ' +
    'registration (when known), which shows the name had an earlier life, and archived URLs with sensitive ' +
    'paths (backups, admin pages, configuration) the archive still serves.',
  category: 'web',
  accepts: ['domain'],
  produces: [],
  mode: 'passive',
  timeoutMs: 90_000,
  // The CDX server throttles clients that ask more than about one query a second.
  rateLimitPerSecond: 1,
  options: [
    {
      key: 'maxRows',
      type: 'number',
      default: 50_000,
      description: 'Captures asked for at most (the limit= parameter); more is reported as capped.',
    },
  ],
};
