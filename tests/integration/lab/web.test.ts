// The web lab over real sockets: virtual hosts by Host and SNI, routes, cookies and redirects,
// TLS versions as listed, chains that verify against the lab root, each hostile behaviour seen
// within a bounded time, and the wiring through ctx.net with scenario names and addresses.
import { X509Certificate } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import { type ConnectionOptions, connect as connectTls, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import { Site, type Site as SiteSpec } from '../../../src/lab/scenario/schema';
import { createLabCa } from '../../../src/lab/tls';
import { startWebLab, type WebLab } from '../../../src/lab/web';
import type { LabRoute, Net } from '../../../src/shared/scanner';
import { exchange } from './raw-exchange';

const SHOP = '203.0.113.10';
const OLD = '203.0.113.20';
const validity = { notBefore: '2024-01-01T00:00:00Z', notAfter: '2034-01-01T00:00:00Z' };

const sites: SiteSpec[] = [
  {
    hostname: 'shop.test',
    address: SHOP,
    http: {
      routes: [
        {
          path: '/',
          headers: [
            ['Server', 'nginx/1.25.3'],
            ['Content-Type', 'text/html'],
            ['X-Frame-Options', 'DENY'],
          ],
          cookies: ['session=abc; HttpOnly; Path=/', 'theme=dark'],
          body: '<title>Shop</title>',
        },
        { path: '/old', redirect: 'https://shop.test/' },
        { path: '/loop-a', status: 302, redirect: '/loop-b' },
        { path: '/loop-b', status: 302, redirect: '/loop-a' },
        { path: '/search?q=lab', body: 'lab results' },
        { path: '/big', body: 'x'.repeat(1024), repeat: 20_000 },
        { path: '/hang', behaviour: 'hang' },
        { path: '/reset', body: 'r'.repeat(100_000), behaviour: 'reset' },
        { path: '/slow', body: 'slowly', behaviour: 'slow' },
        { path: '/endless', behaviour: 'endless' },
      ],
    },
    https: {
      routes: [
        { path: '/', body: 'shop over TLS 1.3' },
        { path: '/reset', body: 'r'.repeat(10_000), behaviour: 'reset' },
      ],
      certificate: { subject: { CN: 'shop.test', O: 'Shop Ltd' }, sans: ['shop.test', 'www.shop.test'], ...validity },
      versions: ['TLSv1.3'],
    },
  },
  {
    hostname: 'blog.test',
    address: SHOP,
    http: { routes: [{ path: '/', body: 'blog over HTTP' }] },
    https: {
      routes: [{ path: '/', body: 'blog over TLS' }],
      certificate: { subject: { CN: 'blog.test' }, ...validity, key: { type: 'ec' } },
    },
  },
  {
    hostname: 'old.test',
    address: OLD,
    https: {
      routes: [{ path: '/', body: 'legacy' }],
      certificate: {
        subject: { CN: 'old.test' },
        issuer: 'self-signed',
        ...validity,
        key: { type: 'rsa', bits: 1024 },
      },
      versions: ['TLSv1'],
    },
  },
].map((site) => Site.parse(site));

const ca = createLabCa();
let lab: WebLab;
let dns: DnsServer;
let net: Net;

function target(address: string, port: number, of = lab): { host: string; port: number } {
  const route = of.routes.find((r: LabRoute) => r.address === address && r.port === port);
  if (!route || typeof route.to !== 'object') throw new Error(`no route for ${address}:${port}`);
  return route.to;
}

beforeAll(async () => {
  lab = await startWebLab(sites, ca);
  dns = await startDnsServer({
    zones: [
      { origin: 'shop.test', records: [{ name: '@', type: 'A', data: SHOP }] },
      { origin: 'blog.test', records: [{ name: '@', type: 'A', data: SHOP }] },
    ],
  });
  net = createNet({
    resolvers: [`127.0.0.1:${dns.address.port}`],
    proxy: null,
    timeoutMs: 1000,
    retries: 0,
    lab: { routes: lab.routes, unrouted: 'refuse', traceroutes: [] },
  });
});

afterAll(async () => {
  await lab.stop();
  await dns.stop();
});

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

const get = (path: string, host = 'shop.test') => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
const plain = (request: string, ms = 2000, maxBytes = Infinity) => {
  const { host, port } = target(SHOP, 80);
  return exchange(connectTcp(port, host), request, ms, maxBytes);
};

function tlsConnect(address: string, options: ConnectionOptions): Promise<TLSSocket> {
  const { host, port } = target(address, 443);
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host, port, rejectUnauthorized: false, ...options }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('HTTP sites', () => {
  it('answers through ctx.net by scenario name: status, headers in order, cookies, body', async () => {
    const response = await net.http({ url: 'http://shop.test/' });
    expect(response.status).toBe(200);
    expect(response.headers).toEqual([
      ['Server', 'nginx/1.25.3'],
      ['Content-Type', 'text/html'],
      ['X-Frame-Options', 'DENY'],
      ['Set-Cookie', 'session=abc; HttpOnly; Path=/'],
      ['Set-Cookie', 'theme=dark'],
      ['Content-Length', '19'],
      ['Connection', 'close'],
    ]);
    expect(Buffer.from(response.body).toString()).toBe('<title>Shop</title>');
  });

  it('picks the virtual host by the Host header, the first site when it names none', async () => {
    expect(Buffer.from((await net.http({ url: 'http://blog.test/' })).body).toString()).toBe('blog over HTTP');
    expect((await plain(get('/', 'unknown.test'))).data.toString()).toContain('<title>Shop</title>');
    expect((await plain('GET / HTTP/1.0\r\n\r\n')).data.toString()).toContain('<title>Shop</title>');
  });

  it('redirects (301 by default) and loops when routes point at each other', async () => {
    const moved = await net.http({ url: `http://${SHOP}/old` });
    expect(moved.status).toBe(301);
    expect(moved.headers).toContainEqual(['Location', 'https://shop.test/']);
    let path = '/loop-a';
    const seen: string[] = [];
    for (let hop = 0; hop < 4; hop++) {
      const response = await net.http({ url: `http://shop.test${path}` });
      expect(response.status).toBe(302);
      path = response.headers.find(([name]) => name === 'Location')?.[1] ?? '';
      seen.push(path);
    }
    expect(seen).toEqual(['/loop-b', '/loop-a', '/loop-b', '/loop-a']);
  });

  it('answers 404 for unknown paths and matches a query only where the route has one', async () => {
    const missing = await net.http({ url: 'http://shop.test/nope' });
    expect(missing.status).toBe(404);
    expect(Buffer.from(missing.body).toString()).toBe('Not Found\n');
    expect(Buffer.from((await net.http({ url: 'http://shop.test/search?q=lab' })).body).toString()).toBe('lab results');
    expect((await net.http({ url: 'http://shop.test/search' })).status).toBe(404);
    expect((await net.http({ url: 'http://shop.test/?utm=x' })).status).toBe(200);
  });

  it('streams a repeated body in full, and HEAD gets the head only', async () => {
    const big = await plain(get('/big'), 10_000);
    const text = big.data.toString('latin1');
    expect(text).toContain('Content-Length: 20480000\r\n');
    expect(big.data.length - (text.indexOf('\r\n\r\n') + 4)).toBe(20_480_000);
    const head = await plain('HEAD /big HTTP/1.1\r\nHost: shop.test\r\n\r\n');
    expect(head.data.toString()).toMatch(/Content-Length: 20480000\r\nConnection: close\r\n\r\n$/);
  });

  it('refuses malformed and oversized request heads', async () => {
    expect((await plain('NONSENSE\r\n\r\n')).data.toString()).toMatch(/^HTTP\/1\.1 400 /);
    const huge = `GET / HTTP/1.1\r\nX: ${'a'.repeat(70_000)}\r\n\r\n`;
    expect((await plain(huge)).data.toString()).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe('hostile behaviours', () => {
  it('hang: accepts the request and never answers', async () => {
    const result = await plain(get('/hang'), 400);
    expect(result).toMatchObject({ ended: 'timeout', error: null });
    expect(result.data.length).toBe(0);
    await expect(net.http({ url: 'http://shop.test/hang', timeoutMs: 300 })).rejects.toThrow(/timed out|timeout/i);
  });

  it('reset: sends part of the response, then a TCP reset', async () => {
    const result = await plain(get('/reset'), 3000);
    expect(result.error).toBe('ECONNRESET');
    const text = result.data.toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toContain('Content-Length: 100000');
    const bodyBytes = result.data.length - (text.indexOf('\r\n\r\n') + 4);
    expect(bodyBytes).toBeGreaterThan(0);
    expect(bodyBytes).toBeLessThan(100_000);
  });

  it('reset over TLS: the reset comes from below the TLS layer', async () => {
    const socket = await tlsConnect(SHOP, { servername: 'shop.test' });
    const result = await exchange(socket, get('/reset'), 3000);
    expect(result.error).toBe('ECONNRESET');
    expect(result.data.toString()).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it('slow: one byte a second', async () => {
    const result = await plain(get('/slow'), 1500);
    expect(result.ended).toBe('timeout');
    expect(result.data.toString()).toMatch(/^HT?$/);
  });

  it('endless: a chunked body that keeps coming', async () => {
    const result = await plain(get('/endless'), 5000, 2_000_000);
    expect(result.data.length).toBeGreaterThanOrEqual(2_000_000);
    expect(result.data.toString('latin1', 0, 200)).toContain('Transfer-Encoding: chunked\r\n');
    const response = await net.http({ url: 'http://shop.test/endless', maxBodyBytes: 100_000, timeoutMs: 3000 });
    expect(response.bodyTruncated).toBe(true);
    expect(response.body.length).toBe(100_000);
  });
});

describe('HTTPS sites', () => {
  it('chooses the certificate by SNI among the sites on one address, the first without a match', async () => {
    const subject = async (servername?: string) => {
      const socket = await tlsConnect(SHOP, servername ? { servername } : {});
      const cn = socket.getPeerCertificate().subject?.CN;
      socket.destroy();
      return cn;
    };
    expect(await subject('shop.test')).toBe('shop.test');
    expect(await subject('blog.test')).toBe('blog.test');
    expect(await subject('www.shop.test')).toBe('shop.test');
    expect(await subject('elsewhere.test')).toBe('shop.test');
    expect(await subject()).toBe('shop.test');
  });

  it('serves each virtual host its own routes over TLS, through ctx.net', async () => {
    expect(Buffer.from((await net.http({ url: 'https://blog.test/' })).body).toString()).toBe('blog over TLS');
    const connection = await net.dialTls({ host: 'shop.test', port: 443, alpn: ['http/1.1'] });
    const [leaf] = connection.peerCertificatesDer();
    expect(new X509Certificate(Buffer.from(leaf ?? [])).subject).toBe('O=Shop Ltd\nCN=shop.test');
    expect(connection.alpn()).toBe('http/1.1');
    connection.close();
  });

  it('sends a chain that verifies against the lab root, host name included', async () => {
    const socket = await tlsConnect(SHOP, { servername: 'www.shop.test', ca: [ca.rootPem], rejectUnauthorized: true });
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate(true).issuerCertificate?.subject?.CN).toBe('Tracegraph Lab Issuing CA 1');
    socket.destroy();
    await expect(tlsConnect(SHOP, { servername: 'blog.test', rejectUnauthorized: true })).rejects.toThrow(
      /self[- ]signed|unable to get|local issuer/i,
    );
  });

  it('offers exactly the listed versions', async () => {
    const tls13 = await tlsConnect(SHOP, { servername: 'shop.test' });
    expect(tls13.getProtocol()).toBe('TLSv1.3');
    tls13.destroy();
    await expect(tlsConnect(SHOP, { servername: 'shop.test', maxVersion: 'TLSv1.2' })).rejects.toThrow(/version/i);
    // Another site on the same listener keeps its own (default) versions.
    const blog = await tlsConnect(SHOP, { servername: 'blog.test', maxVersion: 'TLSv1.2' });
    expect(blog.getProtocol()).toBe('TLSv1.2');
    blog.destroy();
  });

  it('speaks TLS 1.0 to a TLS 1.0 client at security level 0, and nothing newer', async () => {
    const old = await tlsConnect(OLD, {
      servername: 'old.test',
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    expect(old.getProtocol()).toBe('TLSv1');
    expect(old.getPeerCertificate().bits).toBe(1024);
    expect((await exchange(old, get('/', 'old.test'), 2000)).data.toString()).toMatch(/\r\n\r\nlegacy$/);
    await expect(tlsConnect(OLD, { servername: 'old.test' })).rejects.toThrow(/version/i);
  });
});

describe('startWebLab', () => {
  it('refuses one address and port served as both http and https', async () => {
    const clash = [
      Site.parse({ hostname: 'a.test', address: SHOP, http: { port: 8080, routes: [] } }),
      Site.parse({
        hostname: 'b.test',
        address: SHOP,
        https: { port: 8080, routes: [], certificate: { subject: { CN: 'b.test' }, ...validity } },
      }),
    ];
    await expect(startWebLab(clash, ca)).rejects.toThrow(/203\.0\.113\.10:8080 is served as both http and https/);
  });

  it('starts and stops 20 times and leaves no handle behind', async () => {
    const before = resourceCounts();
    for (let round = 0; round < 20; round++) {
      const started = await startWebLab(sites, ca);
      const { host, port } = target(SHOP, 80, started);
      // A connection left hanging mid-request must not keep anything alive either.
      const hanging = connectTcp(port, host);
      hanging.on('error', () => {});
      hanging.write(get('/hang'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      await started.stop();
      hanging.destroy();
    }
    await new Promise((resolve) => setImmediate(resolve));
    // Earlier tests' leftovers may close meanwhile: no kind of handle may have grown.
    for (const [kind, count] of resourceCounts())
      expect([kind, count]).toEqual([kind, Math.min(count, before.get(kind) ?? 0)]);
  });
});
