// The reputation scanner against the lab: nova-parcels' listed address (two DNSBLs) and its DROP
// and EDROP blocks, and a scenario of the test's own with an IPv6 listing, a list refusing the
// resolver, a list answering for everything and a listed domain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { Scenario } from '../../../src/lab/scenario/schema';
import { reputationScanner } from '../../../src/scanners/reputation/scanner';
import { readCategoryScore } from '../../../src/shared/grade';
import { type Net, type ScanPolicy, scanPolicy } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun, startLabNet } from '../../helpers/scanner-harness';

interface ReputationProp {
  listed: { list: string; what: string; severity: string; txt?: string; cidr?: string; sbl?: string }[];
  clean: string[];
  unchecked: { list: string; reason: string }[];
}

function propsOf(run: ScanRun, type: string, value: string): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const e of run.entities) if (e.entity.type === type && e.entity.value === value) Object.assign(props, e.props);
  return props;
}

function reputationOf(run: ScanRun, type: string, value: string): ReputationProp {
  return propsOf(run, type, value).reputation as ReputationProp;
}

const contract = { category: 'reputation' };

describe('reputation against nova-parcels', () => {
  let lab: Lab;
  let net: Net;
  let policy: ScanPolicy;
  beforeAll(async () => {
    ({ lab, net, policy } = await startLabNet('nova-parcels'));
  });
  afterAll(() => lab.stop());

  it('reads both DNSBL listings of the phishing address, with their codes and reason, and scores them', async () => {
    const run = await runScanner(reputationScanner, { type: 'ip', value: '185.220.101.47' }, net, {}, { policy });
    checkScanContract(run, contract);
    const rep = reputationOf(run, 'ip', '185.220.101.47');
    expect(rep.listed.map((l) => l.list).sort()).toEqual(['Spamhaus ZEN', 'SpamCop'].sort());
    const zen = rep.listed.find((l) => l.list === 'Spamhaus ZEN');
    expect(zen?.what).toBe('CSS (127.0.0.3)');
    expect(zen?.txt).toContain('Listed in CSS');
    expect(rep.clean).toContain('Spamhaus DROP');
    expect(rep.clean).toContain('Barracuda Reputation Block List');
    expect(rep.clean).not.toContain('Spamhaus DROPv6');
    expect(rep.unchecked).toEqual([]);

    const score = readCategoryScore(propsOf(run, 'ip', '185.220.101.47'), 'reputation');
    expect(score?.earned).toBe(5);
    expect(score?.lost.map((l) => l.reason).join('\n')).toMatch(/Spamhaus ZEN.*CSS/);
    expect(score?.lost.map((l) => l.reason).join('\n')).toMatch(/SpamCop/);

    const titles = run.findings.map((f) => `${f.severity} ${f.title}`);
    expect(titles).toContain('medium 185.220.101.47 is listed by Spamhaus ZEN: CSS');
    expect(titles).toContain('medium 185.220.101.47 is listed by SpamCop: listed');
    // The finding cites the dig-like answers, not only the raw packet.
    const zenFinding = run.findings.find((f) => f.title.includes('Spamhaus ZEN'));
    const cited = run.evidence.filter((e) => zenFinding?.evidence?.includes(e.ref));
    expect(cited.map((e) => e.content).join('\n')).toMatch(
      /47\.101\.220\.185\.zen\.spamhaus\.org\.\s+\d+\s+IN\s+A\s+127\.0\.0\.3/,
    );
  });

  // The lab's DROP blocks are documentation ranges no scenario host uses: a case scans them when it
  // allows internal targets.
  const internal = { policy: scanPolicy({ allowInternal: true }) };

  it('finds an address in a DROP block and an EDROP block, links the netblock and loses every point', async () => {
    for (const [ip, cidr, list, sbl] of [
      ['203.0.113.10', '203.0.113.0/24', 'Spamhaus DROP', 'SBL600001'],
      ['198.51.100.200', '198.51.100.128/25', 'Spamhaus EDROP', 'SBL600002'],
    ] as const) {
      const run = await runScanner(reputationScanner, { type: 'ip', value: ip }, net, {}, internal);
      checkScanContract(run, contract);
      expect(run.relations).toContainEqual(
        expect.objectContaining({
          from: { type: 'ip', value: ip },
          relation: 'in_netblock',
          to: { type: 'netblock', value: cidr },
        }),
      );
      expect(propsOf(run, 'netblock', cidr)).toMatchObject({ spamhausDrop: list, sbl });
      const finding = run.findings.find((f) => f.severity === 'high');
      expect(finding?.title).toBe(`${ip} is in ${list}: ${cidr}, a hijacked or criminal netblock`);
      const file = run.evidence.find((e) => finding?.evidence?.includes(e.ref));
      expect(file?.content).toContain(`${cidr} ; ${sbl}`);
      expect(readCategoryScore(propsOf(run, 'ip', ip), 'reputation')?.earned).toBe(0);
    }
  });

  it('checks a domain through its address, and the domain against the domain lists', async () => {
    const run = await runScanner(reputationScanner, { type: 'domain', value: 'nova-parcels.com' }, net, {}, { policy });
    checkScanContract(run, contract);
    expect(run.relations).toContainEqual(
      expect.objectContaining({
        from: { type: 'domain', value: 'nova-parcels.com' },
        relation: 'resolves_to',
        to: { type: 'ip', value: '185.220.101.47' },
      }),
    );
    expect(reputationOf(run, 'ip', '185.220.101.47').listed).toHaveLength(2);
    const domain = reputationOf(run, 'domain', 'nova-parcels.com');
    expect([...domain.clean].sort()).toEqual(['SURBL', 'Spamhaus DBL', 'URIBL'].sort());
    // The grade's IP reputation belongs to the address: a domain score would hide it.
    expect(readCategoryScore(propsOf(run, 'domain', 'nova-parcels.com'), 'reputation')).toBeNull();
  });

  it('scores a clean address full marks', async () => {
    const run = await runScanner(reputationScanner, { type: 'ip', value: '192.0.2.44' }, net, {}, internal);
    const score = readCategoryScore(propsOf(run, 'ip', '192.0.2.44'), 'reputation');
    expect(score).toMatchObject({ earned: 15, lost: [], scanner: 'reputation' });
    expect(run.findings).toEqual([]);
  });
});

const scenario = Scenario.parse({
  name: 'reputation',
  zones: [
    {
      origin: 'listed-shop.com',
      records: [
        { name: '@', type: 'A', data: '192.0.2.77' },
        { name: '@', type: 'AAAA', data: '2001:db8::66' },
        { name: 'v6', type: 'AAAA', data: '2001:db8:dead::5' },
      ],
    },
    // Domain lists are zones like any other: the domain under the list's zone.
    {
      origin: 'dbl.spamhaus.org',
      records: [
        { name: 'listed-shop.com', type: 'A', data: '127.0.1.4' },
        { name: 'listed-shop.com', type: 'TXT', data: 'https://check.spamhaus.org/lab/listed-shop.com' },
      ],
    },
    { origin: 'multi.uribl.com', records: [{ name: 'listed-shop.com', type: 'A', data: '127.0.0.10' }] },
    // SURBL answers 127.0.0.1 to resolvers it blocks.
    { origin: 'multi.surbl.org', records: [{ name: 'listed-shop.com', type: 'A', data: '127.0.0.1' }] },
  ],
  dnsbl: [
    { zone: 'zen.spamhaus.org', address: '2001:db8::66', code: '127.0.0.2', txt: 'SBL lab listing' },
    // What Spamhaus answers a query through a public resolver.
    { zone: 'zen.spamhaus.org', address: '192.0.2.77', code: '127.255.255.254' },
    // A list that holds 127.0.0.1 lists everything: its listing of 192.0.2.77 means nothing.
    { zone: 'psbl.surriel.com', address: '127.0.0.1', code: '127.0.0.2' },
    { zone: 'psbl.surriel.com', address: '192.0.2.77', code: '127.0.0.2' },
  ],
  drop: [{ list: 'drop-v6', cidr: '2001:db8:dead::/48', sbl: 'SBL600003' }],
});

describe('reputation against a scenario of its own', () => {
  let lab: Lab;
  let net: Net;
  let policy: ScanPolicy;
  let run: ScanRun;
  beforeAll(async () => {
    // Scenario addresses (documentation ranges here) are the lab's public internet.
    ({ lab, net, policy } = await startLabNet(scenario));
    run = await runScanner(reputationScanner, { type: 'domain', value: 'listed-shop.com' }, net, {}, { policy });
  });
  afterAll(() => lab.stop());

  it('keeps the scan contract', () => {
    checkScanContract(run, contract);
  });

  it('reads an IPv6 listing (nibble-reversed) and asks no list that takes no IPv6', () => {
    const rep = reputationOf(run, 'ip', '2001:db8::66');
    expect(rep.listed).toEqual([
      expect.objectContaining({
        list: 'Spamhaus ZEN',
        what: 'SBL (127.0.0.2)',
        severity: 'high',
        txt: 'SBL lab listing',
      }),
    ]);
    expect(rep.clean).toEqual(['Spamhaus DROPv6']);
    expect(rep.unchecked).toEqual([]);
    expect(readCategoryScore(propsOf(run, 'ip', '2001:db8::66'), 'reputation')?.earned).toBe(7);
    expect(run.findings.map((f) => `${f.severity} ${f.title}`)).toContain(
      'high 2001:db8::66 is listed by Spamhaus ZEN: SBL',
    );
  });

  it('reports a refused query and a list answering for everything as not checked, never as listed', () => {
    const rep = reputationOf(run, 'ip', '192.0.2.77');
    expect(rep.listed).toEqual([]);
    expect(rep.unchecked.map((u) => u.list).sort()).toEqual(['Passive Spam Block List', 'Spamhaus ZEN']);
    expect(rep.unchecked.find((u) => u.list === 'Spamhaus ZEN')?.reason).toMatch(/public or open resolvers/);
    expect(rep.unchecked.find((u) => u.list === 'Passive Spam Block List')?.reason).toMatch(/RFC 5782/);
    expect(rep.clean).toContain('Spamhaus DROP');
    expect(rep.clean).toContain('SpamCop');
    // The unchecked lists count neither way: the lists that answered found nothing.
    expect(readCategoryScore(propsOf(run, 'ip', '192.0.2.77'), 'reputation')).toMatchObject({ earned: 15, lost: [] });
    const unchecked = run.findings.find((f) => f.title === '2 list(s) could not be checked for 192.0.2.77');
    expect(unchecked?.severity).toBe('info');
    const cited = run.evidence.filter((e) => unchecked?.evidence?.includes(e.ref)).map((e) => e.content);
    expect(cited.join('\n')).toContain('127.255.255.254');
  });

  it('asks nothing about an address outside the scenario that a case does not allow', async () => {
    const outside = await runScanner(reputationScanner, { type: 'ip', value: '10.20.30.40' }, net, {}, { policy });
    expect(outside.findings.map((f) => f.title)).toEqual([
      '10.20.30.40 is not a public address: no blacklist was asked',
    ]);
    expect(outside.evidence).toEqual([]);
  });

  it('reads the domain lists: a DBL listing with its reason, URIBL bits, and SURBL refusing', () => {
    const rep = reputationOf(run, 'domain', 'listed-shop.com');
    expect(rep.listed).toEqual([
      expect.objectContaining({ list: 'Spamhaus DBL', what: 'phish (127.0.1.4)', severity: 'high' }),
      expect.objectContaining({ list: 'URIBL', what: 'black (127.0.0.10), red (127.0.0.10)', severity: 'medium' }),
    ]);
    expect(rep.listed[0]?.txt).toBe('https://check.spamhaus.org/lab/listed-shop.com');
    expect(rep.unchecked).toEqual([{ list: 'SURBL', reason: expect.stringMatching(/blocks this resolver/) }]);
    const titles = run.findings.map((f) => `${f.severity} ${f.title}`);
    expect(titles).toContain('high listed-shop.com is listed by Spamhaus DBL: phish');
    expect(titles).toContain('medium listed-shop.com is listed by URIBL: black, red');
  });

  it('asks the domain lists about a host name and its registered domain', async () => {
    const host = await runScanner(
      reputationScanner,
      { type: 'domain', value: 'www.listed-shop.com' },
      net,
      {},
      { policy },
    );
    checkScanContract(host, contract);
    const rep = reputationOf(host, 'domain', 'www.listed-shop.com');
    expect(rep.listed.map((l) => l.list)).toEqual(['Spamhaus DBL (listed-shop.com)', 'URIBL (listed-shop.com)']);
    expect(rep.clean).toContain('Spamhaus DBL');
    expect(host.findings.map((f) => f.title)).toContain('www.listed-shop.com has no address to check');
    expect(host.relations).toEqual([]);
  });

  it('matches an IPv6 address against DROPv6', async () => {
    const v6 = await runScanner(reputationScanner, { type: 'ip', value: '2001:db8:dead::5' }, net, {}, { policy });
    checkScanContract(v6, contract);
    expect(v6.relations).toContainEqual(
      expect.objectContaining({ relation: 'in_netblock', to: { type: 'netblock', value: '2001:db8:dead::/48' } }),
    );
    expect(readCategoryScore(propsOf(v6, 'ip', '2001:db8:dead::5'), 'reputation')?.earned).toBe(0);
  });
});
