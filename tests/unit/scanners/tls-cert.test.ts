// The TLS certificate scanner's pure parts: the DER reader and certificate fields, RFC 6125 host
// matching, chain linking and the verdicts (with a fixed clock), on certificates the lab issues
// and on ones node-forge signs with weak hashes.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { Certificate } from '../../../src/lab/scenario/schema';
import { createLabCa, issueCertificate } from '../../../src/lab/tls';
import { analyseChain } from '../../../src/scanners/tls-cert/chain';
import { DerError } from '../../../src/scanners/tls-cert/der';
import { matchHost, nameMatches } from '../../../src/scanners/tls-cert/hostname';
import { visible } from '../../../src/scanners/tls-cert/text';
import { judge, POINTS, weakKeyReason, weakSignatureReason } from '../../../src/scanners/tls-cert/verdict';
import { type ParsedCertificate, parseCertificate } from '../../../src/scanners/tls-cert/x509';

const ca = createLabCa();
const der = (pem: string): Uint8Array => new Uint8Array(new X509Certificate(pem).raw);

/** Certificates the lab issues; one key per type and size (key generation is the slow part). */
function issue(overrides: Record<string, unknown> = {}, hostname = 'shop.test'): ParsedCertificate {
  const key = { type: 'rsa', bits: 2048, ...(overrides.key as object | undefined), id: 'tls-cert-test' };
  const spec = Certificate.parse({
    subject: { CN: hostname, O: 'Shop Ltd', C: 'GB' },
    notBefore: '2024-01-01T00:00:00Z',
    notAfter: '2034-01-01T00:00:00Z',
    ...overrides,
    key,
  });
  return parseCertificate(der(issueCertificate(ca, spec, hostname).certPem));
}
const intermediate = parseCertificate(der(ca.intermediatePem));
const root = parseCertificate(der(ca.rootPem));

/** A self-signed certificate signed by node-forge with a chosen key size and hash. */
const forgeKeys = new Map<number, forge.pki.rsa.PrivateKey>();
function forgeKey(bits: number): forge.pki.rsa.PrivateKey {
  let key = forgeKeys.get(bits);
  if (!key) {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: bits,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
    forgeKeys.set(bits, key);
  }
  return key;
}

function forgeCert(bits: number, md: 'sha1' | 'md5' | 'sha256'): ParsedCertificate {
  const key = forgeKey(bits);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '0abc';
  cert.validity.notBefore = new Date('2024-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2034-01-01T00:00:00Z');
  const name = [{ name: 'commonName', value: 'old.test' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: 'old.test' }] }]);
  cert.sign(key, forge.md[md].create());
  return parseCertificate(der(forge.pki.certificateToPem(cert)));
}

const NOW = Date.parse('2026-06-01T00:00:00Z');
const kinds = (certs: ParsedCertificate[], host = 'shop.test', now = NOW) =>
  judge(analyseChain(certs), { host, isIp: false }, now).map((v) => v.kind);

describe('parseCertificate', () => {
  it('reads the fields of a lab certificate as OpenSSL does', () => {
    const cert = issue({ sans: ['shop.test', '*.shop.test', '203.0.113.10', '2001:db8::1'] });
    const node = new X509Certificate(Buffer.from(cert.der));
    expect(cert.sha256).toBe(node.fingerprint256.replaceAll(':', '').toLowerCase());
    expect(cert.serial).toBe(node.serialNumber.toLowerCase().replace(/^0+/, ''));
    expect(cert.version).toBe(3);
    expect(cert.subject).toEqual([
      { type: 'C', value: 'GB' },
      { type: 'O', value: 'Shop Ltd' },
      { type: 'CN', value: 'shop.test' },
    ]);
    expect(cert.issuer.find((a) => a.type === 'CN')?.value).toBe('Tracegraph Lab Issuing CA 1');
    expect(cert.notBefore).toBe('2024-01-01T00:00:00.000Z');
    expect(cert.notAfter).toBe('2034-01-01T00:00:00.000Z');
    expect(cert.publicKey).toEqual({ type: 'rsa', bits: 2048, curve: null });
    expect(cert.signatureAlgorithm).toMatchObject({ name: 'sha256WithRSAEncryption', hash: 'sha256' });
    expect(cert.dnsNames).toEqual(['shop.test', '*.shop.test']);
    expect(cert.ipAddresses).toEqual(['203.0.113.10', '2001:db8::1']);
    expect(cert.sanTotal).toBe(4);
    expect(cert.isCa).toBe(false);
  });

  it('reads EC keys and their curves, CA flags, and GeneralizedTime after 2049', () => {
    const cert = issue({ key: { type: 'ec', bits: 384 }, notAfter: '2060-01-01T00:00:00Z' });
    expect(cert.publicKey).toEqual({ type: 'ec', bits: 384, curve: 'P-384' });
    expect(cert.notAfter).toBe('2060-01-01T00:00:00.000Z');
    expect(root.isCa).toBe(true);
  });

  it('keeps control characters and markup in names as the certificate has them', () => {
    const cert = issue({ subject: { CN: 'x\u0000\u001b[31m<script>', O: '\u202eevil' } });
    expect(cert.subject.find((a) => a.type === 'CN')?.value).toBe('x\u0000\u001b[31m<script>');
    expect(visible('x\u0000\u001b[31m<b>\u202e')).toBe('x\\u0000\\u001b[31m<b>\\u202e');
  });

  it('counts every SAN and keeps at most the limit', () => {
    const sans = Array.from({ length: 3000 }, (_, i) => `h${i}.big.test`);
    const cert = parseCertificate(issue({ sans }).der, 100);
    expect(cert.sanTotal).toBe(3000);
    expect(cert.dnsNames).toHaveLength(100);
  });

  it('throws only DerError on arbitrary bytes and on corrupted certificates', () => {
    const good = issue().der;
    const onlyDerErrors = (bytes: Uint8Array): boolean => {
      try {
        parseCertificate(bytes);
        return true;
      } catch (error) {
        return error instanceof DerError;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), onlyDerErrors), { numRuns: 2000 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        (edits) => {
          const bytes = new Uint8Array(good);
          for (const [at, value] of edits) bytes[at] = value;
          return onlyDerErrors(bytes);
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(good.length), (cut) => onlyDerErrors(good.subarray(0, cut))),
      { numRuns: 500 },
    );
  });
});

describe('host matching (RFC 6125)', () => {
  it.each([
    ['shop.test', 'shop.test', true],
    ['SHOP.test.', 'shop.TEST', true],
    ['*.shop.test', 'www.shop.test', true],
    ['*.shop.test', 'shop.test', false],
    ['*.shop.test', 'a.b.shop.test', false],
    ['*.test', 'shop.test', false],
    ['w*.shop.test', 'www.shop.test', false],
    ['www.*.test', 'www.shop.test', false],
    ['*', 'shop', false],
    ['', 'shop.test', false],
  ])('%s covers %s: %s', (pattern, host, expected) => {
    expect(nameMatches(pattern, host)).toBe(expected);
  });

  it('matches IP targets against iPAddress entries only', () => {
    expect(matchHost('2001:db8::1', ['2001:db8::1'], ['2001:DB8:0:0:0:0:0:1'], true)).toEqual({
      matches: true,
      by: '2001:DB8:0:0:0:0:0:1',
    });
    expect(matchHost('203.0.113.10', ['203.0.113.10'], [], true).matches).toBe(false);
  });
});

describe('weak keys and signatures', () => {
  it('flags RSA under 2048 bits and SHA-1 / MD5 signatures', () => {
    const sha1 = forgeCert(1024, 'sha1');
    expect(weakKeyReason(sha1)).toBe('RSA 1024 bits (under 2048)');
    expect(weakSignatureReason(sha1)).toBe('sha1WithRSAEncryption (SHA1)');
    expect(weakSignatureReason(forgeCert(2048, 'md5'))).toBe('md5WithRSAEncryption (MD5)');
    const modern = forgeCert(2048, 'sha256');
    expect(weakKeyReason(modern)).toBeNull();
    expect(weakSignatureReason(modern)).toBeNull();
    expect(weakKeyReason(issue({ key: { type: 'ec', bits: 256 } }))).toBeNull();
  });

  it('reports them with the self-signed verdict, MD5 as high', () => {
    const verdicts = judge(analyseChain([forgeCert(1024, 'md5')]), { host: 'old.test', isIp: false }, NOW);
    expect(verdicts.map((v) => v.kind)).toEqual(['self-signed', 'weak-key', 'weak-signature']);
    expect(verdicts.find((v) => v.kind === 'weak-signature')?.severity).toBe('high');
    expect(
      judge(analyseChain([forgeCert(2048, 'sha1')]), { host: 'old.test', isIp: false }, NOW).at(-1)?.severity,
    ).toBe('medium');
  });
});

describe('chains and verdicts', () => {
  it('links a leaf to the intermediate that signed it and finds nothing wrong in a good chain', () => {
    const leaf = issue();
    const chain = analyseChain([leaf, intermediate]);
    expect(chain.links.map((l) => [l.issuerIndex, l.signatureValid, l.selfSigned])).toEqual([
      [1, true, false],
      [null, null, false],
    ]);
    expect(chain).toMatchObject({ ordered: true, leafIssuerSent: true });
    expect(kinds([leaf, intermediate])).toEqual([]);
  });

  it('finds self-signed certificates by their signature, and an issuer name alone is not enough', () => {
    expect(analyseChain([issue({ issuer: 'self-signed' })]).links[0]?.selfSigned).toBe(true);
    // Subject = issuer name, but signed by the lab CA's key: not self-signed.
    const impostor = issue({ subject: { CN: 'Tracegraph Lab Issuing CA 1', O: 'Tracegraph Lab', C: 'ZZ' } });
    expect(analyseChain([impostor]).links[0]?.selfSigned).toBe(false);
  });

  it('reports expired, expiring, not yet valid, mismatch, incomplete and misordered chains', () => {
    expect(kinds([issue({ notAfter: '2026-01-01T00:00:00Z' }), intermediate])).toEqual(['expired']);
    expect(kinds([issue({ notAfter: '2026-06-20T00:00:00Z' }), intermediate])).toEqual(['expiring']);
    expect(kinds([issue({ notAfter: '2026-07-02T00:00:00Z' }), intermediate])).toEqual([]);
    expect(kinds([issue({ notBefore: '2027-01-01T00:00:00Z' }), intermediate])).toEqual(['not-yet-valid']);
    expect(kinds([issue({ sans: ['*.shop.test'] }), intermediate])).toEqual(['mismatch']);
    expect(kinds([issue({ sans: ['*.shop.test'] }), intermediate], 'www.shop.test')).toEqual([]);
    expect(kinds([issue()])).toEqual(['incomplete-chain']);
    expect(kinds([issue(), root, intermediate])).toEqual(['misordered-chain']);
  });

  it('reports an address the certificate does not name as information costing nothing, naming what it covers', () => {
    const sans = ['mail.shop.test', 'webmail.shop.test', 'autodiscover.shop.test', 'shop.test'];
    const [ip] = judge(analyseChain([issue({ sans }), intermediate]), { host: '203.0.113.10', isIp: true }, NOW);
    expect(ip).toMatchObject({
      kind: 'mismatch',
      severity: 'info',
      points: 0,
      title:
        'The certificate served at 203.0.113.10 covers mail.shop.test, webmail.shop.test, autodiscover.shop.test and 1 more, not the address',
    });
    expect(ip?.detail).toContain('shop.test.');
    const bare = judge(analyseChain([issue({ sans: [] }), intermediate]), { host: '203.0.113.10', isIp: true }, NOW);
    expect(bare.map((v) => [v.severity, v.title])).toEqual([
      ['info', 'The certificate served at 203.0.113.10 names no host'],
    ]);
    // A domain the certificate does not name stays a high finding that costs points.
    const domain = judge(analyseChain([issue({ sans }), intermediate]), { host: 'other.test', isIp: false }, NOW);
    expect(domain.map((v) => [v.kind, v.severity, v.points])).toEqual([['mismatch', 'high', POINTS.mismatch]]);
  });

  it('loses the documented points, which the grade floors at zero', () => {
    const verdicts = judge(
      analyseChain([
        issue({ issuer: 'self-signed', notAfter: '2025-01-01T00:00:00Z', key: { type: 'rsa', bits: 1024 } }),
      ]),
      { host: 'other.test', isIp: false },
      NOW,
    );
    expect(verdicts.map((v) => [v.kind, v.points])).toEqual([
      ['expired', POINTS.expired],
      ['self-signed', POINTS.selfSigned],
      ['mismatch', POINTS.mismatch],
      ['weak-key', POINTS.weakKey],
    ]);
  });
});
