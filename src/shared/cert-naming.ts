// How certificates and the names on them become entities, for every scanner that meets them (CT
// logs, live TLS handshakes): the same certificate is one node, and a SAN is a domain node.
//
// A certificate is named `sha256:<lowercase hex SHA-256 of its DER>`, its fingerprint. A name is
// lowercase without a trailing dot; a wildcard "*.x" is read as x with a wildcard flag (so no node
// is ever named "*"); anything that is not a DNS name (email addresses, IPs, HTML, over-long
// labels) is rejected.

export interface CertName {
  name: string;
  wildcard: boolean;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The certificate entity's value from its SHA-256 fingerprint (hex, any case). */
export function certificateValue(sha256Hex: string): string {
  const hex = sha256Hex.toLowerCase();
  if (!SHA256_HEX.test(hex)) throw new Error('a certificate fingerprint is 64 hex digits');
  return `sha256:${hex}`;
}

const LABEL = /^[a-z0-9_-]{1,63}$/;

export function normaliseCertName(raw: string): CertName | null {
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
