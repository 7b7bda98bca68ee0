import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { Net } from '../../../src/shared/scanner';

const fixtures = join(import.meta.dirname, 'fixtures');
let dns: DnsServer;
let net: Net;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  dns = await startDnsServer({
    zones: [{ origin: 'nova.test', records: [{ name: 'app', type: 'A', data: '127.0.0.1' }] }],
  });
  net = createNet({ resolvers: [`127.0.0.1:${dns.address.port}`], proxy: null, timeoutMs: 2000, retries: 0 });
});
afterAll(async () => {
  await dns.stop();
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function listen(server: Server | HttpServer): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('http client', () => {
  it('returns status, ordered headers and body, and sends a well-formed request', async () => {
    let seen: { method?: string; url?: string; headers?: string[] } = {};
    const port = await listen(
      createHttpServer((req, res) => {
        seen = { method: req.method, url: req.url, headers: req.rawHeaders };
        res.writeHead(200, 'Fine', [
          ['X-B', '2'],
          ['X-A', '1'],
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
        ]);
        res.end('hello');
      }),
    );
    const response = await net.http({ url: `http://127.0.0.1:${port}/path?q=1#frag`, headers: { 'X-Probe': 'yes' } });
    expect(response.status).toBe(200);
    expect(response.statusText).toBe('Fine');
    expect(response.url).toBe(`http://127.0.0.1:${port}/path?q=1#frag`);
    expect(response.headers.filter(([name]) => /^(x-|set-cookie)/i.test(name))).toEqual([
      ['X-B', '2'],
      ['X-A', '1'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
    expect(Buffer.from(response.body).toString()).toBe('hello');
    expect(response.bodyTruncated).toBe(false);
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/path?q=1');
    expect(seen.headers).toEqual(
      expect.arrayContaining(['Host', `127.0.0.1:${port}`, 'X-Probe', 'yes', 'Connection', 'close']),
    );
  });

  it('keeps maxBodyBytes of a long body and closes instead of reading the rest', async () => {
    let serverSawClose = false;
    const port = await listen(
      createHttpServer((_req, res) => {
        res.on('close', () => {
          serverSawClose = !res.writableFinished;
        });
        res.writeHead(200, { 'Content-Length': String(64 * 1024 * 1024) });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const pump = (): void => {
          while (!res.destroyed && res.write(chunk)) {}
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      }),
    );
    const response = await net.http({ url: `http://127.0.0.1:${port}/`, maxBodyBytes: 1000 });
    expect(response.body.length).toBe(1000);
    expect(response.bodyTruncated).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(serverSawClose).toBe(true);
  });

  it('keeps 1 MiB by default, and a body of exactly the limit is not truncated', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x62);
    const port = await listen(
      createHttpServer((req, res) => {
        res.end(req.url === '/exact' ? big.subarray(0, 500) : big);
      }),
    );
    const capped = await net.http({ url: `http://127.0.0.1:${port}/` });
    expect(capped.body.length).toBe(1024 * 1024);
    expect(capped.bodyTruncated).toBe(true);
    const exact = await net.http({ url: `http://127.0.0.1:${port}/exact`, maxBodyBytes: 500 });
    expect(exact.body.length).toBe(500);
    expect(exact.bodyTruncated).toBe(false);
  });

  it('decodes chunked bodies and bounds them too', async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        res.write('abc');
        res.write('defgh');
        res.end('ij');
      }),
    );
    const whole = await net.http({ url: `http://127.0.0.1:${port}/` });
    expect(whole.headers).toContainEqual(['Transfer-Encoding', 'chunked']);
    expect(Buffer.from(whole.body).toString()).toBe('abcdefghij');
    const capped = await net.http({ url: `http://127.0.0.1:${port}/`, maxBodyBytes: 4 });
    expect(Buffer.from(capped.body).toString()).toBe('abcd');
    expect(capped.bodyTruncated).toBe(true);
  });

  it('does not follow redirects, sends POST bodies and reads no body for HEAD', async () => {
    const port = await listen(
      createHttpServer((req, res) => {
        if (req.url === '/moved') {
          res.writeHead(302, { Location: '/elsewhere' });
          res.end('see elsewhere');
          return;
        }
        let body = '';
        req.on('data', (d: Buffer) => {
          body += d.toString();
        });
        req.on('end', () => {
          const text = `${req.method ?? ''}:${body}`;
          res.writeHead(200, { 'Content-Length': String(text.length) });
          res.end(req.method === 'HEAD' ? undefined : text);
        });
      }),
    );
    const redirect = await net.http({ url: `http://127.0.0.1:${port}/moved` });
    expect(redirect.status).toBe(302);
    expect(redirect.headers).toContainEqual(['Location', '/elsewhere']);
    const post = await net.http({ url: `http://127.0.0.1:${port}/`, method: 'POST', body: 'a=1' });
    expect(Buffer.from(post.body).toString()).toBe('POST:a=1');
    const head = await net.http({ url: `http://127.0.0.1:${port}/`, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('times out as a whole, and honours an abort', async () => {
    const port = await listen(createServer(() => {}));
    const started = Date.now();
    await expect(net.http({ url: `http://127.0.0.1:${port}/`, timeoutMs: 200 })).rejects.toThrow(
      /timed out after 200 ms/,
    );
    // Bounded, not hanging; the slack is for a loaded machine, not a claim about speed.
    expect(Date.now() - started).toBeLessThan(3000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(net.http({ url: `http://127.0.0.1:${port}/`, signal: controller.signal })).rejects.toThrow(
      'user cancelled',
    );
  });

  it('a slow body still ends at the total timeout', async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'Content-Length': '1000' });
        const timer = setInterval(() => res.write('x'), 20);
        res.on('close', () => clearInterval(timer));
      }),
    );
    await expect(net.http({ url: `http://127.0.0.1:${port}/`, timeoutMs: 300 })).rejects.toThrow(/timed out/);
  });

  it('resolves host names with its own resolver and fetches over HTTPS', async () => {
    const server = createHttpsServer(
      { cert: readFileSync(join(fixtures, 'test-cert.pem')), key: readFileSync(join(fixtures, 'test-key.pem')) },
      (req, res) => {
        res.end(`host=${req.headers.host} sni=${(req.socket as { servername?: string }).servername}`);
      },
    );
    const port = await listen(server);
    const before = dns.queries.udp;
    const response = await net.http({ url: `https://app.nova.test:${port}/` });
    expect(Buffer.from(response.body).toString()).toBe(`host=app.nova.test:${port} sni=app.nova.test`);
    expect(dns.queries.udp).toBeGreaterThan(before);
  });

  it('fails clearly on a non-HTTP reply, a bad URL and header injection', async () => {
    const port = await listen(createServer((socket) => socket.end('SSH-2.0-OpenSSH\r\n\r\n')));
    await expect(net.http({ url: `http://127.0.0.1:${port}/` })).rejects.toThrow(
      `HTTP GET http://127.0.0.1:${port}/: not an HTTP/1.x response`,
    );
    await expect(net.http({ url: 'ftp://127.0.0.1/' })).rejects.toThrow(/unsupported URL scheme/);
    await expect(net.http({ url: 'not a url' })).rejects.toThrow(/is not a URL/);
    await expect(
      net.http({ url: `http://127.0.0.1:${port}/`, headers: { 'X-Evil': 'a\r\nInjected: 1' } }),
    ).rejects.toThrow(/control characters/);
  });
});
