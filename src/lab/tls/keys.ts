// Key pairs for the lab's certificates. Generation is the slow part of issuing (an RSA 4096 key
// can take seconds), so each kind of key is made once per process and shared by every
// certificate that asks for it: lab start stays fast, and repeated starts in one test run reuse
// the keys. node:crypto generates them natively; node-forge's pure-JS generator is far slower.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';

export type KeySpec = { type: 'rsa'; bits: number } | { type: 'ec'; bits: 256 | 384 };

export interface LabKey {
  readonly spec: KeySpec;
  readonly privateKey: KeyObject;
  /** PKCS#8 PEM, what a TLS server is configured with. */
  readonly privatePem: string;
  /** DER SubjectPublicKeyInfo, embedded as is in certificates. */
  readonly spkiDer: Buffer;
  /** SHA-1 of the public key bits (RFC 5280 4.2.1.2, method 1): the SKI, and the AKI of children. */
  readonly keyId: Buffer;
}

const CURVES = { 256: 'prime256v1', 384: 'secp384r1' } as const;
const cache = new Map<string, LabKey>();

/** The subjectPublicKey bits of an SPKI: PKCS#1 RSAPublicKey, or the uncompressed EC point. */
function publicKeyBits(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType === 'rsa') return publicKey.export({ type: 'pkcs1', format: 'der' });
  const { x, y } = publicKey.export({ format: 'jwk' });
  if (!x || !y) throw new Error('EC public key without coordinates');
  return Buffer.concat([Buffer.from([4]), Buffer.from(x, 'base64url'), Buffer.from(y, 'base64url')]);
}

function generate(spec: KeySpec): LabKey {
  const { privateKey, publicKey } =
    spec.type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: spec.bits })
      : generateKeyPairSync('ec', { namedCurve: CURVES[spec.bits] });
  return {
    spec,
    privateKey,
    privatePem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })),
    spkiDer: publicKey.export({ type: 'spki', format: 'der' }),
    keyId: createHash('sha1').update(publicKeyBits(publicKey)).digest(),
  };
}

/**
 * The process-wide key for a spec. `slot` separates keys that must differ (the CA's own keys,
 * or a scenario asking for a distinct key); the same spec and slot always give the same key.
 */
export function labKey(spec: KeySpec, slot = ''): LabKey {
  const name = `${spec.type}-${spec.bits}/${slot}`;
  let key = cache.get(name);
  if (!key) {
    key = generate(spec);
    cache.set(name, key);
  }
  return key;
}
