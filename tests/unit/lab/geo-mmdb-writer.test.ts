import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { Reader } from 'maxmind';
import { describe, expect, it } from 'vitest';
import {
  encodeGeoDb,
  encodeMmdb,
  geoRecord,
  LAB_DATABASE_TYPE,
  type MmdbMap,
  type MmdbNetwork,
  mmdb,
} from '../../../src/lab/geo/mmdb-writer';

type Rec = Record<string, unknown>;
const read = (bytes: Buffer) => new Reader<Rec>(bytes);

// ---------------------------------------------------------------------------------------------
// A model of the address space: every network as a 128-bit prefix (IPv4 at ::/96, as the format
// stores it), answered by longest prefix, later entries winning ties.

const V4_MAPPED = 0xffffn << 32n;

interface Net {
  base: bigint;
  length: number;
  text: string;
}

function v4Net(address: number, length: number): Net {
  const base = length === 0 ? 0 : (address >>> (32 - length)) << (32 - length);
  const text = `${ipaddr.fromByteArray([(base >>> 24) & 255, (base >>> 16) & 255, (base >>> 8) & 255, base & 255]).toString()}/${length}`;
  return { base: BigInt(base >>> 0), length: 96 + length, text };
}

function v6Text(value: bigint): string {
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function v6Net(address: bigint, length: number): Net {
  const shift = BigInt(128 - length);
  const base = (address >> shift) << shift;
  // Mapped networks of /96 or longer are IPv4 networks, as the writer reads them.
  if (length >= 96 && base >> 32n === 0xffffn) return v4Net(Number(base & 0xffffffffn), length - 96);
  return { base, length, text: `${v6Text(base)}/${length}` };
}

const contains = (net: Net, address: bigint): boolean =>
  net.length === 0 || address >> BigInt(128 - net.length) === net.base >> BigInt(128 - net.length);

const overlaps = (a: Net, b: Net): boolean =>
  contains(a.length <= b.length ? a : b, (a.length <= b.length ? b : a).base);

/** The index of the network an address answers from, or -1. ::ffff:a.b.c.d answers as a.b.c.d. */
function expected(nets: readonly Net[], address: bigint): number {
  const key = address >> 32n === 0xffffn ? address & 0xffffffffn : address;
  let best = -1;
  nets.forEach((net, i) => {
    if (contains(net, key) && (best === -1 || net.length >= (nets[best] as Net).length)) best = i;
  });
  return best;
}

const netArb: fc.Arbitrary<Net> = fc.oneof(
  fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 })).map(([a, l]) => v4Net(a, l)),
  fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 8, max: 32 })).map(([a, l]) => v4Net(a, l)),
  fc
    .tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 }))
    .map(([a, l]) => v6Net(a, l)),
  // Mapped networks, written as IPv6, land in the IPv4 tree.
  fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 96, max: 128 })).map(([a, l]) => v6Net(V4_MAPPED | BigInt(a), l)),
);

/** Addresses to probe: first, last and a random one of each network, and some anywhere. */
function probes(nets: readonly Net[], randoms: bigint[]): bigint[] {
  const out = [...randoms];
  for (const net of nets) {
    const size = 1n << BigInt(128 - net.length);
    out.push(net.base, net.base + size - 1n, net.base + ((randoms[0] ?? 0n) % size));
  }
  return out;
}

function addressText(address: bigint): string {
  // IPv4 space is asked as IPv4 (the reader's IPv4 start node), the rest as IPv6.
  return address >> 32n === 0n ? v4Net(Number(address), 32).text.replace(/\/32$/, '') : v6Text(address);
}

function checkAgainstModel(nets: Net[], randoms: bigint[], recordSize?: 24 | 28 | 32): void {
  const networks: MmdbNetwork[] = nets.map((net, i) => ({ network: net.text, record: { id: i } }));
  const reader = read(encodeMmdb(networks, recordSize ? { recordSize } : {}));
  for (const address of probes(nets, randoms)) {
    const want = expected(nets, address);
    const got = reader.get(addressText(address));
    expect(got === null ? -1 : got.id, `${addressText(address)} in ${nets.map((n) => n.text).join(' ')}`).toBe(want);
    if (address >> 32n === 0n) {
      // The same IPv4 address asked in IPv4-mapped form answers the same.
      const mapped = reader.get(v6Text(V4_MAPPED | address));
      expect(mapped === null ? -1 : mapped.id).toBe(want);
    }
  }
}

const randomAddresses = fc.array(
  fc.oneof(fc.nat(0xffffffff).map(BigInt), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n })),
  { minLength: 1, maxLength: 8 },
);

describe('MaxMind DB writer: search tree (property)', () => {
  it('finds each of a set of non-overlapping networks everywhere inside it, and nothing outside', () => {
    fc.assert(
      fc.property(fc.array(netArb, { maxLength: 25 }), randomAddresses, (candidates, randoms) => {
        const nets: Net[] = [];
        for (const net of candidates) if (!nets.some((n) => overlaps(n, net))) nets.push(net);
        checkAgainstModel(nets, randoms);
      }),
      { numRuns: 150 },
    );
  });

  it('answers overlapping networks by the most specific, the later of equal ones', () => {
    fc.assert(
      fc.property(fc.array(netArb, { maxLength: 25 }), randomAddresses, (nets, randoms) => {
        checkAgainstModel(nets, randoms);
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same answers with 24-, 28- and 32-bit records', () => {
    fc.assert(
      fc.property(
        fc.array(netArb, { maxLength: 10 }),
        randomAddresses,
        fc.constantFrom(24, 28, 32),
        (nets, randoms, size) => {
          checkAgainstModel(nets, randoms, size as 24 | 28 | 32);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('MaxMind DB writer: data section', () => {
  it('round-trips every MaxMind type, including the long size forms', () => {
    const record: MmdbMap = {
      empty: '',
      short: 'x'.repeat(28),
      s29: 'é'.repeat(15),
      s285: 'y'.repeat(285),
      s65821: 'z'.repeat(65821),
      sBig: 'w'.repeat(70_000),
      double: mmdb.double(52),
      negative: -12.25,
      float: mmdb.float(1.5),
      u16: mmdb.uint16(65535),
      u32: 4294967295,
      zero: 0,
      i32: -2147483648,
      u64: 18446744073709551615n,
      u128: 1n << 100n,
      yes: true,
      no: false,
      bytes: Buffer.from([0, 1, 2, 255]),
      list: ['a', 1, [true, { deep: 'value' }], []],
      nested: { map: { in: { map: 'ok' } } },
      many: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])),
    };
    const reader = read(encodeMmdb([{ network: '192.0.2.0/24', record }]));
    const got = reader.get('192.0.2.1') as Rec;
    expect(got).toEqual({
      ...record,
      double: 52,
      float: 1.5,
      u16: 65535,
      u64: 18446744073709551615n,
      u128: 1n << 100n,
    });
  });

  it('stores lab coordinates as doubles even when whole, and ASNs as uint32', () => {
    const bytes = encodeGeoDb([
      { network: '192.0.2.0/24', country: 'de', latitude: 52, longitude: 13, asn: 64500, org: 'X' },
    ]);
    const double52 = Buffer.alloc(9);
    double52[0] = (3 << 5) | 8;
    double52.writeDoubleBE(52, 1);
    expect(bytes.includes(double52)).toBe(true);
    const asn = Buffer.from([(6 << 5) | 2, 0xfb, 0xf4]);
    expect(bytes.includes(asn)).toBe(true);
  });

  it('stores a shared record once, and repeated strings and sub-maps as pointers', () => {
    const org = 'A rather long organisation name that every network shares';
    const shared = encodeMmdb(
      Array.from({ length: 1000 }, (_, i) => ({
        network: `10.${i >> 8}.${i & 255}.0/24`,
        record: { country: { iso_code: 'NL', names: { en: 'Netherlands' } }, org, asn: i },
      })),
    );
    // Without pointers the organisation alone would take 1000 × 58 bytes.
    expect(shared.length).toBeLessThan(40_000);
    const reader = read(shared);
    for (const i of [0, 1, 255, 256, 999]) {
      expect(reader.get(`10.${i >> 8}.${i & 255}.9`)).toEqual({
        country: { iso_code: 'NL', names: { en: 'Netherlands' } },
        org,
        asn: i,
      });
    }
    // Values first written past 2 KiB and past 512 KiB take the 3- and 4-byte pointer forms.
    const far = read(
      encodeMmdb([
        { network: '10.1.0.0/16', record: { pad: 'p'.repeat(3000), near: 'a value written once, then pointed to' } },
        {
          network: '10.2.0.0/16',
          record: { pad2: 'q'.repeat(600_000), far: 'another value written once, pointed to' },
        },
        {
          network: '10.3.0.0/16',
          record: { near: 'a value written once, then pointed to', far: 'another value written once, pointed to' },
        },
      ]),
    );
    expect(far.get('10.3.0.1')).toEqual({
      near: 'a value written once, then pointed to',
      far: 'another value written once, pointed to',
    });
    expect(String(far.get('10.2.0.1')?.pad2 ?? '').length).toBe(600_000);
    const same = encodeMmdb([
      { network: '10.0.0.0/24', record: { a: 'one' } },
      { network: '10.0.1.0/24', record: { a: 'one' } },
    ]);
    const sameReader = read(same);
    expect(sameReader.get('10.0.0.1')).toEqual({ a: 'one' });
    expect(sameReader.get('10.0.1.1')).toEqual({ a: 'one' });
  });
});

describe('MaxMind DB writer: metadata and shapes', () => {
  it('writes the metadata MaxMind readers expect', () => {
    const bytes = encodeGeoDb(
      [{ network: '2001:db8::/32', country: 'US', latitude: 1, longitude: 2, asn: 1, org: 'o' }],
      { buildEpoch: new Date('2026-01-02T03:04:05Z') },
    );
    const marker = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com')]);
    expect(bytes.lastIndexOf(marker)).toBeGreaterThan(0);
    const meta = read(bytes).metadata;
    expect(meta).toMatchObject({
      binaryFormatMajorVersion: 2,
      binaryFormatMinorVersion: 0,
      databaseType: LAB_DATABASE_TYPE,
      ipVersion: 6,
      recordSize: 28,
      languages: ['en'],
      buildEpoch: new Date('2026-01-02T03:04:05Z'),
    });
    expect(meta.description).toEqual({ en: expect.any(String) });
    expect(meta.nodeCount).toBeGreaterThanOrEqual(32);
    // Tree, 16 zero bytes, data: the tree's size follows from node count and record size.
    expect(bytes.subarray(meta.searchTreeSize, meta.searchTreeSize + 16)).toEqual(Buffer.alloc(16));
  });

  it('builds the GeoLite2-City shape with GeoLite2-ASN fields beside it', () => {
    expect(
      geoRecord({
        network: '185.220.101.0/24',
        country: 'de',
        city: 'Berlin',
        latitude: 52.5,
        longitude: 13.4,
        asn: 205100,
        org: 'F3 Netze e.V.',
      }),
    ).toEqual({
      country: { iso_code: 'DE', names: { en: 'Germany' } },
      city: { names: { en: 'Berlin' } },
      location: { latitude: mmdb.double(52.5), longitude: mmdb.double(13.4) },
      autonomous_system_number: mmdb.uint32(205100),
      autonomous_system_organization: 'F3 Netze e.V.',
    });
    expect(
      geoRecord({ network: '::/0', country: 'ZZ', countryName: 'Nowhere', latitude: 0, longitude: 0, asn: 0, org: '' }),
    ).toMatchObject({ country: { iso_code: 'ZZ', names: { en: 'Nowhere' } } });
  });

  it('writes an IPv4-only tree when asked, and refuses IPv6 networks in it', () => {
    const reader = read(encodeMmdb([{ network: '198.51.100.0/24', record: { v: 4 } }], { ipVersion: 4 }));
    expect(reader.metadata.ipVersion).toBe(4);
    expect(reader.get('198.51.100.7')).toEqual({ v: 4 });
    expect(reader.get('198.51.101.7')).toBeNull();
    expect(() => encodeMmdb([{ network: '2001:db8::/32', record: {} }], { ipVersion: 4 })).toThrow(/IPv4 only/);
  });

  it('answers nothing from an empty database, and names a bad network', () => {
    const reader = read(encodeMmdb([]));
    expect(reader.get('192.0.2.1')).toBeNull();
    expect(reader.get('2001:db8::1')).toBeNull();
    expect(() => encodeMmdb([{ network: '192.0.2.0/33', record: {} }])).toThrow(/"192\.0\.2\.0\/33" is not a network/);
    expect(() =>
      encodeGeoDb([{ network: 'nope', country: 'DE', latitude: 0, longitude: 0, asn: 1, org: '' }]),
    ).toThrow();
  });
});
