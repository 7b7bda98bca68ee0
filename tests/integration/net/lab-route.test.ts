// Lab wiring: scenario addresses reach loopback listeners, everything else is refused or
// dropped, and no socket is ever opened to an address outside 127.0.0.0/8.
import { type AddressInfo, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { LabWiring, NetConfig } from '../../../src/shared/scanner';
import { recordSockets, type SocketRecorder } from '../../helpers/record-sockets';

let sockets: SocketRecorder;
let echo: Server;
let echoPort: number;
let dns: DnsServer;
let wiring: LabWiring;

beforeAll(async () => {
  sockets = recordSockets();
  echo = createServer((socket) => {
    socket.on('error', () => {});
    socket.end('SSH-2.0-LabSSH\r\n');
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as AddressInfo).port;
  dns = await startDnsServer({
    zones: [{ origin: 'lab.test', records: [{ name: '@', type: 'A', data: '185.220.101.47' }] }],
  });
  wiring = {
    routes: [
      { address: '185.220.101.47', port: 22, proto: 'tcp', to: { host: '127.0.0.1', port: echoPort } },
      { address: '185.220.101.47', port: 8443, proto: 'tcp', to: 'drop' },
      { address: '8.8.8.8', port: 53, proto: 'udp', to: { host: '127.0.0.1', port: dns.address.port } },
      { address: '8.8.8.8', port: 53, proto: 'tcp', to: { host: '127.0.0.1', port: dns.address.port } },
    ],
    unrouted: 'refuse',
    traceroutes: [
      {
        target: '185.220.101.47',
        hops: [
          { ttl: 1, address: '10.0.0.1', rttMs: [0.4] },
          { ttl: 2, address: '185.220.101.47', rttMs: [9.1] },
        ],
      },
    ],
  };
});

afterAll(async () => {
  sockets.restore();
  await dns.stop();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

const config = (): NetConfig => ({
  resolvers: ['8.8.8.8'],
  proxy: null,
  timeoutMs: 400,
  retries: 0,
  lab: wiring,
  endpoints: {},
});

describe('lab routing', () => {
  it('sends a scenario address to its loopback listener', async () => {
    const connection = await createNet(config()).dial({ host: '185.220.101.47', port: 22 });
    const banner = await connection.read();
    connection.close();
    expect(Buffer.from(banner ?? new Uint8Array()).toString()).toBe('SSH-2.0-LabSSH\r\n');
    expect(connection.remote).toBe('185.220.101.47:22');
  });

  it('resolves through a public resolver address that the lab serves', async () => {
    const response = await createNet(config()).resolver.query('lab.test', 'A');
    expect(response.answers.map((a) => a.data)).toEqual(['185.220.101.47']);
    expect(response.server).toBe('8.8.8.8:53');
  });

  it('refuses unrouted ports and lets filtered ones time out', async () => {
    const lab = createNet(config());
    await expect(lab.dial({ host: '185.220.101.47', port: 25 })).rejects.toThrow(/connection refused/);
    await expect(lab.dial({ host: '203.0.113.9', port: 443 })).rejects.toThrow(/connection refused/);
    const started = Date.now();
    await expect(lab.dial({ host: '185.220.101.47', port: 8443, timeoutMs: 300 })).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await expect(lab.resolver.query('lab.test', 'A', undefined, '1.1.1.1')).rejects.toThrow(/1\.1\.1\.1:53/);
  });

  it('answers traceroute from the scenario and names the endpoints it was given', async () => {
    const lab = createNet({ ...config(), endpoints: { crtsh: 'http://127.0.0.1:1/crtsh' } });
    expect((await lab.traceroute('185.220.101.47')).map((h) => h.address)).toEqual(['10.0.0.1', '185.220.101.47']);
    expect(await lab.traceroute('198.51.100.7')).toEqual([{ ttl: 1, address: '198.51.100.7', rttMs: [1] }]);
    expect(lab.endpoint('crtsh')).toBe('http://127.0.0.1:1/crtsh');
    expect(() => lab.endpoint('nvd')).toThrow(/no endpoint is configured for "nvd"/);
  });

  it('never opened a socket outside 127.0.0.0/8', () => {
    expect(sockets.contacted.length).toBeGreaterThan(0);
    expect(sockets.contacted.filter((address) => !address.startsWith('127.'))).toEqual([]);
  });
});
