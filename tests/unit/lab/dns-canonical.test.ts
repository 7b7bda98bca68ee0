import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import * as packet from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asciiLower,
  canonicalRrset,
  compareCanonical,
  dnskeyRdata,
  dsDigest,
  formatSigTime,
  keyTag,
  labelCount,
  nameWire,
  parseRsaPublicKey,
  parseSigTime,
  type RrData,
  rsaPublicKeyRfc3110,
  signedData,
} from '../../../src/lab/dns/canonical';
import { formatDnssecData, type RecordData, recordData } from '../../../src/lab/dns/zone';

// Published examples: RFC 6605 §6.1 (ECDSA P-256) and RFC 5702 §6.1 (RSA/SHA-256, a 512-bit key).
const RFC6605_KEY = Buffer.from(
  'GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==',
  'base64',
);
const RFC6605_SIG = Buffer.from(
  'qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==',
  'base64',
);
const RFC5702_KEY = Buffer.from(
  'AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=',
  'base64',
);
const RFC5702_SIG = Buffer.from(
  'kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lPtPiVYP4bwg==',
  'base64',
);

const label = fc.stringMatching(/^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,10}[A-Za-z0-9_])?$/);
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
/** Randomly upper- or lowercases each ASCII letter, to check case never changes the result. */
const recase = (text: string, seed: number): string =>
  [...text].map((c, i) => ((seed >> (i % 30)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');

describe('published DNSSEC examples', () => {
  it('RFC 6605 §6.1: key tag, DS digest and the signature over www.example.net A', () => {
    const dnskey = { flags: 257, algorithm: 13, key: RFC6605_KEY };
    expect(keyTag(dnskeyRdata(dnskey))).toBe(55648);
    expect(dsDigest('example.net', dnskey, 2).toString('hex').toUpperCase()).toBe(
      'B4C8C1FE2E7477127B27115656AD6256F424625BF5C1E2770CE6D6E37DF61D17',
    );
    const data = signedData(
      {
        typeCovered: 'A',
        algorithm: 13,
        labels: 3,
        originalTTL: 3600,
        expiration: parseSigTime('20100909100439') ?? 0,
        inception: parseSigTime('20100812100439') ?? 0,
        keyTag: 55648,
        signersName: 'EXAMPLE.net.',
      },
      [{ name: 'WWW.Example.NET.', type: 'A', data: '192.0.2.1' }],
    );
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: RFC6605_KEY.subarray(0, 32).toString('base64url'),
        y: RFC6605_KEY.subarray(32).toString('base64url'),
      },
      format: 'jwk',
    });
    expect(verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, RFC6605_SIG)).toBe(true);
  });

  it('RFC 5702 §6.1: key tag, RFC 3110 key and the RSA/SHA-256 signature', () => {
    expect(keyTag(dnskeyRdata({ flags: 256, algorithm: 8, key: RFC5702_KEY }))).toBe(9033);
    const { modulus, exponent } = parseRsaPublicKey(RFC5702_KEY);
    expect(exponent.toString('hex')).toBe('010001');
    expect(modulus.length).toBe(64);
    expect(rsaPublicKeyRfc3110(modulus, exponent)).toEqual(RFC5702_KEY);
    const key = createPublicKey({
      key: { kty: 'RSA', n: modulus.toString('base64url'), e: exponent.toString('base64url') },
      format: 'jwk',
    });
    const data = signedData(
      {
        typeCovered: 'A',
        algorithm: 8,
        labels: 3,
        originalTTL: 3600,
        expiration: parseSigTime('20300101000000') ?? 0,
        inception: parseSigTime('20000101000000') ?? 0,
        keyTag: 9033,
        signersName: 'example.net',
      },
      [{ name: 'www.example.net', type: 'A', data: '192.0.2.91' }],
    );
    expect(verify('sha256', data, key, RFC5702_SIG)).toBe(true);
    // One changed byte of signed data, and the same signature no longer verifies.
    data[data.length - 1] = 92;
    expect(verify('sha256', data, key, RFC5702_SIG)).toBe(false);
  });

  it('RFC 4034 §6.1: the canonical order of its example names', () => {
    const ordered = [
      'example',
      'a.example',
      'yljkjljk.a.example',
      'Z.a.example',
      'zABC.a.EXAMPLE',
      'z.example',
      '*.z.example',
    ];
    const shuffled = [...ordered].reverse();
    shuffled.sort(compareCanonical);
    // *.z.example sorts after z.example and, as 0x2a, before any letter or digit label under it.
    expect(shuffled).toEqual(ordered);
    expect(compareCanonical('*.z.example', 'a.z.example')).toBeLessThan(0);
  });

  it('counts labels as the RRSIG labels field does', () => {
    expect(labelCount('www.example.net.')).toBe(3);
    expect(labelCount('*.example.net')).toBe(2);
    expect(labelCount('.')).toBe(0);
  });
});

describe('canonical order (property)', () => {
  it('is a total order that ignores ASCII case and puts a parent before its children', () => {
    fc.assert(
      fc.property(domain, domain, domain, fc.integer(), (a, b, c, seed) => {
        // "+ 0" folds -0 into 0: equal names compare 0 both ways.
        expect(Math.sign(compareCanonical(a, b))).toBe(-Math.sign(compareCanonical(b, a)) + 0);
        expect(compareCanonical(a, recase(a, seed))).toBe(0);
        expect(compareCanonical(a, `${b}.${a}`)).toBeLessThan(0);
        if (compareCanonical(a, b) <= 0 && compareCanonical(b, c) <= 0) {
          expect(compareCanonical(a, c)).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it('sorts the same whatever the input order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(domain, { maxLength: 20, selector: asciiLower }), (names) => {
        const sorted = [...names].sort(compareCanonical);
        const again = [...names].reverse().sort(compareCanonical);
        expect(again).toEqual(sorted);
      }),
    );
  });
});

type Rdata = { type: string; data: unknown };
const rdataArb: fc.Arbitrary<Rdata> = fc.oneof(
  fc.ipV4().map((data) => ({ type: 'A', data })),
  domain.map((data) => ({ type: 'NS', data })),
  fc.tuple(fc.integer({ min: 0, max: 65535 }), domain).map(([preference, exchange]) => ({
    type: 'MX',
    data: { preference, exchange },
  })),
  fc
    .tuple(fc.nat(65535), fc.nat(65535), fc.nat(65535), domain)
    .map(([priority, weight, port, target]) => ({ type: 'SRV', data: { priority, weight, port, target } })),
  fc
    .array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 3 })
    .map((strings) => ({ type: 'TXT', data: strings.map((s) => Buffer.from(s)) })),
);

/** Same-type records for one RRset: a type, then a few data values of it. */
const rrsetArb = fc.constantFrom('A', 'NS', 'MX', 'SRV', 'TXT').chain((type) =>
  fc.tuple(
    fc.constant(type),
    fc.array(
      rdataArb.filter((r) => r.type === type),
      { minLength: 1, maxLength: 6 },
    ),
  ),
);

function recaseData(type: string, data: unknown, seed: number): unknown {
  if (type === 'NS') return recase(String(data), seed);
  if (type === 'MX') {
    const mx = data as packet.MxData;
    return { ...mx, exchange: recase(mx.exchange, seed) };
  }
  if (type === 'SRV') {
    const srv = data as packet.SrvData;
    return { ...srv, target: recase(srv.target, seed) };
  }
  return data;
}

/** Walks canonical RRs: owner, type, class, TTL, RDATA, as RFC 4034 §3.1.8.1 lays them out. */
function walk(bytes: Buffer): { owner: Buffer; type: number; klass: number; ttl: number; rdata: Buffer }[] {
  const out = [];
  let offset = 0;
  while (offset < bytes.length) {
    const start = offset;
    while (bytes[offset] !== 0) offset += (bytes[offset] ?? 0) + 1;
    offset++;
    const owner = bytes.subarray(start, offset);
    const type = bytes.readUInt16BE(offset);
    const klass = bytes.readUInt16BE(offset + 2);
    const ttl = bytes.readUInt32BE(offset + 4);
    const length = bytes.readUInt16BE(offset + 8);
    const rdata = bytes.subarray(offset + 10, offset + 10 + length);
    offset += 10 + length;
    out.push({ owner, type, klass, ttl, rdata });
  }
  return out;
}

describe('canonical RRset form (property)', () => {
  it('does not depend on record order, duplicates or the case of names', () => {
    fc.assert(
      fc.property(domain, rrsetArb, fc.integer(), fc.nat(2147483647), (owner, [type, datas], seed, ttl) => {
        const records: RrData[] = datas.map((r) => ({ name: owner, type, data: r.data }));
        const reference = canonicalRrset(records, ttl);
        const shuffled = [...records].reverse();
        const noisy: RrData[] = [...shuffled, ...shuffled.slice(0, 2)].map((r, i) => ({
          name: recase(`${r.name}.`, seed + i),
          type,
          data: recaseData(type, r.data, seed + i),
        }));
        expect(canonicalRrset(noisy, ttl)).toEqual(reference);
      }),
    );
  });

  it('is lowercase owner, the original TTL, class IN and strictly increasing RDATA that decodes back', () => {
    fc.assert(
      fc.property(domain, rrsetArb, fc.nat(2147483647), (owner, [type, datas], ttl) => {
        const records: RrData[] = datas.map((r) => ({ name: owner, type, data: r.data }));
        const rrs = walk(canonicalRrset(records, ttl));
        const rdatas = rrs.map((rr) => rr.rdata);
        for (const rr of rrs) {
          expect(rr.owner).toEqual(nameWire(owner));
          expect(rr.owner.toString('latin1')).toBe(rr.owner.toString('latin1').toLowerCase());
          expect(rr.ttl).toBe(ttl);
          expect(rr.klass).toBe(1);
        }
        for (let i = 1; i < rdatas.length; i++) {
          expect(Buffer.compare(rdatas[i - 1] as Buffer, rdatas[i] as Buffer)).toBeLessThan(0);
        }
        // Every distinct input record is there exactly once, and decodes to its lowercase self.
        const decoded = rrs.map((rr) => {
          const length = Buffer.alloc(2);
          length.writeUInt16BE(rr.rdata.length);
          const codec = (packet as unknown as { record(t: string): { decode(b: Buffer): unknown } }).record(type);
          return JSON.stringify(codec.decode(Buffer.concat([length, rr.rdata])));
        });
        const expected = new Set(
          records.map((r) => {
            const length = Buffer.alloc(2);
            const codec = (
              packet as unknown as {
                record(t: string): { encode(d: unknown): Buffer; decode(b: Buffer): unknown };
              }
            ).record(type);
            const bytes = codec.encode(recaseData(type, r.data, 0));
            length.writeUInt16BE(bytes.length - 2);
            return JSON.stringify(codec.decode(bytes));
          }),
        );
        expect(new Set(decoded)).toEqual(expected);
        expect(decoded.length).toBe(expected.size);
      }),
    );
  });
});

describe('key encodings (property)', () => {
  it('RFC 3110 RSA keys round-trip, with the 3-byte length form for long exponents', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }).filter((e) => e[0] !== 0),
        fc.uint8Array({ minLength: 1, maxLength: 600 }).filter((n) => n[0] !== 0),
        (e, n) => {
          const encoded = rsaPublicKeyRfc3110(Buffer.from(n), Buffer.from(e));
          expect(encoded[0] === 0).toBe(e.length > 255);
          const parsed = parseRsaPublicKey(encoded);
          expect(parsed.exponent).toEqual(Buffer.from(e));
          expect(parsed.modulus).toEqual(Buffer.from(n));
        },
      ),
    );
  });

  it('an RFC 3110 key made from a generated RSA key imports back as the same key', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = publicKey.export({ format: 'jwk' });
    const encoded = rsaPublicKeyRfc3110(Buffer.from(jwk.n ?? '', 'base64url'), Buffer.from(jwk.e ?? '', 'base64url'));
    const { modulus, exponent } = parseRsaPublicKey(encoded);
    const back = createPublicKey({
      key: { kty: 'RSA', n: modulus.toString('base64url'), e: exponent.toString('base64url') },
      format: 'jwk',
    });
    expect(back.equals(publicKey)).toBe(true);
  });

  it('the key tag is the RFC 4034 Appendix B checksum (16-bit words, carry folded once)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 600 }), (bytes) => {
        let sum = 0;
        for (let i = 0; i < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
        const expected = (sum + Math.floor(sum / 65536)) % 65536;
        expect(keyTag(Buffer.from(bytes))).toBe(expected);
      }),
    );
  });

  it('RRSIG times round-trip through YYYYMMDDHHmmSS for every 32-bit value', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), (seconds) => {
        const text = formatSigTime(seconds);
        expect(text).toMatch(/^\d{14}$/);
        expect(parseSigTime(text)).toBe(seconds);
        expect(parseSigTime(String(seconds))).toBe(seconds);
      }),
    );
    expect(parseSigTime('20250230000000')).toBeUndefined();
    expect(parseSigTime('4294967296')).toBeUndefined();
  });
});

describe('DNSSEC presentation form (property)', () => {
  const types = fc.subarray(['A', 'AAAA', 'NS', 'MX', 'TXT', 'SOA', 'CNAME', 'DNSKEY', 'RRSIG', 'NSEC', 'DS', 'CAA']);
  const lowerDomain = domain.map(asciiLower);
  type Case = ['DNSKEY' | 'RRSIG' | 'NSEC' | 'DS', RecordData];
  const cases: fc.Arbitrary<Case> = fc.oneof(
    fc
      .tuple(fc.nat(65535), fc.nat(255), fc.uint8Array({ minLength: 1, maxLength: 300 }))
      .map(([flags, algorithm, key]): Case => ['DNSKEY', { flags, algorithm, key: Buffer.from(key) }]),
    fc
      .record({
        typeCovered: fc.constantFrom('A', 'MX', 'DNSKEY', 'NSEC', 'SOA'),
        algorithm: fc.nat(255),
        labels: fc.nat(255),
        originalTTL: fc.nat(0xffffffff),
        expiration: fc.nat(0xffffffff),
        inception: fc.nat(0xffffffff),
        keyTag: fc.nat(65535),
        signersName: lowerDomain,
        signature: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
      })
      .map((data): Case => ['RRSIG', data]),
    fc.tuple(lowerDomain, types).map(([nextDomain, rrtypes]): Case => ['NSEC', { nextDomain, rrtypes }]),
    fc
      .tuple(fc.nat(65535), fc.nat(255), fc.nat(255), fc.uint8Array({ minLength: 1, maxLength: 64 }))
      .map(
        ([keyTag, algorithm, digestType, digest]): Case => [
          'DS',
          { keyTag, algorithm, digestType, digest: Buffer.from(digest) },
        ],
      ),
  );

  it('reads back what it writes', () => {
    fc.assert(
      fc.property(cases, ([type, data]) => {
        expect(recordData(type, formatDnssecData(type, data))).toEqual(data);
      }),
    );
  });

  it('rejects malformed DNSSEC data with a readable message', () => {
    expect(() => recordData('DNSKEY', '257 2 13 AAAA')).toThrow(/protocol must be 3/);
    expect(() => recordData('DNSKEY', '257 3 13 not*base64')).toThrow(/base64/);
    expect(() => recordData('DS', '1 13 2 XYZ')).toThrow(/hexadecimal/);
    expect(() => recordData('NSEC', 'next.test. A BOGUS')).toThrow(/not a record type/);
    expect(() => recordData('RRSIG', 'A 13 2 300 20251301000000 2024 1 x.test. AAAA')).toThrow(/RRSIG times/);
    // Base64 split by spaces, as zone files write it, is one value.
    expect(recordData('DNSKEY', '256 3 13 AAAA AAAA')).toEqual({ flags: 256, algorithm: 13, key: Buffer.alloc(6) });
  });
});
