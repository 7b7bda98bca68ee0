// What a web scan starts from: a domain or an IP stands for its site's root over both schemes;
// a URL for itself (and, on the default port, for the same path over the other scheme).
import type { EntityKey } from '../../shared/model';
import type { ScanInput } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';

export interface WebTarget {
  /** The entity the results are about: the input itself. */
  entity: EntityKey;
  /** Host as it goes in a URL: a name, an IPv4 address or a bracketed IPv6 address, with a port when one was given. */
  authority: string;
  /** The host name or address alone (no brackets, no port), for TLS dials. */
  hostname: string;
  /** Path and query. */
  path: string;
  /** For a URL on a non-default port: its only scheme (the other scheme would need another port). */
  onlyScheme: 'http' | 'https' | null;
  /** For a URL: its scheme; the scan starts there. */
  scheme: 'http' | 'https' | null;
}

export function webTarget(input: ScanInput): WebTarget {
  const shown = input.value.slice(0, 100);
  if (input.type === 'domain' || input.type === 'ip') {
    const value = canonicalValue(input.type, input.value);
    if (value === undefined) throw new Error(`"${shown}" is not a valid ${input.type}`);
    const authority = value.includes(':') ? `[${value}]` : value;
    return {
      entity: { type: input.type, value },
      authority,
      hostname: value,
      path: '/',
      onlyScheme: null,
      scheme: null,
    };
  }
  if (input.type !== 'url') throw new Error(`a web scan takes a domain, an IP or a URL, not ${input.type}`);
  let url: URL;
  try {
    url = new URL(input.value.trim());
  } catch {
    throw new Error(`"${shown}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${shown}" is not an http or https URL`);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  return {
    entity: { type: 'url', value: input.value },
    authority: url.host,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    path: `${url.pathname}${url.search}`,
    onlyScheme: url.port === '' ? null : scheme,
    scheme,
  };
}

/** The target's URL over a scheme. */
export function urlOver(target: WebTarget, scheme: 'http' | 'https'): string {
  return `${scheme}://${target.authority}${target.path}`;
}
