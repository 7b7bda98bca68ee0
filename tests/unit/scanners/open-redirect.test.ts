// The open-redirect scanner: reading links and meta refreshes out of hostile HTML, judging a
// probe's answer, and a scripted site where only /login?next= and a meta refresh are open. The
// canary host is never requested.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attribute, metaRefreshUrl, refreshTarget, startTags } from '../../../src/scanners/open-redirect/html';
import { openRedirectManifest } from '../../../src/scanners/open-redirect/manifest';
import { linkedPaths, pathsToProbe } from '../../../src/scanners/open-redirect/paths';
import { CANARY_HOST, judgeProbe, probeUrl } from '../../../src/scanners/open-redirect/probe';
import { openRedirectScanner } from '../../../src/scanners/open-redirect/scanner';
import { type HttpResponse, ScannerManifest } from '../../../src/shared/scanner';
import { checkScanContract, runScanner } from '../../helpers/scanner-harness';
import { fakeWeb } from './http-fake-web';

const answer = (status: number, headers: [string, string][] = []): HttpResponse => ({
  url: '',
  status,
  statusText: '',
  headers,
  body: new Uint8Array(),
  bodyTruncated: false,
});

describe('HTML reading', () => {
  it('finds start tags and attribute values, quoted or not', () => {
    const html = `<A HREF="/a">x</a><a class=b href='/b?x=1'><a href=/c>
      <area href="/no"><abbr href="/no"><FORM method=post ACTION="/login">`;
    expect(startTags(html, 'a', 10).map((t) => attribute(t, 'href'))).toEqual(['/a', '/b?x=1', '/c']);
    expect(startTags(html, 'form', 10).map((t) => attribute(t, 'action'))).toEqual(['/login']);
    expect(attribute(' data-href="/x" href = "/y"', 'href')).toBe('/y');
    expect(attribute(' title="x"', 'href')).toBeNull();
  });

  it('reads meta refresh targets in their usual spellings', () => {
    expect(refreshTarget('0; url=https://a.example/')).toBe('https://a.example/');
    expect(refreshTarget("5;URL='//b.example/x'")).toBe('//b.example/x');
    expect(refreshTarget('0, https://c.example/')).toBe('https://c.example/');
    expect(refreshTarget('30')).toBe('');
    expect(metaRefreshUrl('<meta charset=utf-8><META HTTP-EQUIV="Refresh" CONTENT="0;url=/next">')).toBe('/next');
    expect(metaRefreshUrl('<meta name="refresh" content="0;url=/no">')).toBeNull();
  });

  it('never throws and stays bounded on any page', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (html) => {
        expect(startTags(html, 'a', 5).length).toBeLessThanOrEqual(5);
        metaRefreshUrl(html);
        linkedPaths(html, 'https://a.example/', 3);
      }),
    );
  });
});

describe('probes', () => {
  it('sets the parameter on the page URL, dropping its own query', () => {
    expect(probeUrl('https://a.example/login?x=1#f', 'next', `https://${CANARY_HOST}/`)).toBe(
      'https://a.example/login?next=https%3A%2F%2Ftracegraph-canary.invalid%2F',
    );
  });

  it('counts only a redirect or a meta refresh to the canary host', () => {
    const url = 'https://a.example/login?next=x';
    expect(judgeProbe(answer(302, [['Location', `https://${CANARY_HOST}/`]]), url, '')).toEqual({
      via: 'location',
      target: `https://${CANARY_HOST}/`,
    });
    expect(judgeProbe(answer(301, [['Location', `//${CANARY_HOST}/x`]]), url, '')?.via).toBe('location');
    expect(judgeProbe(answer(302, [['Location', `/${CANARY_HOST}/`]]), url, '')).toBeNull();
    expect(judgeProbe(answer(302, [['Location', `https://${CANARY_HOST}.a.example/`]]), url, '')).toBeNull();
    expect(judgeProbe(answer(200, [['Location', `https://${CANARY_HOST}/`]]), url, '')).toBeNull();
    const refresh = `<meta http-equiv="refresh" content="0;url=https://${CANARY_HOST}/">`;
    expect(judgeProbe(answer(200), url, refresh)?.via).toBe('meta-refresh');
  });

  it('probes the root, the given path, redirect hops and linked same-site paths, up to a bound', () => {
    const html = '<a href="/login?next=/me">in</a><a href="https://other.example/x">out</a><form action="/search">';
    expect(linkedPaths(html, 'https://a.example/', 8)).toEqual(['/login', '/search']);
    expect(pathsToProbe([['/', '/'], ['/home'], ['/login', '/search']], 3)).toEqual(['/', '/home', '/login']);
  });
});

describe('open-redirect scanner', () => {
  it('declares an active web scanner with the parameter list as an option', () => {
    expect(ScannerManifest.safeParse(openRedirectManifest).success).toBe(true);
    expect(openRedirectManifest).toMatchObject({ id: 'open-redirect', mode: 'active', category: 'web' });
    expect(openRedirectManifest.options.find((o) => o.key === 'params')?.default).toEqual([
      'url',
      'redirect',
      'next',
      'return',
      'returnUrl',
      'goto',
    ]);
  });

  it('finds the open parameters on a scripted site and never requests the canary', async () => {
    const canary = encodeURIComponent(`https://${CANARY_HOST}/`);
    const relative = encodeURIComponent(`//${CANARY_HOST}/`);
    const web = fakeWeb({
      'https://a.example/': { status: 200, body: '<a href="/login">in</a><a href="/bye">out</a>' },
      [`https://a.example/login?next=${canary}`]: { status: 302, headers: [['Location', '/safe']] },
      [`https://a.example/login?next=${relative}`]: { status: 302, headers: [['Location', `//${CANARY_HOST}/`]] },
      [`https://a.example/bye?goto=${canary}`]: {
        status: 200,
        body: `<meta http-equiv=refresh content="0;url=https://${CANARY_HOST}/">`,
      },
    });
    const run = await runScanner(openRedirectScanner, { type: 'domain', value: 'a.example' }, web.net, {
      params: ['next', 'goto', 'bad param'],
    });
    checkScanContract(run, { category: 'web' });
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
      ['high', 'a.example: open redirect through ?next= on /login'],
      ['medium', 'a.example: open redirect through ?goto= on /bye'],
    ]);
    expect(web.requested.some((u) => new URL(u).hostname === CANARY_HOST)).toBe(false);
    // 3 paths × 2 valid params, and the second payload only where the first did not hit.
    expect(run.entities[0]?.props?.openRedirect).toMatchObject({
      tested: 6,
      paths: ['/', '/login', '/bye'],
      params: ['next', 'goto'],
    });
    expect(web.requested.filter((u) => u.includes('tracegraph'))).toHaveLength(11);
  });

  it('says so when the site does not answer', async () => {
    const run = await runScanner(openRedirectScanner, { type: 'domain', value: 'down.example' }, fakeWeb({}).net);
    checkScanContract(run, { category: 'web' });
    expect(run.findings.map((f) => f.title)).toEqual([
      'down.example: open-redirect test not run, the site could not be reached',
    ]);
  });
});
