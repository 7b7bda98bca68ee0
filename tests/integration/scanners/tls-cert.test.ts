// The TLS certificate scanner against the lab: nova-parcels' shared certificate, the hostile
// scenario's self-signed certificate with 5,000 SANs and control characters, and the
// hostile-tls.com sites (not yet valid, mismatch, weak key, TLS 1.3 only, SSL 3.0 only).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { tlsCertScanner } from '../../../src/scanners/tls-cert/scanner';
import { readCategoryScore } from '../../../src/shared/grade';
import type { EntityType, JsonValue } from '../../../src/shared/model';
import { type Net, type ScanPolicy, scanPolicy } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun, startLabNet } from '../../helpers/scanner-harness';

/** The lab's nets and the policy a case against the lab gets (its scenario addresses allowed). */
let policy: ScanPolicy;

async function scan(net: Net, value: string, type: EntityType = 'domain', options: Record<string, JsonValue> = {}) {
  const run = await runScanner(tlsCertScanner, { type, value }, net, options, { policy });
  checkScanContract(run, { category: 'certificates' });
  return run;
}
const titles = (run: ScanRun) => run.findings.map((f) => `${f.severity}: ${f.title}`);
const propsOf = (run: ScanRun, value: string) => run.entities.find((e) => e.entity.value === value)?.props ?? {};
const leafOf = (run: ScanRun) =>
  run.entities.find((e) => e.entity.type === 'certificate' && e.props?.chainPosition === 0);
const sslScore = (run: ScanRun, value: string) => readCategoryScore(propsOf(run, value), 'ssl');

describe('tls-cert against the nova-parcels lab', () => {
  let lab: Lab;
  let net: Net;
  beforeAll(async () => {
    ({ lab, net, policy } = await startLabNet('nova-parcels'));
  });
  afterAll(() => lab.stop());

  it('reads the chain, names the certificate by its fingerprint and pivots on every SAN', async () => {
    const run = await scan(net, 'nova-parcels.com');
    const leaf = leafOf(run);
    const der = Buffer.from(run.evidence[0]?.content ?? '', 'base64');
    expect(run.evidence).toHaveLength(2);
    expect(leaf?.entity.value).toBe(`sha256:${createHash('sha256').update(der).digest('hex')}`);
    expect(leaf?.props).toMatchObject({
      subject: 'CN=nova-parcels.com',
      issuer: 'C=ZZ, O=Tracegraph Lab, CN=Tracegraph Lab Issuing CA 1',
      notAfter: '2025-02-06T23:59:59.000Z',
      key: { type: 'rsa', bits: 2048 },
      signatureAlgorithm: 'sha256WithRSAEncryption',
      selfSigned: false,
    });
    const covered = run.relations.filter((r) => r.relation === 'covered_by_cert').map((r) => r.from.value);
    expect(covered).toEqual(expect.arrayContaining(['nova-parcels.com', 'nova-tracking.net', 'nova-returns.co']));
    const issuers = run.relations.filter((r) => r.relation === 'issued_by' && r.from.value === leaf?.entity.value);
    expect(issuers.map((r) => `${r.to.type}:${r.to.value}`).sort()).toEqual([
      expect.stringMatching(/^certificate:sha256:[0-9a-f]{64}$/),
      'organization:Tracegraph Lab',
    ]);
    expect(titles(run)).toEqual([expect.stringMatching(/^high: The certificate expired \d+ days ago$/)]);
    expect(sslScore(run, 'nova-parcels.com')).toMatchObject({ earned: 0, scanner: 'tls-cert' });
    expect(propsOf(run, 'nova-parcels.com').tlsCertificate).toMatchObject({
      via: 'tls',
      chainLength: 2,
      coversHost: true,
    });
  });

  it('refuses addresses the case does not allow, before connecting', async () => {
    const strict = scanPolicy({ allowInternal: false });
    await expect(
      runScanner(tlsCertScanner, { type: 'ip', value: '127.0.0.1' }, net, {}, { policy: strict }),
    ).rejects.toThrow(/127\.0\.0\.1 is not scanned: 127\.0\.0\.1 is a loopback address/);
  });

  it('reports a host where nothing accepts TLS as a finding, leaving the SSL grade unknown', async () => {
    const run = await scan(net, 'ns1.nova-dns.net');
    expect(titles(run)).toEqual(['info: No certificate: ns1.nova-dns.net:443 did not complete a TLS handshake']);
    expect(run.findings[0]?.detail).toMatch(/connection refused/);
    expect(sslScore(run, 'ns1.nova-dns.net')).toBeNull();
    expect(run.entities.filter((e) => e.entity.type === 'certificate')).toEqual([]);
  });

  it('scans an IP without SNI and reports that the certificate does not name it', async () => {
    const run = await scan(net, '185.220.101.47', 'ip');
    expect(titles(run)).toContain('high: The certificate does not cover 185.220.101.47');
  });
});

describe('tls-cert against the hostile lab', () => {
  let lab: Lab;
  let net: Net;
  beforeAll(async () => {
    ({ lab, net, policy } = await startLabNet('hostile'));
  });
  afterAll(() => lab.stop());

  it('reads a 5,000-SAN certificate OpenSSL refuses, bounded, with control characters escaped', async () => {
    const started = Date.now();
    const run = await scan(net, 'hostile-lab.com');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(propsOf(run, 'hostile-lab.com').tlsCertificate).toMatchObject({ via: 'handcrafted' });
    const leaf = leafOf(run);
    expect(leaf?.props?.sanCount).toBe(5004);
    expect((leaf?.props?.sans as string[] | undefined)?.length).toBeLessThanOrEqual(1000);
    expect(run.relations.filter((r) => r.relation === 'covered_by_cert')).toHaveLength(200);
    expect(new Set(run.relations.map((r) => r.from.value)).size).toBeLessThanOrEqual(201);
    expect(titles(run)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^high: The certificate expired/),
        'high: The certificate is self-signed',
        "high: The certificate's key is weak: RSA 1024 bits (under 2048)",
        'info: The certificate lists 5004 names; 200 were added to the graph',
        'low: Certificate names contain control or direction-changing characters',
      ]),
    );
    // Nothing emitted carries a raw control character; the subject shows them escaped.
    const raw: string[] = [];
    JSON.stringify(
      run.events.filter((e) => e.kind !== 'evidence'),
      (_key, value: unknown) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
        if (typeof value === 'string' && /[\u0000-\u0009\u000b-\u001f\u007f\u202e]/.test(value)) raw.push(value);
        return value;
      },
    );
    expect(raw).toEqual([]);
    expect(String(leaf?.props?.subject)).toContain('\\u001b[31m');
    expect(sslScore(run, 'hostile-lab.com')?.earned).toBe(0);
  });

  it('caps SAN nodes at the option', async () => {
    const run = await scan(net, 'hostile-lab.com', 'domain', { maxSanNodes: 10 });
    expect(run.relations.filter((r) => r.relation === 'covered_by_cert')).toHaveLength(10);
  });

  it.each([
    ['nofs', ['high: The certificate is not valid yet']],
    [
      'mismatch',
      ['high: The certificate does not cover mismatch.hostile-tls.com', 'info: A SAN entry is not a DNS name'],
    ],
    ['legacy', ["high: The certificate's key is weak: RSA 1024 bits (under 2048)"]],
    ['modern', []],
    ['sslv3', []],
  ])('%s.hostile-tls.com: %j', async (name, expected) => {
    const host = `${name}.hostile-tls.com`;
    const run = await scan(net, host);
    expect(titles(run)).toEqual(expected);
    expect(sslScore(run, host)?.earned).toBe(25 - (sslScore(run, host)?.lost ?? []).reduce((s, l) => s + l.points, 0));
  });

  it('reads the certificate of an SSL 3.0-only server from a handcrafted handshake', async () => {
    const run = await scan(net, 'sslv3.hostile-tls.com');
    expect(propsOf(run, 'sslv3.hostile-tls.com').tlsCertificate).toMatchObject({ via: 'handcrafted', chainLength: 2 });
  });

  it('keeps wildcard SANs as a flag on the base name, never a node named *', async () => {
    const run = await scan(net, 'mismatch.hostile-tls.com');
    const wildcard = run.relations.find((r) => r.from.value === 'cdn.example.net');
    expect(wildcard?.props).toEqual({ wildcard: true });
    expect(run.entities.some((e) => e.entity.value.includes('*'))).toBe(false);
  });
});
