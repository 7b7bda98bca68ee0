import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAnswer } from '../../../src/scanners/whois/client';
import { parseWhois } from '../../../src/scanners/whois/parse';

describe('parseWhois', () => {
  it('reads an ICANN registrar record: registrar, contacts, abuse, referral, DNSSEC', () => {
    const r = parseWhois(
      [
        'Domain Name: EXAMPLE.COM',
        'Registrar WHOIS Server: whois.namecheap.com',
        'Registrar URL: http://www.namecheap.com',
        'Creation Date: 2024-11-04T10:12:31Z',
        'Registrar: NAMECHEAP INC',
        'Registrar IANA ID: 1068',
        'Registrar Abuse Contact Email: Abuse@Namecheap.com',
        'Registrar Abuse Contact Phone: +1.6613102107',
        'Registrant Organization: Example Widgets Ltd',
        'Registrant Country: is',
        'Name Server: NS1.EXAMPLE.NET.',
        'Name Server: 192.0.2.1',
        'Name Server: ns1.example.net',
        'DNSSEC: signedDelegation',
      ].join('\r\n'),
    );
    expect(r.registrar).toEqual({
      name: 'NAMECHEAP INC',
      ianaId: '1068',
      url: 'http://www.namecheap.com',
      whoisServer: 'whois.namecheap.com',
    });
    expect(r.referral).toBe('whois.namecheap.com');
    expect(r.registrant).toEqual({ organization: 'Example Widgets Ltd', country: 'IS', redacted: false });
    expect(r.abuse).toEqual({ email: 'Abuse@namecheap.com', phone: '+1.6613102107' });
    expect(r.nameServers).toEqual(['ns1.example.net']);
    expect(r.dnssec).toBe('signed');
    expect(r.created?.iso).toBe('2024-11-04T10:12:31Z');
  });

  it.each([
    'REDACTED FOR PRIVACY',
    'Data Protected',
    'Privacy service provided by Withheld for Privacy ehf',
    'GDPR Masked',
    'Contact Privacy Inc. Customer 7151571251',
    'Not Disclosed',
    'Statutory Masking Enabled',
  ])('flags a redacted registrant (%s) instead of naming an organisation', (text) => {
    const r = parseWhois(`Domain Name: example.com\nRegistrar: X\nRegistrant Organization: ${text}\n`);
    expect(r.registrant.redacted).toBe(true);
    expect(r.registrant.organization).toBeNull();
  });

  it("reads IANA's referral", () => {
    const r = parseWhois(
      '% IANA WHOIS server\n\nrefer:        whois.verisign-grs.com\n\ndomain:       COM\n\nwhois:        whois.verisign-grs.com\n',
    );
    expect(r.referral).toBe('whois.verisign-grs.com');
  });

  it('recognises throttling and "not found" texts', () => {
    expect(parseWhois('WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS').rateLimited).toBe(true);
    expect(parseWhois('Your query quota has been used up').rateLimited).toBe(true);
    expect(parseWhois('No match for "EXAMPLE.COM".\r\n').notFound).toBe(true);
    // A registration record that mentions limits in its terms is neither.
    const ok = parseWhois(
      'Domain Name: a.com\nCreation Date: 2020-01-01\nTerms: exceeding query rate or volume limits is forbidden\n',
    );
    expect(ok.rateLimited).toBe(false);
    expect(ok.notFound).toBe(false);
  });

  it('reports dates it cannot read', () => {
    const r = parseWhois('Domain Name: a.com\nRegistrar: X\nCreation Date: sometime in spring\n');
    expect(r.created).toBeNull();
    expect(r.problems).toEqual(['created "sometime in spring" is not a date']);
  });

  it('reads Latin-1 answers that are not UTF-8', () => {
    const bytes = new Uint8Array([...Buffer.from('Registrar: Bili'), 0xfe, ...Buffer.from('im A.S.\n')]);
    const decoded = decodeAnswer(bytes);
    expect(decoded.utf8).toBe(false);
    expect(parseWhois(decoded.text).registrar.name).toBe('Bilişim A.S.'.replace('ş', 'þ'));
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (text) => {
        const r = parseWhois(text);
        expect(Array.isArray(r.nameServers)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary WHOIS-like lines', () => {
    const key = fc.constantFrom(
      'Domain Name',
      'Registrar',
      'Creation Date',
      'Name Server',
      'Status',
      'nserver',
      '[State]',
      'Registrant',
      'state',
      'Registrar:',
      '',
    );
    const line = fc.tuple(
      fc.constantFrom('', '   ', '\t', '** ', '% '),
      key,
      fc.constantFrom(':', ': ', '\t', '....: ', ''),
      fc.string({ maxLength: 60 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 80 }), (lines) => {
        parseWhois(lines.map((l) => l.join('')).join('\n'));
      }),
      { numRuns: 500 },
    );
  });

  it('stays bounded on a 1 MB line and on 100k lines', () => {
    const started = Date.now();
    const oneLine = `Registrar: ${'a:'.repeat(512 * 1024)}`;
    parseWhois(oneLine);
    parseWhois(`Name Server: ${'x'.repeat(1024 * 1024)}`);
    parseWhois(`${'['.repeat(1024 * 1024)}`);
    const many = Array.from({ length: 100_000 }, (_, i) => `Name Server: ns${i}.example.com`).join('\n');
    const r = parseWhois(many);
    expect(r.nameServers).toHaveLength(64);
    const lines = Array.from({ length: 100_000 }, (_, i) => (i % 2 ? '' : `   key ${i}: value ${i} 2024-11-04`)).join(
      '\n',
    );
    parseWhois(lines);
    // Generous: this guards against quadratic blow-ups, not against a slow machine.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('stays bounded on generated large inputs', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1000, max: 50_000 }),
        (piece, times) => {
          const started = Date.now();
          parseWhois(piece.repeat(times));
          expect(Date.now() - started).toBeLessThan(5000);
        },
      ),
      { numRuns: 20 },
    );
  });
});
