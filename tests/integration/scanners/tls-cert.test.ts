// The TLS certificate scanner against the lab: nova-parcels' shared certificate, the hostile
// scenario's self-signed certificate with 5,000 SANs and control characters, the
// hostile-tls.com sites (not yet valid, mismatch, weak key, TLS 1.3 only, SSL 3.0 only), and a
// scenario of its own: a site served over plain HTTP only, a port that speaks no TLS, a
// certificate with OpenSSL's placeholder subject, and a mail server scanned by its address.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { Scenario } from '../../../src/lab/scenario/schema';
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

  it('reports a host where nothing accepts a connection on 443 or 80 as a finding, leaving the SSL grade unknown', async () => {
    const run = await scan(net, 'ns1.nova-dns.net');
    expect(titles(run)).toEqual([
      'info: No certificate: nothing accepted a connection on ns1.nova-dns.net:443, nor on port 80',
    ]);
    expect(run.findings[0]?.detail).toMatch(
      /:443: connect to .*connection refused\n.*:80: connect to .*connection refused/,
    );
    expect(sslScore(run, 'ns1.nova-dns.net')).toBeNull();
    expect(run.entities.filter((e) => e.entity.type === 'certificate')).toEqual([]);
  });

  it('scans an IP without SNI: the certificate naming its sites is information and costs no points', async () => {
    const run = await scan(net, '185.220.101.47', 'ip');
    const mismatch = run.findings.find((f) => f.title.startsWith('The certificate served at 185.220.101.47 covers'));
    expect(mismatch).toMatchObject({ severity: 'info' });
    expect(mismatch?.title).toMatch(
      /covers nova-parcels\.com, www\.nova-parcels\.com, nova-tracking\.net and 1 more, not the address$/,
    );
    expect(titles(run)).not.toContain('high: The certificate does not cover 185.220.101.47');
    // Only the expiry costs points; the address not being named costs none.
    expect(sslScore(run, '185.220.101.47')?.lost.map((l) => l.reason)).toEqual([
      expect.stringMatching(/^The certificate expired/),
    ]);
    expect(propsOf(run, '185.220.101.47').tlsCertificate).toMatchObject({ coversHost: false });
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

/** Addresses of the scenario below, one per case. */
const PLAIN = '203.0.113.20'; // HTTP on 80, nothing on 443
const SILENT = '203.0.113.21'; // HTTP on 80, 443 filtered
const NOT_TLS = '203.0.113.22'; // 443 answers with an SSH banner
const WIDGITS = '203.0.113.23'; // OpenSSL's placeholder subject, self-signed
const MAIL = '203.0.113.24'; // a mail server's certificate, scanned by address

const page = [{ path: '/', body: '<form method="post"><input type="password" name="p"></form>' }];
const valid = { notBefore: '2024-01-01T00:00:00Z', notAfter: '2034-01-01T00:00:00Z' };
const scenario = Scenario.parse({
  name: 'tls-cert cases',
  zones: [
    {
      origin: 'tlscert-cases.com',
      records: [
        { name: 'plain', type: 'A', data: PLAIN },
        { name: 'silent', type: 'A', data: SILENT },
        { name: 'ssh', type: 'A', data: NOT_TLS },
        { name: 'widgits', type: 'A', data: WIDGITS },
        { name: 'mail', type: 'A', data: MAIL },
      ],
    },
  ],
  hosts: [
    { address: SILENT, ports: [{ port: 443, state: 'filtered' }] },
    { address: NOT_TLS, ports: [{ port: 443, banner: 'SSH-2.0-OpenSSH_9.6\r\n' }] },
  ],
  sites: [
    { hostname: 'plain.tlscert-cases.com', address: PLAIN, http: { routes: page } },
    { hostname: 'silent.tlscert-cases.com', address: SILENT, http: { routes: page } },
    {
      hostname: 'widgits.tlscert-cases.com',
      address: WIDGITS,
      https: {
        routes: page,
        certificate: {
          subject: { CN: 'localhost', O: 'Internet Widgits Pty Ltd', C: 'AU' },
          sans: [],
          issuer: 'self-signed',
          ...valid,
        },
      },
    },
    {
      hostname: 'mail.tlscert-cases.com',
      address: MAIL,
      https: {
        routes: page,
        certificate: {
          subject: { CN: 'mail.tlscert-cases.com', O: 'TLS Cert Cases Ltd' },
          sans: ['mail.tlscert-cases.com', 'webmail.tlscert-cases.com'],
          ...valid,
        },
      },
    },
  ],
});

describe('tls-cert against a scenario of its own', () => {
  let lab: Lab;
  let net: Net;
  beforeAll(async () => {
    ({ lab, net, policy } = await startLabNet(scenario));
  });
  afterAll(() => lab.stop());

  it('fails the SSL category of a site served over plain HTTP only, port 443 refusing', async () => {
    const host = 'plain.tlscert-cases.com';
    const run = await scan(net, host);
    const title = `${host} is served over plain HTTP only: nothing accepts connections on port 443, port 80 does`;
    expect(titles(run)).toEqual([`medium: ${title}`]);
    expect(run.findings[0]?.detail).toMatch(/^Port 443: connect to .*: connection refused\. Port 80 accepted/);
    expect(run.evidence[0]?.content).toBe(
      `TCP connect to ${PLAIN}:443: connect to ${PLAIN}:443: connection refused\nTCP connect to ${PLAIN}:80: accepted`,
    );
    expect(sslScore(run, host)).toEqual({ earned: 0, lost: [{ points: 25, reason: title }], scanner: 'tls-cert' });
  });

  it('does the same when port 443 never answers, within one connect timeout', async () => {
    const host = 'silent.tlscert-cases.com';
    const started = Date.now();
    const run = await scan(net, host);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(titles(run)).toEqual([
      `medium: ${host} is served over plain HTTP only: nothing accepts connections on port 443, port 80 does`,
    ]);
    expect(run.findings[0]?.detail).toMatch(/^Port 443: connect to .* timed out/);
    expect(sslScore(run, host)?.earned).toBe(0);
  });

  it('tells a port that accepts but speaks no TLS apart, and leaves the grade unknown', async () => {
    const host = 'ssh.tlscert-cases.com';
    const run = await scan(net, host);
    expect(titles(run)).toEqual([
      `info: No certificate: ${host}:443 accepted a connection but did not complete a TLS handshake`,
    ]);
    expect(run.findings[0]?.detail).toMatch(/^TLS handshake: .+; handcrafted handshake: plain text/s);
    expect(sslScore(run, host)).toBeNull();
  });

  it('leaves the plain HTTP check to the HTTPS port: another port with nothing on it stays unknown', async () => {
    const run = await scan(net, 'plain.tlscert-cases.com', 'domain', { port: 8443 });
    expect(titles(run)).toEqual([
      'info: No certificate: nothing accepted a connection on plain.tlscert-cases.com:8443',
    ]);
    expect(sslScore(run, 'plain.tlscert-cases.com')).toBeNull();
  });

  it("makes no organization of OpenSSL's placeholder issuer, and reports the placeholder subject", async () => {
    const host = 'widgits.tlscert-cases.com';
    const run = await scan(net, host);
    expect(run.entities.filter((e) => e.entity.type === 'organization')).toEqual([]);
    expect(run.relations.filter((r) => r.relation === 'issued_by')).toEqual([]);
    const placeholder = run.findings.find((f) => f.title.includes('placeholder'));
    expect(placeholder).toMatchObject({
      severity: 'info',
      title: 'The certificate carries a default placeholder subject: O=Internet Widgits Pty Ltd',
    });
    expect(placeholder?.detail).toMatch(/^Leaf subject O=Internet Widgits Pty Ltd: OpenSSL/);
    expect(placeholder?.detail).toContain('Leaf issuer CN=localhost');
    expect(leafOf(run)?.props?.placeholders).toEqual([
      { field: 'subject', type: 'O', value: 'Internet Widgits Pty Ltd' },
      { field: 'subject', type: 'CN', value: 'localhost' },
      { field: 'issuer', type: 'O', value: 'Internet Widgits Pty Ltd' },
      { field: 'issuer', type: 'CN', value: 'localhost' },
    ]);
    // The placeholder is a tell, not a flaw: the self-signed certificate and the mismatch cost the points.
    expect(sslScore(run, host)?.lost.map((l) => l.points)).toEqual([20, 20]);
  });

  it('grades a mail server scanned by its address on its certificate alone, pivoting on its names', async () => {
    const run = await scan(net, MAIL, 'ip');
    expect(titles(run)).toEqual([
      `info: The certificate served at ${MAIL} covers mail.tlscert-cases.com, webmail.tlscert-cases.com, not the address`,
    ]);
    expect(sslScore(run, MAIL)).toEqual({ earned: 25, lost: [], scanner: 'tls-cert' });
    expect(run.relations.filter((r) => r.relation === 'covered_by_cert').map((r) => r.from.value)).toEqual([
      'mail.tlscert-cases.com',
      'webmail.tlscert-cases.com',
    ]);
  });
});
