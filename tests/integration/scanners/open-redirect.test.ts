// The open-redirect scanner against the lab: redirect.hostile-lab.com's /login reflects ?next=
// into Location (found from the link on its root page), /go redirects to a fixed page (not open),
// and a site without redirects, or that never answers, ends with an info finding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { CANARY_HOST } from '../../../src/scanners/open-redirect/probe';
import { openRedirectScanner } from '../../../src/scanners/open-redirect/scanner';
import type { Net, ScanPolicy } from '../../../src/shared/scanner';
import { checkScanContract, type HarnessInput, runScanner, startLabNet } from '../../helpers/scanner-harness';

let lab: Lab;
let net: Net;
let policy: ScanPolicy;

beforeAll(async () => {
  ({ lab, net, policy } = await startLabNet('hostile'));
});
afterAll(async () => {
  await lab?.stop();
});

async function scan(input: HarnessInput, timeoutMs = 3000) {
  const run = await runScanner(openRedirectScanner, input, net, { timeoutMs }, { policy });
  checkScanContract(run, { category: 'web' });
  return run;
}

describe('open-redirect scanner in the lab', () => {
  it('finds the open ?next= on /login through the root page link, and only there', async () => {
    const run = await scan({ type: 'domain', value: 'redirect.hostile-lab.com' });
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
      ['high', 'redirect.hostile-lab.com: open redirect through ?next= on /login'],
    ]);
    const finding = run.findings[0];
    expect(finding?.detail).toContain(`sends the browser to https://${CANARY_HOST}/ by a 302 redirect`);
    const evidence = run.evidence.find((e) => e.ref === finding?.evidence?.[0]);
    expect(evidence?.content).toContain(`Location: https://${CANARY_HOST}/`);
    const probes = run.evidence.find((e) => e.ref === '1:probes');
    // Every probe is listed, the canary only ever as a parameter value.
    expect(probes?.content).toContain(
      'GET https://redirect.hostile-lab.com/go?url=https%3A%2F%2Ftracegraph-canary.invalid%2F',
    );
    expect(probes?.content).not.toMatch(/GET https?:\/\/tracegraph-canary/);
    expect(run.entities[0]?.props?.openRedirect).toMatchObject({
      paths: ['/', '/login', '/go'],
      tested: 18,
      failed: 0,
      vulnerable: [{ path: '/login', param: 'next', via: 'location' }],
    });
  });

  it('reports no open redirect on a site without one', async () => {
    const run = await scan({ type: 'url', value: 'https://weak.hostile-lab.com/' });
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
      ['info', 'https://weak.hostile-lab.com/: no open redirect found'],
    ]);
  });

  it('gives up on a server that never answers, within its timeout', async () => {
    const run = await scan({ type: 'url', value: 'http://hostile-lab.com/hang' }, 1000);
    expect(run.findings.map((f) => f.title)).toEqual([
      'http://hostile-lab.com/hang: open-redirect test not run, the site could not be reached',
    ]);
  });
});
