// The scan policy at the socket: an active scan's connection is refused when the address it
// would actually go to is refused, whatever name led there (DNS rebinding included), and nothing
// reaches the listener.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { Net } from '../../../src/shared/scanner';

let dns: DnsServer;
let server: Server;
let port = 0;
let accepted = 0;
const refuses = (ip: string) => (ip.startsWith('127.') ? `${ip} is a loopback address` : undefined);
const config = () => ({ resolvers: [`127.0.0.1:${dns.address.port}`], proxy: null, timeoutMs: 2000, retries: 0 });

beforeAll(async () => {
  dns = await startDnsServer({
    zones: [{ origin: 'rebind.test', records: [{ name: '@', type: 'A', data: '127.0.0.1' }] }],
  });
  server = createServer((socket) => {
    accepted++;
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  server.close();
  await dns.stop();
});

describe('a Net built with the scan policy', () => {
  it('refuses a name whose address the policy refuses, at connect time, for dial, TLS and HTTP', async () => {
    const net: Net = createNet(config(), { refuses });
    await expect(net.dial({ host: 'rebind.test', port })).rejects.toThrow(
      /127\.0\.0\.1:\d+: refused by the scan policy: 127\.0\.0\.1 is a loopback address/,
    );
    await expect(net.dialTls({ host: 'rebind.test', port })).rejects.toThrow(/refused by the scan policy/);
    await expect(net.http({ url: `http://rebind.test:${port}/` })).rejects.toThrow(/refused by the scan policy/);
    await expect(net.dial({ host: '127.0.0.1', port })).rejects.toThrow(/refused by the scan policy/);
    expect(accepted).toBe(0);
  });

  it('connects as before without a policy (passive scans, third parties the analyst chose)', async () => {
    const response = await createNet(config()).http({ url: `http://rebind.test:${port}/` });
    expect(Buffer.from(response.body).toString()).toBe('ok');
    expect(accepted).toBe(1);
  });
});
