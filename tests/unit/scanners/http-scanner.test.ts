// The HTTP scanner over a scripted web: the grade categories it leaves, ALPN and Alt-Svc, the
// redirect bound, and the scan-event contract.
import { describe, expect, it } from 'vitest';
import { fetchPage } from '../../../src/scanners/http/fetch';
import { httpManifest } from '../../../src/scanners/http/manifest';
import { httpScanner } from '../../../src/scanners/http/scanner';
import { readCategoryScore } from '../../../src/shared/grade';
import { ScannerManifest } from '../../../src/shared/scanner';
import { checkScanContract, type HarnessInput, runScanner } from '../../helpers/scanner-harness';
import { type FakeAnswer, fakeWeb } from './http-fake-web';

async function scan(
  site: Record<string, FakeAnswer>,
  input: HarnessInput,
  alpn: string | null = 'http/1.1',
  addresses: Record<string, string> = {},
) {
  const web = fakeWeb(site, alpn, addresses);
  const run = await runScanner(httpScanner, input, web.net);
  checkScanContract(run, { category: 'web' });
  const props = run.entities.find((e) => e.entity.value === input.value)?.props ?? {};
  return { run, props, web, http: props.http as Record<string, unknown> };
}

const GOOD_PAGE: FakeAnswer = {
  status: 200,
  headers: [
    ['Content-Type', 'text/html'],
    ['Strict-Transport-Security', 'max-age=63072000; includeSubDomains; preload'],
    ['Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'"],
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'no-referrer'],
    ['Permissions-Policy', 'camera=()'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['X-XSS-Protection', '0'],
    ['Alt-Svc', 'h3=":443"; ma=86400'],
  ],
  body: '<title>Good</title>',
};

describe('HTTP scanner', () => {
  it('declares an active web scanner for domains, URLs and IPs', () => {
    expect(ScannerManifest.safeParse(httpManifest).success).toBe(true);
    expect(httpManifest).toMatchObject({
      id: 'http',
      mode: 'active',
      category: 'web',
      accepts: ['domain', 'url', 'ip'],
    });
  });

  it('gives full marks to a well-configured site, and reads HTTP/2 from ALPN and HTTP/3 from Alt-Svc', async () => {
    const { props, http, web, run } = await scan(
      {
        'http://good.example/': { status: 301, headers: [['Location', 'https://good.example/']] },
        'https://good.example/': GOOD_PAGE,
      },
      { type: 'domain', value: 'good.example' },
      'h2',
    );
    expect(readCategoryScore(props, 'headers')).toEqual({ earned: 27, lost: [], scanner: 'http' });
    expect(readCategoryScore(props, 'httpsRedirect')?.earned).toBe(10);
    expect(readCategoryScore(props, 'cookies')?.earned).toBe(8);
    expect(http.title).toBe('Good');
    expect(http.http2).toEqual({ alpn: 'h2', supported: true });
    expect(http.http3).toEqual({ advertised: true, alternatives: ['h3=:443'] });
    expect(web.dialed).toEqual([{ host: 'good.example', alpn: ['h2', 'http/1.1'] }]);
    // The plain-to-secure redirect of the root is the domain itself: no url node, no relation.
    expect(run.relations).toEqual([]);
    expect(run.findings.map((f) => f.title)).toEqual([
      "good.example: HSTS is ready for the browsers' preload list",
      'good.example: advertises HTTP/3',
    ]);
  });

  it('reports a server without ALPN as not offering HTTP/2', async () => {
    const { http, run } = await scan({ 'https://a.example/': GOOD_PAGE }, { type: 'domain', value: 'a.example' }, null);
    expect(http.http2).toEqual({ alpn: null, supported: false });
    expect(run.findings.find((f) => f.title === 'a.example: HTTP/2 not offered')?.detail).toContain(
      'neither (no ALPN)',
    );
    // Port 80 refused, HTTPS answering: an HTTPS-only site keeps its redirect points.
    expect(readCategoryScore(run.entities[0]?.props ?? {}, 'httpsRedirect')?.earned).toBe(10);
  });

  it('stops after 10 redirects and records the chain as url nodes', async () => {
    const site: Record<string, FakeAnswer> = {};
    for (let i = 0; i < 20; i++)
      site[`http://far.example/${i}`] = { status: 302, headers: [['Location', `/${i + 1}`]] };
    const { run, web } = await scan(site, { type: 'url', value: 'http://far.example/0' });
    expect(web.requested.filter((u) => u.startsWith('http:'))).toHaveLength(11);
    expect(run.relations).toHaveLength(11);
    expect(run.relations.every((r) => r.relation === 'redirects_to')).toBe(true);
    expect(run.findings.map((f) => f.title)).toContain('http://far.example/0: too many redirects');
    expect(run.findings.map((f) => f.title)).toContain('http://far.example/0: no page to judge');
  });

  it('never requests a host the scan policy refuses, wherever a redirect points', async () => {
    const { run, web } = await scan(
      {
        'http://a.example/': { status: 302, headers: [['Location', 'http://127.0.0.1:8080/admin']] },
        'https://a.example/': { status: 302, headers: [['Location', 'https://intranet.example/']] },
      },
      { type: 'domain', value: 'a.example' },
      'http/1.1',
      { 'intranet.example': '10.0.0.5' },
    );
    expect(web.requested).toEqual(['http://a.example/', 'https://a.example/']);
    const refused = run.findings.filter((f) => f.title.includes('was not requested'));
    expect(refused.map((f) => f.severity)).toEqual(['low', 'low']);
    expect(refused[0]?.detail).toContain('127.0.0.1 is a loopback address');
    expect(refused[1]?.detail).toContain('intranet.example resolves to 10.0.0.5 is a private address');
  });

  it('starts no request once the time budget is spent', async () => {
    const web = fakeWeb({ 'http://a.example/': GOOD_PAGE });
    const ctx = { net: web.net, signal: new AbortController().signal };
    await expect(fetchPage(ctx, 'http://a.example/', { timeoutMs: 1000, deadline: Date.now() - 1 })).rejects.toThrow(
      'not requested: the scan ran out of time',
    );
    expect(web.requested).toEqual([]);
    await fetchPage(ctx, 'http://a.example/', { timeoutMs: 1000, deadline: Date.now() + 60_000 });
    expect(web.requested).toEqual(['http://a.example/']);
  });

  it('refuses input that is not a web target', async () => {
    const web = fakeWeb({});
    await expect(runScanner(httpScanner, { type: 'url', value: 'ftp://x.example/' }, web.net)).rejects.toThrow(
      'not an http or https URL',
    );
    await expect(runScanner(httpScanner, { type: 'domain', value: 'not a domain' }, web.net)).rejects.toThrow(
      'is not a valid domain',
    );
  });
});
