// The HTTP scanner against the lab: every verdict on a real site over real sockets (nova-parcels'
// bakery with A-grade headers, its phishing sites, the hostile scenario's weak, frame-only and
// misbehaving servers), and every hostile server ending bounded in time and memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpScanner } from '../../../src/scanners/http/scanner';
import { readCategoryScore } from '../../../src/shared/grade';
import { checkScanContract, type HarnessInput, runScanner, startLabNet } from '../../helpers/scanner-harness';

type LabNet = Awaited<ReturnType<typeof startLabNet>>;
let nova: LabNet;
let hostile: LabNet;

beforeAll(async () => {
  nova = await startLabNet('nova-parcels');
  hostile = await startLabNet('hostile');
});
afterAll(async () => {
  await nova?.lab.stop();
  await hostile?.lab.stop();
});

async function scan({ net, policy }: LabNet, input: HarnessInput, timeoutMs = 3000) {
  const run = await runScanner(httpScanner, input, net, { timeoutMs }, { policy });
  checkScanContract(run, { category: 'web' });
  const props = run.entities.find((e) => e.entity.value === input.value)?.props ?? {};
  const http = props.http as Record<string, unknown> & { headers?: Record<string, { status: string; lost: number }> };
  const titles = run.findings.map((f) => f.title);
  return { run, props, http, titles };
}

describe('HTTP scanner in the lab', () => {
  it('gives harbor-bakery.com full marks: A-grade headers, a good cookie, HTTP to HTTPS, HSTS preload, HTTP/2', async () => {
    const { props, http, titles, run } = await scan(nova, { type: 'domain', value: 'harbor-bakery.com' });
    expect(readCategoryScore(props, 'headers')?.earned).toBe(27);
    expect(readCategoryScore(props, 'httpsRedirect')?.earned).toBe(10);
    expect(readCategoryScore(props, 'cookies')?.earned).toBe(8);
    expect(http.httpsRedirect).toMatchObject({ verdict: 'redirects' });
    expect(http.title).toBe('Harbor Bakery - Fresh bread since 1998');
    expect(http.hsts).toMatchObject({ maxAge: 31536000, includeSubDomains: true, preload: true, preloadReady: true });
    expect(http.clickjacking).toMatchObject({ protected: true, by: 'frame-ancestors' });
    expect(http.http2).toEqual({ alpn: 'h2', supported: true });
    expect(titles).toEqual(["harbor-bakery.com: HSTS is ready for the browsers' preload list"]);
    // Raw response heads are the evidence.
    const page = run.evidence.find((e) => e.source === 'https://harbor-bakery.com/');
    expect(page?.content).toContain('Strict-Transport-Security: max-age=31536000; includeSubDomains; preload');
    expect(page?.content).toContain('Set-Cookie: __Host-session=ab12');
  });

  it('marks nova-parcels.com down: no security headers, a bare session cookie, framable, HTTP/1.1 only', async () => {
    const { props, http, titles } = await scan(nova, { type: 'domain', value: 'nova-parcels.com' });
    expect(readCategoryScore(props, 'headers')?.earned).toBe(0);
    expect(readCategoryScore(props, 'headers')?.lost).toHaveLength(9);
    expect(readCategoryScore(props, 'httpsRedirect')?.earned).toBe(10);
    const cookies = readCategoryScore(props, 'cookies');
    // 8 × 85/100 = 6.8 lost, to the quarter point 6.75.
    expect(cookies?.earned).toBe(1.25);
    expect(cookies?.lost[0]?.reason).toMatch(/^cookie PHPSESSID scores 15\/100/);
    expect(http.http2).toEqual({ alpn: 'http/1.1', supported: false });
    expect(titles).toContain('nova-parcels.com: can be framed by any site (clickjacking)');
    expect(titles).toContain('nova-parcels.com: Strict-Transport-Security is missing');
    expect(titles).toContain('nova-parcels.com: HTTP/2 not offered');
  });

  it('scans an address as its default site, the redirect to a named site becoming a url node', async () => {
    const { run, http } = await scan(nova, { type: 'ip', value: '198.18.44.10' });
    expect(run.relations.map((r) => [r.from, r.relation, r.to])).toEqual([
      [{ type: 'ip', value: '198.18.44.10' }, 'redirects_to', { type: 'url', value: 'https://harbor-bakery.com/' }],
    ]);
    expect(http.url).toBe('https://harbor-bakery.com/');
    expect(http.httpsRedirect).toMatchObject({ verdict: 'redirects' });
  });

  it('takes the redirect points from a site served over plain HTTP without a redirect', async () => {
    const { props, http, titles } = await scan(nova, { type: 'domain', value: 'nova-tracking.net' });
    expect(http.httpsRedirect).toMatchObject({ verdict: 'no-redirect' });
    expect(readCategoryScore(props, 'httpsRedirect')).toMatchObject({ earned: 0, lost: [{ points: 10 }] });
    expect(titles).toContain('nova-tracking.net: HTTP does not redirect to HTTPS');
  });

  it('reads HTTP/3 from Alt-Svc on an HTTPS-only site', async () => {
    const { props, http, titles } = await scan(nova, { type: 'domain', value: 'swiftship-express.com' });
    expect(http.http3).toEqual({ advertised: true, alternatives: ['h3=:443'] });
    expect(http.httpsRedirect).toMatchObject({ verdict: 'https-only' });
    expect(readCategoryScore(props, 'httpsRedirect')?.earned).toBe(10);
    expect(titles).toContain('swiftship-express.com: advertises HTTP/3');
  });

  it('finds every weakness of weak.hostile-lab.com, scores each cookie, and shows its title as text', async () => {
    const { props, http, titles } = await scan(hostile, { type: 'domain', value: 'weak.hostile-lab.com' });
    expect(readCategoryScore(props, 'headers')?.earned).toBe(7);
    expect(http.headers).toMatchObject({
      'Strict-Transport-Security': { status: 'weak', lost: 2 },
      'Content-Security-Policy': { status: 'weak', lost: 2 },
      'X-Content-Type-Options': { status: 'invalid', lost: 3 },
      'X-Frame-Options': { status: 'invalid', lost: 3 },
      'Referrer-Policy': { status: 'weak', lost: 2 },
      'Permissions-Policy': { status: 'missing', lost: 3 },
      'Cross-Origin-Opener-Policy': { status: 'weak', lost: 2 },
      'Cross-Origin-Resource-Policy': { status: 'weak', lost: 2 },
      'X-XSS-Protection': { status: 'weak', lost: 1 },
    });
    expect(readCategoryScore(props, 'httpsRedirect')?.earned).toBe(0);
    const cookies = http.cookies as { name: string; score: number }[];
    expect(cookies.map((c) => [c.name, c.score])).toEqual([
      ['__Host-sid', 70],
      ['__Host-tok', 70],
      ['__Secure-pref', 30],
      ['track', 0],
      ['<img src', 15],
    ]);
    // 8 points shared by 5 cookies: 1.6 each, lost in proportion (0.48, 0.48, 1.12, 1.6, 1.36), to the quarter point.
    expect(readCategoryScore(props, 'cookies')?.lost.map((l) => l.points)).toEqual([0.5, 0.5, 1, 1.5, 1.25]);
    expect(readCategoryScore(props, 'cookies')?.earned).toBe(3.25);
    expect(http.title).toBe('Weak & <b>bold</b> <script>window.__xss=1</script> \\u202egnp.exe \\x1b[31mRED\\x1b[0m');
    expect(http.clickjacking).toMatchObject({ protected: false, by: 'x-frame-options' });
    expect(titles).toContain('weak.hostile-lab.com: HSTS asks for preload but does not qualify');
    expect(titles).toContain('weak.hostile-lab.com: can be framed by any site (clickjacking)');
    expect(titles).toContain('weak.hostile-lab.com: cookie track scores 0/100');
  });

  it('accepts CSP frame-ancestors alone as clickjacking protection', async () => {
    const { http, titles } = await scan(hostile, { type: 'domain', value: 'frame.hostile-lab.com' });
    expect(http.clickjacking).toMatchObject({ protected: true, by: 'frame-ancestors' });
    expect(http.headers?.['X-Frame-Options']).toMatchObject({ status: 'good', lost: 0 });
    expect(http.headers?.['Content-Security-Policy']).toMatchObject({ status: 'weak', lost: 1 });
    expect(titles.some((t) => t.includes('clickjacking'))).toBe(false);
  });

  it('stops a redirect loop and records it as url nodes', async () => {
    const { run, titles } = await scan(hostile, { type: 'url', value: 'http://hostile-lab.com/loop' });
    expect(titles).toContain('http://hostile-lab.com/loop: redirect loop');
    expect(run.relations.map((r) => [r.from.value, r.to.value])).toEqual([
      ['http://hostile-lab.com/loop', 'http://hostile-lab.com/loop2'],
      ['http://hostile-lab.com/loop2', 'http://hostile-lab.com/loop'],
    ]);
  });

  it('ends every hostile server bounded in time and memory, each with a clear finding', async () => {
    const started = Date.now();
    const big = await scan(hostile, { type: 'url', value: 'http://hostile-lab.com/big-header' });
    expect(big.titles).toContain(
      'http://hostile-lab.com/big-header: http://hostile-lab.com/big-header sent a response head too large to read (over 64 KiB or 256 lines)',
    );
    const endless = await scan(hostile, { type: 'url', value: 'http://hostile-lab.com/endless' });
    expect(endless.titles).toContain(
      'http://hostile-lab.com/endless: http://hostile-lab.com/endless sent a body longer than the scan reads',
    );
    const endlessPage = endless.run.evidence.find((e) => e.source === 'http://hostile-lab.com/endless');
    expect(endlessPage?.content.length).toBeLessThan(20 * 1024);
    const slow = await scan(hostile, { type: 'domain', value: 'slow.hostile-lab.com' }, 1500);
    expect(slow.titles).toContain('slow.hostile-lab.com: http://slow.hostile-lab.com/ did not answer in time');
    const hang = await scan(hostile, { type: 'url', value: 'http://hostile-lab.com/hang' }, 1500);
    expect(hang.titles).toContain('http://hostile-lab.com/hang: http://hostile-lab.com/hang did not answer in time');
    expect(hang.titles).toContain('http://hostile-lab.com/hang: no page to judge');
    expect(hang.props['grade.headers']).toBeUndefined();
    // Two 1.5 s timeouts and fast failures: nowhere near a run's own limit.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('reads a title of invalid UTF-8 with the bad bytes replaced and the NUL escaped', async () => {
    const { http } = await scan(hostile, { type: 'url', value: 'http://hostile-lab.com/bytes' });
    expect(http.title).toBe('\ufffd\ufffd\ufffd( title\\x00nul');
  });

  it('shows the hostile root page title and cookie as text', async () => {
    const { http } = await scan(hostile, { type: 'domain', value: 'hostile-lab.com' });
    expect(http.title).toBe(
      '<script>window.__xss=1</script><img src=x onerror=window.__xss=1> \\x1b[31mRED\\x1b[0m\\x1b]0;pwned\\x07\\x1b[2J',
    );
    expect(http.server).toBe('<img src=x onerror=window.__xss=1>');
  });
});
