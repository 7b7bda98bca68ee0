import type { ScannerManifest } from '../../shared/scanner';

export const dnsManifest: ScannerManifest = {
  id: 'dns',
  title: 'DNS records',
  description:
    'Asks the configured resolver for A, AAAA, MX, NS, TXT, CNAME, SOA and CAA records (CAA climbing to the ' +
    'registrable domain when the name has none), probes a random name to detect wildcard records, asks PTR for ' +
    'every address found, then resolves the mail (MX) and name (NS) servers it names to their addresses. For an ' +
    'IP address, asks for its PTR; for an email address, scans its domain.',
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
    {
      key: 'servers',
      type: 'boolean',
      default: true,
      description:
        'Resolve the A and AAAA of the mail (MX) and name (NS) servers found, so the graph leads from the ' +
        'domain to their addresses.',
    },
    {
      key: 'wildcard',
      type: 'boolean',
      default: true,
      description:
        'Query a random name under the domain (and beside it, for a subdomain) to detect wildcard records, so ' +
        'names that resolve only through a wildcard are not taken for real hosts.',
    },
  ],
};
