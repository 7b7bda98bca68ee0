// The tech scanner's run over a scripted Net: same-site redirects followed, a redirect to another
// site not followed (its own headers read), a URL on an IP address, and addresses marked from the
// published CDN ranges when the page shows no CDN.
import { describe, expect, it } from 'vitest';
import { sameSite } from '../../../src/scanners/tech/page';
import { techScanner } from '../../../src/scanners/tech/scanner';
import type { HttpRequest, HttpResponse, Net } from '../../../src/shared/scanner';
import { checkScanContract, fakeNet, runScanner } from '../../helpers/scanner-harness';

type Page = Omit<Partial<HttpResponse>, 'body'> & { body?: string };

/** A Net whose resolver answers `addresses` and whose HTTP client answers from `pages` (others refused). */
function scriptedNet(addresses: Record<string, string[]>, pages: Record<string, Page>, asked: string[] = []): Net {
  const net = fakeNet((name, type) => ({
    answers: (addresses[`${name} ${type}`] ?? []).map((data) => ({ name, type, ttl: 300, data })),
  }));
  net.http = async (request: HttpRequest) => {
    asked.push(request.url);
    const page = pages[request.url];
    if (!page) throw new Error(`connect ECONNREFUSED ${request.url}`);
    return {
      url: request.url,
      status: 200,
      statusText: 'OK',
      headers: [],
      bodyTruncated: false,
      ...page,
      body: new TextEncoder().encode(page.body ?? ''),
    };
  };
  return net;
}

const relations = (run: Awaited<ReturnType<typeof runScanner>>, kind: string) =>
  run.relations.filter((r) => r.relation === kind).map((r) => r.to.value);

describe('tech scanner run', () => {
  it('follows same-site redirects and reads the page they end on', async () => {
    const asked: string[] = [];
    const net = scriptedNet(
      { 'example.org A': ['192.0.2.10'] },
      {
        'http://example.org/': { status: 301, headers: [['Location', 'https://www.example.org/home']] },
        'https://www.example.org/home': {
          headers: [
            ['Server', 'Microsoft-IIS/10.0'],
            ['X-AspNet-Version', '4.0.30319'],
            ['Content-Type', 'text/html'],
          ],
          body: '<meta name="generator" content="Drupal 10 (https://www.drupal.org)">',
        },
      },
      asked,
    );
    const run = await runScanner(techScanner, { type: 'domain', value: 'example.org' }, net);
    checkScanContract(run, { category: 'web' });
    expect(asked).toEqual(['https://example.org/', 'http://example.org/', 'https://www.example.org/home']);
    expect(relations(run, 'uses_technology')).toEqual(['microsoft-iis@10.0', 'asp.net@4.0.30319', 'drupal@10', 'php']);
    expect(relations(run, 'resolves_to')).toEqual(['192.0.2.10']);
  });

  it('stops at a redirect to another site and reads the redirect itself', async () => {
    const net = scriptedNet(
      {},
      {
        'https://example.org/': {
          status: 302,
          headers: [
            ['Location', 'https://login.other-bank.example/'],
            ['Server', 'nginx/1.25.3'],
          ],
        },
      },
    );
    const run = await runScanner(techScanner, { type: 'domain', value: 'example.org' }, net);
    expect(relations(run, 'uses_technology')).toEqual(['nginx@1.25.3']);
    const stopped = run.findings.find((f) => f.title === 'example.org: a redirect was not followed');
    expect(stopped?.detail).toContain('the redirect leaves the site for login.other-bank.example');
  });

  it('scans a URL on an IP address, marking the address from the CDN ranges', async () => {
    const net = scriptedNet({}, { 'http://104.16.1.1:8080/app': { headers: [['Server', 'openresty']] } });
    const run = await runScanner(techScanner, { type: 'url', value: 'http://104.16.1.1:8080/app' }, net);
    checkScanContract(run, { category: 'web', findingsWithoutEvidence: (t) => t.includes('published address ranges') });
    expect(relations(run, 'uses_technology')).toEqual(['openresty']);
    const ip = run.entities.find((e) => e.entity.type === 'ip');
    expect(ip).toMatchObject({ entity: { value: '104.16.1.1' }, props: { cdn: 'Cloudflare' } });
  });

  it('refuses inputs that are not sites', async () => {
    const net = scriptedNet({}, {});
    await expect(runScanner(techScanner, { type: 'url', value: 'ftp://example.org/' }, net)).rejects.toThrow(
      /ftp: URLs are not fetched/,
    );
    await expect(runScanner(techScanner, { type: 'domain', value: 'not a domain' }, net)).rejects.toThrow(
      /is not a domain name/,
    );
  });

  it('judges sites by registrable domain', () => {
    expect(sameSite('www.example.co.uk', 'shop.example.co.uk')).toBe(true);
    expect(sameSite('example.co.uk', 'other.co.uk')).toBe(false);
    expect(sameSite('192.0.2.1', '192.0.2.1')).toBe(true);
    expect(sameSite('192.0.2.1', '192.0.2.2')).toBe(false);
  });
});
