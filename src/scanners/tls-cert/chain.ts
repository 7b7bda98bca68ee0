// The chain as the server sent it: which certificate issued which (issuer name = subject name,
// byte for byte, then the signature checked with the issuer's key through node:crypto), whether
// the order is the one TLS prescribes (each certificate followed by its issuer), and which
// certificates sign themselves.
import { X509Certificate } from 'node:crypto';
import type { ParsedCertificate } from './x509';

export interface ChainLink {
  cert: ParsedCertificate;
  /** Index in the chain of the certificate that issued this one; null when it was not sent. */
  issuerIndex: number | null;
  /** Whether the issuer's key verifies this certificate's signature (null: not checked). */
  signatureValid: boolean | null;
  /** Issuer name equals subject name and the certificate's own key verifies its signature. */
  selfSigned: boolean;
}

export interface Chain {
  links: ChainLink[];
  /** Each certificate is followed by its issuer (or is the last one). */
  ordered: boolean;
  /**
   * The leaf signs itself or its issuer was sent. Servers leave the root out, but a leaf whose
   * issuing intermediate is missing fails in clients that do not fetch it.
   */
  leafIssuerSent: boolean;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

function verifies(cert: ParsedCertificate, issuer: ParsedCertificate): boolean | null {
  try {
    return new X509Certificate(Buffer.from(cert.der)).verify(new X509Certificate(Buffer.from(issuer.der)).publicKey);
  } catch {
    // A key or algorithm node:crypto does not know: unchecked, not failed.
    return null;
  }
}

export function analyseChain(certs: readonly ParsedCertificate[]): Chain {
  const links: ChainLink[] = certs.map((cert) => {
    const selfIssued = sameBytes(cert.issuerRaw, cert.subjectRaw);
    return { cert, issuerIndex: null, signatureValid: null, selfSigned: selfIssued && verifies(cert, cert) !== false };
  });
  for (const [index, link] of links.entries()) {
    if (link.selfSigned) continue;
    const found = links.findIndex(
      (other, i) =>
        i !== index &&
        sameBytes(link.cert.issuerRaw, other.cert.subjectRaw) &&
        verifies(link.cert, other.cert) !== false,
    );
    if (found >= 0) {
      link.issuerIndex = found;
      link.signatureValid = verifies(link.cert, (links[found] as ChainLink).cert);
    }
  }
  const ordered = links.every((link, i) => link.selfSigned || link.issuerIndex === null || link.issuerIndex === i + 1);
  const leaf = links[0];
  return { links, ordered, leafIssuerSent: leaf === undefined || leaf.selfSigned || leaf.issuerIndex !== null };
}
