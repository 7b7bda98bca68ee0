import type { ScannerManifest } from '../../shared/scanner';

export const cveManifest: ScannerManifest = {
  id: 'cve',
  title: 'Known vulnerabilities (NVD)',
  description:
    "Asks NIST's National Vulnerability Database (CVE API 2.0) which CVEs affect a technology, by the CPE name " +
    'and version the tech and ports scanners left on it: the count, the highest CVSS score, and the worst CVEs ' +
    'with a short description each. A technology without a versioned CPE is not looked up. Passive: only NVD is ' +
    'asked. Without an API key NVD allows 5 requests in 30 seconds; with one (TRACEGRAPH_NVD_API_KEY or the apiKey option) 50.',
  category: 'web',
  accepts: ['technology'],
  produces: [],
  mode: 'passive',
  // It reads the technologies phase 1 found on the target (tech, ports).
  // The site's technologies, and those of the services on the target's addresses (or its own).
  fullScan: {
    phase: 2,
    fanOutPaths: [
      [{ kind: 'uses_technology' }],
      [{ kind: 'exposes_service' }, { kind: 'uses_technology' }],
      [{ kind: 'resolves_to' }, { kind: 'exposes_service' }, { kind: 'uses_technology' }],
    ],
  },
  timeoutMs: 180_000,
  // NVD's public limit without a key: 5 requests in a rolling 30-second window.
  rateLimitPerSecond: 5 / 30,
  options: [
    {
      key: 'maxResults',
      type: 'number',
      default: 200,
      description: 'CVEs read at most per technology (NVD is asked page by page); more is reported as capped.',
    },
    {
      key: 'resultsPerPage',
      type: 'number',
      default: 2000,
      description: "CVEs asked for per request (NVD's resultsPerPage, at most 2000).",
    },
    {
      key: 'apiKey',
      type: 'string',
      default: '',
      description:
        'An NVD API key (https://nvd.nist.gov/developers/request-an-api-key), sent in the apiKey header: ' +
        '50 requests in 30 seconds instead of 5.',
    },
  ],
};
