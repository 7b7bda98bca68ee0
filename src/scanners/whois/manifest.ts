import type { ScannerManifest } from '../../shared/scanner';

export const whoisManifest: ScannerManifest = {
  id: 'whois',
  title: 'WHOIS / RDAP registration',
  description:
    'Asks the registry of the domain (port-43 WHOIS, server from the shipped table or IANA), follows its referral ' +
    "to the registrar's server, and falls back to RDAP. Reports the registrar, dates (domain age, expiry), status, " +
    'name servers, DNSSEC, the registrant organisation when not redacted, and the abuse contact. For an email ' +
    'address, looks up its domain.',
  category: 'registration',
  accepts: ['domain', 'email'],
  produces: ['registrar', 'domain', 'organization', 'email'],
  mode: 'passive',
  timeoutMs: 90_000,
  // WHOIS servers throttle hard; one query a second across runs keeps clear of most limits.
  rateLimitPerSecond: 1,
  options: [
    {
      key: 'rdap',
      type: 'string',
      default: 'fallback',
      description:
        '"fallback": RDAP only when port-43 WHOIS gives nothing usable; "always": both; "never": WHOIS only.',
    },
    {
      key: 'followReferral',
      type: 'boolean',
      default: true,
      description: "Follow the registry's referral to the registrar's WHOIS server (once).",
    },
    {
      key: 'queryTimeoutMs',
      type: 'number',
      default: 15_000,
      description: 'Total time for one WHOIS or RDAP query, connection included.',
    },
    {
      key: 'serverIntervalMs',
      type: 'number',
      default: 1000,
      description: 'Least time between two queries to the same WHOIS server within a run.',
    },
  ],
};
