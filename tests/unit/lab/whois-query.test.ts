// WHOIS query reading and the servers' own answers (no sockets).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateAddresses,
  echoQuery,
  ianaAnswer,
  MAX_QUERY_BYTES,
  parseWhoisQuery,
  registryServerFor,
  takeQueryLine,
} from '../../../src/lab/whois';
import { registryNotFound } from '../../../src/lab/whois/registries';

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('com', 'net', 'io', 'de', 'uk'))
  .map(([labels, tld]) => [...labels, tld].join('.'));

function randomCase(text: string, flips: boolean[]): string {
  return [...text].map((ch, i) => (flips[i % Math.max(flips.length, 1)] ? ch.toUpperCase() : ch)).join('');
}

describe('parseWhoisQuery', () => {
  it('reads the forms clients send', () => {
    expect(parseWhoisQuery('example.com')).toBe('example.com');
    expect(parseWhoisQuery('  EXAMPLE.COM.  ')).toBe('example.com');
    expect(parseWhoisQuery('domain example.com')).toBe('example.com');
    expect(parseWhoisQuery('DOMAIN Example.Com')).toBe('example.com');
    expect(parseWhoisQuery('=example.com')).toBe('example.com');
    expect(parseWhoisQuery('= domain example.com')).toBe('example.com');
    expect(parseWhoisQuery('-T dn,ace example.de')).toBe('example.de');
    expect(parseWhoisQuery('-C UTF-8 -T dn example.de')).toBe('example.de');
    expect(parseWhoisQuery('bücher.de')).toBe('xn--bcher-kva.de');
    expect(parseWhoisQuery('com')).toBe('com');
  });

  it('refuses what is not one domain name', () => {
    expect(parseWhoisQuery('')).toBeNull();
    expect(parseWhoisQuery('   ')).toBeNull();
    expect(parseWhoisQuery('example.com extra')).toBeNull();
    expect(parseWhoisQuery('exa mple.com')).toBeNull();
    expect(parseWhoisQuery('-example.com')).toBeNull();
    expect(parseWhoisQuery('a..com')).toBeNull();
    expect(parseWhoisQuery(`${'a'.repeat(64)}.com`)).toBeNull();
    expect(parseWhoisQuery(`${'a.'.repeat(127)}com`)).toBeNull();
    expect(parseWhoisQuery('<script>.com')).toBeNull();
  });

  it('gives the same name for any casing, prefix, padding and trailing dot', () => {
    fc.assert(
      fc.property(
        domain,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('', 'domain ', '=', '= domain ', 'DOMAIN ', '-T dn,ace '),
        fc.constantFrom('', ' ', '\t', '  '),
        fc.boolean(),
        (name, flips, prefix, pad, dot) => {
          const line = `${pad}${prefix}${randomCase(name, flips)}${dot ? '.' : ''}${pad}`;
          expect(parseWhoisQuery(line)).toBe(name);
        },
      ),
    );
  });

  it('never throws, and returns only lowercase ASCII names of valid labels', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (line) => {
        const name = parseWhoisQuery(line);
        if (name === null) return;
        expect(name.length).toBeLessThanOrEqual(253);
        expect(name).toMatch(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/);
        expect(name).toBe(name.toLowerCase());
      }),
    );
  });
});

describe('takeQueryLine', () => {
  it('waits for a line end, accepts CRLF or LF, and bounds the line', () => {
    expect(takeQueryLine(Buffer.from('example.co'))).toEqual({ kind: 'incomplete' });
    expect(takeQueryLine(Buffer.from('example.com\r\n'))).toEqual({ kind: 'line', text: 'example.com' });
    expect(takeQueryLine(Buffer.from('example.com\nmore'))).toEqual({ kind: 'line', text: 'example.com' });
    expect(takeQueryLine(Buffer.from('example.com'), true)).toEqual({ kind: 'line', text: 'example.com' });
    expect(takeQueryLine(Buffer.alloc(MAX_QUERY_BYTES + 1, 0x61))).toEqual({ kind: 'too-long' });
    expect(takeQueryLine(Buffer.from(`${'a'.repeat(MAX_QUERY_BYTES + 1)}\n`))).toEqual({ kind: 'too-long' });
  });

  it('finds the same line however the bytes are split', () => {
    fc.assert(
      fc.property(domain, fc.integer({ min: 0, max: 40 }), (name, cut) => {
        const bytes = Buffer.from(`${name}\r\n`);
        const at = Math.min(cut, bytes.length);
        const first = takeQueryLine(bytes.subarray(0, at));
        if (at < bytes.length) expect(first.kind).toBe('incomplete');
        expect(takeQueryLine(bytes)).toEqual({ kind: 'line', text: name });
      }),
    );
  });
});

describe('echoQuery', () => {
  it('keeps answers to hostile queries printable and short', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (line) => {
        const echoed = echoQuery(line);
        expect(echoed.length).toBeLessThanOrEqual(200);
        expect(echoed).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
  });
});

describe('registry servers and answers', () => {
  it('knows the usual registry servers', () => {
    expect(registryServerFor('com')).toBe('whois.verisign-grs.com');
    expect(registryServerFor('net')).toBe('whois.verisign-grs.com');
    expect(registryServerFor('io')).toBe('whois.nic.io');
    expect(registryServerFor('de')).toBe('whois.denic.de');
  });

  it('prints Verisign-style "No match" with the name in capitals', () => {
    const text = registryNotFound('whois.verisign-grs.com', 'nothing.com', 'nothing.com', new Date(0));
    expect(text).toMatch(
      /^No match for "NOTHING\.COM"\.\r\n>>> Last update of whois database: 1970-01-01T00:00:00Z <<</,
    );
  });

  it('answers IANA queries with refer: for known TLDs and 0 objects otherwise', () => {
    const registries = new Map([['com', 'whois.verisign-grs.com']]);
    for (const query of ['com', 'example.com']) {
      const text = ianaAnswer(query, registries);
      expect(text).toMatch(/^refer:\s+whois\.verisign-grs\.com$/m);
      expect(text).toMatch(/^domain:\s+COM$/m);
    }
    expect(ianaAnswer('example.zz', registries)).toContain('This query returned 0 objects');
    expect(ianaAnswer(null, registries)).toContain('This query returned 0 objects');
  });
});

describe('allocateAddresses', () => {
  it('gives distinct TEST-NET-1 addresses that do not depend on order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(domain, { minLength: 1, maxLength: 60 }), (names) => {
        const a = allocateAddresses(names);
        const b = allocateAddresses([...names].reverse());
        expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
        const addresses = [...a.values()];
        expect(new Set(addresses).size).toBe(names.length);
        for (const address of addresses) expect(address).toMatch(/^192\.0\.2\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])$/);
      }),
    );
  });

  it('never hands out an address the scenario itself names', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(domain, { minLength: 1, maxLength: 40 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 254 }), { maxLength: 200 }),
        (names, hosts) => {
          const taken = new Set(hosts.map((h) => `192.0.2.${h}`));
          const given = [...allocateAddresses(names, taken).values()];
          expect(given.filter((address) => taken.has(address))).toEqual([]);
          expect(new Set(given).size).toBe(names.length);
        },
      ),
    );
    const all = new Set(Array.from({ length: 254 }, (_, i) => `192.0.2.${i + 1}`));
    expect(() => allocateAddresses(['whois.x.test'], all)).toThrow(/room for 0 WHOIS servers/);
  });

  it('refuses more servers than the block holds', () => {
    const names = Array.from({ length: 255 }, (_, i) => `whois.r${i}.test`);
    expect(() => allocateAddresses(names)).toThrow(/room for 254/);
    expect(allocateAddresses(names.slice(0, 254)).size).toBe(254);
  });
});
