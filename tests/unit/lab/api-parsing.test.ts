// The API server's query parsing and matching (no sockets): SURT keys and CDX queries, crt.sh
// patterns, CPE names, and the routing of odd request targets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CdxQueryError,
  cpeMatches,
  createApiHandler,
  crtshMatcher,
  parseCdxQuery,
  parseCpe,
  parseNvdQuery,
  searchCdx,
  severityOf,
  surtKey,
} from '../../../src/lab/api';
import { indexCaptures } from '../../../src/lab/api/cdx';
import { WaybackCapture } from '../../../src/lab/scenario/schema';

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,12}[a-z0-9])?$/);
const host = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('com', 'org', 'io'))
  .map(([labels, tld]) => [...labels, tld].join('.'))
  .filter((h) => !/^www\d*\./.test(h));
const path = fc.array(label, { maxLength: 3 }).map((parts) => `/${parts.join('/')}`);

describe('surtKey', () => {
  it('writes keys the way the CDX server does', () => {
    expect(surtKey('example.com')).toBe('com,example)/');
    expect(surtKey('http://www.Example.com/Login?A=1')).toBe('com,example)/login?a=1');
    expect(surtKey('https://sub.example.com:8443/x')).toBe('com,example,sub:8443)/x');
    expect(surtKey('http://example.com:80/')).toBe('com,example)/');
    expect(surtKey('')).toBeNull();
    expect(surtKey('http://')).toBeNull();
  });

  it('ignores scheme, www. and host case', () => {
    fc.assert(
      fc.property(host, path, fc.constantFrom('', 'http://', 'https://', 'http://www.', 'www.'), (h, p, prefix) => {
        expect(surtKey(`${prefix}${h.toUpperCase()}${p}`)).toBe(surtKey(`${h}${p}`));
        expect(surtKey(`${h}${p}`)).toBe(`${h.split('.').reverse().join(',')})${p}`);
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (text) => {
        const key = surtKey(text);
        if (key !== null) expect(key).toContain(')');
      }),
    );
  });
});

describe('CDX queries', () => {
  const rows = indexCaptures(
    [
      { url: 'http://example.com/', timestamp: '20200101000000' },
      { url: 'http://example.com/', timestamp: '20210101000000', status: '301' },
      { url: 'http://example.com/login', timestamp: '20200601000000' },
      { url: 'https://mail.example.com/', timestamp: '20220101000000' },
      { url: 'http://example.org/', timestamp: '20200101000000' },
    ].map((c) => WaybackCapture.parse(c)),
  );
  const search = (query: string) => searchCdx(rows, parseCdxQuery(new URLSearchParams(query)));

  it('matches exactly by default, and by prefix, host or domain when asked', () => {
    expect(search('url=example.com&fl=timestamp')).toEqual([['20200101000000'], ['20210101000000']]);
    expect(search('url=example.com/*&fl=original')).toHaveLength(3);
    expect(search('url=example.com&matchType=prefix&fl=original')).toHaveLength(3);
    expect(search('url=example.com&matchType=host&fl=original')).toHaveLength(3);
    expect(search('url=*.example.com&fl=original')).toHaveLength(4);
    expect(search('url=example.com&matchType=domain&fl=original')).toHaveLength(4);
  });

  it('filters, collapses, limits and bounds by time', () => {
    expect(search('url=example.com/*&filter=statuscode:200&fl=timestamp')).toHaveLength(2);
    expect(search('url=example.com/*&filter=!statuscode:200&fl=statuscode')).toEqual([['301']]);
    expect(search('url=example.com/*&collapse=urlkey&fl=urlkey')).toEqual([['com,example)/'], ['com,example)/login']]);
    expect(search('url=example.com/*&collapse=timestamp:4&fl=timestamp')).toHaveLength(3);
    expect(search('url=example.com/*&limit=1&fl=timestamp')).toEqual([['20200101000000']]);
    expect(search('url=example.com/*&limit=-1&fl=timestamp')).toEqual([['20200601000000']]);
    expect(search('url=*.example.com&from=2021&to=2021&fl=timestamp')).toEqual([['20210101000000']]);
  });

  it('names what is wrong with a bad query', () => {
    expect(() => parseCdxQuery(new URLSearchParams(''))).toThrow(CdxQueryError);
    expect(() => parseCdxQuery(new URLSearchParams('url=x&fl=nope'))).toThrow(/unknown field/);
    expect(() => parseCdxQuery(new URLSearchParams('url=x&matchType=fuzzy'))).toThrow(/matchType/);
    expect(() => parseCdxQuery(new URLSearchParams('url=x&limit=ten'))).toThrow(/limit/);
    expect(() => search('url=x&filter=statuscode:(')).toThrow(/filter/);
  });

  it('only ever throws CdxQueryError, whatever the parameters', () => {
    const param = fc.tuple(
      fc.constantFrom('url', 'fl', 'matchType', 'filter', 'collapse', 'limit', 'from', 'to', 'output'),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(param, { maxLength: 8 }), (params) => {
        try {
          const result = searchCdx(rows, parseCdxQuery(new URLSearchParams(params)));
          expect(Array.isArray(result)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(CdxQueryError);
        }
      }),
    );
  });
});

describe('crtshMatcher', () => {
  it('matches a name and its subdomains, or a LIKE pattern', () => {
    const plain = crtshMatcher('Example.com.');
    expect(['example.com', 'www.example.com', '*.example.com'].every((n) => plain?.(n))).toBe(true);
    expect(plain?.('badexample.com')).toBe(false);
    const like = crtshMatcher('%.example.com');
    expect(like?.('www.example.com')).toBe(true);
    expect(like?.('example.com')).toBe(false);
    expect(crtshMatcher('')).toBeNull();
    expect(crtshMatcher('%a%b%c%d%e%')).toBeNull();
  });

  it('finds every subdomain of the queried name and nothing outside it', () => {
    fc.assert(
      fc.property(host, fc.array(label, { maxLength: 3 }), host, (domain, sub, other) => {
        const name = [...sub, domain].join('.');
        expect(crtshMatcher(domain)?.(name)).toBe(true);
        expect(crtshMatcher(`%.${domain}`)?.(name)).toBe(sub.length > 0);
        if (other !== domain && !other.endsWith(`.${domain}`)) expect(crtshMatcher(domain)?.(other)).toBe(false);
      }),
    );
  });

  it('treats regex characters in queries literally', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (query) => {
        const matcher = crtshMatcher(query);
        if (matcher && !query.includes('%')) {
          const q = query.trim().toLowerCase().replace(/\.$/, '');
          expect(matcher(q)).toBe(true);
        }
      }),
    );
  });
});

describe('CPE names', () => {
  it('splits components, keeping escaped colons', () => {
    expect(parseCpe('cpe:2.3:a:apache:http_server:2.4.49')).toEqual(['a', 'apache', 'http_server', '2.4.49']);
    expect(parseCpe('cpe:2.3:a:vendor:prod\\:uct:1')).toEqual(['a', 'vendor', 'prod\\:uct', '1']);
    expect(parseCpe('cpe:/a:apache:http_server')).toBeNull();
    expect(parseCpe('cpe:2.3:a::x')).toBeNull();
    expect(parseCpe(`cpe:2.3:${'a:'.repeat(11)}a`)).toBeNull();
  });

  it('matches by vendor and product, and by version when both sides give one', () => {
    const record = parseCpe('cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*') ?? [];
    const any = parseCpe('cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*') ?? [];
    expect(cpeMatches(parseCpe('cpe:2.3:a:apache:http_server') ?? [], record)).toBe(true);
    expect(cpeMatches(parseCpe('cpe:2.3:a:Apache:HTTP_Server:2.4.49') ?? [], record)).toBe(true);
    expect(cpeMatches(parseCpe('cpe:2.3:a:apache:http_server:2.4.50') ?? [], record)).toBe(false);
    expect(cpeMatches(parseCpe('cpe:2.3:a:apache:http_server:2.4.50') ?? [], any)).toBe(true);
    expect(cpeMatches(parseCpe('cpe:2.3:a:nginx:nginx') ?? [], record)).toBe(false);
  });

  it('matching is symmetric and a name matches itself', () => {
    const component = fc.oneof(fc.constant('*'), fc.stringMatching(/^[a-z0-9_.]{1,8}$/));
    const cpe = fc.array(component, { minLength: 3, maxLength: 11 }).map((parts) => `cpe:2.3:${parts.join(':')}`);
    fc.assert(
      fc.property(cpe, cpe, (a, b) => {
        const pa = parseCpe(a);
        const pb = parseCpe(b);
        expect(pa).not.toBeNull();
        expect(pb).not.toBeNull();
        if (!pa || !pb) return;
        expect(cpeMatches(pa, pa)).toBe(true);
        expect(cpeMatches(pa, pb)).toBe(cpeMatches(pb, pa));
      }),
    );
  });

  it('reads NVD parameters and says what is wrong', () => {
    expect(parseNvdQuery(new URLSearchParams('cpeName=nope'))).toMatch(/Invalid cpeName/);
    expect(parseNvdQuery(new URLSearchParams('cveId=CVE-1'))).toMatch(/Invalid cveId/);
    expect(parseNvdQuery(new URLSearchParams('resultsPerPage=x'))).toMatch(/resultsPerPage/);
    expect(parseNvdQuery(new URLSearchParams('virtualMatchString=cpe:2.3:a:apache&resultsPerPage=5000'))).toEqual({
      cpe: ['a', 'apache'],
      cveId: null,
      resultsPerPage: 2000,
      startIndex: 0,
    });
    expect([0, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityOf)).toEqual([
      'NONE',
      'LOW',
      'MEDIUM',
      'MEDIUM',
      'HIGH',
      'HIGH',
      'CRITICAL',
      'CRITICAL',
    ]);
  });
});

describe('request routing', () => {
  const handle = createApiHandler({ rdap: [], ct: [], wayback: [], drop: [], cves: [] }, () => new Date(0));

  it('answers 404 for unknown paths and never throws on odd request targets', () => {
    expect(handle('/').status).toBe(404);
    expect(handle('/nothing/here').status).toBe(404);
    expect(handle('/rdap/domain/%E0%A4%A').status).toBe(400);
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (target) => {
        const reply = handle(target);
        expect(reply.status).toBeGreaterThanOrEqual(200);
        expect(reply.status).toBeLessThan(500);
      }),
    );
  });
});
