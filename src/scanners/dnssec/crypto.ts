// The cryptography of DNSSEC validation, with node:crypto: public keys from DNSKEY records,
// signature verification for the algorithms this scanner knows, and DS digests.
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { dsDigestInput } from '../../shared/dns/canonical';
import { type DnskeyRdata, parseRsaPublicKey } from '../../shared/dns/dnssec-rdata';
import { nameWire } from '../../shared/dns/name';

/** Algorithms whose signatures are verified: 8 RSA/SHA-256 (RFC 5702), 13 ECDSA P-256/SHA-256 (RFC 6605). */
export const SUPPORTED_ALGORITHMS: ReadonlySet<number> = new Set([8, 13]);

/** DS digest types computed: 1 SHA-1, 2 SHA-256 (RFC 4509), 4 SHA-384 (RFC 6605). */
const DIGESTS = new Map<number, string>([
  [1, 'sha1'],
  [2, 'sha256'],
  [4, 'sha384'],
]);

export const digestSupported = (digestType: number): boolean => DIGESTS.has(digestType);

export const ALGORITHM_NAMES: Readonly<Record<number, string>> = {
  5: 'RSA/SHA-1',
  7: 'RSASHA1-NSEC3-SHA1',
  8: 'RSA/SHA-256',
  10: 'RSA/SHA-512',
  13: 'ECDSA P-256/SHA-256',
  14: 'ECDSA P-384/SHA-384',
  15: 'Ed25519',
  16: 'Ed448',
};

export const algorithmName = (algorithm: number): string =>
  ALGORITHM_NAMES[algorithm] ? `${algorithm} (${ALGORITHM_NAMES[algorithm]})` : String(algorithm);

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** The key a DNSKEY holds, or undefined when its algorithm is not supported or the key is malformed. */
export function publicKeyOf(dnskey: DnskeyRdata): KeyObject | undefined {
  try {
    if (dnskey.algorithm === 13) {
      // RFC 6605 §4: the point as x || y, 32 bytes each.
      if (dnskey.publicKey.length !== 64) return undefined;
      const x = b64url(dnskey.publicKey.subarray(0, 32));
      const y = b64url(dnskey.publicKey.subarray(32));
      return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
    }
    if (dnskey.algorithm === 8) {
      const { modulus, exponent } = parseRsaPublicKey(dnskey.publicKey);
      return createPublicKey({ key: { kty: 'RSA', n: b64url(modulus), e: b64url(exponent) }, format: 'jwk' });
    }
  } catch {
    // an invalid point or modulus: no usable key
  }
  return undefined;
}

/** Whether `signature` over `data` verifies with `key` under `algorithm` (8 or 13). Never throws. */
export function verifySignature(algorithm: number, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    // DNSSEC ECDSA signatures are r || s (RFC 6605 §4), not DER.
    if (algorithm === 13) return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (algorithm === 8) return verify('sha256', data, key, signature);
  } catch {
    // a signature node:crypto cannot even parse does not verify
  }
  return false;
}

/** The DS digest of a DNSKEY at `owner` (labels) for `digestType`, or undefined for a type not computed. */
export function dsDigest(
  owner: readonly Uint8Array[],
  dnskeyRdata: Uint8Array,
  digestType: number,
): Uint8Array | undefined {
  const hash = DIGESTS.get(digestType);
  if (hash === undefined) return undefined;
  return createHash(hash)
    .update(dsDigestInput(nameWire(owner), dnskeyRdata))
    .digest();
}
