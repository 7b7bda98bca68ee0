import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { Net } from '../../../src/shared/scanner';
import { allTypesZone, reverseZone } from './lab-zones';

let server: DnsServer;
let net: Net;

function netFor(resolvers: string[], timeoutMs = 1000, retries = 1): Net {
  return createNet({ resolvers, proxy: null, timeoutMs, retries });
}

/** A UDP socket on 127.0.0.1 that receives queries and answers with whatever `respond` returns. */
async function fakeUdpServer(respond: (query: Buffer) => Buffer[]): Promise<{ port: number; socket: UdpSocket }> {
  const socket = createSocket('udp4');
  socket.on('message', (message, remote) => {
    for (const reply of respond(message)) socket.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, socket };
}

beforeAll(async () => {
  server = await startDnsServer({ zones: [allTypesZone, reverseZone] });
  net = netFor([`127.0.0.1:${server.address.port}`]);
});
afterAll(async () => {
  await server.stop();
});

describe('resolver against the lab DNS server', () => {
  it.each([
    ['A', 'lab.test', '127.0.0.1'],
    ['AAAA', 'lab.test', '2001:db8::1'],
    ['MX', 'lab.test', '10 mail.lab.test'],
    ['NS', 'lab.test', 'ns1.lab.test'],
    ['TXT', 'lab.test', 'v=spf1 -all'],
    ['SOA', 'lab.test', 'ns1.lab.test hostmaster.lab.test 2024010101 7200 3600 1209600 60'],
    ['CAA', 'lab.test', '128 issue "ca.example; account=1"'],
    ['CNAME', 'www.lab.test', 'lab.test'],
    ['SRV', '_sip._tcp.lab.test', '10 60 5060 sip.lab.test'],
    ['PTR', '1.0.0.127.in-addr.arpa', 'localhost.lab.test'],
  ] as const)('answers %s in presentation form', async (type, name, data) => {
    const response = await net.resolver.query(name, type);
    expect(response.rcode).toBe('NOERROR');
    expect(response.authoritative).toBe(true);
    expect(response.truncated).toBe(false);
    expect(response.question).toEqual({ name, type });
    expect(response.server).toBe(`127.0.0.1:${server.address.port}`);
    expect(response.answers).toHaveLength(1);
    expect(response.answers[0]).toMatchObject({ name, type, data });
    expect(response.raw.length).toBeGreaterThan(12);
    expect(packet.decode(Buffer.from(response.raw)).answers?.[0]?.type).toBe(type);
  });

  it('keeps TTLs and echoes EDNS in the additional section', async () => {
    const response = await net.resolver.query('lab.test.', 'A');
    expect(response.answers[0]?.ttl).toBe(120);
    expect(response.additionals?.[0]).toMatchObject({ name: '.', type: 'OPT', data: 'version: 0, flags:; udp: 1232' });
  });

  it('joins TXT strings split at 255 bytes', async () => {
    const response = await net.resolver.query('long.lab.test', 'TXT');
    expect(response.answers[0]?.data).toBe('x'.repeat(600));
  });

  it('follows a CNAME chain the server includes', async () => {
    const response = await net.resolver.query('WWW.Lab.Test', 'A');
    expect(response.answers.map((a) => [a.name, a.type, a.data])).toEqual([
      ['www.lab.test', 'CNAME', 'lab.test'],
      ['lab.test', 'A', '127.0.0.1'],
    ]);
  });

  it('reports NXDOMAIN, NODATA and REFUSED with the SOA where due', async () => {
    const nx = await net.resolver.query('missing.lab.test', 'A');
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.answers).toEqual([]);
    expect(nx.authorities).toEqual([
      {
        name: 'lab.test',
        type: 'SOA',
        ttl: 60,
        data: 'ns1.lab.test hostmaster.lab.test 2024010101 7200 3600 1209600 60',
      },
    ]);
    const nodata = await net.resolver.query('app.lab.test', 'MX');
    expect(nodata.rcode).toBe('NOERROR');
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities[0]?.type).toBe('SOA');
    const empty = await net.resolver.query('empty.lab.test', 'A');
    expect(empty.rcode).toBe('NOERROR');
    const refused = await net.resolver.query('example.org', 'A');
    expect(refused.rcode).toBe('REFUSED');
    expect(refused.authoritative).toBe(false);
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const before = { ...server.queries };
    const response = await net.resolver.query('big.lab.test', 'A');
    expect(response.truncated).toBe(false);
    expect(response.answers).toHaveLength(120);
    expect(server.queries.udp - before.udp).toBe(1);
    expect(server.queries.tcp - before.tcp).toBe(1);
  });

  it('rejects names that are not DNS names before sending anything', async () => {
    await expect(net.resolver.query(`${'a'.repeat(64)}.test`, 'A')).rejects.toThrow(/longer than 63/);
    await expect(net.resolver.query('a..b', 'A')).rejects.toThrow(/empty label/);
    await expect(net.resolver.query('bad name.test', 'A')).rejects.toThrow(/spaces/);
    await expect(net.resolver.query('bücher.de', 'A')).rejects.toThrow(/A-label/);
  });

  it('honours an AbortSignal', async () => {
    const silent = await fakeUdpServer(() => []);
    const controller = new AbortController();
    const started = Date.now();
    const pending = netFor([`127.0.0.1:${silent.port}`], 5000, 0).resolver.query('lab.test', 'A', controller.signal);
    setTimeout(() => controller.abort(new Error('stop now')), 50);
    await expect(pending).rejects.toThrow('stop now');
    expect(Date.now() - started).toBeLessThan(2000);
    silent.socket.close();
  });
});

describe('resolver failures', () => {
  it('fails with a message naming a silent server and saying it timed out, within its timeout', async () => {
    let asked = 0;
    const silent = await fakeUdpServer(() => {
      asked++;
      return [];
    });
    const timeoutMs = 300;
    const retries = 1;
    const started = Date.now();
    const error = await netFor([`127.0.0.1:${silent.port}`], timeoutMs, retries)
      .resolver.query('lab.test', 'A')
      .catch((e: unknown) => e as Error);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`127.0.0.1:${silent.port}`);
    expect((error as Error).message).toMatch(/timed out/);
    // Each try waited its whole timeout, and there were no more tries than allowed.
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs * (retries + 1) - 20);
    expect(asked).toBe(retries + 1);
    silent.socket.close();
  });

  it('fails fast with "refused" when nothing listens on the port', async () => {
    const closed = await fakeUdpServer(() => []);
    const port = closed.port;
    await new Promise<void>((resolve) => closed.socket.close(resolve));
    const started = Date.now();
    await expect(netFor([`127.0.0.1:${port}`], 2000, 2).resolver.query('lab.test', 'A')).rejects.toThrow(
      new RegExp(`127\\.0\\.0\\.1:${port} connection refused`),
    );
    expect(Date.now() - started).toBeLessThan(2000 * 3);
  });

  it('moves to the next server when one times out', async () => {
    const silent = await fakeUdpServer(() => []);
    const response = await netFor(
      [`127.0.0.1:${silent.port}`, `127.0.0.1:${server.address.port}`],
      200,
      1,
    ).resolver.query('lab.test', 'A');
    expect(response.server).toBe(`127.0.0.1:${server.address.port}`);
    expect(response.answers[0]?.data).toBe('127.0.0.1');
    silent.socket.close();
  });

  it('ignores answers with the wrong id or question and takes the real one', async () => {
    const spoofing = await fakeUdpServer((query) => {
      const decoded = packet.decode(query);
      const base = { type: 'response' as const, flags: packet.AUTHORITATIVE_ANSWER };
      const spoofed = packet.encode({
        ...base,
        id: ((decoded.id ?? 0) + 1) & 0xffff,
        questions: decoded.questions,
        answers: [{ name: 'lab.test', type: 'A', ttl: 1, data: '127.6.6.6' }],
      });
      const otherQuestion = packet.encode({
        ...base,
        id: decoded.id,
        questions: [{ name: 'evil.test', type: 'A' }],
        answers: [{ name: 'evil.test', type: 'A', ttl: 1, data: '127.6.6.7' }],
      });
      const real = packet.encode({
        ...base,
        id: decoded.id,
        questions: decoded.questions,
        answers: [{ name: 'lab.test', type: 'A', ttl: 1, data: '127.0.0.9' }],
      });
      return [Buffer.from('garbage'), spoofed, otherQuestion, real];
    });
    const response = await netFor([`127.0.0.1:${spoofing.port}`]).resolver.query('lab.test', 'A');
    expect(response.answers.map((a) => a.data)).toEqual(['127.0.0.9']);
    spoofing.socket.close();
  });

  it('says what it ignored when only wrong packets arrive', async () => {
    const wrong = await fakeUdpServer((query) => [
      Buffer.concat([Buffer.from([query[0] ?? 0, query[1] ?? 0, 0x81]), Buffer.alloc(20, 0xff)]),
    ]);
    await expect(netFor([`127.0.0.1:${wrong.port}`], 200, 0).resolver.query('lab.test', 'A')).rejects.toThrow(
      /timed out after 200 ms \(ignored a malformed response/,
    );
    wrong.socket.close();
  });

  it('fails every use with the reason when the settings are wrong, without throwing at creation', async () => {
    const broken = createNet({ resolvers: ['dns.example.com'], proxy: null, timeoutMs: 100, retries: 0 });
    await expect(broken.resolver.query('lab.test', 'A')).rejects.toThrow(/must be an IP address/);
    const badProxy = createNet({
      resolvers: ['127.0.0.1'],
      proxy: 'http://127.0.0.1:8080',
      timeoutMs: 100,
      retries: 0,
    });
    await expect(badProxy.dial({ host: '127.0.0.1', port: 1 })).rejects.toThrow(/only socks5/);
  });
});
