// Where the names certificates carry sit relative to the domain searched for. The names
// themselves are normalised by src/shared/cert-naming.ts, shared with the TLS scanners.
import { getDomain } from 'tldts';

/** Where a name sits relative to the domain searched for. */
export type NameScope = 'self' | 'inside' | 'sibling' | 'other';

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
