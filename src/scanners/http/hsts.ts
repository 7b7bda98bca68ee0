// Strict-Transport-Security (RFC 6797 6.1): `max-age` (required), `includeSubDomains`, and the
// `preload` token the browsers' preload list asks for. Directive names are case-insensitive; a
// header with a repeated directive or without a valid max-age is invalid and browsers ignore it.
import { nameValue, splitOutsideQuotes } from './fields';

export interface Hsts {
  /** Seconds; null when absent or invalid. */
  maxAge: number | null;
  includeSubDomains: boolean;
  preload: boolean;
  /** Why browsers would ignore the header; empty when they honour it. */
  errors: string[];
}

/** One year: the preload list's minimum max-age. */
export const PRELOAD_MIN_MAX_AGE = 31_536_000;

export function parseHsts(value: string): Hsts {
  const result: Hsts = { maxAge: null, includeSubDomains: false, preload: false, errors: [] };
  const seen = new Set<string>();
  for (const part of splitOutsideQuotes(value, ';')) {
    if (part === '') continue;
    const { name, value: arg } = nameValue(part);
    if (seen.has(name)) {
      result.errors.push(`the directive ${name} appears twice`);
      continue;
    }
    seen.add(name);
    if (name === 'max-age') {
      // Digits only (delta-seconds); huge values are capped rather than lost to floating point.
      if (arg === null || !/^[0-9]{1,20}$/.test(arg)) result.errors.push('max-age is not a number of seconds');
      else result.maxAge = Math.min(Number(arg), Number.MAX_SAFE_INTEGER);
    } else if (name === 'includesubdomains') result.includeSubDomains = true;
    else if (name === 'preload') result.preload = true;
  }
  if (!seen.has('max-age')) result.errors.push('max-age is missing');
  if (result.errors.length > 0) result.maxAge = null;
  return result;
}

/** What keeps a site off the HSTS preload list (hstspreload.org's header rules); empty when eligible. */
export function preloadProblems(hsts: Hsts): string[] {
  const problems: string[] = [];
  if (hsts.maxAge === null || hsts.maxAge < PRELOAD_MIN_MAX_AGE) problems.push('max-age is under one year (31536000)');
  if (!hsts.includeSubDomains) problems.push('includeSubDomains is missing');
  if (!hsts.preload) problems.push('the preload directive is missing');
  return problems;
}
