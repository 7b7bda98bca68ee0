import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import table from '../../../resources/takeover/fingerprints.json';
import {
  loadTable,
  matchFingerprints,
  matchService,
  SERVICES,
  type TakeoverService,
} from '../../../src/scanners/takeover/fingerprints';
import { takeoverManifest } from '../../../src/scanners/takeover/manifest';
import { serviceOf } from '../../../src/scanners/takeover/scanner';
import { ScannerManifest } from '../../../src/shared/scanner';

const service = (name: string): TakeoverService => {
  const found = SERVICES.find((s) => s.service === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};

describe('takeover fingerprint table', () => {
  it('loads and validates the shipped table', () => {
    expect(loadTable(table).length).toBeGreaterThanOrEqual(40);
    expect(ScannerManifest.safeParse(takeoverManifest).success).toBe(true);
    expect(takeoverManifest.mode).toBe('active');
    for (const name of ['AWS/S3', 'GitHub Pages', 'Heroku', 'Netlify', 'Microsoft Azure', 'Shopify', 'Fastly']) {
      expect(service(name)).toBeDefined();
    }
    expect(service('Microsoft Azure').nxdomain).toBe(true);
    expect(service('AWS/S3').fingerprint).toContain('NoSuchBucket');
  });

  it('refuses a broken table with the problem named', () => {
    const broken = structuredClone(table);
    const first = broken.services[0] as { cname: string[]; status: string };
    first.cname = ['Not A Domain'];
    first.status = 'maybe';
    expect(() => loadTable(broken)).toThrow(/invalid takeover fingerprint table/);
    expect(() => loadTable(broken)).toThrow(/services\[0\]\.cname\[0\]/);
    expect(() => loadTable(broken)).toThrow(/services\[0\]\.status/);
    expect(() => loadTable({ ...table, services: [...table.services, table.services[0]] })).toThrow(/unique/);
    expect(() =>
      loadTable({
        ...table,
        services: [{ service: 'X', cname: ['x.com'], fingerprint: [], nxdomain: false, status: 'vulnerable' }],
      }),
    ).toThrow(/fingerprint or the NXDOMAIN sign/);
  });
});

describe('matching', () => {
  it('matches CNAME targets on label boundaries, longest suffix first', () => {
    expect(matchService('hostile-lab-assets.s3.amazonaws.com')?.service).toBe('AWS/S3');
    expect(matchService('bucket.s3-website-us-east-1.amazonaws.com')?.service).toBe('AWS/S3');
    expect(matchService('bucket.s3.eu-west-1.amazonaws.com.')?.service).toBe('AWS/S3');
    expect(matchService('Example.GitHub.io')?.service).toBe('GitHub Pages');
    expect(matchService('app.azurewebsites.net')?.service).toBe('Microsoft Azure');
    expect(matchService('stats.pingdom.com')?.service).toBe('Pingdom');
    expect(matchService('notgithub.io')).toBeUndefined();
    expect(matchService('github.io.evil.com')).toBeUndefined();
    expect(matchService('www.example.com')).toBeUndefined();
  });

  it('never matches a name that does not end in a listed suffix', () => {
    fc.assert(
      fc.property(fc.domain(), (name) => {
        const match = matchService(name);
        if (match) {
          const lower = name.toLowerCase();
          const bySuffix = match.cname.some((s) => lower === s || lower.endsWith(`.${s}`));
          const byRegex = match.cnameRegex?.some((r) => new RegExp(r).test(lower)) ?? false;
          expect(bySuffix || byRegex).toBe(true);
        }
      }),
    );
  });

  it('picks the last alias in the chain that names a service, never the input', () => {
    expect(serviceOf(['shop.example.com', 'shops.myshopify.com'])?.service.service).toBe('Shopify');
    expect(serviceOf(['a.github.io'])).toBeUndefined();
    expect(serviceOf(['x.example.com', 'cdn.example.net', 'x.herokudns.com'])?.target).toBe('x.herokudns.com');
  });

  it('finds fingerprints in bodies, case-insensitively', () => {
    const s3 = service('AWS/S3');
    expect(matchFingerprints('<Error><Code>NoSuchBucket</Code></Error>', s3)).toEqual(['NoSuchBucket']);
    expect(matchFingerprints("<h1>there isn't a github pages site here.</h1>", service('GitHub Pages'))).toHaveLength(
      1,
    );
    expect(matchFingerprints('<html>welcome</html>', s3)).toEqual([]);
  });
});
