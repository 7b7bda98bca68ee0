import type { ScannerManifest } from '../../shared/scanner';

export const ctManifest: ScannerManifest = {
  id: 'ct',
  title: 'Certificate Transparency',
  description:
    'Searches the Certificate Transparency logs (crt.sh and Cert Spotter) for certificates naming a domain or its ' +
    'subdomains. Reports each certificate (issuer, validity, names), the subdomains they reveal, the issuers, ' +
    'other domains named on the same certificates (a pivot to related infrastructure), wildcard certificates and ' +
    'bursts of issuance.',
  category: 'certificates',
  accepts: ['domain'],
  produces: ['certificate', 'domain', 'organization'],
  mode: 'passive',
  timeoutMs: 120_000,
  // crt.sh is slow and throttles; Cert Spotter allows little without a key.
  rateLimitPerSecond: 1,
  options: [
    {
      key: 'sources',
      type: 'string[]',
      default: ['crtsh', 'certspotter'],
      description:
        'Which CT search services to ask: "crtsh", "certspotter". One failing is reported; all failing fails.',
    },
    {
      key: 'maxEntries',
      type: 'number',
      default: 10_000,
      description: 'Entries read per source at most; the rest are dropped with a finding.',
    },
    {
      key: 'burstCount',
      type: 'number',
      default: 10,
      description: 'This many certificates issued within burstWindowHours is reported as a burst.',
    },
    {
      key: 'burstWindowHours',
      type: 'number',
      default: 24,
      description: 'The window for burstCount, in hours.',
    },
  ],
};
