import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedZones, signZones } from '../../../src/lab/dns/dnssec';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { ZoneInput } from '../../../src/lab/dns/zone';
import {
  type AskOptions,
  askTcp,
  askUdp,
  buildQuery,
  type Dnskey,
  dsDigestOf,
  nsecCovers,
  parseDnskey,
  parseDs,
  parseMessage,
  parseNsec,
  parseRrsig,
  rrsets,
  T,
  verifyRrsig,
  type WireMessage,
} from './dnssec-verify';

const DO: AskOptions = { do: true, payload: 1232 };
const AD = 0x0020;
const CD = 0x0010;
const TC = 0x0200;

function zone(origin: string, extra: ZoneInput['records'] = []): ZoneInput {
  return {
    origin,
    records: [
      { name: '@', type: 'SOA', data: `ns1.${origin} hostmaster.${origin} 7 7200 3600 1209600 120` },
      { name: '@', type: 'NS', data: `ns1.${origin}` },
      { name: 'ns1', type: 'A', data: '192.0.2.53' },
      { name: 'www', type: 'A', data: '192.0.2.10' },
      { name: 'alias', type: 'CNAME', data: `www.${origin}` },
      { name: '@', type: 'MX', data: `10 mail.${origin}` },
      { name: 'mail', type: 'A', data: '192.0.2.25' },
      { name: 'a.b.deep', type: 'TXT', data: 'leaf under two empty non-terminals' },
      ...extra,
    ],
  };
}

const zones: ZoneInput[] = [
  zone('ec.test', [
    // An RRset of three written out of order and in mixed case: the signature covers the canonical set.
    { name: 'Multi', type: 'A', data: '192.0.2.3' },
    { name: 'multi.EC.test.', type: 'A', data: '192.0.2.1' },
    { name: 'multi', type: 'A', data: '192.0.2.2' },
    { name: '@', type: 'TXT', data: ['v=spf1 ', '-all'] },
    { name: '@', type: 'CAA', data: '0 issue "ca.test"' },
  ]),
  zone('child.ec.test'),
  zone('rsa.test', [{ name: '@', type: 'TXT', data: 'x'.repeat(600) }]),
  zone('expired.test'),
  zone('bad.test'),
  zone('mismatch.test'),
  zone('plain.test'),
];

let server: DnsServer;
let signed: SignedZones;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  signed = signZones(zones, [
    { zone: 'ec.test', algorithm: 13 },
    { zone: 'child.ec.test', algorithm: 13 },
    { zone: 'rsa.test', algorithm: 8 },
    { zone: 'expired.test', algorithm: 13, fault: 'expired-signatures' },
    { zone: 'bad.test', algorithm: 13, fault: 'bad-signature' },
    { zone: 'mismatch.test', algorithm: 13, fault: 'ds-mismatch' },
  ]);
  server = await startDnsServer({ zones: signed.zones, ds: signed.ds });
});
afterAll(async () => {
  await server?.stop();
});

async function ask(name: string, type: number, options: AskOptions = DO): Promise<WireMessage> {
  return parseMessage(await askUdp(server.address.port, buildQuery(name, type, options)));
}

async function dnskeys(origin: string): Promise<Dnskey[]> {
  const reply = await ask(origin, T.DNSKEY);
  return reply.answers.filter((rr) => rr.type === T.DNSKEY).map((rr) => parseDnskey(rr.rdata));
}

/** Every RRset of a section has exactly one RRSIG, made by the given zone, that verifies. */
function expectSigned(section: WireMessage['answers'], keys: Dnskey[], signer: string): void {
  const sets = rrsets(section);
  expect(sets.length).toBeGreaterThan(0);
  for (const set of sets) {
    expect(set.records.length, `${set.owner}/${set.type} has records`).toBeGreaterThan(0);
    expect(set.sigs, `${set.owner}/${set.type} is signed once`).toHaveLength(1);
    const sigRr = set.sigs[0];
    if (!sigRr) continue;
    const sig = parseRrsig(sigRr.rdata);
    expect(sig.signer).toBe(signer);
    expect(sig.labels).toBe(set.owner.split('.').length);
    // A negative answer's SOA travels with the shorter negative TTL; the signature keeps the original.
    for (const rr of set.records) expect(rr.ttl).toBeLessThanOrEqual(sig.originalTtl);
    expect(sig.inception).toBeLessThanOrEqual(now());
    expect(sig.expiration).toBeGreaterThan(now());
    expect(verifyRrsig(sigRr, set.records, keys), `${set.owner}/${set.type} verifies`).toBe(true);
  }
}

describe('signed zones over UDP with DO set', () => {
  for (const [origin, algorithm] of [
    ['ec.test', 13],
    ['rsa.test', 8],
  ] as const) {
    it(`algorithm ${algorithm}: KSK signs the DNSKEY RRset, the DS matches the KSK, the ZSK signs the data`, async () => {
      const keyReply = await ask(origin, T.DNSKEY);
      expect(keyReply.flags & TC).toBe(0);
      const keys = keyReply.answers.filter((rr) => rr.type === T.DNSKEY).map((rr) => parseDnskey(rr.rdata));
      expect(keys.map((k) => k.flags).sort()).toEqual([256, 257]);
      expect(keys.every((k) => k.protocol === 3 && k.algorithm === algorithm)).toBe(true);
      if (algorithm === 13) expect(keys.every((k) => k.key.length === 64)).toBe(true);
      const ksk = keys.find((k) => k.flags === 257) as Dnskey;
      const zsk = keys.find((k) => k.flags === 256) as Dnskey;
      expectSigned(keyReply.answers, keys, origin);
      expect(parseRrsig(keyReply.answers.find((rr) => rr.type === T.RRSIG)?.rdata as Buffer).keyTag).toBe(ksk.tag);

      const dsReply = await ask(origin, T.DS);
      const ds = dsReply.answers.filter((rr) => rr.type === T.DS).map((rr) => parseDs(rr.rdata));
      expect(ds).toHaveLength(1);
      expect(ds[0]).toMatchObject({ keyTag: ksk.tag, algorithm, digestType: 2 });
      expect(ds[0]?.digest).toEqual(dsDigestOf(origin, ksk));

      for (const [name, type] of [
        [`www.${origin}`, T.A],
        [origin, T.SOA],
        [origin, T.NS],
        [origin, T.MX],
        [origin, T.TXT],
        [`a.b.deep.${origin}`, T.TXT],
      ] as const) {
        const reply = await ask(name, type);
        expect(reply.rcode).toBe(0);
        expectSigned(reply.answers, keys, origin);
        for (const rr of reply.answers.filter((r) => r.type === T.RRSIG)) {
          expect(parseRrsig(rr.rdata).keyTag).toBe(zsk.tag);
        }
      }
    });
  }

  it('signs a multi-record RRset written out of order and in mixed case, and each CNAME link', async () => {
    const keys = await dnskeys('ec.test');
    const multi = await ask('multi.ec.test', T.A);
    expect(multi.answers.filter((rr) => rr.type === T.A)).toHaveLength(3);
    expectSigned(multi.answers, keys, 'ec.test');
    const alias = await ask('ALIAS.ec.test', T.A);
    expect(rrsets(alias.answers).map((s) => [s.owner, s.type])).toEqual([
      ['alias.ec.test', T.CNAME],
      ['www.ec.test', T.A],
    ]);
    expectSigned(alias.answers, keys, 'ec.test');
  });

  it('proves NXDOMAIN with NSEC records covering the name and the wildcard', async () => {
    const keys = await dnskeys('ec.test');
    const reply = await ask('nope.ec.test', T.A);
    expect(reply.rcode).toBe(3);
    expectSigned(reply.authorities, keys, 'ec.test');
    const nsecs = reply.authorities.filter((rr) => rr.type === T.NSEC);
    const spans = nsecs.map((rr) => ({ owner: rr.owner, ...parseNsec(rr.rdata) }));
    expect(spans.some((s) => nsecCovers(s.owner, s.next, 'nope.ec.test'))).toBe(true);
    expect(spans.some((s) => nsecCovers(s.owner, s.next, '*.ec.test'))).toBe(true);
    expect(reply.authorities.some((rr) => rr.type === T.SOA)).toBe(true);
    // The NSEC TTL is the negative-caching TTL: min(SOA TTL, SOA minimum).
    expect(nsecs.every((rr) => rr.ttl === 120)).toBe(true);

    const deeper = await ask('x.y.www.ec.test', T.A);
    const deepSpans = deeper.authorities
      .filter((rr) => rr.type === T.NSEC)
      .map((rr) => ({ owner: rr.owner, ...parseNsec(rr.rdata) }));
    expect(deepSpans.some((s) => nsecCovers(s.owner, s.next, 'x.y.www.ec.test'))).toBe(true);
    expect(deepSpans.some((s) => nsecCovers(s.owner, s.next, '*.www.ec.test'))).toBe(true);
  });

  it('proves NODATA with the name’s own NSEC, and an empty non-terminal with a covering NSEC', async () => {
    const keys = await dnskeys('ec.test');
    const nodata = await ask('www.ec.test', T.AAAA);
    expect(nodata.rcode).toBe(0);
    expect(nodata.answers).toHaveLength(0);
    expectSigned(nodata.authorities, keys, 'ec.test');
    const own = nodata.authorities.find((rr) => rr.type === T.NSEC && rr.owner === 'www.ec.test');
    const types = parseNsec(own?.rdata as Buffer).types;
    expect(types).toContain(T.A);
    expect(types).toContain(T.RRSIG);
    expect(types).toContain(T.NSEC);
    expect(types).not.toContain(T.AAAA);

    const ent = await ask('b.deep.ec.test', T.A);
    expect(ent.rcode).toBe(0);
    expectSigned(ent.authorities, keys, 'ec.test');
    const spans = ent.authorities
      .filter((rr) => rr.type === T.NSEC)
      .map((rr) => ({ owner: rr.owner, ...parseNsec(rr.rdata) }));
    expect(spans.some((s) => nsecCovers(s.owner, s.next, 'b.deep.ec.test'))).toBe(true);
  });

  it('the NSEC chain visits every owner name once and closes at the apex', async () => {
    // Canonical order compares labels from the right: "alias" sorts before "deep" (of a.b.deep).
    const owners = [
      'ec.test',
      'alias.ec.test',
      'a.b.deep.ec.test',
      'mail.ec.test',
      'multi.ec.test',
      'ns1.ec.test',
      'www.ec.test',
    ];
    const seen: string[] = [];
    let name = 'ec.test';
    for (let i = 0; i <= owners.length; i++) {
      const reply = await ask(name, T.NSEC);
      const nsec = reply.answers.find((rr) => rr.type === T.NSEC);
      expect(nsec).toBeDefined();
      seen.push(name);
      name = parseNsec(nsec?.rdata as Buffer).next;
      if (name === 'ec.test') break;
    }
    expect(seen).toEqual(owners);
  });

  it('serves a child zone’s DS signed by its signed parent, and the child’s KSK matches it', async () => {
    const parentKeys = await dnskeys('ec.test');
    const childKeys = await dnskeys('child.ec.test');
    const reply = await ask('child.ec.test', T.DS);
    expect(reply.flags & 0x0400).toBeTruthy();
    expectSigned(reply.answers, parentKeys, 'ec.test');
    const ds = parseDs(reply.answers.find((rr) => rr.type === T.DS)?.rdata as Buffer);
    const ksk = childKeys.find((k) => k.flags === 257) as Dnskey;
    expect(ds.digest).toEqual(dsDigestOf('child.ec.test', ksk));
    // Without DO the DS comes alone.
    const plain = await ask('child.ec.test', T.DS, { payload: 1232 });
    expect(plain.answers.map((rr) => rr.type)).toEqual([T.DS]);
  });
});

describe('faults', () => {
  it('expired-signatures: signatures verify but their window ended', async () => {
    const reply = await ask('www.expired.test', T.A);
    const keys = await dnskeys('expired.test');
    const sig = reply.answers.find((rr) => rr.type === T.RRSIG);
    expect(sig).toBeDefined();
    const fields = parseRrsig(sig?.rdata as Buffer);
    expect(fields.expiration).toBeLessThan(now());
    expect(fields.inception).toBeLessThan(fields.expiration);
    expect(
      verifyRrsig(
        sig as never,
        reply.answers.filter((rr) => rr.type === T.A),
        keys,
      ),
    ).toBe(true);
  });

  it('bad-signature: the DNSKEY RRset verifies, the data signed by the ZSK does not', async () => {
    const keyReply = await ask('bad.test', T.DNSKEY);
    const keys = keyReply.answers.filter((rr) => rr.type === T.DNSKEY).map((rr) => parseDnskey(rr.rdata));
    expectSigned(keyReply.answers, keys, 'bad.test');
    for (const [name, type] of [
      ['www.bad.test', T.A],
      ['bad.test', T.SOA],
    ] as const) {
      const reply = await ask(name, type);
      const set = rrsets(reply.answers)[0];
      expect(set?.sigs).toHaveLength(1);
      const sig = parseRrsig(set?.sigs[0]?.rdata as Buffer);
      expect(sig.expiration).toBeGreaterThan(now());
      expect(verifyRrsig(set?.sigs[0] as never, set?.records ?? [], keys)).toBe(false);
    }
  });

  it('ds-mismatch: the DS names the KSK but its digest matches no key', async () => {
    const keys = await dnskeys('mismatch.test');
    const ksk = keys.find((k) => k.flags === 257) as Dnskey;
    const reply = await ask('mismatch.test', T.DS);
    const ds = parseDs(reply.answers.find((rr) => rr.type === T.DS)?.rdata as Buffer);
    expect(ds).toMatchObject({ keyTag: ksk.tag, algorithm: 13, digestType: 2 });
    expect(ds.digest).toHaveLength(32);
    for (const key of keys) expect(ds.digest.equals(dsDigestOf('mismatch.test', key))).toBe(false);
    // The zone itself is fine: its DNSKEY RRset and data verify.
    expectSigned((await ask('www.mismatch.test', T.A)).answers, keys, 'mismatch.test');
  });
});

describe('what the DO bit and EDNS change', () => {
  it('sends no RRSIG and no NSEC without DO, with or without EDNS', async () => {
    for (const options of [{ payload: 1232 }, {}] as AskOptions[]) {
      const positive = await ask('www.ec.test', T.A, options);
      expect(positive.answers.map((rr) => rr.type)).toEqual([T.A]);
      const negative = await ask('nope.ec.test', T.A, options);
      expect(negative.rcode).toBe(3);
      expect(negative.authorities.map((rr) => rr.type)).toEqual([T.SOA]);
      const nodata = await ask('www.ec.test', T.AAAA, options);
      expect(nodata.authorities.map((rr) => rr.type)).toEqual([T.SOA]);
      const any = await ask('www.ec.test', 255, options);
      expect(any.answers.map((rr) => rr.type).sort()).toEqual([T.A, T.NSEC]);
    }
    // Asked for by type, RRSIGs are data like any other.
    const explicit = await ask('www.ec.test', T.RRSIG, { payload: 1232 });
    expect(explicit.answers.filter((rr) => rr.type === T.RRSIG)).toHaveLength(2);
  });

  it('leaves unsigned zones as they were: DO adds nothing, DNSKEY and DS are NODATA', async () => {
    for (const [name, type] of [
      ['www.plain.test', T.A],
      ['plain.test', T.MX],
      ['nope.plain.test', T.A],
      ['www.plain.test', T.AAAA],
      ['plain.test', T.DNSKEY],
      ['plain.test', T.DS],
    ] as const) {
      const withDo = await ask(name, type);
      const without = await ask(name, type, { payload: 1232 });
      expect(withDo.rcode).toBe(without.rcode);
      expect(withDo.answers).toEqual(without.answers);
      expect(withDo.authorities).toEqual(without.authorities);
      expect([...withDo.answers, ...withDo.authorities].some((rr) => rr.type === T.RRSIG || rr.type === T.NSEC)).toBe(
        false,
      );
    }
    expect((await ask('plain.test', T.DNSKEY)).answers).toHaveLength(0);
  });

  it('never sets AD, keeps AA, copies CD and echoes DO in the OPT record', async () => {
    const raw = await askUdp(server.address.port, buildQuery('www.ec.test', T.A, { ...DO, cd: true }));
    const reply = parseMessage(raw);
    expect(reply.flags & AD).toBe(0);
    expect(reply.flags & CD).toBe(CD);
    expect(reply.flags & 0x0400).toBe(0x0400);
    const opt = reply.additionals.find((rr) => rr.type === 41);
    // The OPT TTL field carries extended rcode, version and flags; DO is its top flag bit.
    expect((opt?.ttl ?? 0) & 0x8000).toBe(0x8000);
    const plain = parseMessage(await askUdp(server.address.port, buildQuery('www.ec.test', T.A, { payload: 1232 })));
    expect(plain.flags & (AD | CD)).toBe(0);
  });
});

describe('large signed answers', () => {
  it('truncates over UDP (TC, empty) and answers in full over TCP, every RRset verifying', async () => {
    const keys = await dnskeys('rsa.test');
    const query = buildQuery('rsa.test', 255, DO);
    const udp = parseMessage(await askUdp(server.address.port, query));
    expect(udp.flags & TC).toBe(TC);
    expect(udp.answers).toHaveLength(0);
    const tcp = parseMessage(await askTcp(server.address.port, query));
    expect(tcp.flags & TC).toBe(0);
    const types = new Set(tcp.answers.map((rr) => rr.type));
    for (const type of [T.SOA, T.NS, T.MX, T.TXT, T.DNSKEY, T.NSEC, T.RRSIG]) expect(types).toContain(type);
    expectSigned(tcp.answers, keys, 'rsa.test');
  });

  it('a DNSKEY answer over a small EDNS buffer comes back truncated, then whole over TCP', async () => {
    const query = buildQuery('rsa.test', T.DNSKEY, { do: true, payload: 512 });
    const udp = parseMessage(await askUdp(server.address.port, query));
    expect(udp.flags & TC).toBe(TC);
    const tcp = parseMessage(await askTcp(server.address.port, query));
    const keys = tcp.answers.filter((rr) => rr.type === T.DNSKEY).map((rr) => parseDnskey(rr.rdata));
    expect(keys).toHaveLength(2);
    expectSigned(tcp.answers, keys, 'rsa.test');
    // Without DO the same keys fit, unsigned.
    const small = parseMessage(await askUdp(server.address.port, buildQuery('rsa.test', T.DNSKEY, { payload: 1232 })));
    expect(small.flags & TC).toBe(0);
    expect(small.answers.map((rr) => rr.type)).toEqual([T.DNSKEY, T.DNSKEY]);
  });
});
