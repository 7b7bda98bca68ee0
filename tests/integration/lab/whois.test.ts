// The lab's WHOIS servers over real TCP, reached the way scanners reach them: host names through
// the lab DNS server, lab addresses through the lab's routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import { WhoisRecord } from '../../../src/lab/scenario/schema';
import { startWhoisLab, type WhoisLab } from '../../../src/lab/whois';
import type { Connection, Net } from '../../../src/shared/scanner';

const BIG = 1024 * 1024;

const records = [
  {
    domain: 'example.com',
    registry: [
      'Domain Name: EXAMPLE.COM',
      'Registry Domain ID: 1234_DOMAIN_COM-VRSN',
      'Registrar WHOIS Server: whois.namecheap.com',
      'Registrar: NameCheap, Inc.',
      'Name Server: NS1.EXAMPLE.COM',
      '',
    ].join('\r\n'),
    registrar: {
      server: 'whois.namecheap.com',
      text: 'Domain name: example.com\r\nRegistrant Organization: Example Holdings\r\n',
    },
  },
  {
    domain: 'hangs.com',
    registry: 'Domain Name: HANGS.COM\r\nRegistrar WHOIS Server: whois.tarpit.test\r\n',
    registrar: { server: 'whois.tarpit.test', text: 'never sent', behaviour: 'hang' },
  },
  {
    domain: 'slow.io',
    registry: 'Domain Name: slow.io\r\nRegistrar WHOIS Server: whois.tarpit.test\r\n',
    behaviour: 'slow',
  },
  {
    domain: 'resets.io',
    registry: `Domain Name: resets.io\r\n${'x'.repeat(10_000)}\r\n`,
    behaviour: 'reset',
  },
  { domain: 'endless.io', registry: 'Domain Name: endless.io\r\n', behaviour: 'endless' },
  { domain: 'big.net', registry: `Domain Name: BIG.NET\r\n${'%'.repeat(BIG)}\r\n` },
  { domain: 'own.zz', registry: 'domain: own.zz\n', registryServer: 'whois.registry.zz' },
].map((r) => WhoisRecord.parse(r));

let lab: WhoisLab;
let dns: DnsServer;
let net: Net;

beforeAll(async () => {
  lab = await startWhoisLab(records);
  dns = await startDnsServer({ zones: lab.zones });
  net = createNet({
    resolvers: [`127.0.0.1:${dns.address.port}`],
    proxy: null,
    timeoutMs: 1000,
    retries: 0,
    lab: { routes: lab.routes, unrouted: 'refuse', traceroutes: [] },
  });
});

afterAll(async () => {
  await lab?.stop();
  await dns?.stop();
});

async function readAll(conn: Connection, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const chunk = await conn.read(signal);
    if (chunk === null) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function whois(host: string, query: string, signal?: AbortSignal): Promise<string> {
  const conn = await net.dial({ host, port: 43 });
  try {
    await conn.write(Buffer.from(`${query}\r\n`));
    return (await readAll(conn, signal)).toString('utf8');
  } finally {
    conn.close();
  }
}

describe('WHOIS lab', () => {
  it('serves one listener, address, route and A record per server name', () => {
    const names = lab.servers.map((s) => s.hostname).sort();
    expect(names).toEqual([
      'whois.iana.org',
      'whois.namecheap.com',
      'whois.nic.io',
      'whois.registry.zz',
      'whois.tarpit.test',
      'whois.verisign-grs.com',
    ]);
    for (const server of lab.servers) {
      expect(server.address).toMatch(/^192\.0\.2\.\d+$/);
      expect(server.port).toBe(43);
      expect(lab.routes).toContainEqual({ address: server.address, port: 43, proto: 'tcp', to: server.listener });
      const zone = lab.zones.find((z) => z.origin === server.hostname);
      expect(zone?.records).toContainEqual({ name: '@', type: 'A', data: server.address });
    }
    expect(new Set(lab.servers.map((s) => s.address)).size).toBe(lab.servers.length);
  });

  it('answers a two-step lookup: registry, then the registrar it refers to', async () => {
    const registry = await whois('whois.verisign-grs.com', 'example.com');
    expect(registry).toContain('Domain Name: EXAMPLE.COM');
    const referral = /^Registrar WHOIS Server:\s*(\S+)/m.exec(registry)?.[1];
    expect(referral).toBe('whois.namecheap.com');
    const registrar = await whois(referral ?? '', 'example.com');
    expect(registrar).toContain('Registrant Organization: Example Holdings');
  });

  it('treats queries case-insensitively and accepts Verisign\'s "domain" form', async () => {
    expect(await whois('whois.verisign-grs.com', 'EXAMPLE.Com')).toContain('Domain Name: EXAMPLE.COM');
    expect(await whois('whois.verisign-grs.com', 'domain example.com')).toContain('Domain Name: EXAMPLE.COM');
  });

  it('prints the registry\'s "No match" text for unknown domains', async () => {
    const text = await whois('whois.verisign-grs.com', 'unknown-name.com');
    expect(text).toMatch(/^No match for "UNKNOWN-NAME\.COM"\.\r\n>>> Last update of whois database: /);
    expect(await whois('whois.nic.io', 'unknown.io')).toMatch(/^Domain not found\./);
    expect(await whois('whois.namecheap.com', 'other.com')).toMatch(/^No match for domain "OTHER\.COM"/);
  });

  it('refers from whois.iana.org to the registry of each scenario TLD', async () => {
    expect(await whois('whois.iana.org', 'com')).toMatch(/^refer:\s+whois\.verisign-grs\.com$/m);
    expect(await whois('whois.iana.org', 'slow.io')).toMatch(/^refer:\s+whois\.nic\.io$/m);
    expect(await whois('whois.iana.org', 'own.zz')).toMatch(/^refer:\s+whois\.registry\.zz$/m);
    expect(await whois('whois.iana.org', 'nothing.qq')).toContain('This query returned 0 objects');
    expect(await whois('whois.registry.zz', 'own.zz')).toBe('domain: own.zz\n');
  });

  it('sends a 1 MB answer whole', async () => {
    const text = await whois('whois.verisign-grs.com', 'big.net');
    expect(text.length).toBe('Domain Name: BIG.NET\r\n'.length + BIG + 2);
  });

  it('hangs for a hanging registrar: only the client deadline ends it', async () => {
    // The registry answers normally; the registrar it refers to never does.
    expect(await whois('whois.verisign-grs.com', 'hangs.com')).toContain('whois.tarpit.test');
    const conn = await net.dial({ host: 'whois.tarpit.test', port: 43 });
    await conn.write(Buffer.from('hangs.com\r\n'));
    const started = Date.now();
    await expect(conn.read(AbortSignal.timeout(300))).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    conn.close();
  });

  it('sends one byte a second for a slow record', async () => {
    const conn = await net.dial({ host: 'whois.nic.io', port: 43 });
    await conn.write(Buffer.from('slow.io\r\n'));
    const got: Uint8Array[] = [];
    const deadline = AbortSignal.timeout(1500);
    await expect(
      (async () => {
        for (;;) {
          const chunk = await conn.read(deadline);
          if (chunk === null) return;
          got.push(chunk);
        }
      })(),
    ).rejects.toThrow();
    conn.close();
    const text = Buffer.concat(got).toString();
    expect(text.length).toBeGreaterThanOrEqual(1);
    expect(text.length).toBeLessThanOrEqual(3);
    expect('Domain Name: slow.io'.startsWith(text)).toBe(true);
  });

  it('resets the connection part-way for a resetting record', async () => {
    const conn = await net.dial({ host: 'whois.nic.io', port: 43 });
    await conn.write(Buffer.from('resets.io\r\n'));
    await expect(readAll(conn, AbortSignal.timeout(2000))).rejects.toThrow(/reset|ECONNRESET/i);
    conn.close();
  });

  it('never ends an endless answer: the client decides when it has read enough', async () => {
    const conn = await net.dial({ host: 'whois.nic.io', port: 43 });
    await conn.write(Buffer.from('endless.io\r\n'));
    let total = 0;
    while (total < 2 * BIG) {
      const chunk = await conn.read(AbortSignal.timeout(2000));
      expect(chunk).not.toBeNull();
      total += chunk?.length ?? 0;
    }
    conn.close();
  });

  it('answers a client that half-closes without a line end, and bounds the query', async () => {
    const listener = lab.servers.find((s) => s.hostname === 'whois.verisign-grs.com')?.listener;
    expect(listener).toBeDefined();
    const { connect } = await import('node:net');
    const ask = (payload: Buffer, end: boolean) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(listener?.port ?? 0, '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (c) => chunks.push(c));
        socket.on('error', reject);
        socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
        if (end) socket.end(payload);
        else socket.write(payload);
      });
    expect(await ask(Buffer.from('example.com'), true)).toContain('Domain Name: EXAMPLE.COM');
    expect(await ask(Buffer.alloc(5000, 0x61), false)).toContain('query too long');
  });
});

describe('WHOIS lab lifecycle', () => {
  it('starts and stops 20 times leaving no handle behind', async () => {
    const count = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap' || r === 'Timeout')
        .length;
    // Sockets of the tests above may still be closing.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = count();
    for (let i = 0; i < 20; i++) {
      const other = await startWhoisLab(records);
      // A client mid-way through a slow answer and one stuck on a hanging server must not outlive stop().
      const slow = other.servers.find((s) => s.hostname === 'whois.nic.io')?.listener;
      const hang = other.servers.find((s) => s.hostname === 'whois.tarpit.test')?.listener;
      const { connect } = await import('node:net');
      const clients = [
        [slow, 'slow.io'],
        [hang, 'hangs.com'],
      ].map(([to, query]) => {
        const target = to as { port: number };
        const socket = connect(target.port, '127.0.0.1');
        socket.on('error', () => {});
        // Reading keeps the socket flowing, so the server's close reaches it as 'close'.
        socket.resume();
        socket.write(`${query as string}\r\n`);
        return new Promise<void>((resolve) => socket.on('close', () => resolve()));
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await other.stop();
      await Promise.all(clients);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(count()).toBeLessThanOrEqual(before);
  });
});
