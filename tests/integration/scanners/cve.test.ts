// The CVE scanner against the nova-parcels lab's NVD stand-in (a technology with CVEs, one with
// none, one without a CPE), a scenario of this test's own with more CVEs than a page, and a small
// NVD server of the test's own for throttling, odd answers and the API key header.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import type { Lab } from '../../../src/lab/lab';
import { Scenario } from '../../../src/lab/scenario/schema';
import { cveScanner } from '../../../src/scanners/cve/scanner';
import { identifyGreeting } from '../../../src/scanners/ports/identify';
import type { JsonValue, Props } from '../../../src/shared/model';
import type { Net } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun, startLabNet } from '../../helpers/scanner-harness';

const NO_CPE = /no CPE with a version: cannot look up CVEs$/;

/** Runs the scanner on a technology and checks the scan-event contract. */
async function scan(net: Net, value: string, props: Props, options: Record<string, JsonValue> = {}): Promise<ScanRun> {
  const run = await runScanner(cveScanner, { type: 'technology', value, props }, net, options);
  checkScanContract(run, { category: 'web', findingsWithoutEvidence: (title) => NO_CPE.test(title) });
  return run;
}

interface CvesProp {
  count: number;
  max: { id: string; score: number; severity: string } | null;
  list: { id: string; score: number | null; severity: string | null; published: string }[];
}
const cvesOf = (run: ScanRun): CvesProp | undefined =>
  run.entities.find((e) => e.entity.type === 'technology')?.props?.cves as CvesProp | undefined;

describe('cve scanner against the nova-parcels lab', () => {
  let lab: Lab;
  let net: Net;
  beforeAll(async () => {
    ({ lab, net } = await startLabNet('nova-parcels'));
  });
  afterAll(() => lab.stop());

  it('lists the CVEs of the OpenSSH the ports scanner names from a banner', async () => {
    const [product] = identifyGreeting(Buffer.from('SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5\r\n'));
    expect(product?.cpe).toBe('cpe:2.3:a:openbsd:openssh:8.2:p1:*:*:*:*:*:*');
    const run = await scan(net, product?.value ?? '', { name: 'OpenSSH', version: '8.2p1', cpe: product?.cpe ?? '' });
    expect(cvesOf(run)).toEqual({
      count: 2,
      max: { id: 'CVE-2020-15778', score: 7.8, severity: 'HIGH' },
      list: [
        { id: 'CVE-2020-15778', score: 7.8, severity: 'HIGH', published: '2020-07-24T14:15:00.000Z' },
        { id: 'CVE-2021-41617', score: 7, severity: 'HIGH', published: '2021-09-26T19:15:00.000Z' },
      ],
    });
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
      ['high', 'OpenSSH 8.2p1 has 2 known CVEs (highest CVE-2020-15778, CVSS 7.8)'],
    ]);
    expect(run.findings[0]?.detail).toContain('CVE-2021-41617: CVSS 7 HIGH (v3.1), published 2021-09-26. sshd in');
    expect(run.findings[0]?.evidence).toEqual(['1:cve:nvd']);
    const source = new URL(run.evidence[0]?.source ?? '');
    expect(source.searchParams.get('cpeName')).toBe(product?.cpe);
    expect(JSON.parse(run.evidence[0]?.content ?? '').totalResults).toBe(2);
  });

  it('reports a technology NVD lists no CVE for', async () => {
    const run = await scan(net, 'jquery@3.4.1', {
      name: 'jQuery',
      version: '3.4.1',
      cpe: 'cpe:2.3:a:jquery:jquery:3.4.1:*:*:*:*:*:*:*',
    });
    expect(cvesOf(run)).toEqual({ count: 0, max: null, list: [] });
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([['info', 'jQuery 3.4.1 has no known CVEs']]);
  });

  it('asks nothing about a technology without a versioned CPE', async () => {
    const noCpe: { name: string; cpe?: string }[] = [
      { name: 'Google Analytics' },
      { name: 'jQuery', cpe: 'cpe:2.3:a:jquery:jquery:*:*:*:*:*:*:*:*' },
    ];
    for (const props of noCpe) {
      const run = await scan(net, props.name, props);
      expect(run.evidence).toEqual([]);
      expect(run.entities).toEqual([]);
      expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
        ['info', `${props.name}: no CPE with a version: cannot look up CVEs`],
      ]);
    }
  });
});

describe('cve scanner paging through a scenario of its own', () => {
  let lab: Lab;
  let net: Net;
  const cpe = 'cpe:2.3:a:example:widget:1.0:*:*:*:*:*:*:*';
  beforeAll(async () => {
    const cves = Array.from({ length: 5 }, (_, i) => ({
      cpe,
      id: `CVE-2024-${1000 + i}`,
      published: `2024-0${i + 1}-01T00:00:00Z`,
      description: `Widget flaw ${i}`,
      cvss: 5 + i,
    }));
    ({ lab, net } = await startLabNet(Scenario.parse({ name: 'cve paging', cves })));
  });
  afterAll(() => lab.stop());

  it('reads every page, one piece of evidence each', async () => {
    // With a key the pause between pages is short; the lab ignores the key.
    const run = await scan(net, 'widget@1.0', { cpe }, { resultsPerPage: 2, apiKey: 'test-key' });
    expect(run.evidence.map((e) => new URL(e.source).searchParams.get('startIndex'))).toEqual(['0', '2', '4']);
    const cves = cvesOf(run);
    expect(cves?.count).toBe(5);
    expect(cves?.list.map((c) => c.id)).toEqual([
      'CVE-2024-1004',
      'CVE-2024-1003',
      'CVE-2024-1002',
      'CVE-2024-1001',
      'CVE-2024-1000',
    ]);
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
      ['critical', 'widget@1.0 has 5 known CVEs (highest CVE-2024-1004, CVSS 9)'],
    ]);
    expect(run.findings[0]?.evidence).toEqual(['1:cve:nvd', '2:cve:nvd', '3:cve:nvd']);
  });

  it('stops at maxResults and says the list is capped', async () => {
    const run = await scan(net, 'widget@1.0', { cpe }, { resultsPerPage: 2, maxResults: 3, apiKey: 'test-key' });
    expect(run.evidence.map((e) => new URL(e.source).searchParams.get('resultsPerPage'))).toEqual(['2', '1']);
    expect(cvesOf(run)?.count).toBe(5);
    expect(cvesOf(run)?.list).toHaveLength(3);
    expect(run.findings.map((f) => f.title)).toContain('Only 3 of the 5 CVEs NVD lists for widget@1.0 were read');
  });
});

describe('cve scanner with odd answers', () => {
  let server: Server;
  let net: Net;
  let reply: { status: number; body: string; headers?: Record<string, string> } = { status: 200, body: '{}' };
  let seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const cpe = 'cpe:2.3:a:example:widget:2.0:*:*:*:*:*:*:*';
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.setHeader('connection', 'close');
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    net = createNet({
      resolvers: ['127.0.0.1:9'],
      proxy: null,
      timeoutMs: 2000,
      retries: 0,
      endpoints: { nvd: `http://127.0.0.1:${port}/rest/json/cves/2.0` },
    });
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  it('fails with what to do when NVD throttles', async () => {
    reply = { status: 403, body: '', headers: { message: 'Request forbidden by administrative rules.' } };
    await expect(scan(net, 'widget@2.0', { cpe })).rejects.toThrow(
      /^NVD answered HTTP 403 Forbidden \(Request forbidden by administrative rules\.\): the service throttled or refused the request\. Without an API key NVD allows 5 requests in 30 seconds/,
    );
    reply = { status: 429, body: '' };
    await expect(scan(net, 'widget@2.0', { cpe }, { apiKey: 'k' })).rejects.toThrow(/Check that the apiKey option/);
  });

  it('sends the API key as a header, never in the URL', async () => {
    seen = [];
    reply = { status: 200, body: JSON.stringify({ totalResults: 0, startIndex: 0, vulnerabilities: [] }) };
    const run = await scan(net, 'widget@2.0', { cpe }, { apiKey: 'secret-key-1' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toMatch(/^\/rest\/json\/cves\/2\.0\?cpeName=/);
    expect(seen[0]?.headers.apikey).toBe('secret-key-1');
    expect(JSON.stringify(run.events)).not.toContain('secret-key-1');
    await scan(net, 'widget@2.0', { cpe });
    expect(seen[1]?.headers.apikey).toBeUndefined();
  });

  it('turns an answer that is not a page into a finding, without claiming no CVEs', async () => {
    reply = { status: 200, body: JSON.stringify({ message: 'maintenance' }) };
    const run = await scan(net, 'widget@2.0', { cpe });
    expect(run.entities).toEqual([]);
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
      ['low', 'The NVD answer for widget@2.0 could not be read'],
    ]);
    reply = { status: 200, body: '<html>' };
    expect((await scan(net, 'widget@2.0', { cpe })).findings[0]?.detail).toContain('the answer is not JSON');
  });

  it('skips a malformed vulnerability, counts it and keeps hostile text inert', async () => {
    const good = {
      cve: {
        id: 'CVE-2025-0001',
        published: '2025-01-01T00:00:00.000',
        descriptions: [{ lang: 'en', value: '\u001b[31mred\u001b[0m <img src=x onerror=alert(1)>\u202e' }],
        metrics: {
          cvssMetricV2: [{ type: 'Primary', baseSeverity: 'LOW', cvssData: { version: '2.0', baseScore: 2.1 } }],
        },
      },
    };
    reply = {
      status: 200,
      body: JSON.stringify({ totalResults: 2, startIndex: 0, vulnerabilities: [good, { cve: { id: 'nope' } }] }),
    };
    const run = await scan(net, 'widget@2.0', { cpe });
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
      ['low', 'widget@2.0 has 2 known CVEs (highest CVE-2025-0001, CVSS 2.1)'],
      ['info', '1 NVD vulnerability record(s) for widget@2.0 had an unexpected shape'],
    ]);
    const detail = run.findings[0]?.detail ?? '';
    expect(detail).toContain('CVE-2025-0001: CVSS 2.1 LOW (v2.0), published 2025-01-01. [31mred [0m <img');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checks that none remain
    expect(detail).not.toMatch(/[\u0000-\u001f\u202e](?<!\n)/);
  });
});
