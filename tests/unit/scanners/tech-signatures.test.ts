// The shipped signatures: they load, every pattern passes the static backtracking check and runs
// over adversarial 100 KB inputs within a bound, a bad pattern is refused, and matching names
// technologies with their versions from headers, cookies, scripts, meta tags and HTML.
import { describe, expect, it } from 'vitest';
import ranges from '../../../resources/tech/cdn-ranges.json';
import table from '../../../resources/tech/signatures.json';
import { loadRanges, providerOf } from '../../../src/scanners/tech/cdn-ranges';
import { cpeOf, detect, type PageFeatures, technologyValue } from '../../../src/scanners/tech/match';
import { regexProblems } from '../../../src/scanners/tech/regex-guard';
import { loadSignatures, SIGNATURES } from '../../../src/scanners/tech/signatures';
import { trackingIds } from '../../../src/scanners/tech/tracking-ids';

const page = (over: Partial<PageFeatures>): PageFeatures => ({
  headers: [],
  cookies: [],
  html: '',
  scripts: [],
  meta: [],
  ...over,
});

const found = (features: PageFeatures) => detect(features).map((d) => technologyValue(d));

/** Every pattern source in the table, with where it sits. */
function allPatterns(): { where: string; source: string }[] {
  const out: { where: string; source: string }[] = [];
  for (const t of table.technologies) {
    const entry = t as Record<string, unknown>;
    for (const field of ['cookies', 'html', 'scripts'] as const) {
      for (const source of (entry[field] as string[] | undefined) ?? [])
        out.push({ where: `${t.name} ${field}`, source });
    }
    for (const field of ['headers', 'meta'] as const) {
      for (const [, source] of (entry[field] as [string, string][] | undefined) ?? []) {
        out.push({ where: `${t.name} ${field}`, source });
      }
    }
  }
  return out;
}

/** 100 KB inputs that make backtracking patterns slow: runs of the characters patterns repeat. */
function adversarialInputs(source: string): string[] {
  const size = 100 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  // The pattern's own literal runs, repeated, reach deep into it at every position.
  const literals = source
    .replace(/\\(.)/g, '$1')
    .split(/[[\](){}|?*+^$]/)
    .filter((s) => s.length >= 2);
  const units = ['a', '1', '1.', ' ', '/', '<', '"', '-', 'a1.-/ "=<>', '\t', 'é', '\u0000', ...literals];
  return units.map(fill);
}

describe('technology signatures', () => {
  it('ship a serious set: 50+ technologies, 12+ WAF / CDNs, each loaded and compiled', () => {
    expect(SIGNATURES.length).toBeGreaterThanOrEqual(50);
    const fronts = SIGNATURES.filter((t) => t.categories.includes('cdn') || t.categories.includes('waf'));
    expect(fronts.length).toBeGreaterThanOrEqual(12);
    for (const name of ['Cloudflare', 'Amazon CloudFront', 'AWS WAF', 'Akamai', 'Imperva', 'Sucuri', 'Fastly']) {
      expect(fronts.map((t) => t.name)).toContain(name);
    }
    expect(fronts.some((t) => t.name.startsWith('F5 BIG-IP'))).toBe(true);
  });

  it('every pattern passes the static check', () => {
    for (const { where, source } of allPatterns()) expect(regexProblems(source), `${where}: /${source}/`).toEqual([]);
  });

  it('every pattern runs over adversarial 100 KB inputs within a bound', () => {
    const boundMs = 500;
    let slowest = { ms: 0, where: '' };
    for (const { where, source } of allPatterns()) {
      const pattern = new RegExp(source, 'i');
      for (const input of adversarialInputs(source)) {
        const start = performance.now();
        pattern.exec(input);
        const ms = performance.now() - start;
        if (ms > slowest.ms) slowest = { ms, where: `${where} /${source}/ on ${JSON.stringify(input.slice(0, 12))}…` };
      }
    }
    expect(slowest.ms, slowest.where).toBeLessThan(boundMs);
  });

  it('the static check refuses nested, unbounded and repeated-alternation patterns and backreferences', () => {
    expect(regexProblems('(a+)+$')).toEqual(expect.arrayContaining([expect.stringMatching(/unbounded/)]));
    expect(regexProblems('(?:a{1,5}){1,5}')).toEqual([expect.stringMatching(/nested quantifier/)]);
    expect(regexProblems('(?:\\w{1,3}\\s?){2,9}x')).toEqual([expect.stringMatching(/nested quantifier/)]);
    expect(regexProblems('(?:a|ab){1,20}c')).toEqual([expect.stringMatching(/repeated alternation/)]);
    expect(regexProblems('(a)\\1')).toEqual([expect.stringMatching(/backreference/)]);
    expect(regexProblems('x.*y')).toEqual([expect.stringMatching(/unbounded/)]);
    expect(regexProblems('a{1,1000}')).toEqual([expect.stringMatching(/more than 256/)]);
    expect(regexProblems('[a-z]{0,80}[a-z]{0,80}')).toEqual([expect.stringMatching(/combinations/)]);
    // Safe shapes pass: bounded, optional groups holding quantifiers, classes holding quantifier characters.
    expect(regexProblems('^nginx(?:/([0-9.]{1,20}))?')).toEqual([]);
    expect(regexProblems('[*+{]x(?:\\.min)?\\.js')).toEqual([]);
  });

  it('a signature added with a dangerous pattern fails to load, naming it', () => {
    const bad = structuredClone(table);
    bad.technologies.push({ name: 'Evil', categories: ['cms'], html: ['(<div[^>]+>)+x'] } as never);
    expect(() => loadSignatures(bad)).toThrow(/Evil|\(<div/);
    expect(() => loadSignatures(bad)).toThrow(/unbounded quantifier/);
    const unknown = structuredClone(table);
    unknown.technologies.push({ name: 'Orphan', categories: ['cms'], implies: ['Nope'] } as never);
    expect(() => loadSignatures(unknown)).toThrow(/Orphan implies unknown Nope/);
  });
});

describe('matching', () => {
  it('reads server and language versions from headers and cookies, with CPEs', () => {
    const detections = detect(
      page({
        headers: [
          ['Server', 'nginx/1.18.0 (Ubuntu)'],
          ['X-Powered-By', 'PHP/7.4.3'],
        ],
        cookies: ['PHPSESSID'],
      }),
    );
    const byValue = new Map(detections.map((d) => [technologyValue(d), d]));
    expect([...byValue.keys()]).toEqual(['nginx@1.18.0', 'php@7.4.3']);
    expect(cpeOf(byValue.get('nginx@1.18.0') as never)).toBe('cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*');
    expect(cpeOf(byValue.get('php@7.4.3') as never)).toBe('cpe:2.3:a:php:php:7.4.3:*:*:*:*:*:*:*');
    expect(byValue.get('nginx@1.18.0')?.matched).toBe('header server: nginx/1.18.0 (Ubuntu)');
    // Without a version the node is the name alone, and the CPE's version is "any".
    const bare = detect(page({ headers: [['server', 'nginx']] }));
    expect(bare.map(technologyValue)).toEqual(['nginx']);
    expect(cpeOf(bare[0] as never)).toBe('cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*');
  });

  it('captures jQuery versions from the usual script URL shapes', () => {
    const cases: [string, string][] = [
      ['https://cdn.jsdelivr.net/npm/jquery@3.4.1/dist/jquery.min.js', 'jquery@3.4.1'],
      ['https://code.jquery.com/jquery-3.5.1.min.js', 'jquery@3.5.1'],
      ['https://ajax.googleapis.com/ajax/libs/jquery/1.12.4/jquery.min.js', 'jquery@1.12.4'],
      ['https://example.com/wp-includes/js/jquery/jquery.min.js?ver=3.7.1', 'jquery@3.7.1'],
      ['https://example.com/js/jquery.min.js', 'jquery'],
    ];
    for (const [src, value] of cases) expect(found(page({ scripts: [src] })), src).toEqual([value]);
    expect(found(page({ scripts: ['https://example.com/js/notjquery-thing.js'] }))).toEqual([]);
  });

  it('names WordPress with its version from the generator, and what it implies', () => {
    expect(
      found(
        page({
          meta: [['generator', 'WordPress 6.4.2']],
          html: '<link rel="stylesheet" href="/wp-content/themes/x/style.css">',
        }),
      ),
    ).toEqual(['wordpress@6.4.2', 'php']);
  });

  it('identifies WAF and CDN fronts from headers and cookies', () => {
    const names = (features: PageFeatures) => detect(features).map((d) => d.tech.name);
    expect(names(page({ headers: [['CF-RAY', '8f1a2b3c4d5e6f70-AMS']], cookies: ['__cf_bm'] }))).toEqual([
      'Cloudflare',
    ]);
    expect(names(page({ headers: [['Via', '1.1 abc.cloudfront.net (CloudFront)']] }))).toEqual(['Amazon CloudFront']);
    expect(names(page({ cookies: ['visid_incap_123456', 'incap_ses_77_123456'] }))).toEqual(['Imperva']);
    expect(names(page({ cookies: ['BIGipServerpool_web'] }))).toEqual(['F5 BIG-IP LTM']);
    expect(names(page({ headers: [['X-Sucuri-ID', '11005']] }))).toEqual(['Sucuri']);
    expect(names(page({ headers: [['X-Served-By', 'cache-ams21040-AMS']] }))).toEqual(['Fastly']);
    expect(names(page({ headers: [['Server', 'AkamaiGHost']] }))).toEqual(['Akamai']);
  });

  it('keeps distinct versions of one library and drops version-shaped junk', () => {
    const two = found(
      page({ scripts: ['https://a.example/jquery-1.12.4.min.js', 'https://b.example/jquery-3.6.0.min.js'] }),
    );
    expect(two).toEqual(['jquery@1.12.4', 'jquery@3.6.0']);
    expect(found(page({ headers: [['Server', 'nginx/..']] }))).toEqual(['nginx']);
    // A capture cut by its bound is junk; one ended by a letter is a version.
    expect(found(page({ headers: [['Server', `nginx/${'1.'.repeat(50)}`]] }))).toEqual(['nginx']);
    expect(found(page({ headers: [['X-Powered-By', `PHP/${'7'.repeat(40)}`]] }))).toEqual(['php']);
    expect(found(page({ headers: [['Server', 'Jetty(9.4.44.v20210927)']] }))).toEqual(['jetty@9.4.44', 'java']);
    expect(found(page({ headers: [['Server', 'Apache/2.4.41 (Unix) OpenSSL/1.1.1f']] }))).toEqual([
      'apache-http-server@2.4.41',
      'openssl@1.1.1f',
    ]);
  });
});

describe('CDN address ranges', () => {
  it('place published CDN addresses with their provider, and nothing else', () => {
    expect(providerOf('104.21.32.77')?.name).toBe('Cloudflare');
    expect(providerOf('172.67.144.12')?.name).toBe('Cloudflare');
    expect(providerOf('2606:4700::6810:84e5')?.name).toBe('Cloudflare');
    expect(providerOf('151.101.1.69')?.name).toBe('Fastly');
    expect(providerOf('185.220.101.47')).toBeUndefined();
    expect(providerOf('not an ip')).toBeUndefined();
  });

  it('refuse a table with a bad range', () => {
    const bad = structuredClone(ranges);
    (bad.providers[0] as { ranges: string[] }).ranges.push('300.1.2.0/24');
    expect(() => loadRanges(bad)).toThrow(/invalid CDN range table/);
  });
});

describe('tracking IDs', () => {
  it('take analytics and advertising account IDs from the page, deduplicated and capped', () => {
    const html =
      "<script>gtag('config', 'G-GRNF1ELD42'); gtag('config', 'G-GRNF1ELD42'); ga('create', 'UA-1234567-2');" +
      "fbq('init', '123456789012345'); ym(87654321, \"init\", {});</script>" +
      '<iframe src="https://www.googletagmanager.com/ns.html?id=GTM-AB12CD"></iframe><p>XG-NOTANID1 G-ab</p>';
    expect(trackingIds(html)).toEqual([
      'Google Analytics:G-GRNF1ELD42',
      'Google Analytics:UA-1234567-2',
      'Google Tag Manager:GTM-AB12CD',
      'Meta Pixel:123456789012345',
      'Yandex Metrica:87654321',
    ]);
    expect(
      trackingIds('G-AAAAAA1 '.repeat(200) + Array.from({ length: 100 }, (_, i) => `G-ID${1000 + i}XX`).join(' ')),
    ).toHaveLength(50);
  });
});
