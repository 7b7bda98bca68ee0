// The HTTP scanner's judgements: each security header rule, clickjacking, the cookie audit and
// its share of the grade, the HTTPS-redirect verdict, redirect following, and the page title read
// from hostile HTML.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Chain, followRedirects, MAX_HOPS } from '../../../src/scanners/http/chain';
import { clickjackingVerdict, parseXfo } from '../../../src/scanners/http/clickjacking';
import { auditCookie, cookieScore } from '../../../src/scanners/http/cookie-audit';
import { parseCsp } from '../../../src/scanners/http/csp';
import { assessHeaders, type HeaderVerdict } from '../../../src/scanners/http/headers';
import { redirectVerdict } from '../../../src/scanners/http/redirect-verdict';
import { parseSetCookie } from '../../../src/scanners/http/set-cookie';
import { printable } from '../../../src/scanners/http/text';
import { decodeBody, extractTitle } from '../../../src/scanners/http/title';
import type { HttpResponse } from '../../../src/shared/scanner';

/** The verdict on one header sent with one value (over HTTPS unless said). */
function verdict(header: string, value: string | null, https = true): HeaderVerdict {
  const found = assessHeaders(value === null ? [] : [[header, value]], https).find((v) => v.header === header);
  if (!found) throw new Error(`no rule for ${header}`);
  return found;
}
const judged = (header: string, value: string | null, https = true) => {
  const { status, lost } = verdict(header, value, https);
  return [status, lost];
};

describe('security header rules', () => {
  it('scores nine headers, 3 points each, all lost when every header is missing', () => {
    const verdicts = assessHeaders([], true);
    expect(verdicts.map((v) => v.header)).toEqual([
      'Strict-Transport-Security',
      'Content-Security-Policy',
      'X-Content-Type-Options',
      'X-Frame-Options',
      'Referrer-Policy',
      'Permissions-Policy',
      'Cross-Origin-Opener-Policy',
      'Cross-Origin-Resource-Policy',
      'X-XSS-Protection',
    ]);
    expect(verdicts.every((v) => v.status === 'missing' && v.lost === 3 && v.detail.length > 20)).toBe(true);
    expect(verdicts.map((v) => v.severity)).toEqual([
      'medium',
      'medium',
      'low',
      'low',
      'low',
      'low',
      'low',
      'low',
      'info',
    ]);
  });

  it.each([
    ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains', true, 'good', 0],
    ['Strict-Transport-Security', 'max-age=2592000', true, 'weak', 1],
    ['Strict-Transport-Security', 'max-age=300', true, 'weak', 2],
    ['Strict-Transport-Security', 'max-age=0', true, 'invalid', 3],
    ['Strict-Transport-Security', 'includeSubDomains', true, 'invalid', 3],
    ['Strict-Transport-Security', 'max-age=31536000', false, 'invalid', 3],
    ['Content-Security-Policy', "default-src 'self'", true, 'good', 0],
    ['Content-Security-Policy', "script-src 'self' 'unsafe-inline'", true, 'weak', 1],
    ['Content-Security-Policy', "default-src * 'unsafe-inline' 'unsafe-eval'", true, 'weak', 2],
    ['Content-Security-Policy', "frame-ancestors 'self'", true, 'weak', 1],
    ['Content-Security-Policy', ';;;', true, 'invalid', 3],
    ['X-Content-Type-Options', ' NoSniff ', true, 'good', 0],
    ['X-Content-Type-Options', 'nosnif', true, 'invalid', 3],
    ['X-Frame-Options', 'deny', true, 'good', 0],
    ['X-Frame-Options', 'SAMEORIGIN, SAMEORIGIN', true, 'good', 0],
    ['X-Frame-Options', 'DENY, SAMEORIGIN', true, 'invalid', 3],
    ['X-Frame-Options', 'ALLOW-FROM https://a.example', true, 'invalid', 3],
    ['Referrer-Policy', 'strict-origin-when-cross-origin', true, 'good', 0],
    ['Referrer-Policy', 'no-referrer, bogus', true, 'good', 0],
    ['Referrer-Policy', 'no-referrer, unsafe-url', true, 'weak', 2],
    ['Referrer-Policy', 'origin', true, 'weak', 1],
    ['Referrer-Policy', 'bogus', true, 'invalid', 3],
    ['Permissions-Policy', 'geolocation=(), camera=(self)', true, 'good', 0],
    ['Permissions-Policy', 'camera=*, fullscreen=*', true, 'weak', 1],
    ['Permissions-Policy', 'camera', true, 'invalid', 3],
    ['Cross-Origin-Opener-Policy', 'same-origin; report-to="x"', true, 'good', 0],
    ['Cross-Origin-Opener-Policy', 'same-origin-allow-popups', true, 'weak', 1],
    ['Cross-Origin-Opener-Policy', 'unsafe-none', true, 'weak', 2],
    ['Cross-Origin-Opener-Policy', 'nope', true, 'invalid', 3],
    ['Cross-Origin-Resource-Policy', 'same-site', true, 'good', 0],
    ['Cross-Origin-Resource-Policy', 'cross-origin', true, 'weak', 2],
    ['Cross-Origin-Resource-Policy', 'x', true, 'invalid', 3],
    ['X-XSS-Protection', '0', true, 'good', 0],
    ['X-XSS-Protection', '1; mode=block', true, 'good', 0],
    ['X-XSS-Protection', '1', true, 'weak', 1],
    ['X-XSS-Protection', 'yes', true, 'invalid', 3],
  ] as const)('%s: %s (over HTTPS: %s) is %s, losing %i', (header, value, https, status, lost) => {
    expect(judged(header, value, https)).toEqual([status, lost]);
  });

  it('a weak HSTS is low; a missing X-Frame-Options costs nothing under a restrictive frame-ancestors', () => {
    expect(verdict('Strict-Transport-Security', 'max-age=300').severity).toBe('low');
    const covered = assessHeaders([['Content-Security-Policy', "frame-ancestors 'none'"]], true).find(
      (v) => v.header === 'X-Frame-Options',
    );
    expect(covered).toMatchObject({ status: 'good', lost: 0, value: null });
    const open = assessHeaders([['Content-Security-Policy', 'frame-ancestors *']], true).find(
      (v) => v.header === 'X-Frame-Options',
    );
    expect(open).toMatchObject({ status: 'missing', lost: 3 });
  });

  it('shows hostile values as one printable line', () => {
    const v = verdict('Referrer-Policy', '\u001b[2J<script>\u202e');
    expect(v.value).toBe('\\x1b[2J<script>\\u202e');
  });
});

describe('clickjacking', () => {
  const judge = (csp: string[], xfo: string[]) => clickjackingVerdict(parseCsp(csp), xfo);
  it('frame-ancestors decides over X-Frame-Options; DENY/SAMEORIGIN protect alone; ALLOW-FROM does not', () => {
    expect(judge(["frame-ancestors 'self'"], [])).toMatchObject({ protected: true, by: 'frame-ancestors' });
    expect(judge(['frame-ancestors *'], ['DENY'])).toMatchObject({ protected: false, by: 'frame-ancestors' });
    expect(judge([], ['SAMEORIGIN'])).toMatchObject({ protected: true, by: 'x-frame-options' });
    expect(judge([], ['ALLOW-FROM https://a.example'])).toMatchObject({ protected: false, by: 'x-frame-options' });
    expect(judge([], ['DENY', 'SAMEORIGIN'])).toMatchObject({ protected: false, by: 'x-frame-options' });
    expect(judge(["default-src 'self'"], [])).toMatchObject({ protected: false, by: 'none' });
    expect(parseXfo([])).toBe('absent');
  });
});

describe('cookie audit', () => {
  const audit = (line: string) => auditCookie(parseSetCookie(line));
  it('scores a well-set cookie 100 and names every point lost otherwise', () => {
    expect(audit('__Host-s=1; Path=/; Secure; HttpOnly; SameSite=Lax')).toMatchObject({ score: 100, problems: [] });
    expect(audit('s=1').score).toBe(15);
    expect(audit('s=1; Secure; HttpOnly; SameSite=None').score).toBe(85);
    expect(audit('s=1; HttpOnly; SameSite=None').score).toBe(30);
    expect(audit('s=1; SameSite=None').score).toBe(0);
    expect(audit('s=1; Secure; HttpOnly; SameSite=Sometimes').score).toBe(85);
    expect(audit('s=1; Secure; SameSite=Strict').problems.map((p) => p.points)).toEqual([30]);
  });

  it('applies the __Secure- and __Host- prefix rules', () => {
    const problems = (line: string) => audit(line).problems.map((p) => p.problem);
    expect(problems('__Host-a=1; Secure; HttpOnly; SameSite=Lax; Path=/app')).toEqual([
      'a __Host- cookie without Path=/: browsers reject the cookie (prefix rules)',
    ]);
    expect(problems('__Host-a=1; Secure; HttpOnly; SameSite=Lax; Path=/; Domain=example.com')[0]).toContain(
      'with a Domain attribute',
    );
    expect(problems('__secure-a=1; HttpOnly; SameSite=Lax')).toEqual([
      'no Secure: it is also sent over plain HTTP, where anyone on the path reads it',
      'a __Secure- cookie without Secure: browsers reject the cookie (prefix rules)',
    ]);
    expect(audit('__Secure-a=1; Secure; HttpOnly; SameSite=Lax').score).toBe(100);
  });

  it('shares the 8 cookie points among the cookies, in proportion to their scores', () => {
    expect(cookieScore([], 'http')).toEqual({ earned: 8, lost: [], scanner: 'http' });
    const good = audit('a=1; Secure; HttpOnly; SameSite=Lax');
    const bad = audit('b=1; SameSite=None');
    const score = cookieScore([good, bad], 'http');
    expect(score.earned).toBe(4);
    expect(score.lost).toHaveLength(1);
    expect(score.lost[0]?.reason).toMatch(/^cookie b scores 0\/100: no Secure/);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 50 }), (scores) => {
        const audits = scores.map((s) => ({ ...good, score: s }));
        const earned = cookieScore(audits, 'http').earned;
        expect(Number.isInteger(earned * 4)).toBe(true);
        const expected = scores.length === 0 ? 8 : (8 * scores.reduce((a, b) => a + b, 0)) / (100 * scores.length);
        // Each cookie's loss is rounded to the quarter point.
        expect(Math.abs(earned - expected)).toBeLessThanOrEqual(0.125 * scores.length + 1e-9);
      }),
    );
  });
});

const response = (status: number, headers: [string, string][] = [], body = ''): HttpResponse => ({
  url: '',
  status,
  statusText: '',
  headers,
  body: new TextEncoder().encode(body),
  bodyTruncated: false,
});

describe('redirect following', () => {
  it('follows relative and absolute Locations, and stops at a loop, too many hops, or a non-web Location', async () => {
    const site: Record<string, HttpResponse> = {
      'http://a.example/': response(301, [['Location', 'https://a.example/']]),
      'https://a.example/': response(302, [['location', '/home#top']]),
      'https://a.example/home': response(200),
      'http://loop.example/1': response(302, [['Location', '/2']]),
      'http://loop.example/2': response(307, [['Location', 'http://loop.example/1']]),
      'http://js.example/': response(302, [['Location', 'javascript:alert(1)']]),
      'http://page.example/': response(200, [['Location', 'https://elsewhere.example/']]),
    };
    const get = async (url: string) => {
      const answer =
        site[url] ?? (url.startsWith('http://far.example/') ? response(302, [['Location', `${url}x`]]) : undefined);
      if (!answer) throw new Error(`connection refused: ${url}`);
      return answer;
    };
    const summary = (c: Chain) => [c.end, c.hops.map((h) => h.url)];
    expect(summary(await followRedirects('http://a.example/', { get }))).toEqual([
      'page',
      ['http://a.example/', 'https://a.example/', 'https://a.example/home'],
    ]);
    expect(summary(await followRedirects('http://loop.example/1', { get }))).toEqual([
      'loop',
      ['http://loop.example/1', 'http://loop.example/2'],
    ]);
    const far = await followRedirects('http://far.example/', { get });
    expect(far.end).toBe('too-many');
    expect(far.hops).toHaveLength(MAX_HOPS + 1);
    expect((await followRedirects('http://js.example/', { get })).end).toBe('bad-location');
    // Location on a 200 is not a redirect.
    expect(summary(await followRedirects('http://page.example/', { get }))).toEqual(['page', ['http://page.example/']]);
    const failed = await followRedirects('http://none.example/', { get });
    expect(failed).toMatchObject({ end: 'failed', hops: [{ error: 'connection refused: http://none.example/' }] });
    const stopped = await followRedirects('http://a.example/', { get, allow: (next) => next.startsWith('http:') });
    expect(stopped).toMatchObject({ end: 'stopped', endLocation: 'https://a.example/' });
    const refuse = async (url: string) => (url.startsWith('https:') ? 'no HTTPS today' : undefined);
    const refused = await followRedirects('http://a.example/', { get, refuse });
    expect(summary(refused)).toEqual(['refused', ['http://a.example/', 'https://a.example/']]);
    expect(refused.hops[1]).toEqual({ url: 'https://a.example/', error: 'not requested: no HTTPS today' });
  });

  it('rethrows when the run is cancelled instead of recording a failed hop', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      followRedirects('http://a.example/', {
        get: () => Promise.reject(new Error('aborted')),
        signal: controller.signal,
      }),
    ).rejects.toThrow('aborted');
  });
});

describe('HTTPS redirect verdict', () => {
  const chain = (hops: Chain['hops'], end: Chain['end'] = 'page'): Chain => ({ hops, end });
  const ok = response(200);
  it('passes a redirect to HTTPS and an HTTPS-only site; fails plain HTTP with or without HTTPS', () => {
    const redirected = chain([
      { url: 'http://a/', response: response(301), next: 'https://a/' },
      { url: 'https://a/', response: ok },
    ]);
    expect(redirectVerdict(redirected, undefined)).toMatchObject({ kind: 'redirects', lost: 0 });
    const refused = chain([{ url: 'http://a/', error: 'refused' }], 'failed');
    expect(redirectVerdict(refused, chain([{ url: 'https://a/', response: ok }]))).toMatchObject({
      kind: 'https-only',
      lost: 0,
    });
    const plain = chain([{ url: 'http://a/', response: ok }]);
    expect(redirectVerdict(plain, chain([{ url: 'https://a/', response: ok }]))).toMatchObject({
      kind: 'no-redirect',
      lost: 10,
    });
    expect(redirectVerdict(plain, chain([{ url: 'https://a/', error: 'refused' }], 'failed'))).toMatchObject({
      kind: 'no-https',
      lost: 10,
    });
    expect(redirectVerdict(refused, chain([{ url: 'https://a/', error: 'refused' }], 'failed')).kind).toBe('unknown');
    expect(redirectVerdict(undefined, undefined).kind).toBe('unknown');
  });
});

describe('page title', () => {
  it('reads the first title as text: markup kept literal, references decoded, controls escaped, length bounded', () => {
    expect(extractTitle('<html><head><TITLE lang=en>A &amp; B &lt;i&gt; &#x41;&#66;</title>')).toBe('A & B <i> AB');
    expect(extractTitle('<title><script>alert(1)</script><img src=x onerror=alert(1)></title>')).toBe(
      '<script>alert(1)</script><img src=x onerror=alert(1)>',
    );
    expect(extractTitle('<title>\u202egnp.exe\u001b[31m &#0; &#xD800;</title>')).toBe(
      '\\u202egnp.exe\\x1b[31m \ufffd \ufffd',
    );
    expect(extractTitle('<titles>no</titles><title>\n  spaced \t out  </title>')).toBe('spaced out');
    expect(extractTitle('<p>no title</p>')).toBeNull();
    expect(extractTitle('<title></title>')).toBeNull();
    const long = extractTitle(`<title>${'x'.repeat(100_000)}`);
    expect(long?.length).toBe(301);
    // A title past the searched prefix is not found.
    expect(extractTitle(`${' '.repeat(300 * 1024)}<title>late</title>`)).toBeNull();
  });

  it('decodes bodies as declared, invalid bytes replaced', () => {
    expect(decodeBody(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]), 'text/html')).toBe('<\ufffd\ufffd>');
    expect(decodeBody(new Uint8Array([0xe9]), 'text/html; charset=ISO-8859-1')).toBe('é');
    expect(decodeBody(new Uint8Array([0x41]), 'text/html; charset=no-such-charset')).toBe('A');
  });

  it('always yields one bounded printable line from any page', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 50 }), (before, inside) => {
        const title = extractTitle(`${before}<title>${inside}</title>`);
        if (title === null) return;
        expect(title.length).toBeLessThanOrEqual(301);
        expect(title).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
      }),
    );
    expect(printable('a'.repeat(10), 4)).toBe('aaaa…');
  });
});
