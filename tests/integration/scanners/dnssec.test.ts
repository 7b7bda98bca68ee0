// The DNSSEC scanner against the lab's DNS server on loopback: zones signed at start with
// algorithms 8 and 13, a signed child under a signed parent, each fault the lab can set, and an
// unsigned zone; and the built-in nova-parcels scenario, whose harbor-bakery.com is signed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { signZones } from '../../../src/lab/dns/dnssec';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { ZoneInput } from '../../../src/lab/dns/zone';
import type { Lab } from '../../../src/lab/lab';
import { dnssecScanner } from '../../../src/scanners/dnssec/scanner';
import { readCategoryScore } from '../../../src/shared/grade';
import type { Net } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun, startLabNet } from '../../helpers/scanner-harness';

function zone(origin: string): ZoneInput {
  return {
    origin,
    records: [
      { name: '@', type: 'SOA', data: `ns1.${origin} hostmaster.${origin} 7 7200 3600 1209600 120` },
      { name: '@', type: 'NS', data: `ns1.${origin}` },
      { name: '@', type: 'A', data: '192.0.2.1' },
      { name: 'ns1', type: 'A', data: '192.0.2.53' },
      { name: 'www', type: 'A', data: '192.0.2.10' },
      // An alias into the unsigned zone: its SOA answer names plain.test, not its own zone.
      { name: 'out', type: 'CNAME', data: 'www.plain.test' },
      // An alias into an unsigned zone below the signed one.
      { name: 'in', type: 'CNAME', data: 'www.open.ec.test' },
    ],
  };
}

const ORIGINS = [
  'ec.test',
  'child.ec.test',
  'open.ec.test',
  'rsa.test',
  'expired.test',
  'bad.test',
  'kid.bad.test',
  'mismatch.test',
  'plain.test',
];

let server: DnsServer;
let net: Net;

beforeAll(async () => {
  const signed = signZones(ORIGINS.map(zone), [
    { zone: 'ec.test', algorithm: 13 },
    { zone: 'child.ec.test', algorithm: 13 },
    { zone: 'rsa.test', algorithm: 8 },
    { zone: 'expired.test', algorithm: 13, fault: 'expired-signatures' },
    { zone: 'bad.test', algorithm: 8, fault: 'bad-signature' },
    { zone: 'kid.bad.test', algorithm: 13 },
    { zone: 'mismatch.test', algorithm: 13, fault: 'ds-mismatch' },
  ]);
  server = await startDnsServer({ zones: signed.zones, ds: signed.ds });
  net = createNet({ resolvers: [`127.0.0.1:${server.address.port}`], proxy: null, timeoutMs: 2000, retries: 1 });
});
afterAll(async () => {
  await server?.stop();
});

async function scan(name: string, on: Net = net): Promise<ScanRun> {
  const run = await runScanner(dnssecScanner, { type: 'domain', value: name }, on);
  checkScanContract(run, { category: 'dns' });
  return run;
}

function domainProps(run: ScanRun, name: string): Record<string, unknown> {
  const entity = run.entities.find((e) => e.entity.type === 'domain' && e.entity.value === name);
  expect(entity, `${name} reported`).toBeDefined();
  return entity?.props ?? {};
}

interface ChainZone {
  zone: string;
  status: string;
  keys: { tag: number; algorithm: number; role: string }[];
  ds: { tag: number; digestType: number; match: string }[];
  dnskeySignatures: { status: string }[];
  dsSignatures: { status: string; signer: string }[];
}

describe('dnssec scanner against signed lab zones', () => {
  for (const [origin, algorithm] of [
    ['ec.test', 13],
    ['rsa.test', 8],
  ] as const) {
    it(`algorithm ${algorithm}: a valid chain, the DS matching the KSK, data signatures verified`, async () => {
      const run = await scan(`www.${origin}`);
      const props = domainProps(run, `www.${origin}`);
      expect(props.dnssec).toBe('signed');
      expect(props.dnssecZone).toBe(origin);
      const [apex] = props.dnssecChain as ChainZone[];
      expect(apex?.zone).toBe(origin);
      expect(apex?.keys.map((k) => [k.algorithm, k.role]).sort()).toEqual([
        [algorithm, 'KSK'],
        [algorithm, 'ZSK'],
      ]);
      const ksk = apex?.keys.find((k) => k.role === 'KSK');
      expect(apex?.ds).toEqual([{ tag: ksk?.tag, algorithm, digestType: 2, match: 'matches' }]);
      expect(apex?.dnskeySignatures.map((s) => s.status)).toEqual(['valid']);
      const data = props.dnssecSignatures as { owner: string; covers: string; status: string }[];
      expect(data).toContainEqual(expect.objectContaining({ owner: `www.${origin}`, covers: 'A', status: 'valid' }));
      expect(data.every((s) => s.status === 'valid')).toBe(true);
      expect(readCategoryScore(props, 'dnssec')).toEqual({ earned: 10, lost: [], scanner: 'dnssec' });
      expect(run.findings).toEqual([]);
      // The raw answers are the evidence, DNSKEY and DS among them.
      const sources = run.evidence.map((e) => e.source);
      expect(sources).toContain(`dns://127.0.0.1:${server.address.port}/${origin}?type=DNSKEY`);
      expect(sources).toContain(`dns://127.0.0.1:${server.address.port}/${origin}?type=DS`);
      expect(run.evidence.filter((e) => e.mediaType === 'application/dns-message').length).toBeGreaterThanOrEqual(4);
    });
  }

  it('walks from a signed child to the signed parent that signs its DS', async () => {
    const props = domainProps(await scan('child.ec.test'), 'child.ec.test');
    expect(props.dnssec).toBe('signed');
    const chain = props.dnssecChain as ChainZone[];
    expect(chain.map((z) => [z.zone, z.status])).toEqual([
      ['child.ec.test', 'secure'],
      ['ec.test', 'secure'],
    ]);
    expect(chain[0]?.dsSignatures).toEqual([expect.objectContaining({ signer: 'ec.test', status: 'valid' })]);
    expect(props.dnssecAnchor).toMatch(/DS for ec\.test/);
  });

  for (const [alias, target] of [
    ['out.ec.test', 'plain.test'],
    ['in.ec.test', 'open.ec.test'],
  ] as const) {
    it(`an alias into ${target} is judged in the zone that holds it`, async () => {
      const props = domainProps(await scan(alias), alias);
      expect(props.dnssecZone).toBe('ec.test');
      expect(props.dnssec).toBe('signed');
      const data = props.dnssecSignatures as { owner: string; covers: string; status: string }[];
      expect(data).toContainEqual(expect.objectContaining({ owner: alias, covers: 'CNAME', status: 'valid' }));
      expect(data.some((s) => s.owner.endsWith(target))).toBe(false);
    });
  }

  it('expired signatures: broken, with a high finding naming the expiry', async () => {
    const run = await scan('expired.test');
    const props = domainProps(run, 'expired.test');
    expect(props.dnssec).toBe('broken');
    expect((props.dnssecReasons as string[]).join('\n')).toMatch(/expired at \d{4}-\d\d-\d\dT/);
    const titles = run.findings.map((f) => [f.severity, f.title]);
    expect(titles).toContainEqual(['high', 'Expired or not yet valid DNSSEC signatures for expired.test']);
    expect(titles).toContainEqual(['high', 'DNSSEC validation fails for expired.test']);
    expect(readCategoryScore(props, 'dnssec')?.earned).toBe(0);
  });

  it('a bad signature over the data: broken, the DNSKEY RRset still valid', async () => {
    const run = await scan('www.bad.test');
    const props = domainProps(run, 'www.bad.test');
    expect(props.dnssec).toBe('broken');
    expect((props.dnssecChain as ChainZone[])[0]?.status).toBe('secure');
    expect(props.dnssecReasons).toContainEqual(
      expect.stringMatching(/^www\.bad\.test A: RRSIG by key \d+ does not verify$/),
    );
    expect(run.findings.map((f) => f.severity)).toEqual(['high']);
    const grade = readCategoryScore(props, 'dnssec');
    expect(grade?.earned).toBe(0);
    expect(grade?.lost[0]?.reason).toMatch(/^DNSSEC broken: .*does not verify/);
  });

  it('a valid child whose DS the parent signed badly: broken at the link', async () => {
    const props = domainProps(await scan('kid.bad.test'), 'kid.bad.test');
    expect(props.dnssec).toBe('broken');
    expect((props.dnssecChain as ChainZone[]).map((z) => [z.zone, z.status])).toEqual([
      ['kid.bad.test', 'secure'],
      ['bad.test', 'secure'],
    ]);
    expect(props.dnssecReasons).toEqual([
      expect.stringMatching(/^the DS of kid\.bad\.test at bad\.test: RRSIG by key \d+ does not verify$/),
    ]);
  });

  it('a DS that matches no DNSKEY: broken at the zone', async () => {
    const props = domainProps(await scan('mismatch.test'), 'mismatch.test');
    expect(props.dnssec).toBe('broken');
    const [apex] = props.dnssecChain as ChainZone[];
    expect(apex?.status).toBe('bogus');
    expect(apex?.ds.map((d) => d.match)).toEqual(['no-match']);
    expect((props.dnssecReasons as string[])[0]).toMatch(
      /no DS digest for mismatch\.test .* matches one of its DNSKEYs/,
    );
  });

  it('an unsigned zone: unsigned, a low finding, no DNSSEC points', async () => {
    const run = await scan('www.plain.test');
    const props = domainProps(run, 'www.plain.test');
    expect(props.dnssec).toBe('unsigned');
    expect(props.dnssecReasons).toEqual(['plain.test publishes no DNSKEY and its parent no DS']);
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
      ['low', 'www.plain.test is not signed with DNSSEC'],
    ]);
    expect(readCategoryScore(props, 'dnssec')).toMatchObject({ earned: 0, lost: [{ points: 10 }] });
  });

  it('a name outside every zone the resolver serves: unknown, no grade', async () => {
    const run = await scan('nowhere.invalid');
    const props = domainProps(run, 'nowhere.invalid');
    expect(props.dnssec).toBe('unknown');
    expect(props['grade.dnssec']).toBeUndefined();
    expect(run.findings.map((f) => f.severity)).toEqual(['info']);
  });
});

describe('dnssec scanner in the nova-parcels scenario', () => {
  let lab: Lab;
  let labNet: Net;
  beforeAll(async () => {
    ({ lab, net: labNet } = await startLabNet('nova-parcels'));
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('harbor-bakery.com is signed; nova-parcels.com is not', async () => {
    expect(domainProps(await scan('harbor-bakery.com', labNet), 'harbor-bakery.com').dnssec).toBe('signed');
    expect(domainProps(await scan('nova-parcels.com', labNet), 'nova-parcels.com').dnssec).toBe('unsigned');
  });
});
