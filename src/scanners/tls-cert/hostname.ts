// Does a certificate name a host? RFC 6125 section 6.4, as browsers apply it: DNS names from the
// subjectAltName only (no fallback to the common name), case-insensitive, a wildcard only as the
// whole leftmost label and matching exactly one label, never over a bare public suffix-like
// two-label name (*.com); IP targets match iPAddress entries only.
import ipaddr from 'ipaddr.js';

function clean(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function canonicalIp(text: string): string | null {
  try {
    return ipaddr.process(text).toString();
  } catch {
    return null;
  }
}

/** Whether one dNSName pattern covers `host` (both ASCII; IDNs as A-labels). */
export function nameMatches(pattern: string, host: string): boolean {
  const p = clean(pattern);
  const h = clean(host);
  if (p === '' || h === '') return false;
  const labels = p.split('.');
  if (labels.slice(1).some((l) => l.includes('*'))) return false;
  if (labels[0] !== '*') return !p.includes('*') && p === h;
  // "*.example.com" at least: a wildcard over two labels would cover a whole TLD.
  if (labels.length < 3) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === labels.slice(1).join('.');
}

export interface HostMatch {
  matches: boolean;
  /** The SAN entry that matched, when one did. */
  by: string | null;
}

export function matchHost(
  host: string,
  dnsNames: readonly string[],
  ipAddresses: readonly string[],
  isIp: boolean,
): HostMatch {
  if (isIp) {
    const target = canonicalIp(host);
    const by = ipAddresses.find((ip) => target !== null && canonicalIp(ip) === target) ?? null;
    return { matches: by !== null, by };
  }
  const by = dnsNames.find((pattern) => nameMatches(pattern, host)) ?? null;
  return { matches: by !== null, by };
}
