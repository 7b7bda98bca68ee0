import type { ScannerManifest } from '../../shared/scanner';

export const dnsManifest: ScannerManifest = {
  id: 'dns',
  title: 'DNS records',
  description:
    'Asks the configured resolver for A, AAAA, MX, NS, TXT, CNAME and SOA records, then PTR for every address found. ' +
    'For an IP address, asks for its PTR; for an email address, scans its domain.',
  category: 'dns',
  accepts: ['domain', 'ip', 'email'],
  produces: ['domain', 'ip', 'email'],
  mode: 'passive',
  timeoutMs: 60_000,
  rateLimitPerSecond: null,
  options: [
    {
      key: 'reverse',
      type: 'boolean',
      default: true,
      description: 'Look up the PTR (reverse DNS) name of every address found.',
    },
  ],
};
