import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GeoInfo, mergeGeoInfo, normaliseGeoRecord } from '../../../src/core/geo/normalise';

describe('normaliseGeoRecord', () => {
  it('reads the GeoLite2-City shape', () => {
    expect(
      normaliseGeoRecord({
        continent: { code: 'EU', names: { en: 'Europe' } },
        country: { geoname_id: 2921044, iso_code: 'DE', names: { de: 'Deutschland', en: 'Germany' } },
        registered_country: { iso_code: 'NL', names: { en: 'Netherlands' } },
        city: { geoname_id: 2950159, names: { en: 'Berlin', ru: 'Берлин' } },
        location: { accuracy_radius: 20, latitude: 52.5196, longitude: 13.4069, time_zone: 'Europe/Berlin' },
        subdivisions: [{ iso_code: 'BE', names: { en: 'Land Berlin' } }],
      }),
    ).toEqual({ country: 'DE', countryName: 'Germany', city: 'Berlin', latitude: 52.5196, longitude: 13.4069 });
  });

  it('falls back to registered_country (GeoLite2-Country for anycast and the like) and to any language', () => {
    expect(normaliseGeoRecord({ registered_country: { iso_code: 'us', names: { fr: 'États Unis' } } })).toEqual({
      country: 'US',
      countryName: 'États Unis',
    });
  });

  it('reads the GeoLite2-ASN shape, and the same fields under GeoIP2 traits', () => {
    expect(
      normaliseGeoRecord({ autonomous_system_number: 13335, autonomous_system_organization: 'CLOUDFLARENET' }),
    ).toEqual({ country: null, asn: 13335, org: 'CLOUDFLARENET' });
    expect(
      normaliseGeoRecord({
        country: { iso_code: 'US' },
        traits: { autonomous_system_number: 15169, autonomous_system_organization: 'GOOGLE' },
      }),
    ).toEqual({ country: 'US', countryName: 'United States', asn: 15169, org: 'GOOGLE' });
  });

  it('reads the DB-IP lite flat shape, naming the country from its code', () => {
    expect(
      normaliseGeoRecord({
        city: 'Amsterdam',
        country_code: 'NL',
        latitude: 52.374,
        longitude: 4.8897,
        postcode: '1012',
        state1: 'North Holland',
        state2: 'Amsterdam',
        timezone: 'Europe/Amsterdam',
      }),
    ).toEqual({ country: 'NL', countryName: 'Netherlands', city: 'Amsterdam', latitude: 52.374, longitude: 4.8897 });
  });

  it('accepts "AS123" and bigint ASNs, and drops what is malformed', () => {
    expect(normaliseGeoRecord({ autonomous_system_number: 'AS64500' }).asn).toBe(64500);
    expect(normaliseGeoRecord({ autonomous_system_number: 64501n }).asn).toBe(64501);
    expect(
      normaliseGeoRecord({
        country_code: 'Germany',
        latitude: 91,
        longitude: 10,
        city: '',
        autonomous_system_number: -1,
        autonomous_system_organization: 42,
      }),
    ).toEqual({ country: null });
    // Half a coordinate is no coordinate.
    expect(normaliseGeoRecord({ location: { latitude: 10 } })).toEqual({ country: null });
  });

  it('never throws and always answers with a country field, whatever the record', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true }), (value) => {
        const info = normaliseGeoRecord(value);
        expect(info.country === null || /^[A-Z]{2}$/.test(info.country)).toBe(true);
        if (info.latitude !== undefined) expect(info.longitude).toBeDefined();
      }),
    );
  });
});

describe('mergeGeoInfo', () => {
  it('fills gaps from later databases, keeping code with name, point together and ASN with org', () => {
    const city: GeoInfo = { country: 'DE', countryName: 'Germany', city: 'Berlin', latitude: 1, longitude: 2 };
    const asn: GeoInfo = { country: 'FR', countryName: 'France', asn: 3320, org: 'DTAG' };
    expect(mergeGeoInfo(city, asn)).toEqual({ ...city, asn: 3320, org: 'DTAG' });
    expect(
      mergeGeoInfo(
        { country: null, asn: 1, org: 'first' },
        { country: 'NL', countryName: 'Netherlands', asn: 2, org: 'second' },
      ),
    ).toEqual({
      country: 'NL',
      countryName: 'Netherlands',
      asn: 1,
      org: 'first',
    });
  });
});
