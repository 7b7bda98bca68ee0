// A site's TLS settings as OpenSSL options: exactly the versions it lists (SSLv3 aside: Node
// cannot speak it, synthetic-hello.ts answers it), its cipher list and order, and the security
// level old versions and weak keys need. Node's OpenSSL 3 refuses TLS 1.0/1.1 (their
// handshake signatures use SHA-1) and keys under 2048 bits unless the security level is 0.
import { constants } from 'node:crypto';
import { createSecureContext, DEFAULT_CIPHERS, type SecureContext } from 'node:tls';
import type { Site, TLS_VERSIONS } from '../scenario/schema';
import type { IssuedCertificate } from '../tls';

type HttpsSpec = NonNullable<Site['https']>;

/** The versions Node's OpenSSL serves. */
export const NODE_VERSIONS = [
  'TLSv1',
  'TLSv1.1',
  'TLSv1.2',
  'TLSv1.3',
] as const satisfies readonly (typeof TLS_VERSIONS)[number][];
type TlsVersion = (typeof NODE_VERSIONS)[number];

const NO_VERSION: Record<TlsVersion, number> = {
  TLSv1: constants.SSL_OP_NO_TLSv1,
  'TLSv1.1': constants.SSL_OP_NO_TLSv1_1,
  'TLSv1.2': constants.SSL_OP_NO_TLSv1_2,
  'TLSv1.3': constants.SSL_OP_NO_TLSv1_3,
};
/** Node's TLS 1.3 suites; a cipher list without any would make Node cap the version at 1.2. */
const TLS13_SUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

export interface SiteTlsOptions {
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  /** SSL_OP_NO_* for versions inside [min, max] the site leaves out (TLSv1 + TLSv1.2, say). */
  secureOptions: number;
  ciphers: string;
}

export function siteTlsOptions(https: HttpsSpec): SiteTlsOptions {
  const listed = NODE_VERSIONS.filter((v) => https.versions.includes(v));
  const minVersion = listed[0] ?? 'TLSv1.2';
  const maxVersion = listed[listed.length - 1] ?? 'TLSv1.3';
  let secureOptions = 0;
  for (const version of NODE_VERSIONS.slice(NODE_VERSIONS.indexOf(minVersion), NODE_VERSIONS.indexOf(maxVersion) + 1)) {
    if (!listed.includes(version)) secureOptions |= NO_VERSION[version];
  }
  if (https.cipherOrder === 'server') secureOptions |= constants.SSL_OP_CIPHER_SERVER_PREFERENCE;
  const old = listed.includes('TLSv1') || listed.includes('TLSv1.1');
  const { key } = https.certificate;
  const weakKey = key.type === 'rsa' && key.bits < 2048;
  let ciphers: string;
  if (https.ciphers !== undefined) {
    // A listed cipher is wanted however weak it is: level 0, unless the list sets its own.
    ciphers = /@SECLEVEL=/i.test(https.ciphers) ? https.ciphers : `${https.ciphers}:@SECLEVEL=0`;
  } else {
    // A modern site offers what Node offers by default; an old one what OpenSSL still has.
    ciphers = old || weakKey ? 'DEFAULT:@SECLEVEL=0' : DEFAULT_CIPHERS;
  }
  const parts = ciphers.split(':');
  if (listed.includes('TLSv1.3') && !parts.some((c) => c.startsWith('TLS_'))) {
    ciphers = `${TLS13_SUITES}:${ciphers}`;
  }
  // OpenSSL refuses a list without a single TLS 1.2 suite, which a TLS 1.3-only site needs none of
  // (and wants the @SECLEVEL directive after the suites).
  if (!parts.some((c) => c !== '' && !c.startsWith('TLS_') && !c.startsWith('@'))) {
    ciphers = ciphers.replace(/(:@|$)/, ':DEFAULT$1');
  }
  return { minVersion, maxVersion, secureOptions, ciphers };
}

export function siteSecureContext(https: HttpsSpec, issued: IssuedCertificate): SecureContext {
  return createSecureContext({ key: issued.keyPem, cert: issued.chainPem, ...siteTlsOptions(https) });
}
