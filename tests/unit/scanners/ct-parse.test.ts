// The CT scanner's pure parts: both response parsers (never throwing, whatever the JSON), name
// normalisation and scope, and deduplication across entries and sources.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  certValue,
  issuerLabel,
  issuerOrganization,
  mergeCerts,
  normaliseIssuer,
} from '../../../src/scanners/ct/dedup';
import { scopeOf } from '../../../src/scanners/ct/names';
import { densestWindow } from '../../../src/scanners/ct/scanner';
import { ctTime, normaliseSerial, parseCertspotter, parseCrtsh, type RawCert } from '../../../src/scanners/ct/sources';
import { normaliseCertName as normaliseName } from '../../../src/shared/cert-naming';

const row = {
  issuer_ca_id: 7,
  issuer_name: "C=US, O=Let's Encrypt, CN=R11",
  common_name: 'example.com',
  name_value: 'example.com\nwww.example.com',
  id: 5,
  entry_timestamp: '2024-01-01T00:00:00.1',
  not_before: '2024-01-01T00:00:00',
  not_after: '2024-04-01T00:00:00',
  serial_number: '00AB',
  result_count: 2,
};

const issuance = {
  id: '9',
  cert_sha256: 'A'.repeat(64),
  dns_names: ['www.example.com', 'example.com'],
  issuer: { name: "C=US, O=Let's Encrypt, CN=R11", friendly_name: 'R11' },
  not_before: '2024-01-01T00:00:00Z',
  not_after: '2024-04-01T00:00:00Z',
};

describe('CT response parsers', () => {
  it('never throw on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 50 }), (json, max) => {
        for (const result of [parseCrtsh(json, max), parseCertspotter(json, max)]) {
          if (result.ok) expect(result.certs.length + result.skipped).toBeLessThanOrEqual(max);
          else expect(result.reason).toMatch(/expected a JSON list/);
        }
      }),
    );
  });

  it('never throw on lists of almost-right rows', () => {
    const mutated = (base: Record<string, unknown>) =>
      fc.dictionary(fc.constantFrom(...Object.keys(base)), fc.jsonValue()).map((patch) => ({ ...base, ...patch }));
    fc.assert(
      fc.property(fc.array(mutated(row)), fc.array(mutated(issuance)), (rows, issuances) => {
        const a = parseCrtsh(rows, 1000);
        const b = parseCertspotter(issuances, 1000);
        expect(a.ok && a.certs.length + a.skipped === rows.length).toBe(true);
        expect(b.ok && b.certs.length + b.skipped === issuances.length).toBe(true);
      }),
    );
  });

  it('read both shapes into one certificate form', () => {
    const a = parseCrtsh([row], 10);
    expect(a.ok && a.certs[0]).toEqual({
      source: 'crtsh',
      entryId: '5',
      issuer: "C=US, O=Let's Encrypt, CN=R11",
      serial: 'ab',
      fingerprint: null,
      notBefore: '2024-01-01T00:00:00.000Z',
      notAfter: '2024-04-01T00:00:00.000Z',
      identities: ['example.com', 'www.example.com', 'example.com'],
    });
    const b = parseCertspotter([issuance], 10);
    expect(b.ok && b.certs[0]?.fingerprint).toBe('a'.repeat(64));
    expect(b.ok && b.certs[0]?.notBefore).toBe('2024-01-01T00:00:00.000Z');
  });

  it('skip rows of the wrong shape and say why', () => {
    const result = parseCrtsh([{ ...row, id: 'x' }, { ...row, serial_number: 'zz' }, row], 10);
    expect(result.ok && [result.certs.length, result.skipped]).toEqual([1, 2]);
    expect(result.ok && result.reasons[0]).toMatch(/^row 0: id/);
    const capped = parseCertspotter([issuance, issuance, issuance], 2);
    expect(capped.ok && [capped.certs.length, capped.capped, capped.total]).toEqual([2, true, 3]);
  });

  it('normalise serials and times', () => {
    expect(normaliseSerial('00:0A:bc')).toBe('abc');
    expect(normaliseSerial('0000')).toBe('0');
    expect(normaliseSerial('<b>')).toBeNull();
    expect(ctTime('2024-02-30T00:00:00')).toBe('2024-03-01T00:00:00.000Z');
    expect(ctTime('2024-01-01T01:00:00+01:00')).toBe('2024-01-01T00:00:00.000Z');
    expect(ctTime('yesterday')).toBeNull();
  });
});

describe('certificate names', () => {
  it('lowercases, strips the trailing dot and reads wildcards as a flag', () => {
    expect(normaliseName(' WWW.Example.COM. ')).toEqual({ name: 'www.example.com', wildcard: false });
    expect(normaliseName('*.Example.com')).toEqual({ name: 'example.com', wildcard: true });
    for (const bad of [
      '*',
      '*.com.',
      'a..b.example.com',
      'admin@example.com',
      '10.0.0.1',
      '<img src=x>',
      `${'x'.repeat(64)}.com`,
      'localhost',
      'a.*.example.com',
    ]) {
      expect(normaliseName(bad)).toBeNull();
    }
  });

  it('never yields a name with "*" or outside [a-z0-9._-]', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const name = normaliseName(text);
        if (name) expect(name.name).toMatch(/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/);
      }),
    );
  });

  it('places names relative to the searched domain', () => {
    expect(scopeOf('example.com', 'example.com', 'example.com')).toBe('self');
    expect(scopeOf('a.example.com', 'example.com', 'example.com')).toBe('inside');
    expect(scopeOf('b.example.com', 'a.example.com', 'example.com')).toBe('sibling');
    expect(scopeOf('other.net', 'example.com', 'example.com')).toBe('other');
    expect(scopeOf('bar.github.io', 'foo.github.io', 'foo.github.io')).toBe('other');
    expect(scopeOf('co.uk', 'example.co.uk', 'example.co.uk')).toBeNull();
  });
});

const raw = (over: Partial<RawCert>): RawCert => ({
  source: 'crtsh',
  entryId: '1',
  issuer: 'C=US, O=Test CA, CN=T1',
  serial: 'ab',
  fingerprint: null,
  notBefore: '2024-01-01T00:00:00.000Z',
  notAfter: '2024-04-01T00:00:00.000Z',
  identities: ['example.com'],
  ...over,
});

describe('certificate deduplication', () => {
  it('merges a precertificate and its certificate (one serial), and the Cert Spotter issuance', () => {
    const merged = mergeCerts([
      raw({ entryId: '1', ref: 'r1' } as Partial<RawCert>),
      raw({ entryId: '2', identities: ['example.com', 'WWW.example.com.'] }),
      raw({
        source: 'certspotter',
        entryId: '77',
        serial: null,
        fingerprint: 'f'.repeat(64),
        identities: ['www.example.com'],
        issuer: 'c=us,o=test ca, cn=t1',
      }),
    ]);
    expect(merged).toHaveLength(1);
    const cert = merged[0];
    expect(cert && [...cert.sources]).toEqual(['crtsh', 'certspotter']);
    expect(cert && [...cert.names]).toEqual(['example.com', 'www.example.com']);
    expect(cert && certValue(cert)).toBe(`sha256:${'f'.repeat(64)}`);
    expect(cert?.issuer).toBe('C=US, O=Test CA, CN=T1');
  });

  it('keeps apart certificates with another serial, issuer, validity or no shared name', () => {
    const merged = mergeCerts([
      raw({}),
      raw({ serial: 'ac' }),
      raw({ issuer: 'CN=Other' }),
      raw({ source: 'certspotter', serial: null, fingerprint: '1'.repeat(64), notBefore: '2024-01-02T00:00:00.000Z' }),
      raw({ source: 'certspotter', serial: null, fingerprint: '2'.repeat(64), identities: ['other.example.com'] }),
    ]);
    expect(merged).toHaveLength(5);
    expect(certValue(merged[0] as (typeof merged)[0])).toBe('ct:c=us,o=test ca,cn=t1:ab');
  });

  it('is order-independent for entries with serials', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ serial: fc.constantFrom('1', '2', '3'), issuer: fc.constantFrom('CN=A', 'cn = a', 'CN=B') }),
        ),
        (specs) => {
          const entries = specs.map((s) => raw(s));
          const count = (list: RawCert[]) => mergeCerts(list).length;
          expect(count(entries)).toBe(count([...entries].reverse()));
          expect(count(entries)).toBe(new Set(specs.map((s) => `${normaliseIssuer(s.issuer)} ${s.serial}`)).size);
        },
      ),
    );
  });

  it('labels issuers by organisation, then common name, then the text', () => {
    expect(issuerLabel("C=US, O=Let's Encrypt, CN=R11")).toBe("Let's Encrypt");
    expect(issuerLabel('CN=Lab Root')).toBe('Lab Root');
    expect(issuerLabel('<img src=x>')).toBe('<img src=x>');
    expect(issuerLabel('')).toBe('unknown issuer');
  });

  it('makes an organisation of a named issuer only, never of a placeholder or of nothing', () => {
    expect(issuerOrganization("C=US, O=Let's Encrypt, CN=R11")).toBe("Let's Encrypt");
    expect(issuerOrganization('CN=Lab Root')).toBe('Lab Root');
    expect(issuerOrganization('C=AU, ST=Some-State, O=Internet Widgits Pty Ltd')).toBeNull();
    expect(issuerOrganization('O=internet  widgits pty ltd, CN=Real Name')).toBeNull();
    expect(issuerOrganization('C=US')).toBeNull();
    expect(issuerOrganization('')).toBeNull();
  });

  it('finds the densest issuance window', () => {
    const h = 3_600_000;
    expect(densestWindow([0, 1 * h, 2 * h, 30 * h, 31 * h], 24 * h)).toEqual({ count: 3, from: 0, to: 2 * h });
    expect(densestWindow([], h).count).toBe(0);
  });
});
