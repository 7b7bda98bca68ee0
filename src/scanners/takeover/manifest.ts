import type { ScannerManifest } from '../../shared/scanner';

export const takeoverManifest: ScannerManifest = {
  id: 'takeover',
  title: 'Subdomain takeover',
  description:
    "Follows the domain's CNAME chain and matches its targets (the last one a service claims) against a table of services known to allow " +
    'takeover of dangling aliases (from can-i-take-over-xyz and nuclei-templates). On a match it checks the ' +
    'service\'s signs: the target not existing (NXDOMAIN) and the service\'s "not found" page, fetched from ' +
    "http(s)://<domain>/. Active: it requests the domain's own web page.",
  category: 'dns',
  accepts: ['domain'],
  produces: [],
  mode: 'active',
  // In a Full Scan it waits for CT and DNS to find the subdomains, then checks each of them too.
  fullScan: { phase: 2, fanOut: ['subdomain_of'] },
  timeoutMs: 60_000,
  rateLimitPerSecond: null,
  options: [
    {
      key: 'timeoutMs',
      type: 'number',
      default: 10_000,
      description: 'How long one page fetch may take.',
    },
  ],
};
