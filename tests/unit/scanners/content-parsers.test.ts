// The content scanner's parsers: robots.txt and sitemaps (property-tested: what is written is
// read back, and any input is read without throwing and within the caps), the sensitive-path
// list, and the contact extractors on ordinary and hostile text.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import list from '../../../resources/content/sensitive-paths.json';
import { emailOf, emailsOf, phonesOf, socialOf } from '../../../src/scanners/content/contacts';
import { parseRobots, robotsPaths } from '../../../src/scanners/content/robots';
import { parseSitemap, sitemapText } from '../../../src/scanners/content/sitemap';
import { loadWordList, sensitiveMatch } from '../../../src/scanners/kit/sensitive-paths';

const pathArb = fc
  .array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), { minLength: 0, maxLength: 5 })
  .map((parts) => `/${parts.join('/')}`);
const agentArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/);

describe('robots.txt', () => {
  it('reads back the groups and sitemaps it was written from', () => {
    const groupArb = fc.record({
      agents: fc.array(agentArb, { minLength: 1, maxLength: 3 }),
      allow: fc.array(pathArb, { maxLength: 4 }),
      disallow: fc.array(pathArb, { maxLength: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(groupArb, { maxLength: 5 }),
        fc.array(pathArb, { maxLength: 3 }),
        fc.constantFrom('\n', '\r\n'),
        (groups, sitemapPaths, eol) => {
          const sitemaps = sitemapPaths.map((p) => `https://example.com${p}`);
          const text = [
            '# written by the test',
            ...groups.flatMap((g) => [
              ...g.agents.map((a) => `User-agent: ${a}`),
              ...g.disallow.map((p) => `Disallow: ${p}   # why`),
              ...g.allow.map((p) => `allow:${p}`),
              '',
            ]),
            ...sitemaps.map((s) => `Sitemap: ${s}`),
          ].join(eol);
          const robots = parseRobots(text);
          // Groups without rules that directly follow another group's agent lines merge with it (RFC 9309).
          expect(robots.groups.flatMap((g) => g.agents)).toEqual(groups.flatMap((g) => g.agents));
          expect(robots.groups.flatMap((g) => g.disallow)).toEqual(groups.flatMap((g) => g.disallow));
          expect(robots.groups.flatMap((g) => g.allow)).toEqual(groups.flatMap((g) => g.allow));
          expect(robots.sitemaps).toEqual(sitemaps);
          expect(robots.capped).toBe(false);
        },
      ),
    );
  });

  it('reads any text without throwing, within its caps', () => {
    const limits = { maxLines: 50, maxRules: 20, maxValue: 30, maxSitemaps: 3 };
    fc.assert(
      fc.property(fc.string({ maxLength: 3000, unit: 'binary' }), (text) => {
        const robots = parseRobots(text, limits);
        const rules = robots.groups.flatMap((g) => [...g.allow, ...g.disallow]);
        expect(rules.length).toBeLessThanOrEqual(20);
        expect(robots.sitemaps.length).toBeLessThanOrEqual(3);
        for (const value of [...rules, ...robots.sitemaps]) expect(value.length).toBeLessThanOrEqual(30);
      }),
    );
  });

  it('ignores rules before any user-agent, empty rules and unknown lines, and caps huge files', () => {
    const robots = parseRobots('Disallow: /early\nUser-agent: *\nDisallow:\nCrawl-delay: 5\nDisallow: /admin\n');
    expect(robots.groups).toEqual([{ agents: ['*'], allow: [], disallow: ['/admin'] }]);
    const huge = parseRobots(`User-agent: *\n${'Disallow: /x\n'.repeat(20_000)}`);
    expect(huge.capped).toBe(true);
    expect(robotsPaths(huge)).toEqual(['/x']);
  });
});

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe('sitemaps', () => {
  const urlArb = fc.webUrl({ withQueryParameters: true }).filter((u) => u.length < 2000);

  it('read back the URLs of a url set or an index, escaped or in CDATA', () => {
    fc.assert(
      fc.property(fc.array(urlArb, { maxLength: 20 }), fc.boolean(), fc.boolean(), (urls, index, cdata) => {
        const [root, item] = index ? ['sitemapindex', 'sitemap'] : ['urlset', 'url'];
        const loc = (u: string) => (cdata && !u.includes(']]>') ? `<![CDATA[${u}]]>` : xmlEscape(u));
        const xml = `<?xml version="1.0"?>\n<${root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls
          .map((u) => `<${item}>\n  <loc> ${loc(u)} </loc><lastmod>2024-01-01</lastmod></${item}>`)
          .join('\n')}</${root}>`;
        const sitemap = parseSitemap(xml);
        expect(sitemap.kind).toBe(index ? 'index' : 'urlset');
        expect(sitemap.locs).toEqual(urls);
        expect(parseSitemap(sitemapText(gzipSync(Buffer.from(xml)))).locs).toEqual(urls);
      }),
    );
  });

  it('read any input without throwing, within their caps', () => {
    const limits = { maxLocs: 5, maxLoc: 40, maxInflated: 1024 };
    const piece = fc.constantFrom('<loc>', '</loc>', '<urlset>', '<![CDATA[', ']]>', '&amp;', '&#x41;', 'x', ' ');
    const input = fc.oneof(
      fc.string({ maxLength: 2000 }),
      fc.array(piece, { maxLength: 300 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(input, (xml) => {
        const sitemap = parseSitemap(xml, limits);
        expect(sitemap.locs.length).toBeLessThanOrEqual(5);
        for (const loc of sitemap.locs) expect(loc.length).toBeLessThanOrEqual(40);
      }),
    );
  });

  it('do not expand entities, stop at the cap and survive a gzip bomb or a cut stream', () => {
    const bomb = '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><urlset><url><loc>&b;</loc></url></urlset>';
    expect(parseSitemap(bomb).locs).toEqual(['&b;']);
    const many = `<urlset>${'<url><loc>https://e.com/p</loc></url>'.repeat(6000)}</urlset>`;
    expect(parseSitemap(many)).toMatchObject({ capped: true, locs: { length: 5000 } });
    expect(sitemapText(gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x61)))).toBe('');
    const gz = gzipSync(Buffer.from(`<urlset><url><loc>https://e.com/a</loc></url>${' '.repeat(100_000)}</urlset>`));
    expect(parseSitemap(sitemapText(gz.subarray(0, gz.length - 20))).locs).toEqual(['https://e.com/a']);
  });
});

describe('sensitive paths', () => {
  it('flag admin, API, backup, configuration and database paths, segment by segment', () => {
    const why = (p: string) => sensitiveMatch(p)?.why;
    expect(why('/admin/')).toBe('administration interface');
    expect(why('/wp-admin/admin-ajax.php')).toBe('administration interface');
    expect(why('/api/v2/users')).toBe('API endpoint');
    expect(why('/backup_2024/')).toBe('backups');
    expect(why('/files/db.sql')).toBe('database');
    expect(why('/site/dump.sql.gz')).toBe('backups');
    expect(why('/site-2024.tgz')).toBe('backup, dump or archive file');
    expect(why('/.git/')).toBe('source control or secrets file');
    expect(why('/.env')).toBe('source control or secrets file');
    expect(why('/app/config.php')).toBe('configuration');
    expect(why('/%61dmin/')).toBe('administration interface');
    expect(why('https://example.com/private/report.pdf')).toBe('staging, test or internal area');
    expect(why('/Disallow/*backup*$')).toBe('backups');
    // Words inside other words are not matches.
    for (const clean of ['/administrative-law/', '/rapid/', '/configurator', '/blog/databank/', '/']) {
      expect(sensitiveMatch(clean), clean).toBeUndefined();
    }
  });

  it('refuse a word list with a slash or an extension without a dot', () => {
    const bad = structuredClone(list);
    (bad.rules[0] as { values: string[] }).values.push('user/login');
    expect(() => loadWordList(bad)).toThrow(/invalid sensitive-path list/);
    const ext = structuredClone(list);
    ext.rules.push({ match: 'extension', why: 'x', severity: 'low', values: ['sql'] });
    expect(() => loadWordList(ext)).toThrow(/extensions start with a dot/);
  });
});

describe('contacts', () => {
  it('take valid email addresses from text and mailto links, not file names or junk', () => {
    expect(
      emailsOf('Write to Info@Example.COM or logo@2x.png, x@@y.com, a@b, -sales@example.org.', [
        'mailto:press@example.com?subject=hi',
        'mailto:a%40b@example.com,second@example.net',
      ]),
    ).toEqual(['press@example.com', 'second@example.net', 'Info@example.com', 'sales@example.org']);
    expect(emailOf(`${'a'.repeat(65)}@example.com`)).toBeUndefined();
    expect(emailOf('user@bücher.de')).toBe('user@xn--bcher-kva.de');
  });

  it('take international numbers and tel: links, never dates, counts or long digit runs', () => {
    const text =
      'Call +49 69 1234 5678 or +1 (415) 555-0132. Founded 2016-03-14; 1,250 customers; order 0800 123 4567; ' +
      'invoice 20241108-5512; +1+1+1+1; ++44 20 1234 5678; +9999999999999999999; 12.03.2024; v+1.2.3';
    expect(phonesOf(text, ['tel:+44-20-7946-0958', 'tel:0201234567', 'tel:123', 'tel:javascript:alert(1)'])).toEqual([
      '+442079460958',
      '0201234567',
      '+496912345678',
      '+14155550132',
    ]);
  });

  it('find no phone numbers in random digits, dashes and dots unless written with a +', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9 ./-]{0,200}$/), (text) => {
        expect(phonesOf(text, [])).toEqual([]);
      }),
    );
  });

  it('recognise social profiles and refuse share links and platform pages', () => {
    expect(socialOf('https://www.twitter.com/GreenfieldHQ/')).toEqual({
      platform: 'X (Twitter)',
      url: 'https://twitter.com/greenfieldhq',
      handle: 'greenfieldhq',
    });
    expect(socialOf('https://x.com/someone?ref=1')?.url).toBe('https://x.com/someone');
    expect(socialOf('https://www.linkedin.com/company/acme-corp/')?.handle).toBe('acme-corp');
    expect(socialOf('https://t.me/novaparcels_support')?.platform).toBe('Telegram');
    expect(socialOf('https://www.youtube.com/channel/UC0123456789abcdefghijAB')?.url).toBe(
      'https://youtube.com/channel/UC0123456789abcdefghijAB',
    );
    expect(socialOf('https://wa.me/4915112345678')?.platform).toBe('WhatsApp');
    for (const notProfile of [
      'https://twitter.com/intent/tweet?text=x',
      'https://www.facebook.com/sharer/sharer.php?u=x',
      'https://t.me/share/url?url=x',
      'https://github.com/features',
      'https://github.com/org/repo/issues',
      'https://example.com/twitter.com/x',
      'javascript:alert(1)',
      'https://evil-twitter.com/x',
    ]) {
      expect(socialOf(notProfile), notProfile).toBeUndefined();
    }
  });
});
