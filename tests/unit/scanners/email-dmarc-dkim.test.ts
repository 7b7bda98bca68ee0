import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DkimRecord,
  dkimKey,
  formatDkim,
  isDkimRecord,
  parseDkim,
} from '../../../src/scanners/email-security/dkim';
import {
  type DmarcRecord,
  effectivePolicy,
  formatDmarc,
  isDmarcRecord,
  parseDmarc,
  reportDomain,
  subdomainPolicy,
} from '../../../src/scanners/email-security/dmarc';

const policy = fc.constantFrom('none', 'quarantine', 'reject') as fc.Arbitrary<'none' | 'quarantine' | 'reject'>;
const align = fc.constantFrom('r', 's') as fc.Arbitrary<'r' | 's'>;
const mailbox = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9.+_-]{1,10}$/),
    fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?\.[a-z]{2,6}$/),
  )
  .map(([local, domain]) => `mailto:${local}@${domain}`);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const dmarc: fc.Arbitrary<Omit<DmarcRecord, 'errors' | 'unknown'>> = fc
  .record({
    p: opt(policy),
    sp: opt(policy),
    pct: opt(fc.integer({ min: 0, max: 100 })),
    rua: fc.array(mailbox, { maxLength: 3 }),
    ruf: fc.array(mailbox, { maxLength: 3 }),
    adkim: opt(align),
    aspf: opt(align),
    fo: opt(fc.array(fc.constantFrom('0', '1', 'd', 's'), { minLength: 1, maxLength: 4 })),
    rf: opt(fc.constant<string[]>(['afrf'])),
    ri: opt(fc.nat()),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as typeof r);

describe('DMARC parser', () => {
  it('never throws, on any text or anything after "v=DMARC1;"', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (text) => {
        parseDmarc(text);
        const parsed = parseDmarc(`v=DMARC1;${text}`);
        expect(parsed).toBeDefined();
        expect(parsed?.errors.length).toBeLessThanOrEqual(20);
        expect(parsed?.rua.length).toBeLessThanOrEqual(10);
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips any record it can write', () => {
    fc.assert(
      fc.property(dmarc, (record) => {
        const parsed = parseDmarc(formatDmarc(record));
        const expectedErrors = record.p === undefined ? ['the required p= tag is missing'] : [];
        expect(parsed).toEqual({ ...record, errors: expectedErrors, unknown: [] });
        expect(parseDmarc(formatDmarc(parsed as DmarcRecord))).toEqual(parsed);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads the tags, case-insensitively where RFC 7489 says so', () => {
    expect(
      parseDmarc('v=DMARC1; p=Reject; sp=none; pct=50; rua=mailto:a@x.test,mailto:b@y.test!10m; adkim=S; fo=0:d'),
    ).toEqual({
      p: 'reject',
      sp: 'none',
      pct: 50,
      rua: ['mailto:a@x.test', 'mailto:b@y.test!10m'],
      ruf: [],
      adkim: 's',
      fo: ['0', 'd'],
      errors: [],
      unknown: [],
    });
    expect(isDmarcRecord('v=DMARC1')).toBe(true);
    expect(isDmarcRecord('v=dmarc1; p=none')).toBe(false);
    expect(isDmarcRecord('v=spf1 -all')).toBe(false);
  });

  it('flags what is wrong: bad values, duplicates, HTML in report URIs, a missing semicolon', () => {
    const parsed = parseDmarc(
      'v=DMARC1; p=block; p=reject; pct=101; rua=<script>alert(1)</script>, mailto:ok@x.test; ruf=https://x.test/r; adkim=x; zz=1; garbage',
    );
    expect(parsed).toMatchObject({ rua: ['mailto:ok@x.test'], ruf: [], unknown: ['zz'] });
    expect(parsed?.p).toBeUndefined();
    expect(parsed?.errors).toEqual([
      'p=block is not none, quarantine or reject',
      'the p= tag appears more than once',
      'pct=101 is not a whole number from 0 to 100',
      'rua: "<script>alert(1)</script>" is not a mailto: URI',
      'ruf: "https://x.test/r" is not a mailto: URI',
      'adkim=x is not r or s',
      '"garbage" is not a tag=value pair',
    ]);
    expect(parseDmarc('v=DMARC1 p=reject')?.errors).toEqual([
      'the record must start "v=DMARC1;", not "v=DMARC1 p=reject"',
      'the required p= tag is missing',
    ]);
  });

  it('applies the fallbacks of §6.6.3 and §6.3', () => {
    const noP = parseDmarc('v=DMARC1; rua=mailto:a@x.test') as DmarcRecord;
    expect(effectivePolicy(noP)).toBe('none');
    expect(effectivePolicy(parseDmarc('v=DMARC1; pct=50') as DmarcRecord)).toBeUndefined();
    const withSp = parseDmarc('v=DMARC1; p=quarantine; sp=reject') as DmarcRecord;
    expect(subdomainPolicy(withSp)).toBe('reject');
    expect(subdomainPolicy(parseDmarc('v=DMARC1; p=quarantine') as DmarcRecord)).toBe('quarantine');
    expect(reportDomain('mailto:Reports@Vendor.EXAMPLE!5m')).toBe('vendor.example');
    expect(reportDomain('<img>')).toBeUndefined();
  });
});

const rsaSpki = (bits: number) =>
  generateKeyPairSync('rsa', { modulusLength: bits })
    .publicKey.export({ type: 'spki', format: 'der' })
    .toString('base64');

describe('DKIM key records', () => {
  it('never throw, whatever the text or key bytes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (text) => {
        const parsed = parseDkim(text);
        if (parsed) dkimKey(parsed);
        const forced = parseDkim(`v=DKIM1; p=${text}`);
        if (forced) dkimKey(forced);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('rsa', 'ed25519'), (bytes, k) => {
        const key = dkimKey({ k, p: Buffer.from(bytes).toString('base64') });
        expect(key.revoked).toBe(bytes.length === 0);
      }),
      { numRuns: 3000 },
    );
  });

  const dkim: fc.Arbitrary<Omit<DkimRecord, 'errors'>> = fc
    .record({
      k: fc.constantFrom('rsa', 'ed25519'),
      p: fc.oneof(
        fc.constant(''),
        fc.base64String({ minLength: 4, maxLength: 400 }).filter((s) => s.length > 0),
      ),
      h: opt(fc.array(fc.constantFrom('sha256', 'sha1'), { minLength: 1, maxLength: 2 })),
      t: fc.array(fc.constantFrom('y', 's'), { maxLength: 2 }),
      s: opt(fc.array(fc.constantFrom('email', '*'), { minLength: 1, maxLength: 2 })),
      n: opt(fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9 ]{0,20}[a-zA-Z0-9])?$/)),
    })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as typeof r);

  it('round-trip any record they can write', () => {
    fc.assert(
      fc.property(dkim, (record) => {
        expect(parseDkim(formatDkim(record))).toEqual({ ...record, errors: [] });
      }),
      { numRuns: 1000 },
    );
  });

  it('read RSA modulus sizes from SubjectPublicKeyInfo and from a bare RSAPublicKey', () => {
    for (const bits of [1024, 2048, 3072]) {
      expect(dkimKey({ k: 'rsa', p: rsaSpki(bits) })).toEqual({ type: 'rsa', bits, revoked: false });
    }
    const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ type: 'pkcs1', format: 'der' })
      .toString('base64');
    expect(dkimKey({ k: 'rsa', p: pkcs1 })).toEqual({ type: 'rsa', bits: 1024, revoked: false });
    // Folded across TXT strings and lines, as zone files often publish it.
    const folded = parseDkim(`v=DKIM1; k=rsa; p=${rsaSpki(2048).replace(/(.{60})/g, '$1 \r\n\t')}`) as DkimRecord;
    expect(dkimKey(folded)).toEqual({ type: 'rsa', bits: 2048, revoked: false });
  });

  it('read Ed25519 keys, revoked keys and say what is wrong with the rest', () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    expect(dkimKey({ k: 'ed25519', p: ed.subarray(-32).toString('base64') })).toEqual({
      type: 'ed25519',
      bits: 256,
      revoked: false,
    });
    expect(dkimKey({ k: 'ed25519', p: ed.toString('base64') })).toMatchObject({
      bits: 256,
      error: expect.stringMatching(/wrapped/),
    });
    expect(dkimKey({ k: 'ed25519', p: 'AAAA' })).toMatchObject({ error: 'an Ed25519 key is 32 bytes, this one is 3' });
    expect(dkimKey({ k: 'rsa', p: '' })).toEqual({ type: 'rsa', revoked: true });
    expect(dkimKey({ k: 'rsa', p: ed.toString('base64') })).toMatchObject({ error: 'the key is not an RSA key' });
    expect(dkimKey({ k: 'dsa', p: 'AAAA' })).toMatchObject({ error: 'unknown key type k=dsa' });
    expect(dkimKey({ k: 'rsa', p: '!!!!' })).toMatchObject({ error: 'p= is not base64' });
  });

  it('know a key record and flag faults', () => {
    expect(isDkimRecord('v=DKIM1; p=abc')).toBe(true);
    expect(isDkimRecord('k=rsa; p=abc')).toBe(true);
    expect(isDkimRecord('v=spf1 -all')).toBe(false);
    expect(parseDkim('k=rsa; t=y:s; p=')).toEqual({ k: 'rsa', p: '', t: ['y', 's'], errors: [] });
    expect(parseDkim('k=rsa; p=ab; p=cd; v=DKIM1')?.errors).toEqual([
      'the p= tag appears more than once',
      'v= must come first and be DKIM1',
    ]);
    expect(parseDkim('v=DKIM1; k=rsa')).toBeDefined();
    expect(parseDkim('v=DKIM1; k=rsa')?.errors).toEqual(['the required p= tag is missing']);
  });
});
