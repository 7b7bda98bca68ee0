// The tech scanner against the lab: the Cloudflare-fronted decoy (headers and published ranges),
// the WordPress site with its jQuery version, the phishing site's stack, and ReDoS bait in the
// hostile scenario's headers, cookies and a 1 MB page.
import { describe, expect, it } from 'vitest';
import { techScanner } from '../../../src/scanners/tech/scanner';
import type { Net } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun } from '../../helpers/scanner-harness';
import { labsForFile } from './tech-labs';

const labs = labsForFile();

async function scan(value: string, net: Net, type: 'domain' | 'url' = 'domain'): Promise<ScanRun> {
  const run = await runScanner(techScanner, { type, value }, net, { timeoutMs: 5000 });
  checkScanContract(run, { category: 'web' });
  return run;
}

const technologies = (run: ScanRun) =>
  run.relations.filter((r) => r.relation === 'uses_technology').map((r) => r.to.value);
const entity = (run: ScanRun, type: string, value: string) =>
  Object.assign(
    {},
    ...run.entities.filter((e) => e.entity.type === type && e.entity.value === value).map((e) => e.props),
  );

describe('tech scanner', () => {
  it('finds Cloudflare in front of swiftship-express.com and marks the domain and its addresses', async () => {
    const run = await scan('swiftship-express.com', labs.nova());
    expect(technologies(run)).toEqual(['cloudflare']);
    expect(entity(run, 'domain', 'swiftship-express.com')).toMatchObject({ cdn: 'Cloudflare' });
    for (const ip of ['104.21.32.77', '172.67.144.12']) {
      expect(entity(run, 'ip', ip)).toMatchObject({ cdn: 'Cloudflare' });
      expect(run.relations).toContainEqual(
        expect.objectContaining({ relation: 'resolves_to', to: { type: 'ip', value: ip } }),
      );
    }
    const finding = run.findings.find((f) => f.title === 'swiftship-express.com is behind Cloudflare (CDN)');
    expect(finding?.detail).toContain('weak pivots');
    expect(finding?.detail).toMatch(/header (server: cloudflare|cf-ray)/);
  });

  it('names WordPress, its jQuery version and the plugins on greenfield-analytics.net, with CPEs', async () => {
    const run = await scan('greenfield-analytics.net', labs.nova());
    expect(technologies(run)).toEqual(
      expect.arrayContaining([
        'apache-http-server@2.4.41',
        'wordpress@6.1.1',
        'jquery@3.6.1',
        'jquery-migrate@3.3.2',
        'contact-form-7@5.6.4',
        'bootstrap@5.2.3',
        'google-analytics',
        'php',
      ]),
    );
    expect(entity(run, 'technology', 'jquery@3.6.1')).toEqual({
      name: 'jQuery',
      version: '3.6.1',
      category: 'js-library',
      categories: ['js-library'],
      cpe: 'cpe:2.3:a:jquery:jquery:3.6.1:*:*:*:*:*:*:*',
    });
    expect(entity(run, 'technology', 'wordpress@6.1.1')).toMatchObject({
      cpe: 'cpe:2.3:a:wordpress:wordpress:6.1.1:*:*:*:*:*:*:*',
    });
    // An address outside every CDN range, and no CDN headers: no cdn mark.
    expect(entity(run, 'domain', 'greenfield-analytics.net')).toMatchObject({
      trackingIds: ['Google Analytics:G-GRNF1ELD42'],
    });
    expect(entity(run, 'domain', 'greenfield-analytics.net').cdn).toBeUndefined();
    expect(entity(run, 'ip', '185.220.102.15').cdn).toBeUndefined();
    const summary = run.findings.find((f) => f.title.startsWith('greenfield-analytics.net runs '));
    expect(summary?.detail).toContain(
      '- jQuery 3.6.1 [js-library]: script: https://greenfield-analytics.net/wp-includes/',
    );
    // The page came over HTTPS and is cited.
    const cited = new Set(summary?.evidence);
    expect(run.evidence.filter((e) => cited.has(e.ref)).map((e) => e.source)).toEqual([
      'https://greenfield-analytics.net/',
    ]);
  });

  it('reads the phishing site: nginx and PHP versions, jQuery from a CDN', async () => {
    const run = await scan('nova-parcels.com', labs.nova());
    expect(technologies(run)).toEqual(['nginx@1.18.0', 'php@7.4.3', 'jquery@3.4.1']);
    // One node per technology and version: the same value a second site would produce.
    const again = await scan('https://nova-parcels.com/', labs.nova(), 'url');
    expect(technologies(again)).toEqual(technologies(run));
  });

  it('stays bounded and still detects on ReDoS bait in headers, cookies and a 1 MB page', async () => {
    const started = performance.now();
    const run = await scan('redos.hostile-lab.com', labs.hostile());
    const elapsed = performance.now() - started;
    const found = technologies(run);
    expect(found).toEqual(expect.arrayContaining(['sucuri', 'f5-big-ip-ltm', 'varnish', 'jquery']));
    // Version-shaped junk is not a version, and junk-shaped cookie names are no match.
    expect(found).toEqual(expect.arrayContaining(['nginx', 'php', 'asp.net', 'wordpress']));
    expect(found.filter((v) => v.includes('@'))).toEqual([]);
    expect(found).not.toContain('imperva');
    const page = run.evidence.find((e) => e.source === 'http://redos.hostile-lab.com/');
    expect(page?.content).toContain('[body truncated]');
    // Everything a finding says about the page is one bounded line per technology.
    for (const f of run.findings) expect(f.detail.length).toBeLessThan(20_000);
    expect(elapsed).toBeLessThan(20_000);
  });

  it('reports a site that cannot be fetched as a finding with the reason, keeping what DNS said', async () => {
    const run = await runScanner(techScanner, { type: 'domain', value: 'ns1.nova-dns.net' }, labs.nova());
    const finding = run.findings.find((f) => f.title.includes('no page could be fetched from ns1.nova-dns.net'));
    expect(finding?.severity).toBe('info');
    expect(finding?.detail).toMatch(/https:\/\/ns1\.nova-dns\.net\/: .*connection refused/);
    expect(finding?.detail).toMatch(/http:\/\/ns1\.nova-dns\.net\/: .*connection refused/);
    expect(run.entities.find((e) => e.entity.value === 'ns1.nova-dns.net')?.props).toMatchObject({
      siteUnreachable: true,
    });
    expect(run.relations.some((r) => r.relation === 'resolves_to' && r.from.value === 'ns1.nova-dns.net')).toBe(true);
    expect(run.relations.some((r) => r.relation === 'uses_technology')).toBe(false);
  });
});
