import type { ScannerManifest } from '../../shared/scanner';

export const tlsProbeManifest: ScannerManifest = {
  id: 'tls-probe',
  title: 'TLS versions and ciphers',
  description:
    'Probes SSL 3.0 and TLS 1.0, 1.1, 1.2 and 1.3 one by one with handcrafted ClientHellos over TCP, reading the ' +
    "ServerHello or the alert, so the result does not depend on the local TLS library; enumerates each version's " +
    "accepted cipher suites in the server's order of preference, and flags old versions, insecure, weak and legacy " +
    "suites, missing forward secrecy and a server that follows the client's order. Active: it connects to the target.",
  category: 'certificates',
  accepts: ['domain', 'ip'],
  produces: [],
  mode: 'active',
  timeoutMs: 180_000,
  rateLimitPerSecond: null,
  options: [
    { key: 'port', type: 'number', default: 443, description: 'The TLS port to probe.' },
    {
      key: 'maxConnections',
      type: 'number',
      default: 300,
      description: 'Connections made at most; the probe stops there with a finding.',
    },
    {
      key: 'timeLimitSeconds',
      type: 'number',
      default: 120,
      description: 'No new connection after this long; the probe stops there with a finding.',
    },
  ],
};
