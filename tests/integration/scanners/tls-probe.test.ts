// The TLS versions and ciphers probe against the lab's TLS sites: hostile-tls.com's legacy, SSL
// 3.0-only, TLS 1.3-only, RSA-only and client-ordered servers, and nova-parcels' sites. Every
// version verdict, weak suite rating, forward-secrecy verdict and preference order is met here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { tlsProbeScanner } from '../../../src/scanners/tls-probe/scanner';
import type { EntityType, JsonValue } from '../../../src/shared/model';
import { type Net, type ScanPolicy, scanPolicy } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun, startLabNet } from '../../helpers/scanner-harness';

let policy: ScanPolicy;

async function scan(net: Net, value: string, type: EntityType = 'domain', options: Record<string, JsonValue> = {}) {
  const run = await runScanner(tlsProbeScanner, { type, value }, net, options, { policy });
  checkScanContract(run, { category: 'certificates' });
  return run;
}

interface TlsProp {
  protocols: Record<string, { accepted: boolean; detail: string }>;
  suites: Record<string, { order: string[]; preference: string | null }>;
  forwardSecrecy: string | null;
  connections: number;
  complete: boolean;
}
const tlsOf = (run: ScanRun): TlsProp => run.entities[0]?.props?.tls as unknown as TlsProp;
const accepted = (run: ScanRun): string[] =>
  Object.entries(tlsOf(run).protocols).flatMap(([id, p]) => (p.accepted ? [id] : []));
const titles = (run: ScanRun) => run.findings.map((f) => `${f.severity}: ${f.title}`);

describe('tls-probe against the hostile lab', () => {
  let lab: Lab;
  let net: Net;
  beforeAll(async () => {
    ({ lab, net, policy } = await startLabNet('hostile'));
  });
  afterAll(() => lab.stop());

  it('finds TLS 1.0 and 1.1 only, with RC4 and 3DES answered for by the lab, in the server order', async () => {
    const run = await scan(net, 'legacy.hostile-tls.com');
    expect(accepted(run)).toEqual(['TLSv1', 'TLSv1.1']);
    expect(tlsOf(run).protocols['TLSv1.2']?.detail).toBe('the server chose TLS 1.1');
    expect(tlsOf(run).suites.TLSv1).toEqual({
      order: [
        'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
        'TLS_RSA_WITH_AES_128_CBC_SHA',
        'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
        'TLS_RSA_WITH_RC4_128_SHA',
      ],
      preference: 'server',
    });
    expect(tlsOf(run).forwardSecrecy).toBe('some');
    expect(titles(run)).toEqual([
      'medium: TLS 1.0 is enabled',
      'medium: TLS 1.1 is enabled',
      'high: Neither TLS 1.2 nor TLS 1.3 is offered',
      'high: Insecure cipher suites are accepted (1)',
      'medium: Weak cipher suites are accepted (1)',
      'low: CBC suites with SHA-1 are accepted (2)',
      'low: Suites without forward secrecy are accepted (3)',
    ]);
    const transcript = JSON.parse(run.evidence[0]?.content ?? '{}') as { attempts: unknown[] };
    expect(transcript.attempts).toHaveLength(tlsOf(run).connections);
  });

  it('finds SSL 3.0, which Node cannot speak, and no other version', async () => {
    const run = await scan(net, 'sslv3.hostile-tls.com');
    expect(accepted(run)).toEqual(['SSLv3']);
    expect(tlsOf(run).protocols.TLSv1?.detail).toBe('the server chose SSL 3.0');
    expect(tlsOf(run).suites.SSLv3?.order).toEqual([
      'TLS_RSA_WITH_AES_128_CBC_SHA',
      'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
      'TLS_RSA_WITH_RC4_128_MD5',
    ]);
    expect(titles(run)).toEqual(
      expect.arrayContaining([
        'high: SSL 3.0 is enabled',
        'high: Neither TLS 1.2 nor TLS 1.3 is offered',
        'medium: No forward secrecy',
      ]),
    );
  });

  it("finds TLS 1.3 only, its suites in the server's order, and nothing to report", async () => {
    const run = await scan(net, 'modern.hostile-tls.com');
    expect(accepted(run)).toEqual(['TLSv1.3']);
    expect(tlsOf(run).suites['TLSv1.3']).toEqual({
      order: ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'],
      preference: 'server',
    });
    expect(tlsOf(run).forwardSecrecy).toBe('all');
    expect(titles(run)).toEqual([]);
  });

  it('finds a server without forward secrecy, imposing its own order over ours', async () => {
    const run = await scan(net, 'nofs.hostile-tls.com');
    expect(accepted(run)).toEqual(['TLSv1.2']);
    // Offered in table order (AES128-SHA first), chosen in the site's.
    expect(tlsOf(run).suites['TLSv1.2']).toEqual({
      order: [
        'TLS_RSA_WITH_AES_256_GCM_SHA384',
        'TLS_RSA_WITH_AES_128_GCM_SHA256',
        'TLS_RSA_WITH_AES_128_CBC_SHA256',
        'TLS_RSA_WITH_AES_128_CBC_SHA',
      ],
      preference: 'server',
    });
    expect(titles(run)).toEqual([
      'info: TLS 1.3 is not offered',
      'low: CBC suites with SHA-1 are accepted (1)',
      'medium: No forward secrecy',
    ]);
  });

  it("finds a server that follows the client's order", async () => {
    const run = await scan(net, 'client-order.hostile-tls.com');
    expect(tlsOf(run).suites['TLSv1.2']?.preference).toBe('client');
    expect(titles(run)).toContain("low: The server follows the client's cipher order (TLS 1.2)");
  });

  it('probes an address without SNI', async () => {
    const run = await scan(net, '203.0.113.82', 'ip');
    expect(run.entities[0]?.entity).toEqual({ type: 'ip', value: '203.0.113.82' });
    expect(accepted(run)).toEqual(['TLSv1.3']);
  });

  it('stops at the connection budget with a finding', async () => {
    const run = await scan(net, 'mismatch.hostile-tls.com', 'domain', { maxConnections: 8 });
    expect(tlsOf(run)).toMatchObject({ connections: 8, complete: false });
    expect(titles(run)).toContain('info: The probe stopped after 8 connections');
  });

  it('refuses what the case does not allow, and reports a port where nothing answers', async () => {
    const strict = scanPolicy({ allowInternal: false });
    await expect(
      runScanner(tlsProbeScanner, { type: 'ip', value: '127.0.0.1' }, net, {}, { policy: strict }),
    ).rejects.toThrow(/is a loopback address/);
    const closed = await scan(net, 'legacy.hostile-tls.com', 'domain', { port: 8443 });
    expect(titles(closed)).toEqual(['info: No TLS versions probed: nothing answered at legacy.hostile-tls.com:8443']);
    expect(closed.findings[0]?.detail).toMatch(/connection refused/);
    expect(tlsOf(closed)).toBeUndefined();
  });
});

describe('tls-probe against the nova-parcels lab', () => {
  let lab: Lab;
  let net: Net;
  beforeAll(async () => {
    ({ lab, net, policy } = await startLabNet('nova-parcels'));
  });
  afterAll(() => lab.stop());

  it('finds the phishing site on TLS 1.0 to 1.2 and the decoy on TLS 1.2 and 1.3 with forward secrecy only', async () => {
    const nova = await scan(net, 'nova-parcels.com');
    expect(accepted(nova)).toEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2']);
    expect(titles(nova)).toEqual(expect.arrayContaining(['medium: TLS 1.0 is enabled', 'medium: TLS 1.1 is enabled']));
    const bakery = await scan(net, 'harbor-bakery.com');
    expect(accepted(bakery)).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(tlsOf(bakery).forwardSecrecy).toBe('all');
    expect(tlsOf(bakery).suites['TLSv1.2']?.order[0]).toMatch(/^TLS_ECDHE_ECDSA_/);
  });
});
