// The content scanner against the lab: the phishing site (robots naming /admin and /backup, a
// card form posting over HTTP to another domain, a Telegram profile, a support address), the
// WordPress site (sitemap index, sensitive sitemap URLs, mixed content, socials, emails, phones),
// and the hostile scenario's huge page, oversized robots.txt and looping, endless sitemaps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { Scenario } from '../../../src/lab/scenario/schema';
import { contentScanner } from '../../../src/scanners/content/scanner';
import type { Net } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun, startLabNet } from '../../helpers/scanner-harness';
import { labsForFile } from './tech-labs';

const labs = labsForFile();

async function scan(value: string, net: Net): Promise<ScanRun> {
  const run = await runScanner(contentScanner, { type: 'domain', value }, net, { timeoutMs: 5000 });
  checkScanContract(run, { category: 'web' });
  return run;
}

const related = (run: ScanRun, relation: string) =>
  run.relations.filter((r) => r.relation === relation).map((r) => `${r.to.type}:${r.to.value}`);
const propsOf = (run: ScanRun, value: string) =>
  Object.assign({}, ...run.entities.filter((e) => e.entity.value === value).map((e) => e.props));
const finding = (run: ScanRun, start: string) => run.findings.find((f) => f.title.startsWith(start));

describe('content scanner', () => {
  it('reports a domain without a web site as a finding citing the attempts', async () => {
    const run = await scan('ns1.nova-dns.net', labs.nova());
    expect(run.findings.map((f) => `${f.severity}: ${f.title}`)).toEqual([
      'info: Content not checked: no page could be fetched from ns1.nova-dns.net',
    ]);
    const attempts = run.evidence.find((e) => e.ref === run.findings[0]?.evidence?.[0]);
    expect(attempts?.content).toMatch(/https:\/\/ns1\.nova-dns\.net\/: .*connection refused/);
  });

  it('reads the phishing page: sensitive robots paths, a card form posting over HTTP elsewhere, contacts', async () => {
    const run = await scan('nova-parcels.com', labs.nova());
    const robots = finding(run, 'robots.txt of nova-parcels.com names 2 sensitive paths');
    expect(robots?.severity).toBe('medium');
    expect(robots?.detail).toContain('/admin/ (administration interface)');
    expect(robots?.detail).toContain('/backup/ (backups)');
    const form = finding(run, 'nova-parcels.com has a form posting over plain HTTP to http://nova-returns.co/pay');
    expect(form?.severity).toBe('high');
    expect(form?.detail).toContain('POST http://nova-returns.co/pay (another site); fields: card');
    expect(related(run, 'loads_script_from')).toEqual(['domain:cdn.jsdelivr.net']);
    expect(related(run, 'mentions')).toEqual([
      'url:https://t.me/novaparcels_support',
      'email:support@nova-parcels.com',
    ]);
    expect(propsOf(run, 'https://t.me/novaparcels_support')).toEqual({
      platform: 'Telegram',
      handle: 'novaparcels_support',
    });
    expect(propsOf(run, 'nova-parcels.com')).toMatchObject({
      inlineScripts: 1,
      robotsDisallow: ['/admin/', '/backup/'],
      sitemapUrls: 2,
      sensitivePaths: ['/admin/', '/backup/'],
      insecureForms: ['http://nova-returns.co/pay'],
    });
    // robots.txt and the sitemap are evidence; the findings cite them.
    const sources = new Map(run.evidence.map((e) => [e.ref, e.source]));
    expect(robots?.evidence?.map((r) => sources.get(r))).toEqual(['https://nova-parcels.com/robots.txt']);
    expect([...sources.values()]).toContain('https://nova-parcels.com/sitemap.xml');
  });

  it('follows the sitemap index of the WordPress site and flags its sensitive URLs, mixed content and contacts', async () => {
    const run = await scan('greenfield-analytics.net', labs.nova());
    const sitemap = finding(run, 'The sitemap of greenfield-analytics.net names 3 sensitive paths');
    expect(sitemap?.severity).toBe('medium');
    expect(sitemap?.detail).toContain('https://greenfield-analytics.net/backup/greenfield-2024-10.sql.gz (backups)');
    expect(sitemap?.detail).toContain('https://greenfield-analytics.net/config/ (configuration)');
    expect(sitemap?.detail).toContain('https://greenfield-analytics.net/api/v1/reports (API endpoint)');
    // The index was read and both its same-site sitemaps; the off-site one was not fetched.
    const sources = run.evidence.map((e) => e.source);
    expect(sources).toEqual(
      expect.arrayContaining([
        'https://greenfield-analytics.net/sitemap_index.xml',
        'https://greenfield-analytics.net/page-sitemap.xml',
        'https://greenfield-analytics.net/post-sitemap.xml',
      ]),
    );
    expect(sources.some((s) => s.includes('elsewhere.example'))).toBe(false);
    expect(propsOf(run, 'greenfield-analytics.net').sitemapUrls).toBe(8);
    const robots = finding(run, 'robots.txt of greenfield-analytics.net names');
    expect(robots?.detail).toContain('/wp-admin/ (administration interface)');
    expect(robots?.detail).toContain('/staging/ (staging, test or internal area)');

    const mixed = finding(run, 'greenfield-analytics.net loads 3 resources over plain HTTP on an HTTPS page');
    expect(mixed?.severity).toBe('medium');
    expect(mixed?.detail).toContain('<script> http://stats.fieldmetrics.io/tag.js');
    expect(mixed?.detail).toContain('<img> http://greenfield-analytics.net/wp-content/uploads/2023/04/banner.jpg');
    expect(finding(run, 'greenfield-analytics.net has a form posting over plain HTTP')?.severity).toBe('medium');

    expect(related(run, 'loads_script_from').sort()).toEqual([
      'domain:stats.fieldmetrics.io',
      'domain:www.googletagmanager.com',
    ]);
    expect(related(run, 'mentions').sort()).toEqual([
      'email:press@greenfield-analytics.net',
      'email:sales@greenfield-analytics.net',
      'url:https://github.com/greenfield-analytics',
      'url:https://linkedin.com/company/greenfield-analytics',
      'url:https://twitter.com/greenfieldhq',
      'url:https://youtube.com/@GreenfieldAnalytics',
    ]);
    // Only numbers written as international or tel: links; no dates, counts or invoice numbers.
    const props = propsOf(run, 'greenfield-analytics.net');
    expect(props.phones).toEqual(['+496912345678', '+442079460958']);
    expect(props.inlineScripts).toBe(2);
    expect(
      finding(run, "greenfield-analytics.net's page names 2 email address(es), 2 phone number(s)")?.detail,
    ).toContain('phone +442079460958');
  });

  it('stays bounded on a huge hostile page, an oversized robots.txt and looping, endless sitemaps', async () => {
    const run = await scan('content.hostile-lab.com', labs.hostile());
    const page = run.evidence.find((e) => e.source === 'http://content.hostile-lab.com/');
    expect(page?.content).toContain('[body truncated]');
    // Sitemaps: the looping index once, capped at maxSitemaps fetches (10), never the second-level index's children.
    const sitemaps = run.evidence.filter((e) => e.source.includes('/sitemap'));
    expect(sitemaps.length).toBeLessThanOrEqual(10);
    expect(run.evidence.some((e) => e.source.includes('never-fetched') || e.source.includes('other-site'))).toBe(false);
    const props = propsOf(run, 'content.hostile-lab.com');
    expect(props.sitemapUrls).toBeLessThanOrEqual(20_000);
    expect(props.sensitivePaths).toEqual(
      expect.arrayContaining(['/.git/', 'http://content.hostile-lab.com/.git/config']),
    );
    // Bait: no phone from "+1+1+1", dates or long digit runs; invalid addresses dropped.
    expect(props.phones).toBeUndefined();
    expect(related(run, 'mentions')).toEqual(
      expect.arrayContaining([
        'email:abuse@hostile-lab.com',
        'email:evil@hostile-lab.com',
        'url:https://github.com/hostile-lab',
      ]),
    );
    for (const target of related(run, 'mentions')) expect(target).not.toMatch(/x@@y|logo@2x|a{65}/);
    expect(finding(run, 'content.hostile-lab.com has a form posting over plain HTTP')?.severity).toBe('high');
    for (const f of run.findings) expect(f.detail.length).toBeLessThanOrEqual(20_000);
  });
});

describe('content scanner on a site whose robots.txt never answers', () => {
  let lab: Lab;
  let net: Net;
  beforeAll(async () => {
    ({ lab, net } = await startLabNet(
      Scenario.parse({
        name: 'stalling robots',
        zones: [{ origin: 'stall.test', records: [{ name: '@', type: 'A', data: '198.51.100.40' }] }],
        sites: [
          {
            hostname: 'stall.test',
            address: '198.51.100.40',
            http: {
              routes: [
                { path: '/', status: 200, body: '<html><title>stall</title>hello</html>' },
                { path: '/robots.txt', status: 200, body: 'User-agent: *\nDisallow: /admin/', behaviour: 'hang' },
              ],
            },
          },
        ],
      }),
    ));
  });
  afterAll(() => lab.stop());

  it('says robots.txt could not be read and why, instead of treating it as absent', async () => {
    const run = await runScanner(contentScanner, { type: 'domain', value: 'stall.test' }, net, { timeoutMs: 1000 });
    checkScanContract(run, { category: 'web' });
    const unread = finding(run, '1 document(s) of stall.test could not be read');
    expect(unread?.severity).toBe('info');
    expect(unread?.detail).toMatch(/http:\/\/stall\.test\/robots\.txt: .*timed out/);
    expect(propsOf(run, 'stall.test').robotsDisallow).toBeUndefined();
  });
});
