import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allOf,
  domainSpecError,
  formatSpf,
  isSpfRecord,
  lookupTerms,
  parseSpf,
  redirectOf,
  SPF_MECHANISMS,
  type SpfMechanism,
  type SpfTerm,
} from '../../../src/scanners/email-security/spf';

const label = fc.stringMatching(/^[a-z0-9_](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
const top = fc.stringMatching(/^[a-z][a-z0-9]{1,5}$/);
const domain = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), top).map(([l, t]) => [...l, t].join('.'));
const macroDomain = fc.constantFrom('%{i}._spf.%{d}', '%{ir}.%{v}._spf.example.com', 'x.%{l1r-}.example.org');
const spec = fc.oneof(domain, macroDomain);
const qualifier = fc.constantFrom('+', '-', '~', '?') as fc.Arbitrary<SpfMechanism['qualifier']>;

const mechanism: fc.Arbitrary<SpfTerm> = fc
  .record({
    qualifier,
    explicit: fc.boolean(),
    kind: fc.constantFrom(...SPF_MECHANISMS),
    spec,
    withSpec: fc.boolean(),
    v4: fc.ipV4(),
    v6: fc.ipV6(),
    cidr4: fc.option(fc.integer({ min: 0, max: 32 }), { nil: undefined }),
    cidr6: fc.option(fc.integer({ min: 0, max: 128 }), { nil: undefined }),
  })
  .map(({ qualifier, explicit, kind, spec, withSpec, v4, v6, cidr4, cidr6 }): SpfTerm => {
    const base: SpfMechanism = { type: 'mechanism', qualifier: explicit ? qualifier : '+', explicit, kind };
    switch (kind) {
      case 'all':
        return base;
      case 'include':
      case 'exists':
        return { ...base, target: spec };
      case 'ptr':
        return withSpec ? { ...base, target: spec } : base;
      case 'a':
      case 'mx':
        return {
          ...base,
          ...(withSpec ? { target: spec } : {}),
          ...(cidr4 !== undefined ? { cidr4 } : {}),
          ...(cidr6 !== undefined ? { cidr6 } : {}),
        };
      case 'ip4':
        return { ...base, target: v4, ...(cidr4 !== undefined ? { cidr4 } : {}) };
      default: // ip6
        return { ...base, target: v6, ...(cidr6 !== undefined ? { cidr6 } : {}) };
    }
  });
const modifier: fc.Arbitrary<SpfTerm> = fc.oneof(
  spec.map((value): SpfTerm => ({ type: 'modifier', name: 'redirect', value })),
  spec.map((value): SpfTerm => ({ type: 'modifier', name: 'exp', value })),
  fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9._-]{0,8}$/), fc.stringMatching(/^[a-z0-9.-]{0,10}$/))
    .filter(([name]) => name !== 'redirect' && name !== 'exp')
    .map(([name, value]): SpfTerm => ({ type: 'modifier', name, value })),
);
/** Valid records: any mechanisms, at most one redirect= and one exp=. */
const record = fc
  .array(fc.oneof({ weight: 4, arbitrary: mechanism }, { weight: 1, arbitrary: modifier }), { maxLength: 15 })
  .map((terms) => {
    const seen = new Set<string>();
    return terms.filter((t) => {
      if (t.type !== 'modifier' || (t.name !== 'redirect' && t.name !== 'exp')) return true;
      if (seen.has(t.name)) return false;
      seen.add(t.name);
      return true;
    });
  });

describe('SPF parser', () => {
  it('never throws, on any text or anything after "v=spf1 "', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (text) => {
        parseSpf(text);
        const parsed = parseSpf(`v=spf1 ${text}`);
        expect(parsed).toBeDefined();
        expect(parsed?.errors.length).toBeLessThanOrEqual(20);
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips any valid record: parse(format(terms)) gives the terms back, without errors', () => {
    fc.assert(
      fc.property(record, (terms) => {
        const text = formatSpf({ terms });
        const parsed = parseSpf(text);
        expect(parsed?.errors).toEqual([]);
        expect(parsed?.terms).toEqual(terms);
      }),
      { numRuns: 1000 },
    );
  });

  it('prints back what it read: format then parse is a fixed point for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        const first = parseSpf(`v=spf1 ${text}`);
        if (!first) return;
        const again = parseSpf(formatSpf(first));
        expect(again?.terms).toEqual(first.terms);
        expect(again?.errors).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('knows an SPF record by its version only', () => {
    expect(isSpfRecord('v=spf1 -all')).toBe(true);
    expect(isSpfRecord('V=SPF1')).toBe(true);
    expect(isSpfRecord('v=spf10 -all')).toBe(false);
    expect(isSpfRecord(' v=spf1 -all')).toBe(false);
    expect(isSpfRecord('spf2.0/pra -all')).toBe(false);
    expect(parseSpf('v=DMARC1; p=none')).toBeUndefined();
  });

  it('reads qualifiers, mechanisms, CIDR lengths and modifiers', () => {
    const parsed = parseSpf(
      'v=spf1 ip4:192.0.2.0/24 IP6:2001:db8::/32 a mx:mail.example.com/28//64 ~include:_spf.example.net ?exists:%{i}.x.example.org ptr -all redirect=_spf.example.com exp=explain.%{d} other=1',
    );
    expect(parsed?.errors).toEqual([]);
    expect(parsed?.terms).toEqual([
      { type: 'mechanism', qualifier: '+', explicit: false, kind: 'ip4', target: '192.0.2.0', cidr4: 24 },
      { type: 'mechanism', qualifier: '+', explicit: false, kind: 'ip6', target: '2001:db8::', cidr6: 32 },
      { type: 'mechanism', qualifier: '+', explicit: false, kind: 'a' },
      {
        type: 'mechanism',
        qualifier: '+',
        explicit: false,
        kind: 'mx',
        target: 'mail.example.com',
        cidr4: 28,
        cidr6: 64,
      },
      { type: 'mechanism', qualifier: '~', explicit: true, kind: 'include', target: '_spf.example.net' },
      { type: 'mechanism', qualifier: '?', explicit: true, kind: 'exists', target: '%{i}.x.example.org' },
      { type: 'mechanism', qualifier: '+', explicit: false, kind: 'ptr' },
      { type: 'mechanism', qualifier: '-', explicit: true, kind: 'all' },
      { type: 'modifier', name: 'redirect', value: '_spf.example.com' },
      { type: 'modifier', name: 'exp', value: 'explain.%{d}' },
      { type: 'modifier', name: 'other', value: '1' },
    ]);
    // "all" wins over redirect=, which then costs no lookup.
    expect(parsed && allOf(parsed)?.qualifier).toBe('-');
    expect(parsed && redirectOf(parsed)).toBeUndefined();
    expect(parsed && lookupTerms(parsed).length).toBe(5);
    const redirected = parseSpf('v=spf1 include:a.example redirect=b.example');
    expect(redirected && redirectOf(redirected)).toBe('b.example');
    expect(redirected && lookupTerms(redirected).length).toBe(2);
  });

  it('records syntax errors and leaves the bad terms out', () => {
    const parsed = parseSpf(
      'v=spf1 foo:bar ip4:300.1.1.1 ip4:10.0.0.0/33 a/024 all:x include: include:single redirect=a.example redirect=b.example %{x}',
    );
    expect(parsed?.terms).toEqual([{ type: 'modifier', name: 'redirect', value: 'a.example' }]);
    expect(parsed?.errors).toEqual([
      'unknown mechanism "foo"',
      'ip4: not an IPv4 network in "ip4:300.1.1.1"',
      'ip4: the CIDR length is out of range in "ip4:10.0.0.0/33"',
      'a: the CIDR length is out of range in "a/024"',
      'all: "all" takes no argument in "all:x"',
      'include: the domain is empty in "include:"',
      'include: the domain has a single label in "include:single"',
      'the redirect= modifier appears more than once',
      '"%{x}" is not a mechanism or modifier',
    ]);
    expect(parsed?.errorCount).toBe(9);
  });

  it('checks domain-specs and macros', () => {
    expect(domainSpecError('_spf.google.com')).toBeUndefined();
    expect(domainSpecError('%{ir}.%{v}.arpa')).toBeUndefined();
    expect(domainSpecError('example.com.')).toBeUndefined();
    expect(domainSpecError('%{d}')).toBeUndefined();
    expect(domainSpecError('x.%{q}.example')).toMatch(/unknown letter/);
    expect(domainSpecError('x.%{d')).toMatch(/not closed/);
    expect(domainSpecError('x.%y.example')).toMatch(/not followed/);
    expect(domainSpecError('example.123')).toMatch(/top label/);
    expect(domainSpecError('exa mple.com')).toMatch(/printable/);
  });

  it('reads a record of thousands of terms and caps its error list', () => {
    const huge = `v=spf1 ${Array.from({ length: 5000 }, (_, i) => `bad${i}`).join(' ')} -all`;
    const parsed = parseSpf(huge);
    expect(parsed?.errorCount).toBe(5000);
    expect(parsed?.errors).toHaveLength(20);
    expect(parsed?.terms).toHaveLength(1);
  });
});
