// The cookie audit: each cookie scored out of 100 from its attributes, each point lost named with
// its risk, and the grade's cookie category (8 points) shared among the cookies: each cookie
// carries an equal part and loses it in proportion to its own score, to the quarter point. No
// cookies, full marks.
import { type CategoryScore, GRADE_CATEGORIES, scoreCategory } from '../../shared/grade';
import type { SetCookie } from './set-cookie';
import { printable } from './text';

/** Cookies audited per scan: the category's explanations have room for this many. */
export const MAX_COOKIES = 50;

export interface CookieProblem {
  points: number;
  problem: string;
}

export interface CookieAudit {
  name: string;
  /** 0-100. */
  score: number;
  problems: CookieProblem[];
  secure: boolean;
  httpOnly: boolean;
  sameSite: string | null;
  domain: string | null;
  path: string | null;
}

/** The prefix rules (RFC 6265bis 4.1.3): what a browser checks before it accepts the cookie. */
export function prefixViolations(cookie: SetCookie): string[] {
  const name = cookie.name.toLowerCase();
  const problems: string[] = [];
  // Browsers match the prefixes case-insensitively since 2024 (Chrome 125, Firefox 127).
  if (name.startsWith('__secure-') && !cookie.secure) problems.push('a __Secure- cookie without Secure');
  if (name.startsWith('__host-')) {
    if (!cookie.secure) problems.push('a __Host- cookie without Secure');
    if (cookie.domain !== null) problems.push('a __Host- cookie with a Domain attribute');
    if (cookie.path !== '/') problems.push('a __Host- cookie without Path=/');
  }
  return problems;
}

export function auditCookie(cookie: SetCookie): CookieAudit {
  const problems: CookieProblem[] = [];
  if (!cookie.secure)
    problems.push({
      points: 40,
      problem: 'no Secure: it is also sent over plain HTTP, where anyone on the path reads it',
    });
  if (!cookie.httpOnly)
    problems.push({ points: 30, problem: 'no HttpOnly: page scripts can read it, so an XSS steals it' });
  const sameSite = cookie.sameSite?.toLowerCase() ?? null;
  if (sameSite === null) {
    problems.push({
      points: 15,
      problem: 'no SameSite: browsers that do not default to Lax send it on cross-site requests (CSRF)',
    });
  } else if (sameSite === 'none') {
    problems.push(
      cookie.secure
        ? { points: 15, problem: 'SameSite=None: it is sent on every cross-site request (CSRF)' }
        : { points: 30, problem: 'SameSite=None without Secure: browsers reject the cookie' },
    );
  } else if (sameSite !== 'lax' && sameSite !== 'strict') {
    problems.push({
      points: 15,
      problem: `SameSite=${printable(cookie.sameSite ?? '', 40)} is not a valid value (treated as if absent)`,
    });
  }
  const prefix = prefixViolations(cookie);
  if (prefix.length > 0) {
    problems.push({ points: 30, problem: `${prefix.join('; ')}: browsers reject the cookie (prefix rules)` });
  }
  const lost = problems.reduce((sum, p) => sum + p.points, 0);
  return {
    name: printable(cookie.name, 100),
    score: Math.max(0, 100 - lost),
    problems,
    secure: cookie.secure,
    httpOnly: cookie.httpOnly,
    sameSite: cookie.sameSite === null ? null : printable(cookie.sameSite, 40),
    domain: cookie.domain === null ? null : printable(cookie.domain, 100),
    path: cookie.path === null ? null : printable(cookie.path, 100),
  };
}

/** The cookie category: each cookie's equal share of the weight, lost in proportion to its score. */
export function cookieScore(audits: readonly CookieAudit[], scanner: string): CategoryScore {
  const share = GRADE_CATEGORIES.cookies.weight / Math.max(1, audits.length);
  const lost = audits
    .filter((a) => a.score < 100)
    .map((a) => ({
      // Quarter points: exact in binary, so the category's sum shows no floating-point residue.
      points: Math.round((share * (100 - a.score)) / 25) / 4,
      reason: `cookie ${a.name} scores ${a.score}/100: ${a.problems.map((p) => p.problem).join('; ')}`.slice(0, 1000),
    }));
  return scoreCategory('cookies', scanner, lost);
}
