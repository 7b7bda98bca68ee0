import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import { allTypesZone } from './lab-zones';

let server: DnsServer;

function udpAsk(port: number, query: Buffer, timeoutMs = 1000): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.on('message', (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(message);
    });
    socket.send(query, port, '127.0.0.1');
  });
}

/** Sends raw bytes over TCP and collects `count` length-prefixed replies. */
function tcpAsk(port: number, writes: Buffer[], count: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buffer = Buffer.alloc(0);
    const replies: Buffer[] = [];
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        replies.push(buffer.subarray(2, 2 + buffer.readUInt16BE(0)));
        buffer = buffer.subarray(2 + buffer.readUInt16BE(0));
      }
      if (replies.length >= count) {
        socket.destroy();
        resolve(replies);
      }
    });
    socket.on('connect', async () => {
      for (const write of writes) {
        socket.write(write);
        await new Promise((r) => setTimeout(r, 10));
      }
    });
  });
}

function query(name: string, type: packet.RecordType, edns?: number, extra: Partial<packet.Packet> = {}): Buffer {
  return packet.encode({
    type: 'query',
    id: 4242,
    flags: packet.RECURSION_DESIRED,
    questions: [{ name, type }],
    additionals:
      edns === undefined
        ? []
        : [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: edns,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ],
    ...extra,
  });
}

function framed(message: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(message.length);
  return Buffer.concat([prefix, message]);
}

function rcodeOf(reply: Buffer): string {
  return (packet.decode(reply) as unknown as { rcode: string }).rcode;
}

beforeAll(async () => {
  server = await startDnsServer({ zones: [allTypesZone] });
});
afterAll(async () => {
  await server.stop();
});

describe('lab DNS server', () => {
  it('serves UDP and TCP on the same port', async () => {
    const udp = await udpAsk(server.address.port, query('app.lab.test', 'A', 1232));
    const [tcp] = await tcpAsk(server.address.port, [framed(query('app.lab.test', 'A'))], 1);
    for (const reply of [udp, tcp]) {
      const decoded = packet.decode(reply as Buffer);
      expect(decoded.id).toBe(4242);
      expect(decoded.flag_aa).toBe(true);
      expect(decoded.flag_rd).toBe(true);
      expect(decoded.answers?.[0]).toMatchObject({ name: 'app.lab.test', type: 'A', data: '127.0.0.1' });
    }
  });

  it('echoes EDNS only when the query carries an OPT record, with the DO bit', async () => {
    const withOpt = packet.decode(
      (await udpAsk(
        server.address.port,
        packet.encode({
          type: 'query',
          id: 1,
          questions: [{ name: 'lab.test', type: 'A' }],
          additionals: [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: 4096,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: packet.DNSSEC_OK,
              flag_do: true,
              options: [],
            },
          ],
        }),
      )) as Buffer,
    );
    const opt = withOpt.additionals?.find((a) => a.type === 'OPT') as packet.OptAnswer;
    expect(opt.udpPayloadSize).toBe(1232);
    expect(opt.flag_do).toBe(true);
    const without = packet.decode((await udpAsk(server.address.port, query('lab.test', 'A'))) as Buffer);
    expect(without.additionals).toEqual([]);
  });

  it('answers BADVERS to an EDNS version it does not know', async () => {
    const reply = packet.decode(
      (await udpAsk(
        server.address.port,
        packet.encode({
          type: 'query',
          id: 2,
          questions: [{ name: 'lab.test', type: 'A' }],
          additionals: [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: 1232,
              extendedRcode: 0,
              ednsVersion: 1,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ],
        }),
      )) as Buffer,
    );
    expect((reply.additionals?.[0] as packet.OptAnswer | undefined)?.extendedRcode).toBe(1);
    expect(reply.answers).toEqual([]);
  });

  it('truncates with TC when a UDP answer exceeds 512 bytes without EDNS, or the EDNS size', async () => {
    const plain = packet.decode((await udpAsk(server.address.port, query('big.lab.test', 'A'))) as Buffer);
    expect(plain.flag_tc).toBe(true);
    expect(plain.answers).toEqual([]);
    const small = await udpAsk(server.address.port, query('big.lab.test', 'A', 600));
    expect((small as Buffer).length).toBeLessThanOrEqual(600);
    expect(packet.decode(small as Buffer).flag_tc).toBe(true);
    const large = packet.decode((await udpAsk(server.address.port, query('big.lab.test', 'A', 4096))) as Buffer);
    expect(large.flag_tc).toBe(false);
    expect(large.answers).toHaveLength(120);
    const [tcp] = await tcpAsk(server.address.port, [framed(query('big.lab.test', 'A'))], 1);
    expect(packet.decode(tcp as Buffer).answers).toHaveLength(120);
  });

  it('answers NXDOMAIN, NODATA, REFUSED, FORMERR and NOTIMP where due', async () => {
    const ask = async (bytes: Buffer) => (await udpAsk(server.address.port, bytes)) as Buffer;
    expect(rcodeOf(await ask(query('nope.lab.test', 'A')))).toBe('NXDOMAIN');
    const nodata = packet.decode(await ask(query('app.lab.test', 'TXT')));
    expect((nodata as unknown as { rcode: string }).rcode).toBe('NOERROR');
    expect(nodata.authorities?.[0]?.type).toBe('SOA');
    expect((nodata.authorities?.[0] as { ttl?: number } | undefined)?.ttl).toBe(60);
    expect(rcodeOf(await ask(query('empty.lab.test', 'A')))).toBe('NOERROR');
    expect(rcodeOf(await ask(query('other.test', 'A')))).toBe('REFUSED');
    expect(rcodeOf(await ask(query('lab.test', 'A', undefined, { questions: [] })))).toBe('FORMERR');
    const malformed = Buffer.concat([query('lab.test', 'A').subarray(0, 12), Buffer.from([0xc0, 0xff, 0xff])]);
    const formerr = await ask(malformed);
    expect(formerr.readUInt16BE(0)).toBe(4242);
    expect((formerr[3] ?? 0) & 0x0f).toBe(1);
    const notify = query('lab.test', 'SOA');
    notify[2] = (notify[2] ?? 0) | (4 << 3);
    expect(((await ask(notify))[3] ?? 0) & 0x0f).toBe(4);
    const chaos = packet.encode({
      type: 'query',
      id: 9,
      questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }],
    });
    expect(rcodeOf(await ask(chaos))).toBe('REFUSED');
  });

  it('never answers a response packet or a runt', async () => {
    const response = packet.encode({ type: 'response', id: 7, questions: [{ name: 'lab.test', type: 'A' }] });
    expect(await udpAsk(server.address.port, response, 200)).toBeNull();
    expect(await udpAsk(server.address.port, Buffer.from([1, 2, 3]), 200)).toBeNull();
  });

  it('handles pipelined and split TCP messages on one connection', async () => {
    const both = Buffer.concat([framed(query('lab.test', 'A')), framed(query('lab.test', 'MX'))]);
    const replies = await tcpAsk(
      server.address.port,
      [both.subarray(0, 5), both.subarray(5, 40), both.subarray(40)],
      2,
    );
    expect(replies.map((r) => packet.decode(r).answers?.[0]?.type)).toEqual(['A', 'MX']);
  });

  it('survives clients that reset their connection', async () => {
    for (let i = 0; i < 5; i++) {
      const socket = connect({ host: '127.0.0.1', port: server.address.port });
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.on('connect', resolve));
      socket.write(Buffer.from([0, 40, 1, 2]));
      socket.resetAndDestroy();
    }
    const reply = await udpAsk(server.address.port, query('lab.test', 'A'));
    expect(packet.decode(reply as Buffer).answers).toHaveLength(1);
  });

  it('starts and stops 20 times, closing every socket each time', async () => {
    for (let i = 0; i < 20; i++) {
      const s = await startDnsServer({ zones: [allTypesZone] });
      // A TCP client left connected must not keep stop() waiting.
      const client = connect({ host: '127.0.0.1', port: s.address.port });
      client.on('error', () => {});
      await new Promise<void>((resolve) => client.on('connect', resolve));
      const reply = await udpAsk(s.address.port, query('lab.test', 'A'));
      expect(reply).not.toBeNull();
      await s.stop();
      // Both ports are free again: nothing was left open.
      const udp = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(s.address.port, '127.0.0.1', resolve);
      });
      udp.close();
      const tcp = createServer();
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(s.address.port, '127.0.0.1', resolve);
      });
      await new Promise((resolve) => tcp.close(resolve));
    }
  });

  it('rejects invalid zone data with the field that is wrong', async () => {
    await expect(
      startDnsServer({ zones: [{ origin: 'x.test', records: [{ name: '@', type: 'MX', data: 'mail.x.test' }] }] }),
    ).rejects.toThrow(/preference exchange/);
  });
});
