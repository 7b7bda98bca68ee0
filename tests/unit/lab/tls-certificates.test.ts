// The lab CA and the certificates it issues, read back with OpenSSL (node:crypto X509Certificate):
// what a scanner inspecting them would see.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { Certificate, type Certificate as CertificateSpec } from '../../../src/lab/scenario/schema';
import { createLabCa, issueCertificate } from '../../../src/lab/tls';

const ca = createLabCa();
const root = new X509Certificate(ca.rootPem);
const intermediate = new X509Certificate(ca.intermediatePem);

const spec = (overrides: Record<string, unknown> = {}): CertificateSpec =>
  Certificate.parse({
    subject: { CN: 'shop.test', O: 'Shop Ltd', C: 'GB' },
    notBefore: '2024-01-01T00:00:00Z',
    notAfter: '2034-01-01T00:00:00Z',
    ...overrides,
  });

function pems(chain: string): string[] {
  return chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

/** The subject's attribute values as encoded, decoded by hand: OpenSSL's printout escapes them. */
function subjectValues(certificate: X509Certificate): Map<string, string> {
  const cert = forge.asn1.fromDer(certificate.raw.toString('binary'));
  const tbs = (cert.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const subject = (tbs.value as forge.asn1.Asn1[])[5] as forge.asn1.Asn1;
  const values = new Map<string, string>();
  for (const rdn of subject.value as forge.asn1.Asn1[]) {
    const [type, value] = ((rdn.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1).value as forge.asn1.Asn1[];
    if (!type || !value) continue;
    const oid = forge.asn1.derToOid(type.value as string);
    values.set(oid, Buffer.from(value.value as string, 'binary').toString('utf8'));
  }
  return values;
}

describe('createLabCa', () => {
  it('makes a self-signed root and an intermediate it signed, both CAs', () => {
    expect(root.ca).toBe(true);
    expect(intermediate.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(intermediate.verify(root.publicKey)).toBe(true);
    expect(intermediate.checkIssued(root)).toBe(true);
    expect(root.subject).toContain('CN=Tracegraph Lab Root CA');
    expect(intermediate.issuer).toBe(root.subject);
  });

  it('makes a new CA each time (new serials), reusing the keys', () => {
    const again = new X509Certificate(createLabCa().rootPem);
    expect(again.serialNumber).not.toBe(root.serialNumber);
    expect(again.publicKey.equals(root.publicKey)).toBe(true);
  });
});

describe('issueCertificate', () => {
  it('issues a leaf from the intermediate with subject, SANs, validity and key as asked', () => {
    const issued = issueCertificate(
      ca,
      spec({ sans: ['shop.test', '*.shop.test', '203.0.113.10', '2001:db8::1'] }),
      'shop.test',
    );
    const leaf = new X509Certificate(issued.certPem);
    expect(leaf.subject).toBe('C=GB\nO=Shop Ltd\nCN=shop.test');
    expect(leaf.subjectAltName).toBe(
      'DNS:shop.test, DNS:*.shop.test, IP Address:203.0.113.10, IP Address:2001:DB8:0:0:0:0:0:1',
    );
    expect(leaf.issuer).toBe(intermediate.subject);
    expect(leaf.ca).toBe(false);
    expect(new Date(leaf.validFrom).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(new Date(leaf.validTo).toISOString()).toBe('2034-01-01T00:00:00.000Z');
    expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(leaf.checkPrivateKey(createPrivateKey(issued.keyPem))).toBe(true);
    expect(leaf.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1']));
  });

  it('gives a chain (leaf + intermediate) that verifies up to rootPem', () => {
    const issued = issueCertificate(ca, spec(), 'shop.test');
    const [leafPem, intermediatePem, ...rest] = pems(issued.chainPem);
    expect(rest).toEqual([]);
    expect(leafPem).toBe(issued.certPem);
    const leaf = new X509Certificate(leafPem ?? '');
    const middle = new X509Certificate(intermediatePem ?? '');
    const anchor = new X509Certificate(ca.rootPem);
    expect(leaf.checkIssued(middle)).toBe(true);
    expect(leaf.verify(middle.publicKey)).toBe(true);
    expect(middle.checkIssued(anchor)).toBe(true);
    expect(middle.verify(anchor.publicKey)).toBe(true);
  });

  it('issues a self-signed certificate that verifies against itself, with no chain', () => {
    const issued = issueCertificate(ca, spec({ issuer: 'self-signed' }), 'shop.test');
    const cert = new X509Certificate(issued.certPem);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(intermediate.publicKey)).toBe(false);
    expect(issued.chainPem).toBe(issued.certPem);
  });

  it('makes expired and not-yet-valid certificates, and dates past 2049', () => {
    const expired = new X509Certificate(
      issueCertificate(ca, spec({ notBefore: '2019-01-01', notAfter: '2020-01-01' }), 'x.test').certPem,
    );
    expect(new Date(expired.validTo).getTime()).toBeLessThan(Date.now());
    const future = new X509Certificate(
      issueCertificate(ca, spec({ notBefore: '2090-01-01', notAfter: '2095-06-30T12:00:00Z' }), 'x.test').certPem,
    );
    expect(new Date(future.validFrom).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(future.validTo).toISOString()).toBe('2095-06-30T12:00:00.000Z');
  });

  it.each([
    [{ type: 'rsa', bits: 1024 }, 'rsa', { modulusLength: 1024 }],
    [{ type: 'rsa', bits: 4096 }, 'rsa', { modulusLength: 4096 }],
    [{ type: 'ec' }, 'ec', { namedCurve: 'prime256v1' }],
    [{ type: 'ec', bits: 384 }, 'ec', { namedCurve: 'secp384r1' }],
  ])(
    'issues with a %o key',
    (key, type, details) => {
      for (const issuer of ['lab-ca', 'self-signed']) {
        const issued = issueCertificate(ca, spec({ key, issuer }), 'k.test');
        const cert = new X509Certificate(issued.certPem);
        expect(cert.publicKey.asymmetricKeyType).toBe(type);
        expect(cert.publicKey.asymmetricKeyDetails).toMatchObject(details);
        expect(cert.verify(issuer === 'lab-ca' ? intermediate.publicKey : cert.publicKey)).toBe(true);
        expect(cert.checkPrivateKey(createPrivateKey(issued.keyPem))).toBe(true);
      }
    },
    60_000,
  );

  it('shares a key per type and size unless the key has its own id', () => {
    const key = (id?: string) =>
      new X509Certificate(issueCertificate(ca, spec({ key: { type: 'ec', ...(id ? { id } : {}) } }), 'k.test').certPem)
        .publicKey;
    expect(key().equals(key())).toBe(true);
    expect(key('a').equals(key('a'))).toBe(true);
    expect(key('a').equals(key('b'))).toBe(false);
    expect(key('a').equals(key())).toBe(false);
  });

  it('puts the site host name in the SANs when none are listed, and none for an empty list', () => {
    expect(new X509Certificate(issueCertificate(ca, spec(), 'site.test').certPem).subjectAltName).toBe('DNS:site.test');
    expect(new X509Certificate(issueCertificate(ca, spec({ sans: [] }), 'site.test').certPem).subjectAltName).toBe(
      undefined,
    );
  });

  it('keeps hostile subject strings byte for byte: control characters, markup, ~100,000 characters', () => {
    const CN = `<script>alert(1)</script>\u0000\u001b[31m\u202ered\r\n${'A'.repeat(99_900)}`;
    const O = '<img src=x onerror=alert(1)> & "quotes" \u00e9\u4e2d';
    const C = '\u0007X';
    const cert = new X509Certificate(issueCertificate(ca, spec({ subject: { CN, O, C } }), 'x.test').certPem);
    const values = subjectValues(cert);
    expect(values.get('2.5.4.3')).toBe(CN);
    expect(values.get('2.5.4.10')).toBe(O);
    expect(values.get('2.5.4.6')).toBe(C);
    // OpenSSL's own printout escapes what it shows; the bytes above are what a parser gets.
    expect(cert.subject).toContain('CN=\\<script\\>');
  });

  it('issues 5,000 SANs in bounded time', () => {
    const sans = Array.from({ length: 5000 }, (_, i) =>
      i % 10 === 9 ? `10.0.${i >> 8}.${i & 255}` : `h${i}.big.test`,
    );
    const started = performance.now();
    const cert = new X509Certificate(issueCertificate(ca, spec({ sans }), 'big.test').certPem);
    expect(performance.now() - started).toBeLessThan(3000);
    const names = cert.subjectAltName?.split(', ') ?? [];
    expect(names).toHaveLength(5000);
    expect(names.filter((n) => n.startsWith('IP Address:'))).toHaveLength(500);
  });

  it('rejects key sizes the lab does not make, naming the field', () => {
    expect(Certificate.safeParse({ ...spec(), key: { type: 'ec', bits: 521 } }).success).toBe(false);
    expect(Certificate.safeParse({ ...spec(), key: { type: 'rsa', bits: 1000 } }).success).toBe(false);
    expect(Certificate.parse({ ...spec(), key: { bits: 1024 } }).key).toEqual({ type: 'rsa', bits: 1024 });
  });
});

describe('certificate keys', () => {
  const publicKey = (pem: string) => new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'pem' });

  it('gives unrelated certificates keys of their own, so a shared key is never an accident', () => {
    const a = issueCertificate(ca, spec({ key: { type: 'ec', bits: 256 } }), 'a.test');
    const b = issueCertificate(ca, spec({ subject: { CN: 'other.test' }, key: { type: 'ec', bits: 256 } }), 'b.test');
    expect(publicKey(a.certPem)).not.toEqual(publicKey(b.certPem));
  });

  it('keeps one key for the same certificate on several sites, and for certificates naming the same key id', () => {
    const one = spec({ sans: ['x.test', 'y.test'], key: { type: 'ec', bits: 256 } });
    expect(publicKey(issueCertificate(ca, one, 'x.test').certPem)).toEqual(
      publicKey(issueCertificate(ca, one, 'y.test').certPem),
    );
    const first = issueCertificate(ca, spec({ key: { type: 'ec', bits: 256, id: 'actor-1' } }), 'p.test');
    const second = issueCertificate(
      ca,
      spec({ subject: { CN: 'q.test' }, key: { type: 'ec', bits: 256, id: 'actor-1' } }),
      'q.test',
    );
    expect(publicKey(first.certPem)).toEqual(publicKey(second.certPem));
  });
});
