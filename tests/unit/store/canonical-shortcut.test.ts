import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCanonicalAlready } from '../../../src/core/store/ingest';
import { canonicalValue } from '../../../src/shared/target';

// The store skips canonicalValue for values that look canonical already; that shortcut must
// never accept a value canonicalValue would change or reject.
const label = fc.string({ unit: fc.constantFrom(...'abxn09-'.split('')), minLength: 1, maxLength: 8 });
const domainish = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.')),
  fc.string({ unit: fc.constantFrom(...'abcxn09-.A'.split('')), maxLength: 40 }),
);
const ipish = fc
  .array(fc.oneof(fc.nat({ max: 300 }).map(String), fc.constantFrom('00', '01', '256', '')), {
    minLength: 3,
    maxLength: 5,
  })
  .map((parts) => parts.join('.'));

describe('isCanonicalAlready', () => {
  it('accepts only domains that canonicalValue returns unchanged (property)', () => {
    fc.assert(
      fc.property(domainish, (value) => {
        if (isCanonicalAlready('domain', value)) expect(canonicalValue('domain', value)).toBe(value);
      }),
      { numRuns: 5000 },
    );
    // The property means something only if the shortcut does fire often.
    const fired = fc.sample(domainish, 2000).filter((v) => isCanonicalAlready('domain', v)).length;
    expect(fired).toBeGreaterThan(100);
  });

  it('accepts only IPv4 addresses that canonicalValue returns unchanged (property)', () => {
    fc.assert(
      fc.property(ipish, (value) => {
        if (isCanonicalAlready('ip', value)) expect(canonicalValue('ip', value)).toBe(value);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes the common canonical forms and leaves the rest to canonicalValue', () => {
    expect(isCanonicalAlready('domain', 'www.example.com')).toBe(true);
    expect(isCanonicalAlready('ip', '185.220.101.47')).toBe(true);
    for (const [type, value] of [
      ['domain', 'Example.com'],
      ['domain', 'example.com.'],
      ['domain', 'xn--bcher-kva.de'],
      ['domain', 'example.123'],
      ['domain', 'localhost'],
      ['ip', '010.0.0.1'],
      ['ip', '2001:db8::1'],
      ['email', 'a@example.com'],
    ] as const) {
      expect(isCanonicalAlready(type, value)).toBe(false);
    }
  });
});
