// The nine security headers the grade counts, 3 points each (27): for every header, whether it is
// present, what it says, how much it is worth, and the risk when it is missing or weak. Pure: the
// scanner hands in the page's response headers and whether it came over HTTPS.
import type { Severity } from '../../shared/model';
import { parseXfo } from './clickjacking';
import { frameAncestors, parseCsp, scriptWeaknesses } from './csp';
import { headerValues } from './fields';
import { parseHsts } from './hsts';
import { printable } from './text';

export type HeaderStatus = 'good' | 'weak' | 'invalid' | 'missing';

export interface HeaderVerdict {
  header: string;
  status: HeaderStatus;
  /** The value as sent (several joined by ", "), shown as text; null when missing. */
  value: string | null;
  /** Points lost out of 3. */
  lost: number;
  /** The finding's severity when points are lost. */
  severity: Severity;
  /** What is wrong and what it risks; for a good header, what it does. */
  detail: string;
}

export const POINTS_PER_HEADER = 3;

interface Context {
  headers: readonly (readonly [string, string])[];
  https: boolean;
}

type Assessment = { status: HeaderStatus; lost: number; detail: string };

interface Rule {
  header: string;
  /** The finding's severity when the header is missing or ineffective. */
  severity: Severity;
  missing: string;
  assess(values: string[], context: Context): Assessment;
}

const good = (detail: string): Assessment => ({ status: 'good', lost: 0, detail });
const weak = (lost: number, detail: string): Assessment => ({ status: 'weak', lost, detail });
const invalid = (detail: string): Assessment => ({ status: 'invalid', lost: POINTS_PER_HEADER, detail });

/** A list header's last recognised token, as browsers read Referrer-Policy. */
function lastKnown(values: readonly string[], known: readonly string[]): string | null {
  const tokens = values.flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase());
  return [...tokens].reverse().find((t) => known.includes(t)) ?? null;
}

const ONE_DAY = 86_400;
const HALF_YEAR = 15_768_000;

const hstsRule: Rule = {
  header: 'Strict-Transport-Security',
  severity: 'medium',
  missing:
    'without HSTS a browser may reach the site over plain HTTP (a typed name, an old link), where an attacker on the path can strip TLS and read or change everything',
  assess(values, { https }) {
    if (!https)
      return invalid('HSTS sent over plain HTTP is ignored by browsers (RFC 6797 8.1); it only counts over HTTPS');
    // Browsers honour only the first header.
    const hsts = parseHsts(values[0] ?? '');
    if (hsts.errors.length > 0) return invalid(`browsers ignore it: ${hsts.errors.join('; ')}`);
    const maxAge = hsts.maxAge ?? 0;
    const scope = hsts.includeSubDomains ? ', subdomains included' : ', subdomains not included';
    if (maxAge === 0) return invalid('max-age=0 tells browsers to forget HSTS for the site');
    if (maxAge < ONE_DAY) return weak(2, `max-age=${maxAge} (under a day) protects only visits close together${scope}`);
    if (maxAge < HALF_YEAR)
      return weak(1, `max-age=${maxAge} is under six months (15768000), the usual minimum${scope}`);
    return good(`max-age=${maxAge}${scope}${hsts.preload ? ', preload requested' : ''}`);
  },
};

const cspRule: Rule = {
  header: 'Content-Security-Policy',
  severity: 'medium',
  missing: 'without a CSP, a script injected into the page (XSS) runs with no restriction on where it loads code from',
  assess(values) {
    const policies = parseCsp(values);
    if (policies.length === 0) return invalid('the policy has no directive browsers recognise');
    const problems = scriptWeaknesses(policies);
    if (problems.length === 0) return good('scripts are limited to listed origins, nonces or hashes');
    return weak(Math.min(2, problems.length), `the policy is weak against XSS: ${problems.join('; ')}`);
  },
};

const xctoRule: Rule = {
  header: 'X-Content-Type-Options',
  severity: 'low',
  missing:
    'without nosniff, browsers may guess a response is a script or a style sheet from its content (MIME sniffing), so uploaded files can run as code',
  assess(values) {
    const value = values[0]?.trim().toLowerCase();
    return value === 'nosniff'
      ? good('nosniff: content types are taken as declared')
      : invalid('the only valid value is nosniff; browsers ignore this one');
  },
};

const xfoRule: Rule = {
  header: 'X-Frame-Options',
  severity: 'low',
  missing:
    'without X-Frame-Options (or CSP frame-ancestors), any site can show this page in a frame and trick visitors into clicking on it (clickjacking)',
  assess(values) {
    const xfo = parseXfo(values);
    if (xfo === 'deny' || xfo === 'sameorigin') return good(`${xfo.toUpperCase()}: framing is limited`);
    if (xfo === 'allow-from') return invalid('ALLOW-FROM is ignored by current browsers; use CSP frame-ancestors');
    return invalid('an invalid or conflicting value, which browsers ignore');
  },
};

const REFERRER_GOOD = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'];
const REFERRER_WEAK: Record<string, number> = {
  origin: 1,
  'origin-when-cross-origin': 1,
  'no-referrer-when-downgrade': 1,
  'unsafe-url': 2,
};

const referrerRule: Rule = {
  header: 'Referrer-Policy',
  severity: 'low',
  missing:
    'without a Referrer-Policy, older browsers send the full URL (paths, query strings with tokens) to every site the page links to or loads from',
  assess(values) {
    const policy = lastKnown(values, [...REFERRER_GOOD, ...Object.keys(REFERRER_WEAK)]);
    if (policy === null) return invalid('no policy browsers recognise');
    const loss = REFERRER_WEAK[policy];
    if (loss === undefined) return good(`${policy}: full URLs stay on the site`);
    return weak(
      loss,
      `${policy} sends ${policy === 'unsafe-url' ? 'the full URL, query included, even to plain-HTTP sites' : 'more than the origin to other sites or over HTTP'}`,
    );
  },
};

/** Features whose grant to every origin hands them to any embedded third party. */
const POWERFUL_FEATURES = [
  'camera',
  'microphone',
  'geolocation',
  'payment',
  'usb',
  'serial',
  'bluetooth',
  'hid',
  'display-capture',
];

const permissionsRule: Rule = {
  header: 'Permissions-Policy',
  severity: 'low',
  missing:
    'without a Permissions-Policy, any frame the page embeds may ask for the camera, microphone, location or payment features',
  assess(values) {
    const entries = values
      .flatMap((v) => v.split(','))
      .map((e) => e.trim())
      .filter((e) => e !== '');
    const parsed = entries.map((e) => {
      const eq = e.indexOf('=');
      return eq > 0 ? { feature: e.slice(0, eq).trim().toLowerCase(), allow: e.slice(eq + 1).trim() } : null;
    });
    if (parsed.length === 0 || parsed.some((p) => p === null))
      return invalid('not a valid Permissions-Policy (feature=(allowlist) entries)');
    const open = parsed.filter((p) => p !== null && p.allow === '*' && POWERFUL_FEATURES.includes(p.feature));
    if (open.length > 0) return weak(1, `${open.map((p) => p?.feature).join(', ')} granted to every origin (*)`);
    return good(`${parsed.length} feature${parsed.length === 1 ? '' : 's'} restricted`);
  },
};

const coopRule: Rule = {
  header: 'Cross-Origin-Opener-Policy',
  severity: 'low',
  missing:
    'without COOP, a page this site opens (or that opens it) keeps a handle to its window, which enables cross-window attacks and XS-Leaks',
  assess(values) {
    const value = values[0]?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (value === 'same-origin' || value === 'noopener-allow-popups')
      return good(`${value}: the window is isolated from other origins`);
    if (value === 'same-origin-allow-popups')
      return weak(1, 'same-origin-allow-popups keeps handles to the popups it opens');
    if (value === 'unsafe-none') return weak(2, 'unsafe-none turns the isolation off (the default)');
    return invalid('an unknown value, which browsers ignore');
  },
};

const corpRule: Rule = {
  header: 'Cross-Origin-Resource-Policy',
  severity: 'low',
  missing: 'without CORP, any site can load this response into its own page (Spectre-style side channels, XS-Leaks)',
  assess(values) {
    const value = values[0]?.trim().toLowerCase() ?? '';
    if (value === 'same-origin' || value === 'same-site')
      return good(`${value}: other sites cannot embed the response`);
    if (value === 'cross-origin') return weak(2, 'cross-origin lets every site embed the response');
    return invalid('an unknown value, which browsers ignore');
  },
};

const xxssRule: Rule = {
  header: 'X-XSS-Protection',
  severity: 'info',
  missing:
    "without it, old browsers' XSS filters run in their default mode; current browsers have removed the filter, so the risk is small",
  assess(values) {
    const [mode = '', ...params] = (values[0] ?? '').split(';').map((p) => p.trim().toLowerCase());
    if (mode === '0') return good('0: the legacy XSS filter is off, as current advice recommends');
    if (mode === '1' && params.includes('mode=block'))
      return good('1; mode=block: legacy filters block the page instead of editing it');
    if (mode === '1')
      return weak(
        1,
        "1 without mode=block: legacy filters edit the page, which attackers have used to disable the page's own scripts",
      );
    return invalid('an unknown value, which browsers ignore');
  },
};

export const RULES: readonly Rule[] = [
  hstsRule,
  cspRule,
  xctoRule,
  xfoRule,
  referrerRule,
  permissionsRule,
  coopRule,
  corpRule,
  xxssRule,
];

/** A missing X-Frame-Options costs nothing when CSP frame-ancestors already restricts framing. */
function framingCovered(headers: Context['headers']): boolean {
  const policies = parseCsp(headerValues(headers, 'content-security-policy'));
  const ancestors = frameAncestors(policies);
  return ancestors.kind === 'none' || ancestors.kind === 'restricted';
}

export function assessHeaders(headers: readonly (readonly [string, string])[], https: boolean): HeaderVerdict[] {
  const context: Context = { headers, https };
  return RULES.map((rule): HeaderVerdict => {
    const values = headerValues(headers, rule.header);
    const value = values.length > 0 ? printable(values.join(', '), 500) : null;
    if (values.length === 0) {
      if (rule === xfoRule && framingCovered(headers)) {
        return {
          header: rule.header,
          status: 'good',
          value,
          lost: 0,
          severity: 'info',
          detail: 'not set, but CSP frame-ancestors restricts framing, which current browsers prefer',
        };
      }
      return {
        header: rule.header,
        status: 'missing',
        value,
        lost: POINTS_PER_HEADER,
        severity: rule.severity,
        detail: rule.missing,
      };
    }
    const { status, lost, detail } = rule.assess(values, context);
    // An invalid header is as good as missing; a weak one is a step less severe than a missing HSTS or CSP.
    const severity: Severity = status === 'weak' && rule.severity === 'medium' ? 'low' : rule.severity;
    return { header: rule.header, status, value, lost, severity, detail };
  });
}
