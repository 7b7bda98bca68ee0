// Names as certificates carry them, made comparable: lowercase, no trailing dot, a wildcard
// "*.x" read as x with a wildcard flag (so no node is ever named "*"), and anything that is not a
// DNS name (email addresses, IPs, HTML, over-long labels) rejected.
import { getDomain } from 'tldts';

export interface CertName {
  name: string;
  wildcard: boolean;
}

/** Where a name sits relative to the domain searched for. */
export type NameScope = 'self' | 'inside' | 'sibling' | 'other';

const LABEL = /^[a-z0-9_-]{1,63}$/;

export function normaliseName(raw: string): CertName | null {
  let name = raw.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  let wildcard = false;
  if (name.startsWith('*.')) {
    wildcard = true;
    name = name.slice(2);
  }
  if (name.length === 0 || name.length > 253) return null;
  const labels = name.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  // An all-digit last label is an IPv4 address (or nonsense), not a host name.
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return null;
  return { name, wildcard };
}

/**
 * The registrable domain of a name. Private suffixes (github.io, ...) count as suffixes: the
 * owner of foo.github.io does not control bar.github.io, so those are different domains.
 */
export function registrableOf(name: string): string | null {
  return getDomain(name, { allowPrivateDomains: true });
}

export function scopeOf(name: string, queried: string, registrable: string): NameScope | null {
  if (name === queried) return 'self';
  if (name.endsWith(`.${queried}`)) return 'inside';
  const own = registrableOf(name);
  if (own === null) return null;
  return own === registrable ? 'sibling' : 'other';
}

/** Identities as crt.sh prints them: one per line (name_value), plus the common name. */
export function splitIdentities(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
