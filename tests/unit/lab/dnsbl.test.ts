// DNS blacklist zones: owner names for IPv4 and IPv6 listings, and the lab DNS server's answers.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import { compileZone } from '../../../src/lab/dns/zone';
import { dnsblName, dnsblZones } from '../../../src/lab/dnsbl';
import { DnsblListing } from '../../../src/lab/scenario/schema';
import type { Net } from '../../../src/shared/scanner';

const listings = [
  {
    zone: 'zen.spamhaus.org',
    address: '185.220.101.47',
    code: '127.0.0.2',
    txt: 'https://check.example/sbl/185.220.101.47',
  },
  { zone: 'zen.spamhaus.org', address: '185.220.101.47', code: '127.0.0.4' },
  { zone: 'zen.spamhaus.org', address: '2001:db8::1', code: '127.0.0.3', txt: 'listed v6' },
  { zone: 'bl.example.net', address: '198.51.100.9' },
].map((l) => DnsblListing.parse(l));

describe('dnsblName', () => {
  it('reverses IPv4 octets and IPv6 nibbles', () => {
    expect(dnsblName('192.0.2.99')).toBe('99.2.0.192');
    expect(dnsblName('2001:db8:1:2:3:4:567:89ab')).toBe(
      'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2',
    );
    expect(dnsblName('2001:db8::1')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2');
  });

  it('maps each address to a name that reads back as the same address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const name = dnsblName(address);
        expect(name.split('.').reverse().join('.')).toBe(ipaddr.parse(address).toString());
      }),
    );
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const name = dnsblName(address);
        const labels = name.split('.');
        expect(labels).toHaveLength(32);
        const hex = labels.reverse().join('');
        const groups = hex.match(/.{4}/g) ?? [];
        expect(ipaddr.parse(groups.join(':')).toString()).toBe(ipaddr.parse(address).toString());
      }),
    );
  });
});

describe('dnsblZones', () => {
  it('builds one zone per list, with the listings under it and the RFC 5782 test entries', () => {
    const zones = dnsblZones(listings);
    expect(zones.map((z) => z.origin).sort()).toEqual(['bl.example.net', 'zen.spamhaus.org']);
    const zen = zones.find((z) => z.origin === 'zen.spamhaus.org');
    const owners = (type: string) => zen?.records.filter((r) => r.type === type).map((r) => [r.name, r.data]);
    expect(owners('A')).toEqual(
      expect.arrayContaining([
        ['47.101.220.185.zen.spamhaus.org.', '127.0.0.2'],
        ['47.101.220.185.zen.spamhaus.org.', '127.0.0.4'],
        [`${dnsblName('2001:db8::1')}.zen.spamhaus.org.`, '127.0.0.3'],
        ['2.0.0.127.zen.spamhaus.org.', '127.0.0.2'],
        [`${dnsblName('::ffff:7f00:2')}.zen.spamhaus.org.`, '127.0.0.2'],
      ]),
    );
    expect(owners('TXT')).toContainEqual([
      '47.101.220.185.zen.spamhaus.org.',
      'https://check.example/sbl/185.220.101.47',
    ]);
    expect(zen?.records.filter((r) => r.type === 'SOA')).toHaveLength(1);
    // Only lists with IPv6 listings get the IPv6 test entry.
    const other = zones.find((z) => z.origin === 'bl.example.net');
    expect(other?.records.filter((r) => r.type === 'A')).toHaveLength(2);
    for (const zone of zones) expect(() => compileZone(zone)).not.toThrow();
  });

  it('compiles for any set of listings', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            zone: fc.constantFrom('zen.spamhaus.org', 'b.barracudacentral.org', 'e.f'),
            address: fc.oneof(fc.ipV4(), fc.ipV6()),
            code: fc.ipV4(),
            txt: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
          }),
          { maxLength: 30 },
        ),
        (raw) => {
          const zones = dnsblZones(raw.map((l) => DnsblListing.parse(l)));
          for (const zone of zones) {
            const compiled = compileZone(zone);
            for (const listing of raw.filter((l) => l.zone === zone.origin)) {
              expect(compiled.names.get(`${dnsblName(listing.address)}.${zone.origin}`)?.get('A')).toBeDefined();
            }
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('DNSBL answers from the lab DNS server', () => {
  let dns: DnsServer;
  let net: Net;

  beforeAll(async () => {
    dns = await startDnsServer({ zones: dnsblZones(listings) });
    net = createNet({ resolvers: [`127.0.0.1:${dns.address.port}`], proxy: null, timeoutMs: 1000, retries: 0 });
  });
  afterAll(async () => {
    await dns?.stop();
  });

  it('answers the return codes and reason for a listed IPv4 address', async () => {
    const a = await net.resolver.query('47.101.220.185.zen.spamhaus.org', 'A');
    expect(a.rcode).toBe('NOERROR');
    expect(a.answers.map((r) => r.data).sort()).toEqual(['127.0.0.2', '127.0.0.4']);
    const txt = await net.resolver.query('47.101.220.185.zen.spamhaus.org', 'TXT');
    expect(txt.answers.map((r) => r.data)).toEqual(['https://check.example/sbl/185.220.101.47']);
  });

  it('answers for a listed IPv6 address by its nibble name', async () => {
    const a = await net.resolver.query(`${dnsblName('2001:db8::1')}.zen.spamhaus.org`, 'A');
    expect(a.answers.map((r) => r.data)).toEqual(['127.0.0.3']);
  });

  it('says NXDOMAIN for an unlisted address and lists the RFC 5782 test address', async () => {
    const miss = await net.resolver.query('1.0.0.127.zen.spamhaus.org', 'A');
    expect(miss.rcode).toBe('NXDOMAIN');
    expect(miss.authorities[0]?.type).toBe('SOA');
    const test = await net.resolver.query('2.0.0.127.bl.example.net', 'A');
    expect(test.answers.map((r) => r.data)).toEqual(['127.0.0.2']);
  });
});
