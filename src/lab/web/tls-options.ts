// A site's TLS settings as OpenSSL options: exactly the versions it lists, its cipher list, and
// the security level old versions and weak keys need. Node's OpenSSL 3 refuses TLS 1.0/1.1 (their
// handshake signatures use SHA-1) and keys under 2048 bits unless the security level is 0.
import { constants } from 'node:crypto';
import { createSecureContext, DEFAULT_CIPHERS, type SecureContext } from 'node:tls';
import { type Site, TLS_VERSIONS } from '../scenario/schema';
import type { IssuedCertificate } from '../tls';

type TlsVersion = (typeof TLS_VERSIONS)[number];
type HttpsSpec = NonNullable<Site['https']>;

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
  const listed = TLS_VERSIONS.filter((v) => https.versions.includes(v));
  const minVersion = listed[0] ?? 'TLSv1.2';
  const maxVersion = listed[listed.length - 1] ?? 'TLSv1.3';
  let secureOptions = 0;
  for (const version of TLS_VERSIONS.slice(TLS_VERSIONS.indexOf(minVersion), TLS_VERSIONS.indexOf(maxVersion) + 1)) {
    if (!listed.includes(version)) secureOptions |= NO_VERSION[version];
  }
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
  if (listed.includes('TLSv1.3') && !ciphers.split(':').some((c) => c.startsWith('TLS_'))) {
    ciphers = `${TLS13_SUITES}:${ciphers}`;
  }
  return { minVersion, maxVersion, secureOptions, ciphers };
}

export function siteSecureContext(https: HttpsSpec, issued: IssuedCertificate): SecureContext {
  return createSecureContext({ key: issued.keyPem, cert: issued.chainPem, ...siteTlsOptions(https) });
}
