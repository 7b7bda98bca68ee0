import type { ScannerManifest } from '../../shared/scanner';

/**
 * Selectors of widespread senders and defaults of common mail software. DKIM selectors cannot be
 * listed through DNS, so a key under another selector stays unseen: absence is not proof.
 */
export const DEFAULT_DKIM_SELECTORS: readonly string[] = [
  'default',
  'google',
  'selector1',
  'selector2',
  'k1',
  'k2',
  'k3',
  'mail',
  'dkim',
  's1',
  's2',
  'smtp',
  'mandrill',
  'mailjet',
  'everlytickey1',
  'everlytickey2',
  'zoho',
  'protonmail',
  'protonmail2',
  'protonmail3',
  'fm1',
  'fm2',
  'fm3',
  'mxvault',
  'key1',
  'dk',
  'sig1',
  'scph0123',
];

export const emailSecurityManifest: ScannerManifest = {
  id: 'email-security',
  title: 'Email security (SPF, DKIM, DMARC)',
  description:
    'Reads MX, SPF (following includes and redirects against the 10-lookup limit), DMARC (falling back to the ' +
    'organisational domain) and DKIM keys under common selectors, then scores the domain 0-3 and says whether ' +
    'mail can be forged in its name. For an email address, analyses its domain.',
  category: 'email',
  accepts: ['domain', 'email'],
  produces: ['domain', 'email'],
  mode: 'passive',
  timeoutMs: 120_000,
  rateLimitPerSecond: null,
  options: [
    {
      key: 'dkimSelectors',
      type: 'string[]',
      default: [...DEFAULT_DKIM_SELECTORS],
      description: 'DKIM selectors to look for (<selector>._domainkey.<domain>); at most 64 are tried.',
    },
  ],
};
