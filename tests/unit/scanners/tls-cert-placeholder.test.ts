// The shipped placeholder-name table and matching certificate names against it: OpenSSL's,
// keytool's and products' defaults are found in subjects and issuers whatever their case and
// spacing, real names are not, and a malformed table is refused when it loads.
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import table from '../../../resources/tls/placeholder-names.json';
import { loadPlaceholders, PLACEHOLDERS } from '../../../src/scanners/kit/placeholder-names';
import { placeholdersOf } from '../../../src/scanners/tls-cert/placeholder';
import { type ParsedCertificate, parseCertificate } from '../../../src/scanners/tls-cert/x509';

const keys = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });

/** A certificate with the given subject, issued under `issuer` (self-signed when absent). */
function certificate(subject: forge.pki.CertificateField[], issuer = subject): ParsedCertificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date('2024-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2034-01-01T00:00:00Z');
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return parseCertificate(new Uint8Array(new X509Certificate(forge.pki.certificateToPem(cert)).raw));
}

describe('the placeholder name table', () => {
  it('loads, with a source for every value', () => {
    expect(PLACEHOLDERS.get('O=internet widgits pty ltd')).toMatch(/OpenSSL/);
    expect(PLACEHOLDERS.get('ST=some-state')).toMatch(/OpenSSL/);
    expect(PLACEHOLDERS.get('CN=unknown')).toMatch(/keytool/);
    expect(table.names.every((n) => n.source.length > 10)).toBe(true);
  });

  it('refuses a malformed table, and a value listed twice for one attribute type', () => {
    expect(() => loadPlaceholders({ ...table, names: [{ value: '', types: ['O'], source: 'x' }] })).toThrow(
      /invalid placeholder name table/,
    );
    expect(() => loadPlaceholders({ ...table, names: [{ value: 'Acme', types: ['SN'], source: 'x' }] })).toThrow(
      /invalid placeholder name table/,
    );
    const twice = { value: 'Acme Co', types: ['O'], source: 'Go' };
    expect(() => loadPlaceholders({ ...table, names: [twice, { ...twice, value: ' acme  CO ' }] })).toThrow(
      /O=acme co is listed twice/,
    );
  });
});

describe('placeholdersOf', () => {
  it("finds OpenSSL's defaults in the subject and the issuer of a self-signed certificate", () => {
    const cert = certificate([
      { shortName: 'C', value: 'AU' },
      { shortName: 'ST', value: 'Some-State' },
      { shortName: 'O', value: 'Internet Widgits Pty Ltd' },
      { shortName: 'CN', value: 'localhost' },
    ]);
    const found = placeholdersOf(cert).map((p) => `${p.field} ${p.type}=${p.value}`);
    expect(found).toEqual([
      'subject ST=Some-State',
      'subject O=Internet Widgits Pty Ltd',
      'subject CN=localhost',
      'issuer ST=Some-State',
      'issuer O=Internet Widgits Pty Ltd',
      'issuer CN=localhost',
    ]);
    expect(placeholdersOf(cert)[0]?.source).toMatch(/stateOrProvinceName_default/);
  });

  it('matches whatever the case and spacing, only under the attribute types listed', () => {
    const cert = certificate(
      [
        { shortName: 'CN', value: 'shop.test' },
        { shortName: 'O', value: 'Shop Ltd' },
      ],
      [
        { shortName: 'O', value: '  DEFAULT   company ltd ' },
        { shortName: 'CN', value: 'traefik default cert' },
      ],
    );
    expect(placeholdersOf(cert).map((p) => `${p.field} ${p.type}`)).toEqual(['issuer O', 'issuer CN']);
    // "Some-State" is a placeholder as a state, not as an organisation's name.
    expect(placeholdersOf(certificate([{ shortName: 'O', value: 'Some-State' }]))).toEqual([]);
  });

  it('finds nothing in a real name', () => {
    const cert = certificate(
      [
        { shortName: 'C', value: 'GB' },
        { shortName: 'O', value: 'Harlow & Finch LLP' },
        { shortName: 'CN', value: 'mail.harlowfinch.co.uk' },
      ],
      [
        { shortName: 'C', value: 'US' },
        { shortName: 'O', value: "Let's Encrypt" },
        { shortName: 'CN', value: 'R11' },
      ],
    );
    expect(placeholdersOf(cert)).toEqual([]);
  });
});
