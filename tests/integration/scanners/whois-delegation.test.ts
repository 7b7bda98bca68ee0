// The whois scanner against a lab scenario: a registry's "no match" weighed against DNS. A name
// the registry does not know but DNS delegates is a contradiction to show, not "not registered";
// only a name DNS does not delegate either is reported as not registered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { Scenario } from '../../../src/lab/scenario/schema';
import { whoisScanner } from '../../../src/scanners/whois/scanner';
import type { Net, ScanPolicy } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, startLabNet } from '../../helpers/scanner-harness';

const registryText = (domain: string) =>
  [
    `Domain Name: ${domain}`,
    'Creation Date: 2015-03-01T00:00:00Z',
    'Registry Expiry Date: 2035-03-01T00:00:00Z',
    'Registrar: Lab Registrar SARL',
    `Name Server: ns1.${domain}`,
    '',
  ].join('\n');

const scenario = Scenario.parse({
  name: 'registrations and delegations',
  zones: [
    {
      origin: 'delegated-only.com',
      records: [
        { name: '@', type: 'NS', data: 'ns1.delegated-only.com' },
        { name: '@', type: 'NS', data: 'ns2.dns-host.net' },
        { name: 'ns1', type: 'A', data: '198.51.100.53' },
        { name: '@', type: 'A', data: '203.0.113.80' },
      ],
    },
    {
      origin: 'registered.labzz',
      records: [
        { name: '@', type: 'NS', data: 'ns1.registered.labzz' },
        { name: 'ns1', type: 'A', data: '198.51.100.54' },
      ],
    },
    {
      // The TLD's own zone: names under it that it does not hold do not exist.
      origin: 'labzz',
      records: [
        { name: '@', type: 'SOA', data: 'a.nic.labzz hostmaster.nic.labzz 1 7200 3600 1209600 300' },
        { name: '@', type: 'NS', data: 'a.nic.labzz' },
      ],
    },
  ],
  whois: [{ domain: 'registered.labzz', registry: registryText('registered.labzz') }],
});

let lab: Lab;
let net: Net;
let policy: ScanPolicy;
beforeAll(async () => {
  ({ lab, net, policy } = await startLabNet(scenario));
});
afterAll(() => lab.stop());

async function scan(value: string) {
  const run = await runScanner(whoisScanner, { type: 'domain', value }, net, {}, { policy });
  checkScanContract(run, {
    category: 'registration',
    findingsWithoutEvidence: (title) => title.startsWith('Some registration lookups'),
  });
  return run;
}

describe('a registry that has no record of a name, against DNS', () => {
  it('shows a delegated name the registry does not know as a contradiction, citing both answers', async () => {
    const run = await scan('delegated-only.com');
    const titles = run.findings.map((f) => f.title);
    expect(titles.some((t) => t.endsWith('is not registered'))).toBe(false);
    const contradiction = run.findings.find((f) => f.title.startsWith('The registry has no record of'));
    expect(contradiction?.title).toBe(
      'The registry has no record of delegated-only.com, yet it is delegated in DNS (NS ns1.delegated-only.com, ns2.dns-host.net)',
    );
    expect(contradiction?.severity).toBe('low');
    const cited = new Set(contradiction?.evidence);
    const dns = run.evidence.filter((e) => e.source.startsWith('dns://'));
    expect(dns.map((e) => e.ref)).toEqual([
      '1:NS:delegated-only.com',
      '1:NS:delegated-only.com:raw',
      '2:SOA:delegated-only.com',
      '2:SOA:delegated-only.com:raw',
    ]);
    for (const e of dns) expect(cited.has(e.ref)).toBe(true);
    expect(dns[0]?.content).toContain('ns2.dns-host.net');
    // The registry's (here RDAP's) "no such domain" is cited too.
    expect(run.evidence.some((e) => cited.has(e.ref) && e.mediaType === 'application/rdap+json')).toBe(true);
  });

  it('reports a name neither the registry nor DNS knows as not registered', async () => {
    const run = await scan('free-name.labzz');
    const verdict = run.findings.find((f) => f.title === 'free-name.labzz is not registered');
    expect(verdict?.severity).toBe('info');
    expect(verdict?.detail).toContain('DNS agrees');
    expect(verdict?.detail).toContain('NXDOMAIN');
    expect(verdict?.evidence?.some((ref) => ref.startsWith('1:NS:free-name.labzz'))).toBe(true);
    expect(run.findings.some((f) => f.title.startsWith('The registry has no record'))).toBe(false);
  });

  it('asks DNS nothing about a name the registry knows', async () => {
    const run = await scan('registered.labzz');
    expect(run.evidence.some((e) => e.source.startsWith('dns://'))).toBe(false);
    expect(run.relations.some((r) => r.relation === 'registered_with')).toBe(true);
  });
});
