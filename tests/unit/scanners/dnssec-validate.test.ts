// The DNSSEC scanner's validator on fixed vectors: the RFCs' published examples, signatures made
// here with node:crypto, DS digests, validity windows, and zones judged from their keys and DS.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROOT_ANCHORS } from '../../../src/scanners/dnssec/anchors';
import { dsDigest } from '../../../src/scanners/dnssec/crypto';
import { groupRrsets, MAX_RRSETS, type Rrset, type Signature } from '../../../src/scanners/dnssec/rrsets';
import { absoluteTime, checkSignature, zoneKeys } from '../../../src/scanners/dnssec/verify';
import { evaluateZone } from '../../../src/scanners/dnssec/zone';
import { keyTag, signedData, signedOwner } from '../../../src/shared/dns/canonical';
import { type RrsigRdata, rrsigHead, rsaPublicKeyRfc3110 } from '../../../src/shared/dns/dnssec-rdata';
import { parseMessage } from '../../../src/shared/dns/message';
import { DnsWireError, labelCount, nameLabels } from '../../../src/shared/dns/name';

const b64 = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'base64'));
const hexOf = (bytes: Uint8Array | undefined): string =>
  Buffer.from(bytes ?? [])
    .toString('hex')
    .toUpperCase();
const time = (iso: string): number => Date.parse(iso) / 1000;

function dnskeyRdata(flags: number, algorithm: number, key: Uint8Array): Uint8Array {
  return Uint8Array.from([flags >> 8, flags & 0xff, 3, algorithm, ...key]);
}

function aRrset(owner: string, addresses: string[], sig?: Omit<RrsigRdata, 'signer'> & { signer: string }): Rrset {
  return {
    name: owner.toLowerCase(),
    owner: nameLabels(owner),
    type: 1,
    ttl: 3600,
    rdatas: addresses.map((a) => Uint8Array.from(a.split('.').map(Number))),
    signatures: sig ? [{ rrsig: { ...sig, signer: nameLabels(sig.signer) }, signer: sig.signer.toLowerCase() }] : [],
  };
}

// RFC 6605 §6.1 (ECDSA P-256) and RFC 5702 §6.1 (RSA/SHA-256).
const RFC6605_KEY = b64('GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==');
const RFC6605_SIG = b64('qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==');
const RFC5702_KEY = b64('AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=');
const RFC5702_SIG = b64('kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lPtPiVYP4bwg==');

const ecExample = () => ({
  keys: zoneKeys([dnskeyRdata(257, 13, RFC6605_KEY)]),
  rrset: aRrset('www.example.net', ['192.0.2.1'], {
    typeCovered: 1,
    algorithm: 13,
    labels: 3,
    originalTtl: 3600,
    expiration: time('2010-09-09T10:04:39Z'),
    inception: time('2010-08-12T10:04:39Z'),
    keyTag: 55648,
    signer: 'example.net',
    signature: RFC6605_SIG,
  }),
});

describe('signature checks on published examples', () => {
  it('RFC 6605: ECDSA P-256 valid inside its window, expired after, not yet valid before', () => {
    const { keys, rrset } = ecExample();
    const sig = rrset.signatures[0];
    if (!sig) throw new Error('no signature');
    expect(keys[0]?.tag).toBe(55648);
    expect(checkSignature(rrset, sig, 'example.net', keys, time('2010-08-20T00:00:00Z')).status).toBe('valid');
    expect(checkSignature(rrset, sig, 'example.net', keys, time('2011-01-01T00:00:00Z'))).toMatchObject({
      status: 'expired',
      expiration: '2010-09-09T10:04:39Z',
    });
    expect(checkSignature(rrset, sig, 'example.net', keys, time('2010-01-01T00:00:00Z')).status).toBe('not-yet-valid');
    expect(checkSignature(rrset, sig, 'example.com', keys, time('2010-08-20T00:00:00Z')).status).toBe('wrong-signer');
    // Other data under the same signature.
    const other = { ...rrset, rdatas: [Uint8Array.of(192, 0, 2, 2)] };
    expect(checkSignature(other, sig, 'example.net', keys, time('2010-08-20T00:00:00Z')).status).toBe('bad-signature');
  });

  it('RFC 5702: RSA/SHA-256, and a key tag the zone does not have', () => {
    const keys = zoneKeys([dnskeyRdata(256, 8, RFC5702_KEY)]);
    const rrset = aRrset('www.example.net', ['192.0.2.91'], {
      typeCovered: 1,
      algorithm: 8,
      labels: 3,
      originalTtl: 3600,
      expiration: time('2030-01-01T00:00:00Z'),
      inception: time('2000-01-01T00:00:00Z'),
      keyTag: 9033,
      signer: 'example.net',
      signature: RFC5702_SIG,
    });
    const sig = rrset.signatures[0];
    if (!sig) throw new Error('no signature');
    const now = time('2026-01-01T00:00:00Z');
    expect(checkSignature(rrset, sig, 'example.net', keys, now).status).toBe('valid');
    const unknownTag = { ...sig, rrsig: { ...sig.rrsig, keyTag: 9034 } };
    expect(checkSignature(rrset, unknownTag, 'example.net', keys, now).status).toBe('no-key');
    const ed25519 = { ...sig, rrsig: { ...sig.rrsig, algorithm: 15 } };
    expect(checkSignature(rrset, ed25519, 'example.net', keys, now).status).toBe('unsupported-algorithm');
  });
});

function firstSig(rrset: Rrset): Signature {
  const sig = rrset.signatures[0];
  if (!sig) throw new Error('no signature');
  return sig;
}

/** A P-256 zone key made here, and an RRSIG over `rrset` made with it. */
function ecKey(flags = 257): { rdata: Uint8Array; privateKey: KeyObject; tag: number } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Uint8Array.from([...Buffer.from(jwk.x ?? '', 'base64url'), ...Buffer.from(jwk.y ?? '', 'base64url')]);
  const rdata = dnskeyRdata(flags, 13, point);
  return { rdata, privateKey, tag: keyTag(rdata) };
}

function signWith(rrset: Rrset, key: { privateKey: KeyObject; tag: number }, zone: string, der = false): Rrset {
  const fields = {
    typeCovered: rrset.type,
    algorithm: 13,
    labels: labelCount(rrset.owner),
    originalTtl: 300,
    expiration: time('2030-01-01T00:00:00Z'),
    inception: time('2020-01-01T00:00:00Z'),
    keyTag: key.tag,
    signer: nameLabels(zone),
  };
  const data = signedData(rrsigHead(fields), signedOwner(rrset.owner, fields.labels), rrset.type, rrset.rdatas, 300);
  const signature = sign('sha256', data, { key: key.privateKey, dsaEncoding: der ? 'der' : 'ieee-p1363' });
  return { ...rrset, signatures: [{ rrsig: { ...fields, signature }, signer: zone }] };
}

describe('signatures made with node:crypto', () => {
  const now = time('2026-06-01T00:00:00Z');

  it('verifies raw r || s ECDSA signatures, and refuses DER ones', () => {
    const key = ecKey();
    const keys = zoneKeys([key.rdata]);
    const plain = aRrset('Mail.Example.test', ['192.0.2.3', '192.0.2.1']);
    const good = signWith(plain, key, 'example.test');
    expect(checkSignature(good, firstSig(good), 'example.test', keys, now).status).toBe('valid');
    // Record order and owner case do not matter: the signed form is canonical.
    const reordered = { ...good, owner: nameLabels('mail.example.TEST'), rdatas: [...good.rdatas].reverse() };
    expect(checkSignature(reordered, firstSig(good), 'example.test', keys, now).status).toBe('valid');
    const der = signWith(plain, key, 'example.test', true);
    expect(checkSignature(der, firstSig(der), 'example.test', keys, now).status).toBe('bad-signature');
  });

  it('verifies an answer expanded from a wildcard against "*." and the signed labels', () => {
    const key = ecKey();
    const wildcard = aRrset('*.example.test', ['192.0.2.9']);
    const signed = signWith(wildcard, key, 'example.test');
    const expanded = { ...signed, name: 'any.example.test', owner: nameLabels('any.example.test') };
    expect(checkSignature(expanded, firstSig(signed), 'example.test', zoneKeys([key.rdata]), now).status).toBe('valid');
  });

  it('never throws on arbitrary keys or signatures', () => {
    const plain = aRrset('a.test', ['192.0.2.1']);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.constantFrom(8, 13, 15),
        (keyBytes, signature, algorithm) => {
          const keys = zoneKeys([dnskeyRdata(257, algorithm, keyBytes), keyBytes]);
          const tag = keys[0]?.tag ?? 0;
          const rrsig = {
            typeCovered: 1,
            algorithm,
            labels: 2,
            originalTtl: 60,
            expiration: 0,
            inception: 0,
            keyTag: tag,
            signer: nameLabels('test'),
            signature,
          };
          const check = checkSignature(plain, { rrsig, signer: 'test' }, 'test', keys, now);
          expect(check.status).not.toBe('valid');
        },
      ),
    );
  });
});

describe('DS digests', () => {
  const RFC4034_KEY = b64(
    'AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==',
  );

  it('matches RFC 4034 §5.4 (SHA-1), RFC 4509 (SHA-256) and RFC 6605 (SHA-256)', () => {
    const dskey = dnskeyRdata(256, 5, RFC4034_KEY);
    expect(keyTag(dskey)).toBe(60485);
    const owner = nameLabels('dskey.example.com');
    expect(hexOf(dsDigest(owner, dskey, 1))).toBe('2BB183AF5F22588179A53B0A98631FAD1A292118');
    expect(hexOf(dsDigest(owner, dskey, 2))).toBe('D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A');
    expect(hexOf(dsDigest(nameLabels('EXAMPLE.net'), dnskeyRdata(257, 13, RFC6605_KEY), 2))).toBe(
      'B4C8C1FE2E7477127B27115656AD6256F424625BF5C1E2770CE6D6E37DF61D17',
    );
    expect(dsDigest(owner, dskey, 3)).toBeUndefined();
  });
});

describe('zones', () => {
  const now = time('2026-06-01T00:00:00Z');
  const zone = 'example.test';

  function zoneWith(dsDigestOf: (rdata: Uint8Array) => Uint8Array | undefined, dsAlgorithm = 13) {
    const ksk = ecKey(257);
    const zsk = ecKey(256);
    const dnskey: Rrset = {
      name: zone,
      owner: nameLabels(zone),
      type: 48,
      ttl: 3600,
      rdatas: [ksk.rdata, zsk.rdata],
      signatures: [],
    };
    const signed = signWith(dnskey, ksk, zone);
    const digest = dsDigestOf(ksk.rdata) ?? new Uint8Array(32);
    const ds: Rrset = {
      name: zone,
      owner: nameLabels(zone),
      type: 43,
      ttl: 3600,
      rdatas: [Uint8Array.from([ksk.tag >> 8, ksk.tag & 0xff, dsAlgorithm, 2, ...digest])],
      signatures: [],
    };
    return { dnskey: signed, ds };
  }

  it('is secure when a DS digest matches the key that signs the DNSKEY RRset', () => {
    const { dnskey, ds } = zoneWith((rdata) => dsDigest(nameLabels(zone), rdata, 2));
    const { report } = evaluateZone({ zone, dnskey, ds, dsDenial: null, now });
    expect(report.status).toBe('secure');
    expect(report.ds.map((d) => d.match)).toEqual(['matches']);
    expect(report.keys.map((k) => k.role)).toEqual(['KSK', 'ZSK']);
  });

  it('is bogus when no DS digest matches, insecure without DS or keys, unsupported for unknown algorithms', () => {
    const mismatch = zoneWith(() => new Uint8Array(32).fill(1));
    expect(evaluateZone({ zone, ...mismatch, dsDenial: null, now }).report).toMatchObject({
      status: 'bogus',
      ds: [{ match: 'no-match' }],
    });
    const island = evaluateZone({ zone, dnskey: mismatch.dnskey, ds: undefined, dsDenial: 'NSEC3', now }).report;
    expect(island.status).toBe('insecure');
    expect(island.problems[0]).toMatch(/island of security/);
    expect(evaluateZone({ zone, dnskey: undefined, ds: undefined, dsDenial: null, now }).report.status).toBe(
      'insecure',
    );
    expect(evaluateZone({ zone, dnskey: undefined, ds: mismatch.ds, dsDenial: null, now }).report.status).toBe('bogus');
    const ed448 = zoneWith((rdata) => dsDigest(nameLabels(zone), rdata, 2), 16);
    expect(evaluateZone({ zone, ...ed448, dsDenial: null, now }).report.status).toBe('unsupported');
  });

  it('judges the root against the built-in trust anchors', () => {
    const { dnskey } = zoneWith(() => undefined);
    const root = { ...dnskey, name: '.', owner: [] };
    const report = evaluateZone({
      zone: '.',
      dnskey: root,
      ds: undefined,
      dsDenial: null,
      anchors: ROOT_ANCHORS,
      now,
    }).report;
    expect(report.dsSource).toBe('root trust anchor');
    expect(report.ds.map((d) => [d.tag, d.match])).toEqual([
      [20326, 'no-key'],
      [38696, 'no-key'],
    ]);
    expect(report.status).toBe('bogus');
  });
});

describe('RRSIG times', () => {
  it('reads 32-bit serial times as the instant nearest now (RFC 4034 §3.1.5)', () => {
    const now = 2 ** 32 + 100;
    expect(absoluteTime(50, now)).toBe(2 ** 32 + 50);
    expect(absoluteTime(2 ** 32 - 50, now)).toBe(2 ** 32 - 50);
    expect(absoluteTime(1_700_000_000, 1_700_000_100)).toBe(1_700_000_000);
  });
});

describe('RRsets from raw answers', () => {
  it('groups any message into a bounded number of RRsets without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 700 }), (bytes) => {
        let records: ReturnType<typeof parseMessage>['answers'];
        try {
          records = parseMessage(bytes).answers;
        } catch (error) {
          expect(error).toBeInstanceOf(DnsWireError);
          return;
        }
        expect(groupRrsets(records).length).toBeLessThanOrEqual(MAX_RRSETS);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the RRSIGs with the RRset they cover and drops unreadable ones', () => {
    const owner = nameLabels('a.test');
    const record = (type: number, rdata: Uint8Array) => ({ owner, name: 'a.test', type, klass: 1, ttl: 60, rdata });
    const rrsig = Uint8Array.from([
      0, 1, 13, 2, 0, 0, 0, 60, 0, 0, 0, 1, 0, 0, 0, 0, 0, 7, 4, 116, 101, 115, 116, 0, 9,
    ]);
    const sets = groupRrsets([record(1, Uint8Array.of(192, 0, 2, 1)), record(46, rrsig), record(46, Uint8Array.of(1))]);
    expect(sets).toHaveLength(1);
    expect(sets[0]?.signatures.map((s) => [s.signer, s.rrsig.keyTag])).toEqual([['test', 7]]);
  });
});

describe('RSA keys', () => {
  it('reads the RFC 3110 form the lab writes', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 65537 });
    const jwk = publicKey.export({ format: 'jwk' });
    const key = rsaPublicKeyRfc3110(Buffer.from(jwk.n ?? '', 'base64url'), Buffer.from(jwk.e ?? '', 'base64url'));
    expect(zoneKeys([dnskeyRdata(256, 8, key)])[0]?.publicKey).toBeDefined();
    expect(zoneKeys([dnskeyRdata(256, 8, Uint8Array.of(3, 1))])[0]?.publicKey).toBeUndefined();
  });
});
