// The web lab's pieces that need no listener: route lookup, response heads, Host and SNI parsing,
// and the OpenSSL options a site's TLS settings become.
import { constants } from 'node:crypto';
import { Duplex } from 'node:stream';
import { connect, createSecureContext, DEFAULT_CIPHERS } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { Route, Site } from '../../../src/lab/scenario/schema';
import { parseClientHello, recordComplete } from '../../../src/lab/web/client-hello';
import { compileRoute, RouteTable, requestHost } from '../../../src/lab/web/http';
import { siteTlsOptions } from '../../../src/lab/web/tls-options';

const route = (input: Record<string, unknown>) => Route.parse(input);

describe('RouteTable', () => {
  const table = new RouteTable([
    route({ path: '/', body: 'home' }),
    route({ path: '/search', body: 'any query' }),
    route({ path: '/search?q=lab', body: 'this query' }),
    route({ path: '/', body: 'second home, never reached' }),
  ]);
  const body = (target: string) => table.match(target)?.body.toString();

  it('matches paths exactly, ignoring the query string', () => {
    expect(body('/')).toBe('home');
    expect(body('/?utm=1')).toBe('home');
    expect(body('/search?q=other')).toBe('any query');
    expect(body('/Search')).toBeUndefined();
    expect(body('/search/')).toBeUndefined();
  });

  it('honours the query string of routes that carry one', () => {
    expect(body('/search?q=lab')).toBe('this query');
  });

  it('reduces absolute-form targets and drops fragments', () => {
    expect(body('http://shop.test/search?q=lab')).toBe('this query');
    expect(body('https://shop.test')).toBe('home');
    expect(body('/#top')).toBe('home');
  });

  it('keeps the first route of a path', () => {
    expect(body('/')).toBe('home');
  });
});

describe('compileRoute', () => {
  const head = (input: Record<string, unknown>) => compileRoute(route(input)).head.toString('utf8');

  it('writes headers in order, then cookies, then the framing', () => {
    expect(
      head({
        path: '/',
        headers: [
          ['Server', 'nginx'],
          ['X-A', '1'],
          ['x-a', '2'],
        ],
        cookies: ['a=1; Path=/', 'b=<img>'],
        body: 'héllo',
        repeat: 3,
      }),
    ).toBe(
      'HTTP/1.1 200 OK\r\nServer: nginx\r\nX-A: 1\r\nx-a: 2\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=<img>\r\n' +
        'Content-Length: 18\r\nConnection: close\r\n\r\n',
    );
  });

  it('redirects with 301 unless a status is given', () => {
    expect(head({ path: '/', redirect: '/new' })).toMatch(/^HTTP\/1\.1 301 Moved Permanently\r\nLocation: \/new\r\n/);
    expect(head({ path: '/', redirect: '/new', status: 302 })).toMatch(/^HTTP\/1\.1 302 Found\r\n/);
  });

  it("sends a route's own framing headers instead of the lab's", () => {
    const text = head({ path: '/', headers: [['Content-Length', '999']], body: 'short' });
    expect(text).toContain('Content-Length: 999\r\n');
    expect(text.match(/Content-Length/g)).toHaveLength(1);
  });

  it('announces chunked framing for endless bodies', () => {
    const compiled = compileRoute(route({ path: '/', behaviour: 'endless' }));
    expect(compiled.chunkedHead.toString()).toContain('Transfer-Encoding: chunked\r\n');
    expect(compiled.chunkedHead.toString()).not.toContain('Content-Length');
  });

  it('names unknown status codes', () => {
    expect(head({ path: '/', status: 599 })).toMatch(/^HTTP\/1\.1 599 Unknown\r\n/);
  });
});

describe('requestHost', () => {
  const host = (value: string) => requestHost({ method: 'GET', target: '/', headers: [['HOST', value]] });
  it('lowercases and drops the port and a trailing dot', () => {
    expect(host('Shop.Test:8080')).toBe('shop.test');
    expect(host('shop.test.')).toBe('shop.test');
    expect(host('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(requestHost({ method: 'GET', target: '/', headers: [] })).toBeNull();
  });
});

/** The first record a real TLS client sends, captured without any network. */
function clientHello(servername?: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const sink = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        resolve(chunk);
        callback();
      },
    });
    const socket = connect({ socket: sink, ...(servername ? { servername } : {}), rejectUnauthorized: false });
    socket.on('error', () => {});
    setImmediate(() => socket.destroy());
  });
}

const parseServerName = (data: Buffer): string | null => parseClientHello(data)?.serverName ?? null;

describe('parseClientHello', () => {
  it("reads SNI, versions and suites from Node's own ClientHello", async () => {
    const hello = await clientHello('Blog.Test');
    expect(recordComplete(hello)).toBe(true);
    expect(recordComplete(hello.subarray(0, 40))).toBe(false);
    const info = parseClientHello(hello);
    expect(info).toMatchObject({ version: 0x0303, serverName: 'blog.test' });
    expect(info?.supportedVersions).toContain(0x0304);
    expect(info?.suites).toContain(0x1301);
  });

  it('gives null without SNI, for truncated hellos and for what is not TLS', async () => {
    expect(parseServerName(await clientHello())).toBeNull();
    const hello = await clientHello('blog.test');
    // Cut anywhere: never a throw, never a wrong name (a cut after the extension still has it).
    for (let cut = 0; cut < hello.length; cut++) {
      expect([null, 'blog.test']).toContain(parseServerName(hello.subarray(0, cut)));
    }
    expect(parseServerName(hello.subarray(0, 60))).toBeNull();
    expect(parseServerName(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toBeNull();
    expect(recordComplete(Buffer.from('G'))).toBe(true);
  });
});

describe('siteTlsOptions', () => {
  const https = (extra: Record<string, unknown>) => {
    const site = Site.parse({
      hostname: 'x.test',
      address: '192.0.2.1',
      https: {
        routes: [],
        certificate: { subject: { CN: 'x.test' }, notBefore: '2024-01-01', notAfter: '2030-01-01' },
        ...extra,
      },
    });
    if (!site.https) throw new Error('no https');
    return siteTlsOptions(site.https);
  };

  it("offers Node's defaults for a modern site", () => {
    expect(https({})).toEqual({
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      secureOptions: constants.SSL_OP_CIPHER_SERVER_PREFERENCE,
      ciphers: DEFAULT_CIPHERS,
    });
  });

  it('drops versions inside the range that the site leaves out, at security level 0', () => {
    const options = https({ versions: ['TLSv1.2', 'TLSv1'] });
    expect(options).toMatchObject({ minVersion: 'TLSv1', maxVersion: 'TLSv1.2' });
    expect(options.secureOptions).toBe(constants.SSL_OP_NO_TLSv1_1 | constants.SSL_OP_CIPHER_SERVER_PREFERENCE);
    expect(options.ciphers).toBe('DEFAULT:@SECLEVEL=0');
  });

  it("follows the client's cipher order when the site says so, and leaves SSLv3 to the lab", () => {
    const options = https({ versions: ['SSLv3', 'TLSv1'], cipherOrder: 'client' });
    expect(options).toMatchObject({ minVersion: 'TLSv1', maxVersion: 'TLSv1', secureOptions: 0 });
  });

  it('gives a TLS 1.3-only site a TLS 1.2 list OpenSSL accepts, before the level', () => {
    const options = https({ versions: ['TLSv1.3'], ciphers: 'TLS_AES_128_GCM_SHA256' });
    expect(options.ciphers).toBe('TLS_AES_128_GCM_SHA256:DEFAULT:@SECLEVEL=0');
    expect(() => createSecureContext({ ciphers: options.ciphers })).not.toThrow();
  });

  it('keeps TLS 1.3 alive next to a TLS 1.2 cipher list, and lowers the level for listed ciphers', () => {
    const options = https({ ciphers: 'AES128-SHA', versions: ['TLSv1.2', 'TLSv1.3'] });
    expect(options.ciphers).toMatch(/^TLS_AES_256_GCM_SHA384:.*:AES128-SHA:@SECLEVEL=0$/);
    expect(https({ ciphers: 'HIGH@SECLEVEL=2', versions: ['TLSv1.2'] }).ciphers).toBe('HIGH@SECLEVEL=2');
  });
});
