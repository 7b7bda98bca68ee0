// The CT scanner against the lab's crt.sh and Cert Spotter stand-ins (nova-parcels and hostile
// scenarios), and against small HTTP servers of this test's own for failing and malformed sources.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import type { Lab } from '../../../src/lab/lab';
import { ctScanner } from '../../../src/scanners/ct/scanner';
import type { JsonValue } from '../../../src/shared/model';
import type { Net, ScanEvent } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, startLabNet } from '../../helpers/scanner-harness';

/** Runs the scanner and checks the scan-event contract; the events, in order. */
async function scan(net: Net, value: string, options: Record<string, JsonValue> = {}): Promise<ScanEvent[]> {
  const run = await runScanner(ctScanner, { type: 'domain', value }, net, options);
  checkScanContract(run, {
    category: 'certificates',
    findingsWithoutEvidence: (title) => title.startsWith('No certificates found'),
  });
  return run.events;
}

const relations = (events: ScanEvent[]): string[] =>
  events.flatMap((e) => (e.kind === 'relation' ? [`${e.from.value} ${e.relation} ${e.to.value}`] : []));
const entities = (events: ScanEvent[], type: string) =>
  events.flatMap((e) => (e.kind === 'entity' && e.entity.type === type ? [e] : []));
const findings = (events: ScanEvent[]) => events.flatMap((e) => (e.kind === 'finding' ? [e] : []));
const domainProps = (events: ScanEvent[], value: string) =>
  entities(events, 'domain').find((e) => e.entity.value === value)?.props ?? {};

describe('ct scanner against the nova-parcels lab', () => {
  let lab: Lab;
  let net: Net;
  beforeAll(async () => {
    ({ lab, net } = await startLabNet('nova-parcels'));
  });
  afterAll(() => lab.stop());

  it('finds the certificates, subdomains, issuers and the SAN pivot', async () => {
    const events = await scan(net, 'nova-parcels.com');
    const certs = entities(events, 'certificate');
    // Three certificates, each once although both sources list them.
    expect(certs).toHaveLength(3);
    for (const cert of certs) expect(cert.props?.sources).toEqual(['crtsh', 'certspotter']);
    expect(certs.every((c) => c.entity.value.startsWith('sha256:'))).toBe(true);
    const rels = relations(events);
    expect(rels).toEqual(
      expect.arrayContaining([
        'track.nova-parcels.com subdomain_of nova-parcels.com',
        'admin.nova-parcels.com subdomain_of nova-parcels.com',
        'www.nova-parcels.com subdomain_of nova-parcels.com',
      ]),
    );
    const san = certs.find((c) => ((c.props?.names ?? []) as string[]).includes('nova-tracking.net'));
    expect(san).toBeDefined();
    expect(rels).toContain(`nova-tracking.net covered_by_cert ${san?.entity.value}`);
    expect(rels).toContain(`nova-returns.co covered_by_cert ${san?.entity.value}`);
    expect(rels).toContain(`${san?.entity.value} issued_by Let's Encrypt`);
    expect(rels.some((r) => r.includes(' issued_by Google Trust Services'))).toBe(true);
    // No node is ever named "*".
    expect(events.some((e) => e.kind === 'entity' && e.entity.value.includes('*'))).toBe(false);

    const props = domainProps(events, 'nova-parcels.com');
    expect(props).toMatchObject({
      ctCertificates: 3,
      ctSubdomains: 3,
      ctIssuers: { "Let's Encrypt": 2, 'Google Trust Services': 1 },
      ctFirstNotBefore: '2024-11-08T00:00:00.000Z',
      ctLastNotBefore: '2024-11-10T00:00:00.000Z',
      wildcard: true,
    });
    const titles = findings(events).map((f) => f.title);
    expect(titles).toContain('Certificates for nova-parcels.com also name 2 other domains');
    expect(titles).toContain('1 wildcard certificate for nova-parcels.com');
    const pivot = findings(events).find((f) => f.title.includes('other domains'));
    expect(pivot?.detail).toContain('nova-tracking.net');
    expect(pivot?.detail).toContain('nova-returns.co');
    expect(pivot?.evidence?.length).toBeGreaterThan(0);
    // The raw answers are the evidence: one per source here.
    const evidence = events.filter((e) => e.kind === 'evidence');
    expect(evidence.map((e) => (e.kind === 'evidence' ? e.ref : ''))).toEqual(['1:ct:crtsh', '2:ct:certspotter']);
  });

  it('names certificates by issuer and serial when only crt.sh is asked', async () => {
    const events = await scan(net, 'nova-parcels.com', { sources: ['crtsh'] });
    const values = entities(events, 'certificate').map((c) => c.entity.value);
    expect(values).toContain("ct:c=us,o=let's encrypt,cn=r11:1b532d324f");
  });

  it('finds nothing for a domain without certificates, as an info finding', async () => {
    const events = await scan(net, 'no-such-name.example');
    expect(entities(events, 'certificate')).toHaveLength(0);
    expect(findings(events).map((f) => [f.severity, f.title])).toContainEqual([
      'info',
      'No certificates found for no-such-name.example in Certificate Transparency',
    ]);
  });
});

describe('ct scanner against the hostile lab', () => {
  let lab: Lab;
  let net: Net;
  beforeAll(async () => {
    ({ lab, net } = await startLabNet('hostile'));
  });
  afterAll(() => lab.stop());

  it('skips HTML and garbage names and keeps the certificate', async () => {
    const events = await scan(net, 'hostile-lab.com');
    const certs = entities(events, 'certificate');
    expect(certs).toHaveLength(1);
    const names = certs[0]?.props?.names;
    expect(names).toEqual(['hostile-lab.com', '*.hostile-lab.com']);
    for (const e of events) {
      if (e.kind !== 'entity' || e.entity.type !== 'domain') continue;
      expect(e.entity.value).toMatch(/^[a-z0-9.-]+$/);
    }
    const skipped = findings(events).find((f) => f.title.includes('not DNS names'));
    expect(skipped?.detail).toContain('<img src=x onerror=window.__xss=1>');
    expect(domainProps(events, 'hostile-lab.com')).toMatchObject({ ctCertificates: 1, wildcard: true });
  });
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 answering crt.sh and Cert Spotter paths from handlers. */
async function startApi(
  crtsh: Handler,
  certspotter: Handler,
): Promise<{ net: Net; hits: string[]; stop(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.setHeader('connection', 'close');
    if (req.url?.startsWith('/crtsh')) crtsh(req, res);
    else if (req.url?.startsWith('/certspotter')) certspotter(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const net = createNet({
    resolvers: ['127.0.0.1:9'],
    proxy: null,
    timeoutMs: 2000,
    retries: 0,
    endpoints: { crtsh: `http://127.0.0.1:${port}/crtsh`, certspotter: `http://127.0.0.1:${port}/certspotter` },
  });
  return {
    net,
    hits,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json =
  (body: unknown, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

const crtshRow = (id: number, serial: string, names: string, notBefore: string) => ({
  issuer_ca_id: 1,
  issuer_name: 'C=US, O=Test CA, CN=Test R1',
  common_name: names.split('\n')[0],
  name_value: names,
  id,
  entry_timestamp: notBefore,
  not_before: notBefore,
  not_after: '2030-01-01T00:00:00',
  serial_number: serial,
  result_count: 1,
});

describe('ct scanner with failing and malformed sources', () => {
  it('reports a source answering 500 and still reads the other', async () => {
    const api = await startApi(
      json([crtshRow(1, '0a', 'a.example.org\nexample.org', '2024-01-01T00:00:00')]),
      json({}, 500),
    );
    try {
      const events = await scan(api.net, 'example.org');
      expect(entities(events, 'certificate').map((c) => c.entity.value)).toEqual(['ct:c=us,o=test ca,cn=test r1:a']);
      expect(relations(events)).toContain('a.example.org subdomain_of example.org');
      const failed = findings(events).find((f) => f.title === 'Cert Spotter could not be read');
      expect(failed?.severity).toBe('low');
      expect(failed?.detail).toContain('HTTP 500');
    } finally {
      await api.stop();
    }
  });

  it('fails the run with both reasons when both sources fail', async () => {
    const api = await startApi(json({}, 503), (_req, res) => res.writeHead(200).end('<html>not json</html>'));
    try {
      await expect(scan(api.net, 'example.org')).rejects.toThrow(
        /crt\.sh: HTTP 503.*Cert Spotter: the answer is not JSON/,
      );
    } finally {
      await api.stop();
    }
  });

  it('reads RDAP-style and other wrong shapes as findings, never a crash', async () => {
    const rdapError = { errorCode: 404, title: 'Not Found', description: ['no such thing'] };
    const api = await startApi(json(rdapError), json([{ id: 'x', dns_names: 'nope' }, 42, null]));
    try {
      const events = await scan(api.net, 'example.org');
      const titles = findings(events).map((f) => f.title);
      expect(titles).toContain('crt.sh could not be read');
      expect(titles).toContain('3 entries from Cert Spotter had an unexpected shape');
      expect(titles).toContain('No certificates found for example.org in Certificate Transparency');
      expect(findings(events).find((f) => f.title === 'crt.sh could not be read')?.detail).toContain('got an object');
    } finally {
      await api.stop();
    }
  });

  it('reports a burst of issuance and caps the entries read', async () => {
    const rows = Array.from({ length: 12 }, (_, i) =>
      crtshRow(100 + i, (0x100 + i).toString(16), `h${i}.example.org`, `2024-05-01T0${Math.floor(i / 2)}:00:00`),
    );
    const api = await startApi(json(rows), json([]));
    try {
      const events = await scan(api.net, 'example.org', { maxEntries: 11 });
      const titles = findings(events).map((f) => f.title);
      expect(titles).toContain('11 certificates for example.org issued within 24 hours');
      expect(titles).toContain('Only the first 11 entries from crt.sh were read');
      expect(domainProps(events, 'example.org')).toMatchObject({ ctCertificates: 11, ctSubdomains: 11 });
    } finally {
      await api.stop();
    }
  });

  it('pages through Cert Spotter with after=', async () => {
    const page = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        id: String(from + i),
        cert_sha256: (from + i).toString(16).padStart(64, '0'),
        dns_names: [`p${from + i}.example.org`],
        issuer: { name: 'C=US, O=Test CA, CN=Test R1', friendly_name: 'Test R1' },
        not_before: '2020-01-01T00:00:00Z',
        not_after: '2020-04-01T00:00:00Z',
        revoked: false,
      }));
    const api = await startApi(json([]), (req, res) => {
      const after = new URL(req.url ?? '', 'http://x').searchParams.get('after');
      json(after === null ? page(1, 100) : page(101, 5))(req, res);
    });
    try {
      const events = await scan(api.net, 'example.org');
      expect(entities(events, 'certificate')).toHaveLength(105);
      expect(api.hits.filter((h) => h.startsWith('/certspotter'))).toHaveLength(2);
      expect(api.hits.some((h) => h.includes('after=100'))).toBe(true);
    } finally {
      await api.stop();
    }
  });
});
