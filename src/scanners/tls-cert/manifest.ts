import type { ScannerManifest } from '../../shared/scanner';

export const tlsCertManifest: ScannerManifest = {
  id: 'tls-cert',
  title: 'TLS certificate',
  description:
    'Connects to the target over TLS (with SNI for a domain) and reads the certificate chain it serves: subject, ' +
    'issuer, serial, validity, days to expiry, key type and size, signature algorithm, SHA-256 fingerprint and ' +
    'SANs, each SAN a domain to pivot on. Reports expired, not yet valid, self-signed, hostname mismatch, weak ' +
    'keys and signatures, default placeholder names, and scores the SSL certificate grade category (a site ' +
    'with nothing on port 443 that answers on port 80 is served over plain HTTP only and fails it). Active: ' +
    'it connects to the target.',
  category: 'certificates',
  accepts: ['domain', 'ip'],
  produces: ['certificate', 'domain', 'ip', 'organization'],
  mode: 'active',
  timeoutMs: 60_000,
  rateLimitPerSecond: null,
  options: [
    { key: 'port', type: 'number', default: 443, description: 'The TLS port to connect to.' },
    {
      key: 'maxSanNodes',
      type: 'number',
      default: 200,
      description:
        'SANs of one certificate added to the graph as domains at most; all are listed in its props (bounded).',
    },
  ],
};
