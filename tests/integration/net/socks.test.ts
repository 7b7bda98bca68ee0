import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { NetConfig } from '../../../src/shared/scanner';
import { type Socks5Server, startSocks5Server } from '../../helpers/socks5-server';
import { allTypesZone } from './lab-zones';

let dns: DnsServer;
let proxy: Socks5Server;
let httpPort: number;
const servers: Server[] = [];
const cleanups: (() => void)[] = [];

async function listen(server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function config(proxyUrl: string): NetConfig {
  return { resolvers: [`127.0.0.1:${dns.address.port}`], proxy: proxyUrl, timeoutMs: 2000, retries: 0 };
}

beforeAll(async () => {
  dns = await startDnsServer({ zones: [allTypesZone] });
  proxy = await startSocks5Server({ hosts: { 'app.proxied.test': '127.0.0.1' } });
  httpPort = await listen(
    createHttpServer((req, res) => {
      res.end(`via proxy: ${req.headers.host}`);
    }) as unknown as Server,
  );
});
afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  for (const server of servers) server.close();
  await proxy.stop();
  await dns.stop();
});
afterEach(() => {
  proxy.connects.length = 0;
});

describe('SOCKS5 proxy', () => {
  it('sends DNS over TCP through the proxy and nothing over UDP', async () => {
    const net = createNet(config(`socks5://127.0.0.1:${proxy.port}`));
    const before = { ...dns.queries };
    const response = await net.resolver.query('lab.test', 'MX');
    expect(response.answers[0]?.data).toBe('10 mail.lab.test');
    const big = await net.resolver.query('big.lab.test', 'A');
    expect(big.answers).toHaveLength(120);
    expect(proxy.connects).toEqual([
      { host: '127.0.0.1', port: dns.address.port, addressType: 'ipv4' },
      { host: '127.0.0.1', port: dns.address.port, addressType: 'ipv4' },
    ]);
    expect(dns.queries.udp - before.udp).toBe(0);
    expect(dns.queries.tcp - before.tcp).toBe(2);
  });

  it('hands host names to the proxy for HTTP (remote resolution) and never asks the resolver', async () => {
    const net = createNet(config(`socks5://127.0.0.1:${proxy.port}`));
    const before = { ...dns.queries };
    const response = await net.http({ url: `http://app.proxied.test:${httpPort}/` });
    expect(Buffer.from(response.body).toString()).toBe(`via proxy: app.proxied.test:${httpPort}`);
    expect(proxy.connects).toEqual([{ host: 'app.proxied.test', port: httpPort, addressType: 'domain' }]);
    expect(dns.queries).toEqual(before);
  });

  it('tunnels dial() and counts one CONNECT per connection', async () => {
    const echoPort = await listen(createServer((socket) => socket.on('data', (d) => socket.end(d))));
    const net = createNet(config(`socks5://127.0.0.1:${proxy.port}`));
    for (let i = 0; i < 3; i++) {
      const connection = await net.dial({ host: '127.0.0.1', port: echoPort });
      await connection.write(Buffer.from(`ping ${i}`));
      expect(Buffer.from((await connection.read()) ?? []).toString()).toBe(`ping ${i}`);
      connection.close();
    }
    expect(proxy.connects.filter((c) => c.port === echoPort)).toHaveLength(3);
  });

  it('authenticates with user and password from the URL', async () => {
    const authProxy = await startSocks5Server({ username: 'ana lyst', password: 's3cr:t', hosts: {} });
    try {
      const ok = createNet(config(`socks5://ana%20lyst:s3cr%3At@127.0.0.1:${authProxy.port}`));
      const response = await ok.resolver.query('lab.test', 'A');
      expect(response.answers[0]?.data).toBe('127.0.0.1');
      expect(authProxy.connects).toHaveLength(1);
      const wrong = createNet(config(`socks5://ana%20lyst:nope@127.0.0.1:${authProxy.port}`));
      await expect(wrong.resolver.query('lab.test', 'A')).rejects.toThrow(
        /SOCKS5 proxy 127\.0\.0\.1:\d+ could not reach/,
      );
      expect(authProxy.connects).toHaveLength(1);
    } finally {
      await authProxy.stop();
    }
  });

  it('names the proxy when it is unreachable or refuses the target', async () => {
    const closed = await listen(createServer());
    servers.pop()?.close();
    await new Promise((r) => setTimeout(r, 20));
    const net = createNet(config(`socks5://127.0.0.1:${closed}`));
    await expect(net.resolver.query('lab.test', 'A')).rejects.toThrow(
      new RegExp(`SOCKS5 proxy 127\\.0\\.0\\.1:${closed} unreachable: .*connection refused`),
    );
    await expect(net.http({ url: 'http://app.proxied.test/' })).rejects.toThrow(/unreachable/);
    const viaProxy = createNet(config(`socks5://127.0.0.1:${proxy.port}`));
    await expect(viaProxy.dial({ host: 'unknown.test', port: 80 })).rejects.toThrow(
      new RegExp(`SOCKS5 proxy 127\\.0\\.0\\.1:${proxy.port} could not reach unknown\\.test:80`),
    );
  });
});
