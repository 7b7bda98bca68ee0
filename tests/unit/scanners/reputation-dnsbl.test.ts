// The DNSBL table and the reading of a list's answers: query names (octets, nibbles, domains),
// return codes by value and by bit, refusals never read as listings, and hostile answers that
// never throw and never become "listed" or "clean" when they are neither.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import table from '../../../resources/reputation/dnsbl.json';
import { dnsblReason, readDnsblAnswer } from '../../../src/scanners/reputation/dnsbl-answer';
import {
  DNSBLS,
  type DnsblSpec,
  dnsblQueryName,
  dnsblTestName,
  loadDnsblTable,
} from '../../../src/scanners/reputation/lists';
import type { DnsAnswerRecord, DnsResponse } from '../../../src/shared/scanner';

function spec(zone: string): DnsblSpec {
  const found = DNSBLS.find((s) => s.zone === zone);
  if (!found) throw new Error(`${zone} is not shipped`);
  return found;
}

function response(rcode: string, answers: Partial<DnsAnswerRecord>[] = [], name = 'q'): DnsResponse {
  return {
    question: { name, type: 'A' },
    server: 'test:53',
    rcode,
    authoritative: true,
    truncated: false,
    answers: answers.map((a) => ({ name, type: 'A', ttl: 60, data: '', ...a })),
    authorities: [],
    raw: new Uint8Array(12),
  };
}

const ZEN = spec('zen.spamhaus.org');
const Q = '2.0.0.127.zen.spamhaus.org';
const a = (...codes: string[]) =>
  response(
    'NOERROR',
    codes.map((data) => ({ name: Q, data })),
    Q,
  );

describe('the shipped DNSBL table', () => {
  it('loads, with the lists the scanner promises', () => {
    const zones = DNSBLS.map((s) => s.zone);
    for (const zone of [
      'zen.spamhaus.org',
      'bl.spamcop.net',
      'b.barracudacentral.org',
      'psbl.surriel.com',
      'dnsbl-1.uceprotect.net',
      'all.s5h.net',
      'dbl.spamhaus.org',
      'multi.surbl.org',
    ]) {
      expect(zones).toContain(zone);
    }
    // PBL is policy, weighed nothing.
    const pbl = ZEN.codes.find((c) => c.name === 'PBL');
    expect(pbl).toMatchObject({ kind: 'policy', severity: 'info', answers: ['127.0.0.10', '127.0.0.11'] });
  });

  it('refuses a broken table with the problem named', () => {
    const broken = (change: (list: Record<string, unknown>) => void) => {
      const copy = structuredClone(table) as { lists: Record<string, unknown>[] };
      change(copy.lists[0] as Record<string, unknown>);
      return () => loadDnsblTable(copy);
    };
    expect(
      broken((l) => {
        l.codes = [{ answers: ['10.0.0.2'], name: 'x', meaning: 'x', kind: 'abuse', severity: 'high' }];
      }),
    ).toThrow(/127\.0\.0\.0\/8/);
    expect(
      broken((l) => {
        l.refused = [{ answers: ['127.0.0.2'], meaning: 'x' }];
      }),
    ).toThrow(/both a listing and a refusal/);
    expect(
      broken((l) => {
        l.subject = 'domain';
      }),
    ).toThrow(/IPv6/);
    expect(
      broken((l) => {
        l.extra = 1;
      }),
    ).toThrow();
    const twice = structuredClone(table) as { lists: unknown[] };
    twice.lists.push(twice.lists[0]);
    expect(() => loadDnsblTable(twice)).toThrow(/twice/);
  });

  it('asks addresses reversed (octets, IPv6 nibbles, mapped IPv4 as IPv4) and domains as they are', () => {
    expect(dnsblQueryName(ZEN, '185.220.101.47')).toBe('47.101.220.185.zen.spamhaus.org');
    expect(dnsblQueryName(ZEN, '2001:db8::66')).toBe(
      '6.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org',
    );
    expect(dnsblQueryName(ZEN, '::ffff:185.220.101.47')).toBe('47.101.220.185.zen.spamhaus.org');
    const dbl = spec('dbl.spamhaus.org');
    expect(dnsblQueryName(dbl, 'nova-parcels.com')).toBe('nova-parcels.com.dbl.spamhaus.org');
    expect(
      dnsblQueryName(dbl, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.com`),
    ).toBeUndefined();
    expect(dnsblTestName(ZEN)).toBe('1.0.0.127.zen.spamhaus.org');
    expect(dnsblTestName(dbl)).toBe('invalid.dbl.spamhaus.org');
  });
});

describe('reading a DNSBL answer', () => {
  it('reads NXDOMAIN and an empty answer as not listed', () => {
    expect(readDnsblAnswer(ZEN, Q, response('NXDOMAIN'))).toEqual({ status: 'clean' });
    expect(readDnsblAnswer(ZEN, Q, response('NOERROR'))).toEqual({ status: 'clean' });
  });

  it('reads return codes by the table, several at once', () => {
    expect(readDnsblAnswer(ZEN, Q, a('127.0.0.2', '127.0.0.4', '127.0.0.10'))).toEqual({
      status: 'listed',
      hits: [
        expect.objectContaining({ answer: '127.0.0.2', name: 'SBL', kind: 'abuse', severity: 'high' }),
        expect.objectContaining({ answer: '127.0.0.4', name: 'XBL', kind: 'abuse', severity: 'high' }),
        expect.objectContaining({ answer: '127.0.0.10', name: 'PBL', kind: 'policy', severity: 'info' }),
      ],
    });
    expect(readDnsblAnswer(ZEN, Q, a('127.0.0.9'))).toMatchObject({ hits: [{ name: 'DROP', kind: 'drop' }] });
    expect(readDnsblAnswer(ZEN, Q, a('127.0.0.200'))).toMatchObject({
      status: 'listed',
      hits: [{ name: 'undocumented code', severity: 'low' }],
    });
  });

  it('reads bitmask lists bit by bit', () => {
    const surbl = spec('multi.surbl.org');
    const name = 'example.com.multi.surbl.org';
    const answer = response('NOERROR', [{ name, data: '127.0.0.24' }], name);
    expect(readDnsblAnswer(surbl, name, answer)).toMatchObject({
      status: 'listed',
      hits: [{ name: 'PH' }, { name: 'MW' }],
    });
  });

  it('reads refusals as not checked, never as listed, even beside a listing code', () => {
    for (const code of ['127.255.255.252', '127.255.255.254', '127.255.255.255']) {
      expect(readDnsblAnswer(ZEN, Q, a(code))).toMatchObject({ status: 'unchecked' });
      expect(readDnsblAnswer(ZEN, Q, a('127.0.0.2', code))).toMatchObject({ status: 'unchecked' });
    }
    // Spamhaus' error range counts for lists that do not name it.
    expect(readDnsblAnswer(spec('bl.spamcop.net'), Q, a('127.255.255.253'))).toMatchObject({ status: 'unchecked' });
    const name = 'example.com.multi.surbl.org';
    expect(
      readDnsblAnswer(spec('multi.surbl.org'), name, response('NOERROR', [{ name, data: '127.0.0.1' }], name)),
    ).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/blocks this resolver/),
    });
    expect(readDnsblAnswer(spec('dbl.spamhaus.org'), Q, a('127.0.1.255'))).toMatchObject({ status: 'unchecked' });
  });

  it('reads a failed answer or one outside 127.0.0.0/8 as not checked', () => {
    expect(readDnsblAnswer(ZEN, Q, response('SERVFAIL'))).toEqual({
      status: 'unchecked',
      reason: 'the resolver answered SERVFAIL',
    });
    expect(readDnsblAnswer(ZEN, Q, response('REFUSED'))).toMatchObject({ status: 'unchecked' });
    expect(readDnsblAnswer(ZEN, Q, a('93.184.216.34'))).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/not a return code/),
    });
    expect(readDnsblAnswer(ZEN, Q, a('2001:db8::1'))).toMatchObject({ status: 'unchecked' });
  });

  it('follows a CNAME from the name asked and ignores records about other names', () => {
    const cname = response('NOERROR', [
      { name: Q, type: 'CNAME', data: 'elsewhere.example' },
      { name: 'elsewhere.example', data: '127.0.0.3' },
      { name: 'unrelated.example', data: '127.0.0.2' },
    ]);
    expect(readDnsblAnswer(ZEN, Q, cname)).toMatchObject({ status: 'listed', hits: [{ name: 'CSS' }] });
    expect(readDnsblAnswer(ZEN, Q, response('NOERROR', [{ name: 'other.example', data: '127.0.0.2' }]))).toEqual({
      status: 'clean',
    });
  });

  it('never throws on hostile answers, and lists only by codes in 127.0.0.0/8 that are no refusal', () => {
    const data = fc.oneof(
      fc.string(),
      fc.ipV4(),
      fc.ipV6(),
      fc.constantFrom('127.255.255.253', ...DNSBLS.flatMap((s) => s.refused.flatMap((r) => r.answers))),
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
        .map(([b, c, d]) => `127.${b}.${c}.${d}`),
    );
    const record = fc.record({
      name: fc.constantFrom(Q, `${Q}.`, Q.toUpperCase(), 'x.example'),
      type: fc.constantFrom('A', 'TXT', 'CNAME', 'AAAA'),
      data,
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...DNSBLS),
        fc.constantFrom('NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'weird\nrcode'),
        fc.array(record, { maxLength: 12 }),
        (list, rcode, answers) => {
          const r = response(rcode, answers, Q);
          const verdict = readDnsblAnswer(list, Q, r);
          const reason = dnsblReason(Q, r);
          if (reason !== undefined) {
            expect(reason.length).toBeLessThanOrEqual(501);
            expect(reason).not.toMatch(/[\p{Cc}]/u);
          }
          if (verdict.status === 'unchecked') expect(verdict.reason).not.toMatch(/\n/);
          if (verdict.status !== 'listed') return;
          expect(rcode).toBe('NOERROR');
          for (const hit of verdict.hits) {
            expect(hit.answer.startsWith('127.')).toBe(true);
            expect(hit.answer.startsWith('127.255.255.')).toBe(false);
            expect(list.refused.flatMap((x) => x.answers)).not.toContain(hit.answer);
          }
        },
      ),
    );
  });

  it('keeps the TXT reason as one bounded line', () => {
    const txt = response('NOERROR', [{ name: Q, type: 'TXT', data: `line one\nline two ${'x'.repeat(1000)}` }]);
    const reason = dnsblReason(Q, txt);
    expect(reason).toMatch(/^line one\\010line two x+…$/);
    expect(reason?.length).toBe(501);
    expect(dnsblReason(Q, response('NXDOMAIN'))).toBeUndefined();
  });
});
