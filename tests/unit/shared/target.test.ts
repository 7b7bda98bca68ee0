import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIp, canonicalValue, parseDomain, parseTarget } from '../../../src/shared/target';

const error = (input: string) => {
  const result = parseTarget(input);
  return result.ok ? null : result.error;
};

describe('parseTarget: domains', () => {
  it('canonicalises case and the trailing dot', () => {
    expect(parseTarget('Nova-Parcels.COM.')).toEqual({
      ok: true,
      target: { key: { type: 'domain', value: 'nova-parcels.com' } },
    });
  });

  it('says what is wrong with a malformed domain', () => {
    expect(error('nova parcels.com')).toBe('Not a valid domain: a domain cannot contain spaces.');
    expect(error('a..example.com')).toBe('Not a valid domain: the domain has an empty label (two dots in a row).');
    expect(error(`${'a'.repeat(64)}.com`)).toMatch(/is 64 characters long; at most 63 are allowed/);
    expect(error(`${'abcdefghi.'.repeat(30)}com`)).toMatch(/characters long; at most 253 are allowed/);
    expect(error('-bad.example.com')).toMatch(/may hold only letters, digits/);
    expect(error('localhost')).toMatch(/needs at least two labels/);
    expect(error('https://example.com/path')).toMatch(/without scheme, path or port/);
    expect(error('')).toBe('Type a domain, an IP address or an email address.');
    expect(error('x'.repeat(321))).toMatch(/321 characters long/);
  });

  it('accepts IDNs in either form and keeps both', () => {
    for (const input of ['münchen.de', 'xn--mnchen-3ya.de', 'MÜNCHEN.DE']) {
      expect(parseTarget(input)).toEqual({
        ok: true,
        target: { key: { type: 'domain', value: 'xn--mnchen-3ya.de' }, unicode: 'münchen.de' },
      });
    }
  });

  it('flags mixed-script names as possible homographs', () => {
    const result = parseTarget('аpple.com'); // Cyrillic а
    expect(result.ok && result.target.homograph).toMatch(/mixes Latin with Cyrillic/);
    const plain = parseTarget('apple.com');
    expect(plain.ok && plain.target.homograph).toBeUndefined();
  });

  it('accepts underscore labels found in DNS data', () => {
    expect(canonicalValue('domain', '_spf.Google.com')).toBe('_spf.google.com');
  });
});

describe('parseTarget: addresses', () => {
  it('canonicalises IPv4 and IPv6', () => {
    expect(canonicalIp('2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(canonicalIp('185.220.101.047')).toBeUndefined();
    expect(canonicalIp('127.1')).toBeUndefined();
    expect(parseTarget('[2001:db8::1]')).toMatchObject({
      ok: true,
      target: { key: { type: 'ip', value: '2001:db8::1' } },
    });
  });

  it('marks private, loopback and link-local addresses as internal', () => {
    for (const ip of ['10.1.2.3', '192.168.0.1', '127.0.0.1', '169.254.1.1', '::1', 'fe80::1', 'fc00::1']) {
      const result = parseTarget(ip);
      expect(result.ok && result.target.internal, ip).toBeTruthy();
    }
    const publicIp = parseTarget('185.220.101.47');
    expect(publicIp.ok && publicIp.target.internal).toBeUndefined();
  });

  it('refuses what is not an address', () => {
    expect(error('300.1.1.1')).toBe('"300.1.1.1" is not a valid IPv4 or IPv6 address.');
    expect(error('1::2::3')).toMatch(/not a valid IPv4 or IPv6 address/);
  });
});

describe('parseTarget: email addresses', () => {
  it('keeps the local part and canonicalises the domain', () => {
    expect(parseTarget('Alice@Nova-Parcels.COM')).toEqual({
      ok: true,
      target: { key: { type: 'email', value: 'Alice@nova-parcels.com' } },
    });
  });

  it('says what is wrong with a bad address', () => {
    expect(error('@example.com')).toMatch(/before @ must be 1 to 64 characters/);
    expect(error('a..b@example.com')).toMatch(/two dots in a row/);
    expect(error('alice@exa mple.com')).toMatch(/Not a valid email address: a domain cannot contain spaces/);
  });
});

describe('parseTarget: properties', () => {
  it('never throws and always answers ok or a message', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (input) => {
        const result = parseTarget(input);
        expect(result.ok || result.error.length > 0).toBe(true);
      }),
    );
  });

  it('is idempotent on what it accepts', () => {
    fc.assert(
      fc.property(fc.domain(), (domain) => {
        const first = parseDomain(domain);
        if (!first.ok) return;
        expect(parseDomain(first.ascii)).toEqual(first);
      }),
    );
  });

  it('accepts every IPv4 and IPv6 address and gives one canonical form', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        const canonical = canonicalIp(ip);
        expect(canonical).toBeDefined();
        expect(canonicalIp(canonical as string)).toBe(canonical);
      }),
    );
  });
});
