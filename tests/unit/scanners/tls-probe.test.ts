// The TLS probe's pure parts: the cipher-suite table, the ClientHello builder (read back by the
// lab's parser), the server-flight parser (property-tested on arbitrary bytes), the lab's
// synthetic answers for SSL 3.0 and suites Node lacks, the enumeration against scripted servers,
// and the verdicts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Site } from '../../../src/lab/scenario/schema';
import { parseClientHello } from '../../../src/lab/web/client-hello';
import { syntheticAnswer, syntheticSite } from '../../../src/lab/web/synthetic-hello';
import { buildClientHello, x25519PublicKey } from '../../../src/scanners/tls-probe/client-hello';
import { type Attempt, type Outcome, probe } from '../../../src/scanners/tls-probe/probe';
import { parseServerFlight, parseServerHello } from '../../../src/scanners/tls-probe/server-flight';
import { LEGACY_SUITES, SUITES, suiteByCode, TLS13_SUITES } from '../../../src/scanners/tls-probe/suites';
import { judgeProbe } from '../../../src/scanners/tls-probe/verdict';
import { PROTOCOLS, type Protocol, type ProtocolId } from '../../../src/scanners/tls-probe/versions';

const keyShare = x25519PublicKey();
const protocol = (id: ProtocolId): Protocol => PROTOCOLS.find((p) => p.id === id) as Protocol;
const hello = (id: ProtocolId, suites: readonly number[], serverName: string | null = 'shop.test') =>
  Buffer.from(buildClientHello({ protocol: protocol(id), suites, serverName, keyShare }));

const code = (name: string): number => SUITES.find((s) => s.name === name)?.code ?? -1;
const AES128_SHA = code('TLS_RSA_WITH_AES_128_CBC_SHA');
const DES3 = code('TLS_RSA_WITH_3DES_EDE_CBC_SHA');
const RC4 = code('TLS_RSA_WITH_RC4_128_SHA');
const ECDHE_GCM = code('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
const RSA_GCM = code('TLS_RSA_WITH_AES_128_GCM_SHA256');

describe('the cipher-suite table', () => {
  it('has unique codes, the five TLS 1.3 suites and ratings that follow the flags', () => {
    expect(new Set(SUITES.map((s) => s.code)).size).toBe(SUITES.length);
    expect(TLS13_SUITES).toEqual([0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);
    expect(LEGACY_SUITES.length).toBeGreaterThan(200);
    expect(suiteByCode(RC4)).toMatchObject({ rating: 'insecure', flags: ['RC4'], fs: false, openssl: 'RC4-SHA' });
    expect(suiteByCode(DES3)).toMatchObject({ rating: 'weak', flags: ['3DES'] });
    expect(suiteByCode(AES128_SHA)).toMatchObject({ rating: 'legacy', flags: ['CBC-SHA1'], kx: 'RSA', fs: false });
    expect(suiteByCode(ECDHE_GCM)).toMatchObject({ rating: 'secure', fs: true, mac: 'AEAD' });
    expect(suiteByCode(0x0003)).toMatchObject({ rating: 'insecure', export: true });
    expect(suiteByCode(0x0034)).toMatchObject({ rating: 'insecure', auth: 'anon', fs: false });
    for (const suite of SUITES) expect(suite.rating === 'secure', suite.name).toBe(suite.flags.length === 0);
  });
});

describe('buildClientHello', () => {
  it.each(['TLSv1', 'TLSv1.1', 'TLSv1.2'] as const)('offers exactly %s, the suites and SNI', (id) => {
    const info = parseClientHello(hello(id, [ECDHE_GCM, AES128_SHA]));
    expect(info).toEqual({
      version: protocol(id).wire,
      supportedVersions: null,
      suites: [ECDHE_GCM, AES128_SHA],
      serverName: 'shop.test',
    });
  });

  it('offers TLS 1.3 through supported_versions, on a 1.2 hello', () => {
    expect(parseClientHello(hello('TLSv1.3', TLS13_SUITES))).toMatchObject({
      version: 0x0303,
      supportedVersions: [0x0304],
      suites: TLS13_SUITES,
    });
  });

  it('sends SSL 3.0 hellos in an SSL 3.0 record without extensions, and no SNI for addresses', () => {
    const bytes = hello('SSLv3', [AES128_SHA]);
    expect([...bytes.subarray(0, 3)]).toEqual([0x16, 0x03, 0x00]);
    expect(parseClientHello(bytes)).toEqual({
      version: 0x0300,
      supportedVersions: null,
      suites: [AES128_SHA],
      serverName: null,
    });
    expect(parseClientHello(hello('TLSv1.2', [AES128_SHA], null))?.serverName).toBeNull();
  });

  it('round-trips any offer through the lab parser', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROTOCOLS),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 4000 }),
        fc.option(fc.domain(), { nil: null }),
        (p, suites, name) => {
          const info = parseClientHello(
            Buffer.from(buildClientHello({ protocol: p, suites, serverName: name, keyShare })),
          );
          expect(info?.suites).toEqual(suites);
          expect(info?.serverName).toBe(p.id === 'SSLv3' ? null : (name?.toLowerCase() ?? null));
          expect(info?.supportedVersions ?? [info?.version]).toEqual([p.wire]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fits every known suite in one record and refuses an empty offer', () => {
    const bytes = hello('TLSv1.2', LEGACY_SUITES);
    expect(bytes.readUInt16BE(3)).toBe(bytes.length - 5);
    expect(bytes.length).toBeLessThan(16384);
    expect(() => hello('TLSv1.2', [])).toThrow(/1 to 4,000 suites/);
    expect(keyShare).toHaveLength(32);
  });
});

const record = (type: number, body: number[]): number[] => [type, 3, 3, body.length >> 8, body.length & 0xff, ...body];
const serverHello = (version: number, suite: number, extensions: number[] = [], random = new Array(32).fill(7)) => {
  const ext = extensions.length > 0 ? [extensions.length >> 8, extensions.length & 0xff, ...extensions] : [];
  const body = [version >> 8, version & 0xff, ...random, 0, suite >> 8, suite & 0xff, 0, ...ext];
  return [2, 0, body.length >> 8, body.length & 0xff, ...body];
};
const HRR = [...Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex')];

describe('parseServerFlight', () => {
  it('reads a ServerHello, waits for the rest of a split one, and reads supported_versions', () => {
    const bytes = new Uint8Array(record(0x16, serverHello(0x0303, RSA_GCM)));
    expect(parseServerFlight(bytes, false)).toMatchObject({
      complete: true,
      answer: { kind: 'hello', version: 0x0303, suite: RSA_GCM },
    });
    expect(parseServerFlight(bytes.subarray(0, 20), false)).toEqual({ complete: false });
    expect(parseServerFlight(bytes.subarray(0, 20), false, true)).toMatchObject({ answer: { kind: 'unexpected' } });
    const tls13 = record(0x16, serverHello(0x0303, 0x1301, [0x00, 0x2b, 0, 2, 3, 4]));
    expect(parseServerFlight(new Uint8Array(tls13), true)).toMatchObject({
      answer: { version: 0x0304 },
      certificates: null,
    });
  });

  it('recognises a HelloRetryRequest and the group it asks for', () => {
    const bytes = record(0x16, serverHello(0x0303, 0x1302, [0x00, 0x2b, 0, 2, 3, 4, 0x00, 0x33, 0, 2, 0, 0x17], HRR));
    expect(parseServerFlight(new Uint8Array(bytes), false)).toMatchObject({
      answer: { kind: 'hello', helloRetry: true, retryGroup: 0x17, version: 0x0304, suite: 0x1302 },
    });
  });

  it('reads alerts, and tells plain text from TLS', () => {
    expect(parseServerFlight(new Uint8Array(record(0x15, [2, 70])), false)).toMatchObject({
      answer: { kind: 'alert', level: 2, description: 70 },
    });
    expect(parseServerFlight(Buffer.from('HTTP/1.1 400 Bad Request\r\n'), false)).toMatchObject({
      answer: { kind: 'unexpected', reason: expect.stringContaining('plain text') },
    });
  });

  it('never throws on arbitrary bytes, and always completes once the connection has ended', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, want) => {
        parseServerFlight(bytes, want);
        parseServerHello(bytes);
        return parseServerFlight(bytes, want, true).complete;
      }),
      { numRuns: 3000 },
    );
    // Valid framing around arbitrary contents reaches the message parsers.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (body, want) => {
        const framed = new Uint8Array(record(0x16, [2, 0, body.length >> 8, body.length & 0xff, ...body]));
        return parseServerFlight(framed, want, true).complete;
      }),
      { numRuns: 3000 },
    );
  });
});

const httpsSite = (https: Record<string, unknown>) => {
  const site = Site.parse({
    hostname: 'old.test',
    address: '192.0.2.1',
    https: {
      routes: [],
      certificate: { subject: { CN: 'old.test' }, notBefore: '2024-01-01', notAfter: '2030-01-01' },
      ...https,
    },
  });
  if (!site.https) throw new Error('no https');
  return syntheticSite(site.https, [Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05])]);
};
const answer = (site: ReturnType<typeof httpsSite>, bytes: Buffer) => {
  const info = parseClientHello(bytes);
  if (!info) throw new Error('unreadable hello');
  const out = syntheticAnswer(info, site);
  return out === null ? null : parseServerFlight(out, true, true);
};

describe("the lab's synthetic answers", () => {
  const ssl3 = httpsSite({ versions: ['SSLv3'], ciphers: 'AES128-SHA:DES-CBC3-SHA:ECDHE-RSA-AES128-SHA' });
  const legacy = httpsSite({ versions: ['TLSv1', 'TLSv1.1'], ciphers: 'AES128-SHA:DES-CBC3-SHA:RC4-SHA' });

  it('answers SSL 3.0 in its own order with its chain, downgrades older TLS hellos and refuses TLS 1.3', () => {
    expect(answer(ssl3, hello('SSLv3', [DES3, AES128_SHA]))).toMatchObject({
      answer: { kind: 'hello', version: 0x0300, suite: AES128_SHA },
      certificates: [Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05])],
    });
    expect(answer(ssl3, hello('TLSv1.2', [DES3]))).toMatchObject({ answer: { version: 0x0300, suite: DES3 } });
    // Elliptic-curve suites did not exist in SSL 3.0.
    expect(answer(ssl3, hello('SSLv3', [code('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA')]))).toMatchObject({
      answer: { kind: 'alert', description: 40 },
    });
    expect(answer(ssl3, hello('TLSv1.3', TLS13_SUITES))).toMatchObject({ answer: { kind: 'alert', description: 70 } });
  });

  it("leaves Node's suites to Node and answers only those it lacks", () => {
    expect(answer(legacy, hello('TLSv1.1', [AES128_SHA, DES3]))).toBeNull();
    expect(answer(legacy, hello('TLSv1.1', [RC4, DES3]))).toMatchObject({ answer: { version: 0x0302, suite: DES3 } });
    expect(answer(legacy, hello('TLSv1.2', [RC4]))).toMatchObject({ answer: { version: 0x0302, suite: RC4 } });
    expect(answer(legacy, hello('SSLv3', [RC4]))).toBeNull();
    const clientOrder = httpsSite({ versions: ['TLSv1'], ciphers: 'DES-CBC3-SHA:RC4-SHA', cipherOrder: 'client' });
    expect(answer(clientOrder, hello('TLSv1', [RC4, DES3]))).toMatchObject({ answer: { suite: RC4 } });
  });
});

/** A scripted server: the versions it speaks, its suites in order, whose order wins. */
function server(versions: ProtocolId[], suites: number[], order: 'server' | 'client' = 'server'): Attempt {
  return async (p, offered): Promise<Outcome> => {
    if (!versions.includes(p.id)) {
      const lower = PROTOCOLS.filter((q) => versions.includes(q.id) && q.wire < p.wire && q.id !== 'TLSv1.3').at(-1);
      return lower && p.id !== 'TLSv1.3'
        ? {
            kind: 'hello',
            version: lower.wire,
            suite: suites[0] ?? 0,
            compression: 0,
            helloRetry: false,
            retryGroup: null,
          }
        : { kind: 'alert', level: 2, description: 70 };
    }
    const pick = order === 'server' ? suites.find((s) => offered.includes(s)) : offered.find((s) => suites.includes(s));
    return pick === undefined
      ? { kind: 'alert', level: 2, description: 40 }
      : { kind: 'hello', version: p.wire, suite: pick, compression: 0, helloRetry: false, retryGroup: null };
  };
}
const far = { maxConnections: 1000, deadline: Date.now() + 60_000 };

describe('probe', () => {
  it("finds each version and the server's order, and tells server from client preference", async () => {
    const result = await probe(server(['TLSv1.2', 'TLSv1.3'], [RSA_GCM, ECDHE_GCM, 0x1302, 0x1301]), far);
    const byId = Object.fromEntries(result.versions.map((v) => [v.protocol, v]));
    expect(byId['TLSv1.2']).toMatchObject({ accepted: true, suites: [RSA_GCM, ECDHE_GCM], preference: 'server' });
    expect(byId['TLSv1.3']).toMatchObject({ accepted: true, suites: [0x1302, 0x1301], preference: 'server' });
    expect(byId.TLSv1).toMatchObject({ accepted: false, detail: 'alert protocol_version' });
    const client = await probe(server(['TLSv1.2'], [RSA_GCM, ECDHE_GCM], 'client'), far);
    expect(client.versions.find((v) => v.protocol === 'TLSv1.2')?.preference).toBe('client');
  });

  it('does not count a downgraded answer as the version asked for', async () => {
    const result = await probe(server(['TLSv1'], [AES128_SHA]), far);
    expect(result.versions.find((v) => v.protocol === 'TLSv1.2')).toMatchObject({
      accepted: false,
      detail: 'the server chose TLS 1.0',
    });
  });

  it('stops at the connection budget and says so; an unreachable target is reported as such', async () => {
    const everything = server(['TLSv1.2'], [...LEGACY_SUITES]);
    const capped = await probe(everything, { maxConnections: 12, deadline: Date.now() + 60_000 });
    expect(capped).toMatchObject({ connections: 12, capped: true });
    const late = await probe(everything, { maxConnections: 1000, deadline: Date.now() - 1 });
    expect(late).toMatchObject({ connections: 0, capped: true });
    const down = await probe(async () => ({ kind: 'error', reason: 'connection refused' }), far);
    expect(down).toMatchObject({ unreachable: true, connections: 5 });
  });
});

describe('judgeProbe', () => {
  const kinds = async (versions: ProtocolId[], suites: number[], order: 'server' | 'client' = 'server') =>
    judgeProbe(await probe(server(versions, suites, order), far)).map((v) => v.kind);

  it('reports each old version, missing modern ones, weak suites and forward secrecy', async () => {
    expect(await kinds(['SSLv3'], [AES128_SHA, DES3, RC4])).toEqual([
      'sslv3',
      'no-modern-tls',
      'insecure-suites',
      'weak-suites',
      'legacy-suites',
      'no-forward-secrecy',
    ]);
    expect(await kinds(['TLSv1', 'TLSv1.1'], [ECDHE_GCM, AES128_SHA])).toEqual([
      'tls10',
      'tls11',
      'no-modern-tls',
      'legacy-suites',
      'partial-forward-secrecy',
    ]);
    expect(await kinds(['TLSv1.2'], [RSA_GCM, ECDHE_GCM], 'client')).toEqual([
      'no-tls13',
      'partial-forward-secrecy',
      'client-order',
    ]);
    expect(await kinds(['TLSv1.2', 'TLSv1.3'], [ECDHE_GCM, 0x1301])).toEqual([]);
  });
});
