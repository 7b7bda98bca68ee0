import * as packet from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerQuery, lookup } from '../../../src/lab/dns/answer';
import {
  compileZone,
  ownerName,
  recordData,
  withSoa,
  Zone,
  ZoneDataError,
  type ZoneInput,
} from '../../../src/lab/dns/zone';

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,12}[a-z0-9])?$/);
const relative = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.'));

const zone: ZoneInput = {
  origin: 'z.test',
  records: [
    { name: '@', type: 'SOA', data: 'ns.z.test. h.z.test. 1 2 3 4 30' },
    { name: 'a', type: 'A', data: '192.0.2.1' },
    { name: 'c1', type: 'CNAME', data: 'c2.z.test' },
    { name: 'c2', type: 'CNAME', data: 'a.z.test' },
    { name: 'self', type: 'CNAME', data: 'self.z.test' },
    { name: 'out', type: 'CNAME', data: 'elsewhere.example' },
  ],
};
const compiled = [compileZone(zone)];

describe('zone data', () => {
  it('parses names relative to the origin, "@" and absolute names', () => {
    expect(ownerName('@', 'z.test')).toBe('z.test');
    expect(ownerName('www', 'z.test')).toBe('www.z.test');
    expect(ownerName('WWW.Z.test', 'z.test')).toBe('www.z.test');
    expect(ownerName('www.z.test.', 'z.test')).toBe('www.z.test');
    expect(ownerName('mail.other.test', 'z.test')).toBe('mail.other.test.z.test');
    expect(() => ownerName('other.test.', 'z.test')).toThrow(/outside the zone/);
  });

  it('reads every record type from its presentation form', () => {
    expect(recordData('A', '192.0.2.1')).toBe('192.0.2.1');
    expect(recordData('AAAA', '2001:DB8:0::1')).toBe('2001:db8::1');
    expect(recordData('MX', '10 mail.z.test.')).toEqual({ preference: 10, exchange: 'mail.z.test' });
    expect(recordData('MX', '0 .')).toEqual({ preference: 0, exchange: '.' });
    expect(recordData('SOA', 'ns.z.test h.z.test 1 2 3 4 5')).toEqual({
      mname: 'ns.z.test',
      rname: 'h.z.test',
      serial: 1,
      refresh: 2,
      retry: 3,
      expire: 4,
      minimum: 5,
    });
    expect(recordData('CAA', '0 issue "ca.test; x=\\"y\\""')).toEqual({
      flags: 0,
      tag: 'issue',
      value: 'ca.test; x="y"',
    });
    expect(recordData('SRV', '1 2 443 svc.z.test')).toEqual({
      priority: 1,
      weight: 2,
      port: 443,
      target: 'svc.z.test',
    });
    expect(recordData('TXT', ['a', 'b'])).toEqual([Buffer.from('a'), Buffer.from('b')]);
    expect((recordData('TXT', 'x'.repeat(300)) as Buffer[]).map((b) => b.length)).toEqual([255, 45]);
  });

  it('rejects malformed data with a ZoneDataError saying what is expected', () => {
    for (const [type, data] of [
      ['A', '999.1.1.1'],
      ['A', '127.1'],
      ['AAAA', '1.2.3.4'],
      ['MX', 'mail.z.test'],
      ['MX', '70000 mail.z.test'],
      ['SOA', 'ns h 1 2 3'],
      ['CNAME', 'bad name'],
      ['NS', `${'a'.repeat(64)}.test`],
      ['CAA', 'issue'],
      ['SRV', '1 2 x t.test'],
      ['PTR', ['a', 'b']],
    ] as const) {
      expect(() => recordData(type, data as string)).toThrow(ZoneDataError);
    }
  });

  it('validates arbitrary input without throwing anything but a failed parse', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        expect(() => Zone.safeParse(input)).not.toThrow();
      }),
    );
    const recordish = fc.record({
      name: fc.oneof(fc.string({ maxLength: 40 }), relative),
      type: fc.constantFrom('A', 'AAAA', 'MX', 'NS', 'TXT', 'CNAME', 'SOA', 'PTR', 'CAA', 'SRV', 'BOGUS'),
      ttl: fc.option(fc.integer(), { nil: undefined }),
      data: fc.oneof(fc.string({ maxLength: 60 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 })),
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.array(recordish, { maxLength: 6 }), (origin, records) => {
        const result = Zone.safeParse({ origin, records });
        if (result.success) expect(() => compileZone(result.data)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe('answering', () => {
  it('follows CNAMEs inside the zone and stops at loops and at the zone edge', () => {
    expect(lookup(compiled, 'c1.z.test', 'A').answers.map((a) => [a.name, a.type])).toEqual([
      ['c1.z.test', 'CNAME'],
      ['c2.z.test', 'CNAME'],
      ['a.z.test', 'A'],
    ]);
    expect(lookup(compiled, 'self.z.test', 'A').answers).toHaveLength(1);
    expect(lookup(compiled, 'out.z.test', 'A')).toMatchObject({ rcode: 0, answers: [{ type: 'CNAME' }] });
    expect(lookup(compiled, 'nothing.z.test', 'A')).toMatchObject({
      rcode: 3,
      authorities: [{ type: 'SOA', ttl: 30 }],
    });
  });

  it('answers names that do not exist from the wildcard at their closest encloser (RFC 4592)', () => {
    const wild = [
      compileZone({
        origin: 'w.test',
        records: [
          { name: '*', type: 'A', data: '192.0.2.7' },
          { name: '*.apps', type: 'CNAME', data: 'lb.w.test' },
          { name: 'lb', type: 'A', data: '192.0.2.8' },
          { name: 'real', type: 'TXT', data: 'here' },
          { name: 'x.deep', type: 'A', data: '192.0.2.9' },
        ],
      }),
    ];
    const answer = (name: string, type = 'A') => lookup(wild, name, type).answers.map((a) => `${a.name} ${a.type}`);
    expect(answer('anything.w.test')).toEqual(['anything.w.test A']);
    expect(answer('a.b.c.w.test')).toEqual(['a.b.c.w.test A']);
    expect(answer('shop.apps.w.test')).toEqual(['shop.apps.w.test CNAME', 'lb.w.test A']);
    // A name that exists is never overridden, and an empty non-terminal blocks the wildcard.
    expect(lookup(wild, 'real.w.test', 'A')).toMatchObject({ rcode: 0, answers: [] });
    expect(lookup(wild, 'deep.w.test', 'A')).toMatchObject({ rcode: 0, answers: [] });
    expect(lookup(wild, 'y.deep.w.test', 'A')).toMatchObject({ rcode: 3, answers: [] });
    expect(ownerName('*', 'w.test')).toBe('*.w.test');
    expect(ownerName('*.apps.w.test.', 'w.test')).toBe('*.apps.w.test');
    expect(() => ownerName('a.*', 'w.test')).toThrow(ZoneDataError);
  });

  it('refuses names outside its zones, or, as the whole simulated internet, says they do not exist', () => {
    expect(lookup(compiled, 'elsewhere.example', 'A').rcode).toBe(5);
    const outside = lookup(compiled, 'elsewhere.example', 'A', { outside: 'nxdomain' });
    expect(outside).toMatchObject({ rcode: 3, answers: [], authorities: [{ name: 'example', type: 'SOA' }] });
    expect(lookup(compiled, 'example', 'SOA', { outside: 'nxdomain' })).toMatchObject({
      rcode: 0,
      answers: [{ name: 'example', type: 'SOA' }],
    });
    expect(lookup(compiled, 'example', 'DNSKEY', { outside: 'nxdomain' })).toMatchObject({ rcode: 0, answers: [] });
    // An alias into nothing keeps the alias and ends NXDOMAIN (RFC 6604).
    expect(lookup(compiled, 'out.z.test', 'A', { outside: 'nxdomain' })).toMatchObject({
      rcode: 3,
      answers: [{ name: 'out.z.test', type: 'CNAME' }],
    });
  });

  it('gives a zone without an SOA one naming its first name server, and leaves a zone with one alone', () => {
    expect(withSoa(zone)).toBe(zone);
    const bare = withSoa({
      origin: 'Bare.Test.',
      records: [
        { name: 'www', type: 'A', data: '192.0.2.1' },
        { name: 'bare.test.', type: 'NS', data: 'ns1.dns.example.' },
      ],
    });
    const soa = compileZone(bare).soa;
    expect(soa?.name).toBe('bare.test');
    expect(soa?.data).toMatchObject({ mname: 'ns1.dns.example', rname: 'hostmaster.bare.test' });
    expect(compileZone(withSoa({ origin: 'none.test', records: [] })).soa?.data).toMatchObject({
      mname: 'ns.none.test',
    });
  });

  it('answers any bytes with null or a decodable packet, never throwing', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('udp', 'tcp') as fc.Arbitrary<'udp' | 'tcp'>,
        (bytes, transport) => {
          const reply = answerQuery(compiled, Buffer.from(bytes), transport);
          if (reply === null) return;
          expect(reply.readUInt16BE(0)).toBe(Buffer.from(bytes).readUInt16BE(0));
          expect(() => packet.decode(reply)).not.toThrow();
          if (transport === 'udp') expect(reply.length).toBeLessThanOrEqual(4096);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('answers every generated record it serves, and nothing outside its zone', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(relative, fc.ipV4()), { selector: ([n]) => n, minLength: 1, maxLength: 10 }),
        (hosts) => {
          const zones = [
            compileZone({
              origin: 'gen.test',
              records: hosts.map(([name, data]) => ({ name, type: 'A' as const, data })),
            }),
          ];
          for (const [name, address] of hosts) {
            const query = packet.encode({
              type: 'query',
              id: 77,
              questions: [{ name: `${name}.gen.test`, type: 'A' }],
            });
            const reply = packet.decode(answerQuery(zones, query, 'udp') as Buffer);
            expect(reply.answers?.map((a) => (a as { data?: unknown }).data)).toContain(address);
          }
          const outside = packet.encode({ type: 'query', id: 1, questions: [{ name: 'gen.test.evil', type: 'A' }] });
          expect(
            (packet.decode(answerQuery(zones, outside, 'tcp') as Buffer) as unknown as { rcode: string }).rcode,
          ).toBe('REFUSED');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps TCP answers within 65535 bytes, truncating whole records', () => {
    const many = compileZone({
      origin: 'many.test',
      records: Array.from({ length: 3000 }, (_, i) => ({
        name: 'host-with-a-long-name',
        type: 'A' as const,
        data: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`,
      })),
    });
    const query = packet.encode({
      type: 'query',
      id: 5,
      questions: [{ name: 'host-with-a-long-name.many.test', type: 'A' }],
    });
    const reply = answerQuery([many], query, 'tcp') as Buffer;
    expect(reply.length).toBeLessThanOrEqual(65535);
    const decoded = packet.decode(reply);
    expect(decoded.flag_tc).toBe(true);
    expect(decoded.answers?.length).toBeGreaterThan(1000);
    expect(decoded.answers?.length).toBeLessThan(3000);
  });
});
