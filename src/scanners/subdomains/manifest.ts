import type { ScannerManifest } from '../../shared/scanner';

export const subdomainsManifest: ScannerManifest = {
  id: 'subdomains',
  title: 'Common subdomain names',
  description:
    'Asks the resolver for the A record of each common host label under the domain (mail, vpn, dev, staging, ' +
    'autodiscover, jenkins and 180 more) and reports those that exist, with their addresses and aliases, so ' +
    'hosts no certificate names are found too. A random name is asked first: when a wildcard answers, names ' +
    'that answer exactly like it are left out.',
  category: 'dns',
  accepts: ['domain'],
  produces: ['domain', 'ip'],
  mode: 'passive',
  timeoutMs: 60_000,
  rateLimitPerSecond: null,
  options: [
    {
      key: 'labels',
      type: 'string[]',
      default: [],
      description: 'Host labels to ask instead of the shipped list (resources/subdomains/common-labels.json).',
    },
  ],
};
