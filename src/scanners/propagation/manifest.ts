import { PUBLIC_RESOLVERS } from '../../shared/public-resolvers';
import type { ScannerManifest } from '../../shared/scanner';

/** The public resolvers asked by default, as "name=address". */
export const DEFAULT_RESOLVERS: readonly string[] = PUBLIC_RESOLVERS.map((r) => `${r.name}=${r.address}`);

export const DEFAULT_RECORD_TYPES: readonly string[] = ['A', 'AAAA', 'MX', 'NS', 'TXT'];

export const propagationManifest: ScannerManifest = {
  id: 'propagation',
  title: 'DNS propagation',
  description:
    'Asks several public resolvers the same questions (A, AAAA, MX, NS, TXT) in parallel and compares their ' +
    'answers as sets: a resolver that disagrees may hold a stale, regional or hijacked answer. Resolvers that ' +
    'fail (timeout, refused, SERVFAIL) are reported apart from disagreement.',
  category: 'dns',
  accepts: ['domain'],
  produces: ['domain', 'ip'],
  mode: 'passive',
  timeoutMs: 60_000,
  rateLimitPerSecond: null,
  options: [
    {
      key: 'resolvers',
      type: 'string[]',
      default: [...DEFAULT_RESOLVERS],
      description: 'Resolvers to compare, as "name=address", "name=address:port" or just "address".',
    },
    {
      key: 'recordTypes',
      type: 'string[]',
      default: [...DEFAULT_RECORD_TYPES],
      description: 'Record types to compare: any of A, AAAA, MX, NS, TXT, CNAME, CAA.',
    },
    {
      key: 'timeoutMs',
      type: 'number',
      default: 5000,
      description: 'How long one resolver may take to answer one question.',
    },
    {
      key: 'concurrency',
      type: 'number',
      default: 8,
      description: 'Questions in flight at once.',
    },
  ],
};
