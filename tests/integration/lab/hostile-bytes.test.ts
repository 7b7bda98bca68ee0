// The hostile scenario's raw bytes (invalid UTF-8 and NUL, written as { "base64": ... }) read back
// over the real protocols from loopback: a TCP banner, an HTTP head and body, TXT rdata and WHOIS
// answers arrive exactly as the scenario says, with nothing decoded or replaced on the way; and
// the DNS and WHOIS scanners read them without failing.
import { connect } from 'node:net';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { dnsScanner } from '../../../src/scanners/dns/scanner';
import { whoisScanner } from '../../../src/scanners/whois/scanner';
import type { Net } from '../../../src/shared/scanner';
import { runScanner, startLabNet } from '../../helpers/scanner-harness';
import { askUdp } from './dnssec-verify';
import { exchange } from './raw-exchange';

const HOST = '203.0.113.66';
/** Bytes no UTF-8 decoder accepts: ff and fe never occur, c3 needs a continuation byte, 28 is not one. */
const BAD = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
const bytes = (...parts: (string | Buffer)[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : part)));
/** The body of /bytes: invalid UTF-8 and NUL in the title and the body. */
const PAGE = bytes('<html><head><title>', BAD, ' title\0nul</title></head><body>', BAD, '\0</body></html>');

let lab: Lab;
let net: Net;

beforeAll(async () => {
  ({ lab, net } = await startLabNet('hostile'));
}, 60_000);
afterAll(() => lab?.stop());

/** The loopback listener the lab wired a scenario address and TCP port to. */
function listener(address: string, port: number): { host: string; port: number } {
  const to = lab.net.lab.routes.find((r) => r.address === address && r.port === port && r.proto === 'tcp')?.to;
  if (typeof to !== 'object') throw new Error(`no listener for ${address}:${port}`);
  expect(to.host).toMatch(/^127\./);
  return to;
}

async function whois(server: string, query: string): Promise<Buffer> {
  const connection = await net.dial({ host: server, port: 43 });
  await connection.write(Buffer.from(`${query}\r\n`));
  const parts: Buffer[] = [];
  for (let chunk = await connection.read(); chunk; chunk = await connection.read()) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('hostile bytes over the wire', () => {
  it('greets on port 23 with a banner of invalid UTF-8 and a NUL, byte for byte', async () => {
    const { host, port } = listener(HOST, 23);
    const expected = bytes(BAD, ' login\0:\r\n');
    const { data } = await exchange(connect(port, host), null, 2000, expected.length);
    expect(data).toEqual(expected);
  });

  it('serves /bytes with a raw header value, title and body', async () => {
    const { host, port } = listener(HOST, 80);
    const request = 'GET /bytes HTTP/1.1\r\nHost: hostile-lab.com\r\n\r\n';
    const { data, ended } = await exchange(connect(port, host), request, 2000);
    expect(ended).toBe('close');
    const split = data.indexOf('\r\n\r\n');
    const head = data.subarray(0, split);
    const body = data.subarray(split + 4);
    expect(head.includes(bytes('\r\nX-Bytes: value ', BAD, ' end\r\n'))).toBe(true);
    expect(head.includes(`\r\nContent-Length: ${PAGE.length}\r\n`)).toBe(true);
    expect(body).toEqual(PAGE);
  });

  it('hands the same body to the project HTTP client untouched', async () => {
    const response = await net.http({ url: 'http://hostile-lab.com/bytes', timeoutMs: 5000 });
    expect(response.status).toBe(200);
    expect(Buffer.from(response.body)).toEqual(PAGE);
  });

  it('answers the apex TXT query with a byte string holding invalid UTF-8 and a NUL', async () => {
    // The lab's DNS server listens on 127.0.0.1; askUdp sends there.
    const [server = ''] = lab.net.resolvers;
    expect(server).toMatch(/^127\.0\.0\.1:\d+$/);
    const query = packet.encode({
      type: 'query',
      id: 4242,
      flags: packet.RECURSION_DESIRED,
      questions: [{ type: 'TXT', name: 'hostile-lab.com' }],
    });
    const answer = packet.decode(await askUdp(Number(server.split(':')[1]), query));
    expect((answer.flags ?? 0) & packet.TRUNCATED_RESPONSE).toBe(0);
    const strings = answer.answers?.flatMap((a) => (a.type === 'TXT' ? [a.data] : [])) ?? [];
    expect(strings).toContainEqual([Buffer.from('bytes: '), bytes(BAD, ' txt\0nul')]);
  });

  it('answers WHOIS for bytes-whois.com at the registry and the registrar with invalid UTF-8', async () => {
    const registry = await whois('whois.verisign-grs.com', 'bytes-whois.com');
    expect(registry).toEqual(
      bytes(
        '   Domain Name: BYTES-WHOIS.COM\r\n',
        '   Registrar WHOIS Server: whois.hostile-registrar.test\r\n',
        '   Registrar: Hostile Registrar ',
        BAD,
        '\r\n',
        '   Creation Date: 2024-11-05T10:00:00Z\r\n',
        '   Registry Expiry Date: 2025-11-05T10:00:00Z\r\n',
        '   Name Server: NS1.HOSTILE-LAB.COM\r\n',
      ),
    );
    const registrar = await whois('whois.hostile-registrar.test', 'bytes-whois.com');
    expect(registrar).toEqual(
      bytes(
        'Domain Name: bytes-whois.com\r\n',
        'Registrant Organization: ',
        BAD,
        ' org\0nul\r\n',
        'Registrant Country: \xc3\x28\r\n',
        'Registrar Abuse Contact Email: abuse@',
        BAD,
        '.test\r\n',
      ),
    );
  });
});

describe('scanners reading the hostile bytes', () => {
  it('dns: finishes and keeps the TXT bytes escaped in its evidence', async () => {
    const run = await runScanner(dnsScanner, { type: 'domain', value: 'hostile-lab.com' }, net);
    const text = run.evidence.map((e) => e.content).join('\n');
    expect(text).toContain('IN\tTXT\tbytes: \\255\\254\\195( txt\\000nul\n');
  });

  it('whois: finishes and reads the registrar despite invalid UTF-8 in its name', async () => {
    const run = await runScanner(whoisScanner, { type: 'domain', value: 'bytes-whois.com' }, net);
    const registrar = run.entities.find((e) => e.entity.type === 'registrar');
    expect(registrar?.entity.value).toMatch(/^Hostile Registrar /);
  });
});
