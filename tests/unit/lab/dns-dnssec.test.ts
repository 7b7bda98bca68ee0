import type * as packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { lookup } from '../../../src/lab/dns/answer';
import { compareCanonical, dnskeyRdata, dsDigest, keyTag } from '../../../src/lab/dns/canonical';
import { DnssecSpec, generateZoneKeys, generateZoneKeysAsync, signZone, signZones } from '../../../src/lab/dns/dnssec';
import { attachDelegations, compileZone, ZoneDataError, type ZoneInput } from '../../../src/lab/dns/zone';

const base: ZoneInput = {
  origin: 'Sig.Test',
  records: [
    { name: '@', type: 'SOA', ttl: 600, data: 'ns.sig.test h.sig.test 1 2 3 4 60' },
    { name: '@', type: 'NS', data: 'ns.sig.test' },
    { name: 'ns', type: 'A', data: '192.0.2.1' },
    { name: 'www', type: 'A', data: '192.0.2.2' },
    { name: 'www', type: 'AAAA', data: '2001:db8::2' },
    { name: 'x.y', type: 'TXT', data: 'deep' },
  ],
};
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const keys13 = generateZoneKeys(13);

function records(zone: ZoneInput, type: string) {
  return [...compileZone(zone).names.values()].flatMap((byType) => byType.get(type as never) ?? []);
}

describe('signZone', () => {
  const signed = signZone(base, { zone: 'sig.test' }, { now: NOW, keys: keys13 });
  const compiled = compileZone(signed.zone);

  it('keeps the zone’s records as written and appends DNSKEY, NSEC and RRSIG', () => {
    expect(signed.zone.origin).toBe('Sig.Test');
    expect(signed.zone.records.slice(0, base.records.length)).toEqual(base.records);
    const added = new Set(signed.zone.records.slice(base.records.length).map((r) => r.type));
    expect(added).toEqual(new Set(['DNSKEY', 'NSEC', 'RRSIG']));
  });

  it('publishes a KSK (257) and a ZSK (256) at the apex, with distinct key tags', () => {
    const dnskeys = compiled.names.get('sig.test')?.get('DNSKEY') ?? [];
    expect(dnskeys.map((r) => (r.data as packet.DnskeyData).flags)).toEqual([257, 256]);
    const tags = dnskeys.map((r) => keyTag(dnskeyRdata(r.data as packet.DnskeyData)));
    expect(tags).toEqual([keys13.ksk.keyTag, keys13.zsk.keyTag]);
    expect(tags[0]).not.toBe(tags[1]);
  });

  it('signs every RRset exactly once: DNSKEY by the KSK, everything else by the ZSK', () => {
    for (const [name, byType] of compiled.names) {
      const sigs = (byType.get('RRSIG') ?? []).map((r) => r.data as packet.RrsigData);
      const covered = [...byType.keys()].filter((t) => t !== 'RRSIG').sort();
      expect(sigs.map((s) => s.typeCovered).sort(), name).toEqual(covered);
      for (const sig of sigs) {
        expect(sig.keyTag).toBe(sig.typeCovered === 'DNSKEY' ? keys13.ksk.keyTag : keys13.zsk.keyTag);
        expect(sig.signersName).toBe('sig.test');
        expect(sig.labels).toBe(name.split('.').length);
        expect(sig.inception).toBeLessThan(NOW / 1000);
        expect(sig.expiration).toBeGreaterThan(NOW / 1000 + 7 * 86400);
      }
    }
  });

  it('chains NSEC over every owner in canonical order, back to the apex, listing each name’s types', () => {
    const owners = [...compiled.names.keys()].sort(compareCanonical);
    expect(owners[0]).toBe('sig.test');
    owners.forEach((owner, i) => {
      const [nsec] = compiled.names.get(owner)?.get('NSEC') ?? [];
      const data = nsec?.data as packet.NsecData;
      expect(data.nextDomain).toBe(owners[(i + 1) % owners.length]);
      const types = [...(compiled.names.get(owner)?.keys() ?? [])];
      expect(new Set(data.rrtypes)).toEqual(new Set(types));
      expect(nsec?.ttl).toBe(60);
    });
    // The empty non-terminal y.sig.test gets no NSEC of its own.
    expect(compiled.names.has('y.sig.test')).toBe(false);
  });

  it('returns the DS for the parent: SHA-256 of the KSK, with the KSK’s tag', () => {
    const [ds] = signed.ds;
    expect(ds?.name).toBe('sig.test.');
    expect(ds?.type).toBe('DS');
    const data = records({ origin: 'sig.test', records: signed.ds }, 'DS')[0]?.data as packet.DsData;
    expect(data).toEqual({
      keyTag: keys13.ksk.keyTag,
      algorithm: 13,
      digestType: 2,
      digest: dsDigest('sig.test', keys13.ksk.dnskey, 2),
    });
  });

  it('puts the window in the past for expired-signatures, corrupts ZSK signatures for bad-signature', () => {
    const expired = signZone(base, { zone: 'sig.test', fault: 'expired-signatures' }, { now: NOW, keys: keys13 });
    for (const r of records(expired.zone, 'RRSIG')) {
      expect((r.data as packet.RrsigData).expiration).toBeLessThan(NOW / 1000);
    }
    const good = records(signed.zone, 'RRSIG');
    const bad = records(
      signZone(base, { zone: 'sig.test', fault: 'bad-signature' }, { now: NOW, keys: keys13 }).zone,
      'RRSIG',
    );
    expect(bad).toHaveLength(good.length);
    for (const r of bad) {
      const sig = r.data as packet.RrsigData;
      expect(sig.signature).toHaveLength(64);
    }
    const mismatch = signZone(base, { zone: 'sig.test', fault: 'ds-mismatch' }, { now: NOW, keys: keys13 });
    const wrong = records({ origin: 'sig.test', records: mismatch.ds }, 'DS')[0]?.data as packet.DsData;
    expect(wrong.keyTag).toBe(keys13.ksk.keyTag);
    expect(wrong.digest.equals(dsDigest('sig.test', keys13.ksk.dnskey))).toBe(false);
  });

  it('refuses a zone that is signed already, a spec for another zone, and keys of another algorithm', () => {
    expect(() => signZone(signed.zone, { zone: 'sig.test' }, { keys: keys13 })).toThrow(/already holds/);
    expect(() => signZone(base, { zone: 'other.test' }, { keys: keys13 })).toThrow(ZoneDataError);
    expect(() => signZone(base, { zone: 'sig.test', algorithm: 8 }, { keys: keys13 })).toThrow(/algorithm/);
    expect(DnssecSpec.safeParse({ zone: 'bad name!' }).success).toBe(false);
    expect(DnssecSpec.parse({ zone: 'a.test' })).toEqual({ zone: 'a.test', algorithm: 13, fault: 'none' });
  });

  it('signs a zone with no records at its apex', () => {
    const bare = signZone(
      { origin: 'bare.test', records: [{ name: 'www', type: 'A', data: '192.0.2.9' }] },
      {
        zone: 'bare.test',
      },
    );
    const zone = compileZone(bare.zone);
    expect(zone.names.get('bare.test')?.get('NSEC')?.[0]?.data).toEqual({
      nextDomain: 'www.bare.test',
      rrtypes: ['DNSKEY', 'RRSIG', 'NSEC'],
    });
  });
});

describe('signZones', () => {
  it('signs the DS of a child with the closest signed parent’s ZSK', () => {
    const result = signZones(
      [base, { origin: 'kid.sig.test', records: [{ name: 'www', type: 'A', data: '192.0.2.3' }] }],
      [{ zone: 'sig.test' }, { zone: 'kid.sig.test', fault: 'bad-signature' }],
      { now: NOW },
    );
    const parent = result.signed.get('sig.test');
    expect(result.ds.map((r) => `${r.name} ${r.type}`)).toEqual([
      'sig.test. DS',
      'kid.sig.test. DS',
      'kid.sig.test. RRSIG',
    ]);
    const sig = records({ origin: 'kid.sig.test', records: result.ds.slice(1) }, 'RRSIG')[0]?.data as packet.RrsigData;
    expect(sig).toMatchObject({
      typeCovered: 'DS',
      signersName: 'sig.test',
      keyTag: parent?.keys.zsk.keyTag,
      labels: 3,
    });
    expect(result.zones[0]).toBe(parent?.zone);
  });

  it('signs with keys made beforehand off the event loop', async () => {
    const keys = await generateZoneKeysAsync(13);
    expect(keys.ksk.keyTag).not.toBe(keys.zsk.keyTag);
    const result = signZones([base], [{ zone: 'sig.test' }], { now: NOW, keys: new Map([['sig.test', keys]]) });
    expect(result.signed.get('sig.test')?.keys).toBe(keys);
    const tags = records(result.zones[0] as ZoneInput, 'RRSIG').map((r) => (r.data as packet.RrsigData).keyTag);
    expect(new Set(tags)).toEqual(new Set([keys.ksk.keyTag, keys.zsk.keyTag]));
  });

  it('names the zone a spec points at when it is missing or listed twice', () => {
    expect(() => signZones([base], [{ zone: 'gone.test' }])).toThrow(/gone\.test, which no zone defines/);
    expect(() => signZones([base], [{ zone: 'sig.test' }, { zone: 'sig.test' }], {})).toThrow(/twice/);
  });
});

describe('answering with DNSSEC records', () => {
  const signed = signZone(base, { zone: 'sig.test' }, { now: NOW, keys: keys13 });
  const zone = compileZone(signed.zone);
  attachDelegations([zone], signed.ds);
  const zones = [zone];
  const types = (answers: packet.Answer[]) => answers.map((a) => `${a.name} ${a.type}`);

  it('adds RRSIGs only with DO, right after the RRset they cover', () => {
    expect(types(lookup(zones, 'www.sig.test', 'A').answers)).toEqual(['www.sig.test A']);
    expect(types(lookup(zones, 'www.sig.test', 'A', { dnssec: true }).answers)).toEqual([
      'www.sig.test A',
      'www.sig.test RRSIG',
    ]);
  });

  it('proves NXDOMAIN with the covering NSEC and the wildcard NSEC, once each', () => {
    const result = lookup(zones, 'zzz.sig.test', 'A', { dnssec: true });
    expect(result.rcode).toBe(3);
    // Order: sig.test < ns < www < x.y < zzz, so the last NSEC (x.y, wrapping to the apex) covers
    // the name, and the apex's NSEC covers *.sig.test.
    expect(types(result.authorities)).toEqual([
      'sig.test SOA',
      'sig.test RRSIG',
      'x.y.sig.test NSEC',
      'x.y.sig.test RRSIG',
      'sig.test NSEC',
      'sig.test RRSIG',
    ]);
    const one = lookup(zones, 'a.sig.test', 'A', { dnssec: true });
    // The apex's NSEC covers both a.sig.test and *.sig.test: sent once.
    expect(types(one.authorities).filter((t) => t.endsWith('NSEC'))).toEqual(['sig.test NSEC']);
  });

  it('answers DS at the apex from the delegation records, signed only when the parent signed them', () => {
    expect(types(lookup(zones, 'sig.test', 'DS', { dnssec: true }).answers)).toEqual(['sig.test DS']);
    expect(lookup(zones, 'www.sig.test', 'DS').answers).toEqual([]);
  });

  it('rejects delegation records that are not DS, or for a zone not served', () => {
    const fresh = compileZone(base);
    expect(() => attachDelegations([fresh], [{ name: 'sig.test.', type: 'A', data: '192.0.2.1' }])).toThrow(
      /DS or RRSIG over DS/,
    );
    expect(() => attachDelegations([fresh], [{ name: 'nowhere.test.', type: 'DS', data: '1 13 2 00' }])).toThrow(
      /not the apex of any zone/,
    );
  });
});

describe('signing speed', () => {
  it('signs a 200-record zone (ECDSA P-256) quickly', () => {
    const big: ZoneInput = {
      origin: 'big.test',
      records: [
        { name: '@', type: 'SOA', data: 'ns.big.test h.big.test 1 2 3 4 60' },
        ...Array.from({ length: 199 }, (_, i) => ({ name: `h${i}`, type: 'A' as const, data: `192.0.2.${i % 250}` })),
      ],
    };
    const start = performance.now();
    const result = signZone(big, { zone: 'big.test' }, { keys: keys13 });
    const elapsed = performance.now() - start;
    // 200 data RRsets, an NSEC at each of the 200 owners, and the DNSKEY RRset.
    expect(records(result.zone, 'RRSIG').length).toBe(401);
    expect(elapsed).toBeLessThan(5000);
  });
});
