import type { ScannerManifest } from '../../shared/scanner';

export const dnssecManifest: ScannerManifest = {
  id: 'dnssec',
  title: 'DNSSEC',
  description:
    'Asks the resolver for DNSKEY, DS and RRSIG records (EDNS with the DO bit) from the domain up the chain of ' +
    'signed zones it can see, checks that each DS digest matches a DNSKEY, that signatures are inside their ' +
    'validity window, and verifies them (RSA/SHA-256 and ECDSA P-256). Says whether the domain is signed, ' +
    'unsigned or broken, and why.',
  category: 'dns',
  accepts: ['domain'],
  produces: ['domain'],
  mode: 'passive',
  timeoutMs: 60_000,
  rateLimitPerSecond: null,
  options: [],
};
