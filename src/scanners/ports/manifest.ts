import type { ScannerManifest } from '../../shared/scanner';
import { DEFAULT_PORTS } from './port-table';

export const portsManifest: ScannerManifest = {
  id: 'ports',
  title: 'Open ports and banners',
  description:
    `TCP connect scan of the ${DEFAULT_PORTS.length} ports an investigator checks first (or the analyst's own list), ` +
    'telling open, closed (refused) and filtered (no answer) apart; reads what each open port says first (an HTTP ' +
    'port gets one HEAD /, a TLS port nothing) and names the product and version when the banner does. Flags ' +
    'services that should not face the internet (Telnet, FTP, databases, the Docker API, Redis, Memcached, ' +
    "Elasticsearch, RDP, VNC, SMB, ...) and leaves the grade's ports score on each address. Active: it connects " +
    'to the target.',
  category: 'network',
  accepts: ['ip', 'domain'],
  produces: ['ip', 'service', 'technology'],
  mode: 'active',
  timeoutMs: 300_000,
  rateLimitPerSecond: null,
  options: [
    {
      key: 'ports',
      type: 'string',
      default: '',
      description:
        'Ports to scan, e.g. "22,80,8000-8100" (commas or spaces; "default" adds the shipped list); empty for the ' +
        'shipped list. At most 1024 ports.',
    },
    { key: 'concurrency', type: 'number', default: 32, description: 'Connections in flight at once (1-256).' },
    {
      key: 'connectTimeoutMs',
      type: 'number',
      default: 1500,
      description: 'How long a connect may go unanswered before the port counts as filtered (100-30000 ms).',
    },
    {
      key: 'bannerTimeoutMs',
      type: 'number',
      default: 2000,
      description: 'How long to wait for what an open port says (0-10000 ms; 0 reads nothing).',
    },
  ],
};
