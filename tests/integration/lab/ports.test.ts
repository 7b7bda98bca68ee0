// The scenario's ports over real sockets: banners over TCP (reached through ctx.net by scenario
// address), UDP answers, closed and filtered ports as refusals and silence, the misbehaving ports
// of the hostile scenario, ports left to the web lab, and clean stops.
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type PortLab, startPortListeners } from '../../../src/lab/ports';
import { Host } from '../../../src/lab/scenario/schema';
import type { Connection, LabRoute, Net } from '../../../src/shared/scanner';

const HOST = '198.51.100.5';
const V6 = '2001:db8::5';
const SSH = 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n';

const hosts = [
  {
    address: HOST,
    ports: [
      { port: 22, banner: SSH, product: 'OpenSSH 8.9p1' },
      { port: 22, banner: 'a second entry for port 22 is ignored' },
      { port: 23, state: 'closed' },
      { port: 8443, state: 'filtered' },
      { port: 80, banner: 'served by the web lab instead' },
      { port: 110, behaviour: 'hang', banner: '+OK never sent' },
      { port: 8081, behaviour: 'reset', banner: 'partial banner here\r\n' },
      { port: 143, behaviour: 'slow', banner: '* OK IMAP ready\r\n' },
      { port: 7, behaviour: 'endless', banner: 'ping ' },
      { port: 6379, banner: 'before\u0000after <script>\r\n' },
      { port: 53, proto: 'udp', banner: 'dns-ish answer' },
      { port: 161, proto: 'udp' },
      { port: 123, proto: 'udp', behaviour: 'hang', banner: 'never' },
      { port: 69, proto: 'udp', state: 'closed' },
    ],
  },
  { address: V6, ports: [{ port: 443 }, { port: 2222, banner: 'v6 banner\r\n' }] },
].map((host) => Host.parse(host));

let lab: PortLab;
let net: Net;

function route(address: string, port: number, proto: 'tcp' | 'udp' = 'tcp', of = lab): LabRoute | undefined {
  return of.routes.find((r) => r.address === address && r.port === port && r.proto === proto);
}

function target(address: string, port: number, proto: 'tcp' | 'udp' = 'tcp', of = lab): { host: string; port: number } {
  const to = route(address, port, proto, of)?.to;
  if (!to || typeof to !== 'object') throw new Error(`no listener for ${address}:${port}/${proto}`);
  return to;
}

beforeAll(async () => {
  lab = await startPortListeners(hosts, new Set([`${HOST}:80`, '2001:0db8:0:0::5:443']));
  net = createNet({
    resolvers: ['127.0.0.1'],
    proxy: null,
    timeoutMs: 1000,
    retries: 0,
    lab: { routes: lab.routes, unrouted: 'refuse', traceroutes: [] },
  });
});

afterAll(async () => {
  await lab.stop();
});

async function readFor(connection: Connection, ms: number): Promise<{ text: string; ended: boolean }> {
  const signal = AbortSignal.timeout(ms);
  let text = '';
  try {
    for (let chunk = await connection.read(signal); chunk !== null; chunk = await connection.read(signal)) {
      text += Buffer.from(chunk).toString('latin1');
      if (text.length > 1_000_000) break;
    }
    return { text, ended: true };
  } catch {
    return { text, ended: false };
  } finally {
    connection.close();
  }
}

/** What a raw TCP client gets within `ms`, and how it ended. */
function listenTo(port: number, ms: number, maxBytes = Infinity): Promise<{ data: Buffer; how: string }> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    let size = 0;
    const finish = (how: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(parts), how });
    };
    const timer = setTimeout(() => finish('timeout'), ms);
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) finish('enough');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? 'error'));
    socket.on('close', () => finish('close'));
  });
}

function udpAsk(port: number, message: string, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const finish = (answer: string | null): void => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(null), ms);
    socket.on('message', (data) => finish(data.toString()));
    socket.send(message, port, '127.0.0.1');
  });
}

describe('routes', () => {
  it('routes open ports to listeners, closed to refuse, filtered to drop', () => {
    expect(route(HOST, 22)?.to).toMatchObject({ host: '127.0.0.1' });
    expect(route(HOST, 23)?.to).toBe('refuse');
    expect(route(HOST, 8443)?.to).toBe('drop');
    expect(route(HOST, 69, 'udp')?.to).toBe('refuse');
    expect(route(HOST, 53, 'udp')?.to).toMatchObject({ host: '127.0.0.1' });
    expect(lab.routes.filter((r) => r.address === HOST && r.port === 22)).toHaveLength(1);
  });

  it('leaves ports a site serves to the web lab, whatever the address spelling', () => {
    expect(route(HOST, 80)).toBeUndefined();
    expect(route(V6, 443)).toBeUndefined();
    expect(route(V6, 2222)?.to).toMatchObject({ host: '127.0.0.1' });
  });
});

describe('TCP', () => {
  it('greets with the banner through ctx.net at the scenario address', async () => {
    const connection = await net.dial({ host: HOST, port: 22 });
    const signal = AbortSignal.timeout(1000);
    expect(Buffer.from((await connection.read(signal)) ?? []).toString()).toBe(SSH);
    connection.close();
    const v6 = await net.dial({ host: V6, port: 2222 });
    expect(Buffer.from((await v6.read(AbortSignal.timeout(1000))) ?? []).toString()).toBe('v6 banner\r\n');
    v6.close();
  });

  it('sends banners byte for byte, hostile ones included', async () => {
    const { data } = await listenTo(target(HOST, 6379).port, 300);
    expect(data.toString()).toBe('before\u0000after <script>\r\n');
  });

  it('refuses closed ports at once and lets filtered ones time out', async () => {
    const started = Date.now();
    await expect(net.dial({ host: HOST, port: 23 })).rejects.toThrow(/refused/);
    await expect(net.dial({ host: HOST, port: 9 })).rejects.toThrow(/refused/);
    // Refused, not timed out (the messages say which); the clock only guards against a hang.
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(net.dial({ host: HOST, port: 8443, timeoutMs: 300 })).rejects.toThrow(/timed out|timeout/i);
  });

  it('hang: accepts and says nothing', async () => {
    const connection = await net.dial({ host: HOST, port: 110 });
    expect(await readFor(connection, 400)).toEqual({ text: '', ended: false });
  });

  it('reset: part of the banner, then a reset', async () => {
    const { data, how } = await listenTo(target(HOST, 8081).port, 2000);
    expect(how).toBe('ECONNRESET');
    expect(data.toString()).toBe('partial ba');
  });

  it('slow: one byte a second', async () => {
    const { data, how } = await listenTo(target(HOST, 143).port, 1500);
    expect(how).toBe('timeout');
    expect(data.toString()).toMatch(/^\*( )?$/);
  });

  it('endless: the banner again and again', async () => {
    const { data, how } = await listenTo(target(HOST, 7).port, 5000, 1_000_000);
    expect(how).toBe('enough');
    expect(data.toString('latin1', 0, 20)).toBe('ping ping ping ping ');
  });
});

describe('UDP', () => {
  it('answers any datagram with the banner', async () => {
    expect(await udpAsk(target(HOST, 53, 'udp').port, 'anything', 1000)).toBe('dns-ish answer');
  });

  it('echoes the datagram when there is no banner', async () => {
    expect(await udpAsk(target(HOST, 161, 'udp').port, 'echo me', 1000)).toBe('echo me');
  });

  it('hang: no answer', async () => {
    expect(await udpAsk(target(HOST, 123, 'udp').port, 'hello?', 300)).toBeNull();
  });
});

describe('startPortListeners', () => {
  it('starts and stops 20 times and leaves no handle behind', async () => {
    const counts = (): Map<string, number> => {
      const map = new Map<string, number>();
      for (const kind of process.getActiveResourcesInfo()) map.set(kind, (map.get(kind) ?? 0) + 1);
      return map;
    };
    const before = counts();
    for (let round = 0; round < 20; round++) {
      const started = await startPortListeners(hosts);
      // Live connections in every misbehaving state are cut by stop().
      const clients = [22, 110, 143, 7].map((port) => {
        const socket = connect(target(HOST, port, 'tcp', started).port, '127.0.0.1');
        socket.on('error', () => {});
        socket.on('data', () => {});
        return socket;
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await started.stop();
      for (const client of clients) client.destroy();
    }
    await new Promise((resolve) => setImmediate(resolve));
    for (const [kind, count] of counts()) expect([kind, count]).toEqual([kind, Math.min(count, before.get(kind) ?? 0)]);
  });
});
