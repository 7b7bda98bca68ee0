import type { ScannerManifest } from '../../shared/scanner';

export const httpManifest: ScannerManifest = {
  id: 'http',
  title: 'HTTP and security headers',
  description:
    'Fetches the site over HTTP and HTTPS, following redirects itself (at most 10, loops stopped), and judges the ' +
    'HTTP to HTTPS redirect, the nine security headers (HSTS, CSP, X-Content-Type-Options, X-Frame-Options, ' +
    'Referrer-Policy, Permissions-Policy, COOP, CORP, X-XSS-Protection), clickjacking, every cookie (Secure, ' +
    'HttpOnly, SameSite, prefix rules), HTTP/2 (ALPN) and HTTP/3 (Alt-Svc), and reads the page title. Scores the ' +
    "grade's headers, HTTPS redirect and cookie categories. Active: it requests the target's own site.",
  category: 'web',
  accepts: ['domain', 'url', 'ip'],
  produces: ['url'],
  mode: 'active',
  timeoutMs: 120_000,
  rateLimitPerSecond: null,
  options: [
    { key: 'timeoutMs', type: 'number', default: 10_000, description: 'How long one request may take.' },
    {
      key: 'budgetMs',
      type: 'number',
      default: 90_000,
      description: 'How long all requests together may take; past it the scan reports what it has.',
    },
  ],
};
