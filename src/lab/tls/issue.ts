// Issues a scenario's certificate: signed by the lab's intermediate (the chain a server sends is
// leaf + intermediate) or self-signed, with exactly the subject, SANs, validity and key asked for,
// however odd: expired, not yet valid, 512-bit, 5,000 SANs, markup in the common name.
import { createHash } from 'node:crypto';
import type { Certificate } from '../scenario/schema';
import type { LabCa } from './ca';
import { labKey } from './keys';
import { buildCertificate, type Extension, extensions } from './x509';

export interface IssuedCertificate {
  /** The certificate alone. */
  certPem: string;
  /** Its private key, PKCS#8. */
  keyPem: string;
  /** What a server sends: the certificate, then the intermediate for 'lab-ca' ones. */
  chainPem: string;
}

function parseDate(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`certificate ${field} "${value}" is not a date`);
  return date;
}

/** `hostname` is the site's: the only SAN when the spec lists none (an empty list means none). */
export function issueCertificate(ca: LabCa, spec: Certificate, hostname: string): IssuedCertificate {
  const { key: keySpec } = spec;
  const sans = spec.sans ?? [hostname];
  // Unrelated certificates must not share a key (a key is a pivot); the same certificate served
  // by several sites, or certificates given the same key id, do.
  const slot =
    keySpec.id ??
    `cert:${createHash('sha256')
      .update(JSON.stringify([spec.subject, sans, spec.issuer, spec.notBefore, spec.notAfter]))
      .digest('hex')}`;
  const key = labKey(
    keySpec.type === 'rsa' ? { type: 'rsa', bits: keySpec.bits } : { type: 'ec', bits: keySpec.bits },
    slot,
  );
  const selfSigned = spec.issuer === 'self-signed';
  const list: Extension[] = selfSigned
    ? // As `openssl req -x509` makes them: a CA certificate of its own, so it can be its own anchor.
      [extensions.basicConstraints(true), extensions.subjectKeyId(key), extensions.authorityKeyId(key)]
    : [
        extensions.basicConstraints(false),
        // RSA keys also encipher (TLS 1.0-1.2 RSA key exchange); EC keys only sign.
        extensions.keyUsage(spec.key.type === 'rsa' ? [0, 2] : [0]),
        extensions.serverAuth(),
        extensions.subjectKeyId(key),
        extensions.authorityKeyId(ca.issuer.key),
      ];
  if (sans.length > 0) list.push(extensions.subjectAltName(sans));
  const built = buildCertificate({
    subject: spec.subject,
    ...(selfSigned ? {} : { issuerName: ca.issuer.name }),
    notBefore: parseDate(spec.notBefore, 'notBefore'),
    notAfter: parseDate(spec.notAfter, 'notAfter'),
    key,
    signer: selfSigned ? key : ca.issuer.key,
    extensions: list,
  });
  return {
    certPem: built.pem,
    keyPem: key.privatePem,
    chainPem: selfSigned ? built.pem : built.pem + ca.intermediatePem,
  };
}
