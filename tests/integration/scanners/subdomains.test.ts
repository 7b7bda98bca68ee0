// The subdomains scanner against a lab of its own: hosts under a plain zone found with their
// addresses and aliases, a wildcard zone where only names answering otherwise are listed, and a
// resolver that answers nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import type { Lab } from '../../../src/lab/lab';
import { Scenario } from '../../../src/lab/scenario/schema';
import { subdomainsScanner } from '../../../src/scanners/subdomains/scanner';
import type { JsonValue } from '../../../src/shared/model';
import type { Net } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun, startLabNet } from '../../helpers/scanner-harness';

let lab: Lab;
let net: Net;
beforeAll(async () => {
  ({ lab, net } = await startLabNet(
    Scenario.parse({
      name: 'subdomains',
      zones: [
        {
          origin: 'plain.test',
          records: [
            { name: '@', type: 'A', data: '198.51.100.1' },
            { name: 'vpn', type: 'A', data: '198.51.100.2' },
            { name: 'autodiscover', type: 'CNAME', data: 'outlook.mailhost.test' },
            { name: 'jenkins', type: 'A', data: '198.51.100.3' },
            { name: 'jenkins', type: 'A', data: '198.51.100.4' },
            { name: 'notinlist-zz', type: 'A', data: '198.51.100.5' },
          ],
        },
        { origin: 'mailhost.test', records: [{ name: 'outlook', type: 'A', data: '203.0.113.25' }] },
        {
          origin: 'wild.test',
          records: [
            { name: '*', type: 'A', data: '192.0.2.99' },
            { name: 'staging', type: 'A', data: '192.0.2.50' },
          ],
        },
      ],
    }),
  ));
});
afterAll(() => lab.stop());

async function scan(value: string, options: Record<string, JsonValue> = {}, using = net): Promise<ScanRun> {
  const run = await runScanner(subdomainsScanner, { type: 'domain', value }, using, options);
  checkScanContract(run, { category: 'dns', findingsWithoutEvidence: (t) => t.includes('could not be checked') });
  return run;
}
const edges = (run: ScanRun, relation: string) =>
  run.relations
    .filter((r) => r.relation === relation)
    .map((r) => `${r.from.value} -> ${r.to.value}`)
    .sort();

describe('subdomains scanner', () => {
  it('finds the common names that exist, with their aliases and addresses, and cites only their answers', async () => {
    const run = await scan('plain.test');
    expect(edges(run, 'subdomain_of')).toEqual([
      'autodiscover.plain.test -> plain.test',
      'jenkins.plain.test -> plain.test',
      'vpn.plain.test -> plain.test',
    ]);
    expect(edges(run, 'cname_to')).toEqual(['autodiscover.plain.test -> outlook.mailhost.test']);
    expect(edges(run, 'resolves_to')).toEqual([
      'autodiscover.plain.test -> 203.0.113.25',
      'jenkins.plain.test -> 198.51.100.3',
      'jenkins.plain.test -> 198.51.100.4',
      'outlook.mailhost.test -> 203.0.113.25',
      'vpn.plain.test -> 198.51.100.2',
    ]);
    const finding = run.findings[0];
    expect(run.findings).toHaveLength(1);
    expect(finding?.title).toMatch(/^3 of \d+ common host names exist under plain\.test$/);
    expect(finding?.detail.split('\n').sort()).toEqual([
      'autodiscover.plain.test',
      'jenkins.plain.test',
      'vpn.plain.test',
    ]);
    // Two evidence items (text and raw) per name found, nothing for the names that do not exist.
    expect(run.evidence).toHaveLength(6);
    const props = run.entities.find((e) => e.entity.value === 'plain.test')?.props;
    expect(props?.commonSubdomains).toMatchObject({ found: 3, wildcardLike: 0, failed: 0 });
  });

  it('under a wildcard, lists only the names that answer otherwise', async () => {
    const run = await scan('wild.test', { labels: ['www', 'mail', 'staging', 'vpn'] });
    expect(edges(run, 'subdomain_of')).toEqual(['staging.wild.test -> wild.test']);
    expect(run.findings.map((f) => f.title)).toEqual([
      '1 of 4 common host names exist under wild.test',
      'A wildcard answers for names under wild.test: 3 common names answered exactly like it',
    ]);
    const props = run.entities.find((e) => e.entity.value === 'wild.test')?.props;
    expect(props?.wildcard).toMatchObject({ name: '*.wild.test', a: ['192.0.2.99'] });
  });

  it('refuses bad labels, and fails when the resolver answers nothing', async () => {
    await expect(scan('plain.test', { labels: ['ok', 'not a label', '-x'] })).rejects.toThrow(
      /not DNS labels: "not a label", "-x"/,
    );
    const deaf = createNet({ resolvers: ['127.0.0.1:9'], proxy: null, timeoutMs: 300, retries: 0 });
    await expect(scan('plain.test', { labels: ['www'] }, deaf)).rejects.toThrow(/answered none of 2 questions/);
  });
});
