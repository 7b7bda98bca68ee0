// The resolver's DNSSEC queries against the lab DNS server on loopback: DO brings RRSIGs, their
// absence leaves them out, and an answer too big for UDP is asked again over TCP with DO kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { signZones } from '../../../src/lab/dns/dnssec';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import { parseMessage } from '../../../src/shared/dns/message';
import type { Net } from '../../../src/shared/scanner';

let server: DnsServer;
let net: Net;

beforeAll(async () => {
  const signed = signZones(
    [
      {
        origin: 'rsa.test',
        records: [
          { name: '@', type: 'SOA', data: 'ns1.rsa.test hostmaster.rsa.test 1 7200 3600 1209600 120' },
          { name: 'www', type: 'A', data: '192.0.2.10' },
          // With its RSA signature, more than the 1232 bytes a UDP answer may carry.
          { name: 'big', type: 'TXT', data: ['a'.repeat(250), 'b'.repeat(250), 'c'.repeat(250), 'd'.repeat(250)] },
        ],
      },
    ],
    [{ zone: 'rsa.test', algorithm: 8 }],
  );
  server = await startDnsServer({ zones: signed.zones, ds: signed.ds });
  net = createNet({ resolvers: [`127.0.0.1:${server.address.port}`], proxy: null, timeoutMs: 2000, retries: 0 });
});
afterAll(async () => {
  await server?.stop();
});

describe('resolver with { dnssec: true }', () => {
  it('asks with DO and CD and gets the RRSIGs, which plain queries do not', async () => {
    const signed = await net.resolver.query('www.rsa.test', 'A', undefined, undefined, { dnssec: true });
    expect(signed.answers.map((a) => a.type)).toEqual(['A', 'RRSIG']);
    expect(signed.answers[1]?.data).toMatch(/^A 8 3 300 \d{14} \d{14} \d+ rsa\.test\. [A-Za-z0-9+/=]+$/);
    expect(signed.additionals?.find((a) => a.type === 'OPT')?.data).toMatch(/flags: do;/);
    expect((parseMessage(signed.raw).flags & 0x10) !== 0).toBe(true); // CD echoed
    const plain = await net.resolver.query('www.rsa.test', 'A');
    expect(plain.answers.map((a) => a.type)).toEqual(['A']);
  });

  it('answers DNSKEY and DS in presentation form', async () => {
    const keys = await net.resolver.query('rsa.test', 'DNSKEY', undefined, undefined, { dnssec: true });
    expect(keys.answers.filter((a) => a.type === 'DNSKEY').map((a) => a.data.split(' ').slice(0, 3))).toEqual([
      ['257', '3', '8'],
      ['256', '3', '8'],
    ]);
    const ds = await net.resolver.query('rsa.test', 'DS', undefined, undefined, { dnssec: true });
    expect(ds.answers[0]?.data).toMatch(/^\d+ 8 2 [0-9A-F]{64}$/);
  });

  it('asks again over TCP when the signed answer does not fit in UDP', async () => {
    const before = server.queries.tcp;
    const big = await net.resolver.query('big.rsa.test', 'TXT', undefined, undefined, { dnssec: true });
    expect(big.truncated).toBe(false);
    expect(big.answers.map((a) => a.type)).toEqual(['TXT', 'RRSIG']);
    expect(server.queries.tcp).toBe(before + 1);
  });
});
