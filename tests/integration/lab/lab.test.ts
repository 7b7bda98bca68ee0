// The composed lab: every server of a scenario started and stopped together, its wiring used
// by the real network layer, and lab start failing clearly when a port is taken.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGeoReader } from '../../../src/core/geo';
import { createNet } from '../../../src/core/net';
import { netConfig } from '../../../src/core/service/net-config';
import { builtinScenario } from '../../../src/lab/builtin';
import { type Lab, startLab } from '../../../src/lab/lab';
import { loadScenario } from '../../../src/lab/scenario/load';
import { dnsScanner } from '../../../src/scanners/dns/scanner';
import { type Net, type ScanEvent, scanPolicy } from '../../../src/shared/scanner';

const nova = loadScenario(builtinScenario('nova-parcels'));
let lab: Lab;
let net: Net;

beforeAll(async () => {
  lab = await startLab(nova);
  net = createNet(netConfig(lab.net));
});
afterAll(() => lab.stop());

async function scan(value: string): Promise<ScanEvent[]> {
  const events: ScanEvent[] = [];
  const log = () => {};
  for await (const event of dnsScanner.run(
    { type: 'domain', value, props: {} },
    {
      net,
      signal: new AbortController().signal,
      options: {},
      log: { debug: log, info: log, warn: log },
      policy: scanPolicy({ allowInternal: false }, lab.net.lab),
    },
  )) {
    events.push(event);
  }
  return events;
}

describe('startLab', () => {
  it('serves the scenario to the DNS scanner', async () => {
    const events = await scan('nova-parcels.com');
    const relations = events.flatMap((e) =>
      e.kind === 'relation' ? [`${e.from.value} ${e.relation} ${e.to.value}`] : [],
    );
    expect(relations).toEqual(
      expect.arrayContaining([
        'nova-parcels.com resolves_to 185.220.101.47',
        'nova-parcels.com has_ns ns1.nova-dns.net',
        'nova-parcels.com has_mx mail.nova-parcels.com',
        '185.220.101.47 ptr_to srv47.hostvale.nl',
      ]),
    );
  });

  it('routes web, WHOIS, open ports and the API, and lets a public resolver disagree', async () => {
    const page = await net.http({ url: 'https://nova-parcels.com/', timeoutMs: 5000 });
    expect(page.status).toBe(200);
    expect(Buffer.from(page.body).toString()).toContain('<title>Nova Parcels');
    const tls = await net.dialTls({ host: '185.220.101.47', port: 443, servername: 'nova-returns.co' });
    expect(tls.peerCertificatesDer().length).toBeGreaterThan(0);
    tls.close();

    const whois = await net.dial({ host: 'whois.verisign-grs.com', port: 43 });
    await whois.write(Buffer.from('nova-parcels.com\r\n'));
    let text = '';
    for (let chunk = await whois.read(); chunk; chunk = await whois.read()) text += Buffer.from(chunk).toString();
    expect(text).toContain('Registrar WHOIS Server: whois.namecheap.com');

    const ssh = await net.dial({ host: '185.220.101.47', port: 22 });
    expect(Buffer.from((await ssh.read()) ?? []).toString()).toMatch(/^SSH-2\.0-OpenSSH_8\.2p1/);
    ssh.close();
    await expect(net.dial({ host: '185.220.101.47', port: 21 })).rejects.toThrow(/refused/);

    const ct = await net.http({ url: `${net.endpoint('crtsh')}/?q=nova-parcels.com&output=json` });
    expect(JSON.parse(Buffer.from(ct.body).toString()).length).toBeGreaterThan(0);

    const google = await net.resolver.query('nova-tracking.net', 'A', undefined, '8.8.8.8');
    const yandex = await net.resolver.query('nova-tracking.net', 'A', undefined, '77.88.8.8');
    expect(google.answers.map((a) => a.data)).toEqual(['185.220.101.47']);
    expect(yandex.answers.map((a) => a.data)).toEqual(['45.137.21.9']);
    expect(await net.traceroute('185.220.101.47')).toHaveLength(7);
  });

  it('writes a GeoIP database that the same reader as for GeoLite2 and DB-IP files reads', async () => {
    const geo = await openGeoReader([lab.geoDb]);
    expect(geo.lookup('185.220.101.47')).toMatchObject({
      country: 'NL',
      city: 'Amsterdam',
      asn: 205100,
      org: 'Hostvale B.V.',
    });
    expect(geo.lookup('104.21.32.77')).toMatchObject({ country: 'US', asn: 13335 });
    expect(geo.lookup('192.0.2.1')).toBeNull();
  });

  it('fails to start with a message naming a port that cannot be bound, and leaves nothing behind', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startLab(nova, { dnsPort: port })).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}`));
    } finally {
      blocker.close();
    }
  });

  it('releases every socket when stopped, 20 times over', async () => {
    const handles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    const small = loadScenario(builtinScenario('nova-parcels'));
    const before = handles();
    for (let i = 0; i < 20; i++) await (await startLab(small)).stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handles()).toBeLessThanOrEqual(before);
  }, 120_000);
});
