import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatResponse, MAX_PRINTED_RECORDS, oneLine, parseHeader } from '../../../src/scanners/dns/dig';
import { addressOf, domainOf, parseMx, parseSoa, reverseName } from '../../../src/scanners/dns/records';
import type { DnsAnswerRecord, DnsResponse } from '../../../src/shared/scanner';

const label = fc.stringMatching(/^[a-z](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
const hostname = fc.array(label, { minLength: 2, maxLength: 4 }).map((l) => l.join('.'));

describe('record data parsers', () => {
  it('never throw, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        parseMx(text);
        parseSoa(text);
        addressOf(text, 'A');
        addressOf(text, 'AAAA');
        domainOf(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('read MX and SOA data as the resolver presents it', () => {
    fc.assert(
      fc.property(fc.nat(65535), hostname, (preference, exchange) => {
        expect(parseMx(`${preference} ${exchange}`)).toEqual({ preference, exchange });
      }),
    );
    expect(parseMx('0 .')).toEqual({ preference: 0, exchange: '' });
    expect(parseMx('70000 a.test')).toBeUndefined();
    expect(parseMx('10 bad\\032name.test')).toBeUndefined();
    expect(parseMx('10 single')).toBeUndefined();
    fc.assert(
      fc.property(hostname, hostname, fc.array(fc.nat(), { minLength: 5, maxLength: 5 }), (m, r, n) => {
        expect(parseSoa(`${m} ${r} ${n.join(' ')}`)).toEqual({
          mname: m,
          rname: r,
          serial: n[0],
          refresh: n[1],
          retry: n[2],
          expire: n[3],
          minimum: n[4],
        });
      }),
    );
    expect(parseSoa('a b 1 2 3 4 99999999999')).toBeUndefined();
  });

  it('accept addresses only of the family asked for, canonically', () => {
    expect(addressOf('192.0.2.1', 'A')).toBe('192.0.2.1');
    expect(addressOf('2001:DB8:0:0::1', 'AAAA')).toBe('2001:db8::1');
    expect(addressOf('192.0.2.1', 'AAAA')).toBeUndefined();
    expect(addressOf('::1', 'A')).toBeUndefined();
    expect(addressOf('\\# ?', 'A')).toBeUndefined();
    expect(addressOf('127.1', 'A')).toBeUndefined();
  });

  it('make reverse names', () => {
    expect(reverseName('192.0.2.1')).toBe('1.2.0.192.in-addr.arpa');
    expect(reverseName('2001:db8::47')).toBe(
      '7.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const name = reverseName(ip);
        expect(name.split('.')).toHaveLength(34);
      }),
    );
  });
});

describe('dig-like evidence text', () => {
  it('parses any header and refuses what is too short', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const header = parseHeader(bytes);
        if (bytes.length < 12) expect(header).toBeUndefined();
        else expect(header?.id).toBe(((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0));
      }),
    );
    const header = parseHeader(Uint8Array.from([0x12, 0x34, 0x85, 0x83, 0, 1, 0, 2, 0, 3, 0, 4]));
    expect(header).toEqual({
      id: 0x1234,
      opcode: 'QUERY',
      rcode: 3,
      flags: ['qr', 'aa', 'rd', 'ra'],
      counts: { question: 1, answer: 2, authority: 3, additional: 4 },
    });
  });

  const text = fc.string({ unit: 'binary', maxLength: 40 });
  const record: fc.Arbitrary<DnsAnswerRecord> = fc.record({ name: text, type: text, ttl: fc.nat(), data: text });
  const response: fc.Arbitrary<DnsResponse> = fc.record({
    question: fc.record({ name: text, type: fc.constant('A' as const) }),
    server: text,
    rcode: text,
    authoritative: fc.boolean(),
    truncated: fc.boolean(),
    answers: fc.array(record, { maxLength: 5 }),
    authorities: fc.array(record, { maxLength: 3 }),
    additionals: fc.array(record, { maxLength: 3 }),
    raw: fc.uint8Array({ maxLength: 30 }),
  });

  it('gives every record exactly one line, whatever hostile text it holds', () => {
    fc.assert(
      fc.property(response, (r) => {
        const shown = formatResponse(r);
        const lines = shown.split('\n');
        const sectionLines = (records: DnsAnswerRecord[]) => (records.length > 0 ? records.length + 2 : 0);
        const hasOpt = (r.additionals ?? []).some((a) => a.type === 'OPT');
        const expected =
          1 + // command line
          (r.raw.length >= 12 ? 2 : 1) +
          (hasOpt ? 3 : 0) +
          3 + // question
          sectionLines(r.answers) +
          sectionLines(r.authorities) +
          sectionLines((r.additionals ?? []).filter((a) => a.type !== 'OPT')) +
          3 + // server, size
          1; // final newline
        expect(lines).toHaveLength(expected);
        // No control characters other than the tabs the layout itself puts between fields.
        expect(shown.replace(/[\t\n]/g, '')).not.toMatch(/\p{Cc}/u);
      }),
    );
  });

  it('prints a bounded number of records per section', () => {
    const many: DnsAnswerRecord[] = Array.from({ length: 5000 }, (_, i) => ({
      name: 'x.test',
      type: 'A',
      ttl: 1,
      data: `10.0.${i >> 8}.${i & 255}`,
    }));
    const shown = formatResponse({
      question: { name: 'x.test', type: 'A' },
      server: 's',
      rcode: 'NOERROR',
      authoritative: true,
      truncated: false,
      answers: many,
      authorities: [],
      raw: new Uint8Array(12),
    });
    expect(shown.split('\n').filter((l) => l.startsWith('x.test.'))).toHaveLength(MAX_PRINTED_RECORDS);
    expect(shown).toContain(`; … ${5000 - MAX_PRINTED_RECORDS} more records (see the raw packet)`);
  });

  it('escapes control characters as \\DDD', () => {
    expect(oneLine('a\nb\u0000c\u2028')).toBe('a\\010b\\000c\\8232');
  });
});
