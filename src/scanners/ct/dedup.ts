// One certificate per certificate, whatever the sources: crt.sh lists a precertificate and its
// final certificate as two entries with one serial, and Cert Spotter lists the same certificate
// again with a fingerprint but no serial. Entries merge by fingerprint, then by issuer + serial,
// then (across the two kinds) by issuer + validity + a shared name.

import { type CertName, certificateValue, normaliseCertName } from '../../shared/cert-naming';
import { placeholderSource } from '../kit/placeholder-names';
import type { CtSource, RawCert } from './sources';

export interface MergedCert {
  fingerprint: string | null;
  serial: string | null;
  issuer: string;
  issuerKey: string;
  notBefore: string | null;
  notAfter: string | null;
  /** Valid names, wildcards written "*.x". */
  names: Set<string>;
  /** Identities that are not DNS names (email addresses, HTML, garbage), as listed. */
  invalid: Set<string>;
  sources: Set<CtSource>;
  entryIds: Set<string>;
  refs: Set<string>;
}

const MAX_ISSUER = 500;

/** The issuer DN made comparable: case and spacing around separators differ between sources. */
export function normaliseIssuer(dn: string): string {
  return dn
    .toLowerCase()
    .split(',')
    .map((part) =>
      part
        .trim()
        .replace(/\s*=\s*/, '=')
        .replace(/\s+/g, ' '),
    )
    .filter((part) => part !== '')
    .join(',')
    .slice(0, MAX_ISSUER);
}

function dnField(dn: string, field: string): string | null {
  const match = new RegExp(`(?:^|,)\\s*${field}\\s*=\\s*("[^"]*"|[^,]*)`, 'i').exec(dn);
  const value = match?.[1]?.replace(/^"|"$/g, '').trim();
  return value ? value : null;
}

/** Who issued: the DN's organisation, else its common name, else the text as given (bounded). */
export function issuerLabel(dn: string): string {
  const label = dnField(dn, 'O') ?? dnField(dn, 'CN') ?? dn.trim();
  return (label === '' ? 'unknown issuer' : label).slice(0, 200);
}

/**
 * The issuer as an organisation node: its O, else its CN. None when it has neither, or when the
 * value is a tool's placeholder ("Internet Widgits Pty Ltd"), which would link unrelated sites.
 */
export function issuerOrganization(dn: string): string | null {
  for (const type of ['O', 'CN']) {
    const value = dnField(dn, type);
    if (value !== null) return placeholderSource({ type, value }) === undefined ? value.slice(0, 200) : null;
  }
  return null;
}

export function displayName(name: CertName): string {
  return name.wildcard ? `*.${name.name}` : name.name;
}

export function parseDisplayName(display: string): CertName {
  return display.startsWith('*.') ? { name: display.slice(2), wildcard: true } : { name: display, wildcard: false };
}

/**
 * The certificate's node value. A SHA-256 fingerprint names the certificate itself, so the same
 * certificate met by another scanner (a live TLS handshake) or another log is the same node;
 * without one, issuer + serial is unique (a CA never reuses a serial), while crt.sh's id is only
 * a log entry and would split a precertificate from its certificate.
 */
export function certValue(cert: MergedCert): string {
  if (cert.fingerprint) return certificateValue(cert.fingerprint);
  return `ct:${cert.issuerKey}:${cert.serial ?? 'unknown'}`;
}

export function mergeCerts(entries: readonly (RawCert & { ref?: string })[]): MergedCert[] {
  const merged: MergedCert[] = [];
  const byFingerprint = new Map<string, MergedCert>();
  const bySerial = new Map<string, MergedCert>();
  const byValidity = new Map<string, MergedCert[]>();
  const index = (cert: MergedCert): void => {
    if (cert.fingerprint) byFingerprint.set(cert.fingerprint, cert);
    if (cert.serial) bySerial.set(`${cert.issuerKey}\u0000${cert.serial}`, cert);
  };

  for (const entry of entries) {
    const issuerKey = normaliseIssuer(entry.issuer);
    const names = new Set<string>();
    const invalid = new Set<string>();
    for (const identity of entry.identities) {
      const name = normaliseCertName(identity);
      if (name) names.add(displayName(name));
      else invalid.add(identity.slice(0, 300));
    }
    const validity =
      entry.notBefore && entry.notAfter ? `${issuerKey}\u0000${entry.notBefore}\u0000${entry.notAfter}` : null;

    let cert =
      (entry.fingerprint ? byFingerprint.get(entry.fingerprint) : undefined) ??
      (entry.serial ? bySerial.get(`${issuerKey}\u0000${entry.serial}`) : undefined);
    if (!cert && validity) {
      // Only a serial-only entry and a fingerprint-only entry can be the same certificate here:
      // two entries that both carry serials (or both fingerprints) already had their chance.
      cert = byValidity
        .get(validity)
        ?.find(
          (c) =>
            (entry.serial === null || c.serial === null) &&
            (entry.fingerprint === null || c.fingerprint === null) &&
            [...names].some((n) => c.names.has(n)),
        );
    }
    if (!cert) {
      cert = {
        fingerprint: null,
        serial: null,
        issuer: entry.issuer.slice(0, MAX_ISSUER),
        issuerKey,
        notBefore: entry.notBefore,
        notAfter: entry.notAfter,
        names: new Set(),
        invalid: new Set(),
        sources: new Set(),
        entryIds: new Set(),
        refs: new Set(),
      };
      merged.push(cert);
      if (validity) byValidity.set(validity, [...(byValidity.get(validity) ?? []), cert]);
    }
    cert.fingerprint ??= entry.fingerprint;
    cert.serial ??= entry.serial;
    cert.notBefore ??= entry.notBefore;
    cert.notAfter ??= entry.notAfter;
    // crt.sh gives the full DN; prefer it over Cert Spotter's friendly name.
    if (entry.source === 'crtsh' && entry.issuer.includes('=')) cert.issuer = entry.issuer.slice(0, MAX_ISSUER);
    for (const name of names) cert.names.add(name);
    for (const text of invalid) cert.invalid.add(text);
    cert.sources.add(entry.source);
    cert.entryIds.add(`${entry.source}:${entry.entryId}`);
    if (entry.ref) cert.refs.add(entry.ref);
    index(cert);
  }
  return merged;
}
