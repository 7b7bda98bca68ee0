import type { ScannerManifest } from '../../shared/scanner';

/** The Spamhaus DROP files read by default: DROP and EDROP (IPv4) and DROPv6, in the text format. */
export const DEFAULT_DROP_FILES = ['drop.txt', 'edrop.txt', 'drop_v6.txt'];

export const reputationManifest: ScannerManifest = {
  id: 'reputation',
  title: 'IP and domain reputation',
  description:
    'Asks DNS blacklists (Spamhaus ZEN, SpamCop, Barracuda, PSBL, UCEPROTECT and more) about an address, or ' +
    "about a domain's addresses and the domain itself (Spamhaus DBL, SURBL, URIBL), and matches the addresses " +
    "against Spamhaus' DROP and EDROP lists of hijacked and criminal netblocks. Lists that refuse to answer are " +
    "reported as not checked, never as clean. Leaves the grade's IP reputation score on each address.",
  category: 'reputation',
  accepts: ['ip', 'domain'],
  produces: ['ip', 'netblock'],
  mode: 'passive',
  timeoutMs: 120_000,
  rateLimitPerSecond: null,
  options: [
    {
      key: 'dropFiles',
      type: 'string[]',
      default: DEFAULT_DROP_FILES,
      description:
        'Spamhaus DROP files fetched from the spamhausDrop endpoint (text or NDJSON: drop.txt, edrop.txt, ' +
        'drop_v6.txt, drop_v4.json, drop_v6.json); an empty list skips DROP.',
    },
  ],
};
