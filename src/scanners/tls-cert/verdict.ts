// What is wrong with a served chain, as findings and as points lost from the SSL grade category
// (25 points; the values are explained in README.md). Pure: the clock is an argument.
import type { Severity } from '../../shared/model';
import type { Chain } from './chain';
import { matchHost } from './hostname';
import { visible } from './text';
import type { ParsedCertificate } from './x509';

export interface Verdict {
  /** A stable name for the kind of problem (tests and the README refer to it). */
  kind:
    | 'expired'
    | 'not-yet-valid'
    | 'self-signed'
    | 'mismatch'
    | 'weak-key'
    | 'weak-signature'
    | 'expiring'
    | 'incomplete-chain'
    | 'misordered-chain';
  severity: Severity;
  title: string;
  detail: string;
  points: number;
}

export const POINTS = {
  expired: 25,
  notYetValid: 20,
  selfSigned: 20,
  mismatch: 20,
  weakKey: 15,
  weakSignature: 10,
  expiring: 5,
  incompleteChain: 5,
  misorderedChain: 2,
  /** Nothing on the HTTPS port while port 80 answers: the whole category. */
  plainHttpOnly: 25,
} as const;

/** Days left before a certificate is reported as expiring soon. */
export const EXPIRING_DAYS = 30;
const DAY_MS = 86_400_000;

export interface Target {
  host: string;
  isIp: boolean;
}

/** Whole days from now to the end of validity (negative once expired); null when unknown. */
export function daysToExpiry(cert: ParsedCertificate, now: number): number | null {
  if (cert.notAfter === null) return null;
  return Math.floor((Date.parse(cert.notAfter) - now) / DAY_MS);
}

/** Why a key is weak, or null: RSA and DSA under 2048 bits, EC under 256. */
export function weakKeyReason(cert: ParsedCertificate): string | null {
  const { type, bits } = cert.publicKey;
  if ((type === 'rsa' || type === 'dsa') && bits !== null && bits < 2048)
    return `${type.toUpperCase()} ${bits} bits (under 2048)`;
  if (type === 'ec' && bits !== null && bits < 256) return `EC ${bits} bits (under 256)`;
  return null;
}

/** Why a signature is weak, or null: MD2, MD5 and SHA-1 hashes are broken for signatures. */
export function weakSignatureReason(cert: ParsedCertificate): string | null {
  const hash = cert.signatureAlgorithm.hash;
  return hash === 'md2' || hash === 'md5' || hash === 'sha1'
    ? `${cert.signatureAlgorithm.name} (${hash.toUpperCase()})`
    : null;
}

const subjectText = (cert: ParsedCertificate): string =>
  visible(cert.subject.map((a) => `${a.type}=${a.value}`).join(', ') || '(empty subject)', 300);

export function judge(chain: Chain, target: Target, now: number): Verdict[] {
  const out: Verdict[] = [];
  const leafLink = chain.links[0];
  if (!leafLink) return out;
  const leaf = leafLink.cert;
  const days = daysToExpiry(leaf, now);
  if (leaf.notAfter !== null && days !== null && Date.parse(leaf.notAfter) < now) {
    out.push({
      kind: 'expired',
      severity: 'high',
      title: `The certificate expired ${-days} day${days === -1 ? '' : 's'} ago`,
      detail: `Valid until ${leaf.notAfter}. Clients refuse it; a site left like this is often abandoned or neglected.`,
      points: POINTS.expired,
    });
  } else if (days !== null && days < EXPIRING_DAYS) {
    out.push({
      kind: 'expiring',
      severity: 'medium',
      title: `The certificate expires in ${days} day${days === 1 ? '' : 's'}`,
      detail: `Valid until ${leaf.notAfter}, under ${EXPIRING_DAYS} days from now.`,
      points: POINTS.expiring,
    });
  }
  if (leaf.notBefore !== null && Date.parse(leaf.notBefore) > now) {
    out.push({
      kind: 'not-yet-valid',
      severity: 'high',
      title: 'The certificate is not valid yet',
      detail: `Valid from ${leaf.notBefore}. Clients refuse it until then; a date in the future suggests a wrong clock where it was made.`,
      points: POINTS.notYetValid,
    });
  }
  if (leafLink.selfSigned) {
    out.push({
      kind: 'self-signed',
      severity: 'high',
      title: 'The certificate is self-signed',
      detail: `Issued by itself (${subjectText(leaf)}), so no public CA vouches for it; clients warn or refuse.`,
      points: POINTS.selfSigned,
    });
  }
  const match = matchHost(target.host, leaf.dnsNames, leaf.ipAddresses, target.isIp);
  if (!match.matches && target.isIp) {
    // Asked by address without SNI, a server presents the certificate of a site it hosts: that it
    // names the site and not the address is how HTTPS works, not a flaw, and its names are the
    // pivots worth following.
    const names = [...leaf.dnsNames, ...leaf.ipAddresses].map((n) => visible(n, 100));
    const shown = names.slice(0, 3).join(', ');
    const more = leaf.sanTotal - Math.min(3, names.length);
    out.push({
      kind: 'mismatch',
      severity: 'info',
      title:
        names.length === 0
          ? `The certificate served at ${target.host} names no host`
          : `The certificate served at ${target.host} covers ${shown}${more > 0 ? ` and ${more} more` : ''}, not the address`,
      detail:
        `Scanned by address, without SNI, the server presented the certificate of a site it hosts. ` +
        `It names: ${names.length > 0 ? names.slice(0, 10).join(', ') : 'nothing'}` +
        `${leaf.sanTotal > 10 ? `, ... (${leaf.sanTotal} in all)` : ''}. Scan those names for their own grade.`,
      points: 0,
    });
  } else if (!match.matches) {
    const names = [...leaf.dnsNames, ...leaf.ipAddresses].slice(0, 10).map((n) => visible(n, 100));
    out.push({
      kind: 'mismatch',
      severity: 'high',
      title: `The certificate does not cover ${target.host}`,
      detail:
        `No subjectAltName entry matches ${target.host} (RFC 6125: wildcards only as the whole leftmost label). ` +
        `It names: ${names.length > 0 ? names.join(', ') : 'nothing'}${leaf.sanTotal > 10 ? `, ... (${leaf.sanTotal} in all)` : ''}.`,
      points: POINTS.mismatch,
    });
  }
  const weakKey = weakKeyReason(leaf);
  if (weakKey !== null) {
    out.push({
      kind: 'weak-key',
      severity: 'high',
      title: `The certificate's key is weak: ${weakKey}`,
      detail: 'Keys this small can be factored or broken with moderate resources; CAs stopped issuing them years ago.',
      points: POINTS.weakKey,
    });
  }
  // Signatures matter on every certificate a client verifies: the root's own does not.
  const weakSigned = chain.links
    .filter((l) => !l.selfSigned || l === leafLink)
    .flatMap((l) => {
      const reason = weakSignatureReason(l.cert);
      return reason === null ? [] : [`${subjectText(l.cert)}: ${reason}`];
    });
  if (weakSigned.length > 0) {
    out.push({
      kind: 'weak-signature',
      severity: weakSigned.some((s) => /MD[25]\)$/.test(s)) ? 'high' : 'medium',
      title: 'A certificate in the chain is signed with a broken hash',
      detail: `${weakSigned.join('\n')}\nCollisions in MD5 and SHA-1 let an attacker forge certificates signed this way.`,
      points: POINTS.weakSignature,
    });
  }
  if (!chain.leafIssuerSent) {
    out.push({
      kind: 'incomplete-chain',
      severity: 'low',
      title: "The server does not send the certificate's issuer",
      detail: `The chain has ${chain.links.length} certificate(s) and none issued the leaf; clients that do not fetch missing intermediates fail.`,
      points: POINTS.incompleteChain,
    });
  }
  if (!chain.ordered) {
    out.push({
      kind: 'misordered-chain',
      severity: 'low',
      title: 'The chain is sent out of order',
      detail: 'TLS expects each certificate to be followed by the one that issued it; some clients fail otherwise.',
      points: POINTS.misorderedChain,
    });
  }
  return out;
}
