// The resolver's shared UDP sockets: many queries in flight on one socket, each given the packet
// that answers it and nothing else; sockets rotated, closed when idle, never holding the process.
import { spawn } from 'node:child_process';
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsResolver, type ResolverSettings } from '../../../src/core/net/resolver';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';

interface Received {
  id: number;
  name: string;
  port: number;
  remote: RemoteInfo;
  query: packet.DecodedPacket;
}

/** The address each test name answers with: n17.test → 10.0.0.17. */
function addressFor(name: string): string {
  const n = Number(/^n(\d+)\./.exec(name)?.[1] ?? 0);
  return `10.0.${n >> 8}.${n & 255}`;
}

function answer(query: packet.DecodedPacket, overrides: Partial<packet.Packet> = {}): Buffer {
  const name = query.questions?.[0]?.name ?? '';
  return packet.encode({
    type: 'response',
    id: query.id,
    flags: packet.AUTHORITATIVE_ANSWER,
    questions: query.questions,
    answers: [{ name, type: 'A', ttl: 60, data: addressFor(name) }],
    ...overrides,
  });
}

/**
 * A UDP server that hands every query it receives to `handle`, which may answer at once, later
 * (through `send`), or never.
 */
async function fakeServer(
  handle: (received: Received, send: (bytes: Buffer, to?: RemoteInfo) => void) => void,
): Promise<{ port: number; socket: UdpSocket; received: Received[] }> {
  // Room for every query of a burst: the default buffer holds about 250 small packets.
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  const received: Received[] = [];
  socket.on('message', (message, remote) => {
    const query = packet.decode(message);
    const entry = {
      id: query.id ?? 0,
      name: query.questions?.[0]?.name ?? '',
      port: remote.port,
      remote,
      query,
    };
    received.push(entry);
    handle(entry, (bytes, to = remote) => socket.send(bytes, to.port, to.address));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, socket, received };
}

function resolverFor(port: number, settings: Partial<ResolverSettings> = {}): DnsResolver {
  return new DnsResolver({
    servers: [{ host: '127.0.0.1', port }],
    proxy: null,
    timeoutMs: 2000,
    retries: 0,
    ...settings,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shared UDP sockets', () => {
  it('answers many concurrent queries to one server correctly, over one socket per 128 in flight', async () => {
    const count = 300;
    const held: Received[] = [];
    // Holds every query until all have arrived, then answers in reverse order: all are in flight at once.
    const server = await fakeServer((entry, send) => {
      held.push(entry);
      if (held.length === count) for (const q of [...held].reverse()) send(answer(q.query), q.remote);
    });
    const resolver = resolverFor(server.port);
    const names = Array.from({ length: count }, (_, i) => `n${i}.test`);
    const responses = await Promise.all(names.map((name) => resolver.query(name, 'A')));
    responses.forEach((response, i) => {
      expect(response.question.name).toBe(names[i]);
      expect(response.answers.map((a) => a.data)).toEqual([addressFor(names[i] as string)]);
    });
    const ports = new Set(server.received.map((r) => r.port));
    expect(ports.size).toBe(3);
    // Ids are never reused while in flight on one socket, and they are not sequential.
    const keys = new Set(server.received.map((r) => `${r.port}/${r.id}`));
    expect(keys.size).toBe(count);
    const ids = server.received.map((r) => r.id);
    expect(ids.filter((id, i) => i > 0 && id === (ids[i - 1] ?? 0) + 1).length).toBeLessThan(10);
    resolver.close();
    server.socket.close();
  });

  it('ignores spoofed and crossed answers on the shared socket without disturbing other queries', async () => {
    const count = 40;
    const held: Received[] = [];
    const server = await fakeServer((entry, send) => {
      held.push(entry);
      if (held.length < count) return;
      const ids = new Set(held.map((h) => h.id));
      let unused = 0;
      while (ids.has(unused)) unused += 1;
      held.forEach((q, i) => {
        const other = held[(i + 1) % count] as Received;
        const spoof = (id: number, of: Received, data: string) =>
          answer(of.query, { id, answers: [{ name: of.name, type: 'A', ttl: 1, data }] });
        // Another in-flight query's id with this question, this id with another question, an id
        // nobody uses, garbage, a bare header: all before the real answer.
        send(spoof(other.id, q, '10.6.6.6'), q.remote);
        send(spoof(q.id, other, '10.6.6.7'), q.remote);
        send(spoof(unused, q, '10.6.6.8'), q.remote);
        send(Buffer.from('garbage'), q.remote);
        send(Buffer.from([q.id >> 8, q.id & 255, 0x81, 0x80, 0xff, 0xff]), q.remote);
      });
      for (const q of held) send(answer(q.query), q.remote);
    });
    const resolver = resolverFor(server.port);
    const names = Array.from({ length: count }, (_, i) => `n${i + 1}.test`);
    const responses = await Promise.all(names.map((name) => resolver.query(name, 'A')));
    responses.forEach((response, i) => {
      expect(response.answers.map((a) => a.data)).toEqual([addressFor(names[i] as string)]);
    });
    resolver.close();
    server.socket.close();
  });

  it('times out the one unanswered query, saying what it ignored, while the others are answered', async () => {
    const server = await fakeServer((entry, send) => {
      if (entry.name === 'n9.test') {
        // An id no query sent so far has (so none in flight can take this packet for its own).
        const ids = new Set(server.received.map((r) => r.id));
        let unused = 0;
        while (ids.has(unused)) unused += 1;
        send(answer(entry.query, { id: unused }));
        return;
      }
      send(answer(entry.query));
    });
    const resolver = resolverFor(server.port, { timeoutMs: 300 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => resolver.query(`n${i}.test`, 'A')));
    results.forEach((result, i) => {
      if (i === 9) {
        expect(result.status).toBe('rejected');
        expect(String((result as PromiseRejectedResult).reason)).toMatch(
          new RegExp(
            `127\\.0\\.0\\.1:${server.port} timed out after 300 ms \\(ignored a response with another query id\\)`,
          ),
        );
      } else {
        expect(result.status).toBe('fulfilled');
      }
    });
    resolver.close();
    server.socket.close();
  });

  it('aborts one query without disturbing the others on the socket', async () => {
    const server = await fakeServer((entry, send) => {
      setTimeout(() => send(answer(entry.query)), 100);
    });
    const resolver = resolverFor(server.port);
    const controller = new AbortController();
    const aborted = resolver.query('n1.test', 'A', controller.signal);
    const others = Promise.all([resolver.query('n2.test', 'A'), resolver.query('n3.test', 'A')]);
    controller.abort(new Error('stop this one'));
    await expect(aborted).rejects.toThrow('stop this one');
    const [two, three] = await others;
    expect(two.answers[0]?.data).toBe('10.0.0.2');
    expect(three.answers[0]?.data).toBe('10.0.0.3');
    resolver.close();
    server.socket.close();
  });

  it('moves to a fresh source port every so many queries and closes the old socket', async () => {
    const server = await fakeServer((entry, send) => send(answer(entry.query)));
    const resolver = resolverFor(server.port, { udp: { queriesPerSocket: 10 } });
    for (let i = 0; i < 35; i++) await resolver.query(`n${i}.test`, 'A');
    expect(new Set(server.received.map((r) => r.port)).size).toBe(4);
    expect(resolver.openUdpSockets).toBe(1);
    resolver.close();
    expect(resolver.openUdpSockets).toBe(0);
    server.socket.close();
  });

  it('closes a socket left idle, and opens a new one for the next query', async () => {
    const server = await fakeServer((entry, send) => send(answer(entry.query)));
    const resolver = resolverFor(server.port, { udp: { idleMs: 400 } });
    await resolver.query('n1.test', 'A');
    expect(resolver.openUdpSockets).toBe(1);
    await sleep(200);
    // Used again before the idle time is up: the same socket stays, idle from this query on.
    await resolver.query('n2.test', 'A');
    await sleep(250);
    expect(resolver.openUdpSockets).toBe(1);
    await sleep(800);
    expect(resolver.openUdpSockets).toBe(0);
    const response = await resolver.query('n3.test', 'A');
    expect(response.answers[0]?.data).toBe('10.0.0.3');
    const ports = server.received.map((r) => r.port);
    expect(ports[1]).toBe(ports[0]);
    expect(ports[2]).not.toBe(ports[0]);
    resolver.close();
    server.socket.close();
  });
});

describe('handles', () => {
  let lab: DnsServer;

  beforeAll(async () => {
    lab = await startDnsServer({
      zones: [{ origin: 'lab.test', records: [{ name: '@', type: 'A', data: '127.0.0.7' }] }],
    });
  });
  afterAll(async () => {
    await lab.stop();
  });

  it('keeps no socket referenced once queries are answered', async () => {
    const count = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
    const before = count();
    const resolver = resolverFor(lab.address.port, { udp: { idleMs: 60_000 } });
    await Promise.all(Array.from({ length: 20 }, () => resolver.query('lab.test', 'A')));
    expect(resolver.openUdpSockets).toBe(1);
    expect(count()).toBeLessThanOrEqual(before);
    resolver.close();
  });

  it('lets a process that made queries exit at once, long before its sockets would go idle', async () => {
    const resolverPath = join(import.meta.dirname, '../../../src/core/net/resolver.ts');
    const script = `
      import { DnsResolver } from ${JSON.stringify(resolverPath)};
      const resolver = new DnsResolver({
        servers: [{ host: '127.0.0.1', port: ${lab.address.port} }],
        proxy: null, timeoutMs: 2000, retries: 0, udp: { idleMs: 60000 },
      });
      const response = await resolver.query('lab.test', 'A');
      console.log('answered', response.answers[0].data, resolver.openUdpSockets);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    let answeredAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (answeredAt === 0 && output.includes('answered')) answeredAt = Date.now();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(output.trim()).toBe('answered 127.0.0.7 1');
    expect(code).toBe(0);
    // The socket is still open (idle for 60 s) but unreferenced: the process ends with its work.
    expect(Date.now() - answeredAt).toBeLessThan(3000);
  });
});
