// The dns scanner in a lab scenario: from a domain, or an email address's domain, on to the
// addresses of the mail and name servers its MX and NS records name, through the lab's DNS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { Scenario } from '../../../src/lab/scenario/schema';
import { dnsScanner } from '../../../src/scanners/dns/scanner';
import type { Net, ScanInput, ScanPolicy } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun, startLabNet } from '../../helpers/scanner-harness';

const scenario = Scenario.parse({
  name: 'mail and name servers',
  zones: [
    {
      origin: 'finch-tea.test',
      records: [
        { name: '@', type: 'SOA', data: 'ns1.finch-tea.test hostmaster.finch-tea.test 1 7200 3600 1209600 300' },
        { name: '@', type: 'NS', data: 'ns1.finch-tea.test' },
        { name: '@', type: 'NS', data: 'ns2.dns-provider.test' },
        { name: '@', type: 'MX', data: '10 mail.finch-tea.test' },
        { name: '@', type: 'MX', data: '20 relay.mail-provider.test' },
        { name: '@', type: 'A', data: '203.0.113.40' },
        { name: 'ns1', type: 'A', data: '198.51.100.53' },
        { name: 'mail', type: 'A', data: '198.51.100.25' },
        { name: 'mail', type: 'AAAA', data: '2001:db8:25::1' },
      ],
    },
    {
      origin: 'dns-provider.test',
      records: [
        { name: '@', type: 'SOA', data: 'ns2.dns-provider.test hostmaster.dns-provider.test 1 7200 3600 1209600 300' },
        { name: 'ns2', type: 'A', data: '192.0.2.53' },
      ],
    },
    {
      origin: 'mail-provider.test',
      records: [
        { name: '@', type: 'SOA', data: 'ns.mail-provider.test hostmaster.mail-provider.test 1 7200 3600 1209600 300' },
        { name: 'relay', type: 'A', data: '192.0.2.25' },
      ],
    },
  ],
});

let lab: Lab;
let net: Net;
let policy: ScanPolicy;
beforeAll(async () => {
  ({ lab, net, policy } = await startLabNet(scenario));
});
afterAll(() => lab.stop());

async function scan(type: ScanInput['type'], value: string): Promise<ScanRun> {
  const run = await runScanner(dnsScanner, { type, value }, net, {}, { policy });
  checkScanContract(run, { category: 'dns' });
  return run;
}

/** Where the graph leads from `from` by `kind`, as values. */
const step = (run: ScanRun, kind: string, from: string[]) =>
  run.relations.filter((r) => r.relation === kind && from.includes(r.from.value)).map((r) => r.to.value);

describe('the pivot from a domain to the addresses of its servers', () => {
  it('leads from an email address to the addresses of its mail and name servers', async () => {
    const run = await scan('email', 'j.finch@finch-tea.test');
    const domain = step(run, 'uses_email_domain', ['j.finch@finch-tea.test']);
    expect(domain).toEqual(['finch-tea.test']);
    const mail = step(run, 'has_mx', domain);
    expect(mail).toEqual(['mail.finch-tea.test', 'relay.mail-provider.test']);
    expect(step(run, 'resolves_to', mail).sort()).toEqual(['192.0.2.25', '198.51.100.25', '2001:db8:25::1']);
    const ns = step(run, 'has_ns', domain);
    expect(step(run, 'resolves_to', ns).sort()).toEqual(['192.0.2.53', '198.51.100.53']);
    // Each server's addresses cite the lab's answers for that server.
    const relay = run.relations.find(
      (r) => r.relation === 'resolves_to' && r.from.value === 'relay.mail-provider.test',
    );
    const cited = run.evidence.filter((e) => relay?.evidence?.includes(e.ref));
    expect(cited.map((e) => e.source)).toEqual([
      expect.stringMatching(/\/relay\.mail-provider\.test\?type=A$/),
      expect.stringMatching(/\/relay\.mail-provider\.test\?type=A$/),
    ]);
    expect(cited[0]?.content).toContain('192.0.2.25');
    // Every server resolved: nothing to report about them.
    expect(run.findings.filter((f) => f.title.includes('server'))).toEqual([]);
  });
});
