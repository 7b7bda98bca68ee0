import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeoReader, openGeoReader } from '../../../src/core/geo';
import { type GeoEntryInput, mmdb, writeGeoDb } from '../../../src/lab/geo/mmdb-writer';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracegraph-geo-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const labEntries: GeoEntryInput[] = [
  {
    network: '185.220.101.0/24',
    country: 'DE',
    countryName: 'Germany',
    city: 'Berlin',
    latitude: 52.52,
    longitude: 13.405,
    asn: 205100,
    org: 'F3 Netze e.V.',
  },
  // A more specific network inside the /24, and a single address inside that.
  { network: '185.220.101.128/25', country: 'NL', latitude: 52.37, longitude: 4.89, asn: 64500, org: 'Example NL' },
  {
    network: '185.220.101.47/32',
    country: 'SE',
    city: 'Stockholm',
    latitude: 59.33,
    longitude: 18.07,
    asn: 64501,
    org: 'Exit Node AB',
  },
  { network: '203.0.113.7/32', country: 'JP', latitude: 35.68, longitude: 139.69, asn: 64502, org: 'Tokyo Hosting' },
  {
    network: '2001:db8:1::/48',
    country: 'US',
    city: 'Ashburn',
    latitude: 39.04,
    longitude: -77.49,
    asn: 64503,
    org: 'V6 Co',
  },
  { network: '2001:db8:1:2::5/128', country: 'CA', latitude: 43.65, longitude: -79.38, asn: 64504, org: 'One Host' },
];

describe('the lab GeoIP database read through openGeoReader', () => {
  let reader: GeoReader;
  beforeAll(async () => {
    const file = join(dir, 'lab.mmdb');
    writeGeoDb(labEntries, file);
    reader = await openGeoReader([file]);
  });

  it('describes the database it opened', () => {
    expect(reader.databases).toEqual([
      { path: join(dir, 'lab.mmdb'), type: 'Tracegraph-Lab-City-ASN', ipVersion: 6, buildEpoch: expect.any(Date) },
    ]);
  });

  it('answers IPv4 hits by the most specific network', () => {
    expect(reader.lookup('185.220.101.1')).toEqual({
      country: 'DE',
      countryName: 'Germany',
      city: 'Berlin',
      latitude: 52.52,
      longitude: 13.405,
      asn: 205100,
      org: 'F3 Netze e.V.',
    });
    expect(reader.lookup('185.220.101.127')?.country).toBe('DE');
    expect(reader.lookup('185.220.101.128')).toEqual({
      country: 'NL',
      countryName: 'Netherlands',
      latitude: 52.37,
      longitude: 4.89,
      asn: 64500,
      org: 'Example NL',
    });
    expect(reader.lookup('185.220.101.47')).toMatchObject({ country: 'SE', city: 'Stockholm', asn: 64501 });
    expect(reader.lookup('185.220.101.46')?.country).toBe('DE');
    expect(reader.lookup('185.220.101.48')?.country).toBe('DE');
    expect(reader.lookup('203.0.113.7')).toMatchObject({ country: 'JP', countryName: 'Japan', org: 'Tokyo Hosting' });
  });

  it('answers IPv6 hits, /48 and /128, in any spelling', () => {
    expect(reader.lookup('2001:db8:1:ffff::1')).toMatchObject({ country: 'US', city: 'Ashburn', asn: 64503 });
    expect(reader.lookup('2001:DB8:1:2:0:0:0:5')).toMatchObject({ country: 'CA', asn: 64504 });
    expect(reader.lookup('2001:db8:1:2::6')?.country).toBe('US');
  });

  it('answers IPv4-mapped addresses as their IPv4 address', () => {
    expect(reader.lookup('::ffff:185.220.101.47')?.country).toBe('SE');
    expect(reader.lookup('::ffff:cb00:7107')?.country).toBe('JP');
  });

  it('misses outside every network, and for text that is not an address', () => {
    for (const ip of [
      '185.220.100.255',
      '185.220.102.0',
      '203.0.113.6',
      '203.0.113.8',
      '10.0.0.1',
      '2001:db8:2::1',
      '::1',
    ]) {
      expect(reader.lookup(ip), ip).toBeNull();
    }
    for (const bad of ['', 'example.com', '999.1.1.1', '1.2.3', '0x7f.1', '2001:db8::g']) {
      expect(reader.lookup(bad), bad).toBeNull();
    }
  });
});

describe('real-world record shapes, written raw', () => {
  it('merges a GeoLite2-City file and a GeoLite2-ASN file', async () => {
    const city = join(dir, 'GeoLite2-City.mmdb');
    const asn = join(dir, 'GeoLite2-ASN.mmdb');
    writeGeoDb(
      [
        {
          network: '198.51.100.0/24',
          record: {
            continent: { code: 'EU', geoname_id: mmdb.uint32(6255148), names: { en: 'Europe', de: 'Europa' } },
            country: {
              geoname_id: mmdb.uint32(2635167),
              iso_code: 'GB',
              names: { en: 'United Kingdom', fr: 'Royaume-Uni' },
            },
            registered_country: { geoname_id: mmdb.uint32(2635167), iso_code: 'GB', names: { en: 'United Kingdom' } },
            city: { geoname_id: mmdb.uint32(2643743), names: { en: 'London' } },
            location: {
              accuracy_radius: mmdb.uint16(50),
              latitude: mmdb.double(51.5085),
              longitude: mmdb.double(-0.1257),
              time_zone: 'Europe/London',
            },
            postal: { code: 'EC1A' },
            subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }],
          },
        },
      ],
      city,
      { databaseType: 'GeoLite2-City', languages: ['en', 'de', 'fr'] },
    );
    writeGeoDb(
      [
        {
          network: '198.51.100.0/22',
          record: { autonomous_system_number: mmdb.uint32(64510), autonomous_system_organization: 'Example Transit' },
        },
      ],
      asn,
      { databaseType: 'GeoLite2-ASN' },
    );
    const reader = await openGeoReader({ city, asn });
    expect(reader.databases.map((d) => d.type)).toEqual(['GeoLite2-City', 'GeoLite2-ASN']);
    expect(reader.lookup('198.51.100.20')).toEqual({
      country: 'GB',
      countryName: 'United Kingdom',
      city: 'London',
      latitude: 51.5085,
      longitude: -0.1257,
      asn: 64510,
      org: 'Example Transit',
    });
    // Only the ASN database knows this one.
    expect(reader.lookup('198.51.102.1')).toEqual({ country: null, asn: 64510, org: 'Example Transit' });
    expect(reader.lookup('198.51.104.1')).toBeNull();
  });

  it('reads a GeoLite2-Country record (registered country only)', async () => {
    const file = join(dir, 'GeoLite2-Country.mmdb');
    writeGeoDb(
      [{ network: '192.0.2.0/24', record: { registered_country: { iso_code: 'AU', names: { en: 'Australia' } } } }],
      file,
      { databaseType: 'GeoLite2-Country' },
    );
    const reader = await openGeoReader({ city: file });
    expect(reader.lookup('192.0.2.9')).toEqual({ country: 'AU', countryName: 'Australia' });
  });

  it('reads DB-IP lite flat records from separate IPv4-only and IPv6 files', async () => {
    const v4 = join(dir, 'dbip-city-ipv4.mmdb');
    const v6 = join(dir, 'dbip-city-ipv6.mmdb');
    const flat = (city: string, code: string, latitude: number, longitude: number) => ({
      city,
      country_code: code,
      latitude: mmdb.float(latitude),
      longitude: mmdb.float(longitude),
      postcode: '',
      state1: 'State',
      state2: '',
      timezone: 'UTC',
    });
    writeGeoDb([{ network: '100.64.0.0/10', record: flat('Paris', 'FR', 48.5, 2.25) }], v4, {
      databaseType: 'dbip-city-lite',
      ipVersion: 4,
    });
    writeGeoDb([{ network: '2001:db8:9::/48', record: flat('Madrid', 'ES', 40.25, -3.75) }], v6, {
      databaseType: 'dbip-city-lite',
    });
    const reader = await openGeoReader([v4, v6]);
    expect(reader.lookup('100.100.1.1')).toEqual({
      country: 'FR',
      countryName: 'France',
      city: 'Paris',
      latitude: 48.5,
      longitude: 2.25,
    });
    expect(reader.lookup('2001:db8:9::1')).toEqual({
      country: 'ES',
      countryName: 'Spain',
      city: 'Madrid',
      latitude: 40.25,
      longitude: -3.75,
    });
    // An IPv6 address never walks the IPv4-only tree (its first 32 bits would match 100.64/10).
    expect(reader.lookup('6440::1')).toBeNull();
    expect(reader.lookup('::ffff:100.100.1.1')?.city).toBe('Paris');
  });

  it('names the file it could not open', async () => {
    await expect(openGeoReader([join(dir, 'missing.mmdb')])).rejects.toThrow(/missing\.mmdb/);
    const junk = join(dir, 'junk.mmdb');
    writeFileSync(junk, 'not a database');
    await expect(openGeoReader({ asn: junk })).rejects.toThrow(/cannot open GeoIP database .*junk\.mmdb/);
  });
});

describe('writing', () => {
  it('writes 1,000 networks quickly and leaves no temporary file', async () => {
    const entries: GeoEntryInput[] = Array.from({ length: 1000 }, (_, i) => ({
      network: i % 2 ? `10.${i >> 8}.${i & 255}.0/24` : `2001:db8:${i.toString(16)}::/48`,
      country: ['DE', 'NL', 'US', 'JP'][i % 4] as string,
      city: `City ${i % 50}`,
      latitude: (i % 180) - 90,
      longitude: (i % 360) - 180,
      asn: 64500 + (i % 100),
      org: `Org ${i % 100}`,
    }));
    const file = join(dir, 'thousand.mmdb');
    const start = performance.now();
    writeGeoDb(entries, file);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(5000);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const reader = await openGeoReader([file]);
    expect(reader.lookup('10.3.231.200')).toMatchObject({ city: 'City 49', asn: 64599 });
    expect(reader.lookup('2001:db8:3e6::1')).toMatchObject({ country: 'US', asn: 64598 });
  });
});
