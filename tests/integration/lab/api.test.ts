// The lab's API server over HTTP, asked through ctx.net at the named endpoints, each answer
// checked against the shape of the service it stands in for.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createNet } from '../../../src/core/net';
import { type ApiServer, startApiServer } from '../../../src/lab/api';
import { CtEntry, CveRecord, DropEntry, RdapRecord, WaybackCapture } from '../../../src/lab/scenario/schema';
import type { HttpResponse, Net } from '../../../src/shared/scanner';

const rdapJson = {
  objectClassName: 'domain',
  ldhName: 'EXAMPLE.COM',
  handle: '2336799_DOMAIN_COM-VRSN',
  status: ['client transfer prohibited'],
  events: [{ eventAction: 'registration', eventDate: '1995-08-14T04:00:00Z' }],
  nameservers: [{ objectClassName: 'nameserver', ldhName: 'A.IANA-SERVERS.NET' }],
};

const data = {
  rdap: [RdapRecord.parse({ domain: 'example.com', json: rdapJson })],
  ct: [
    {
      domain: 'example.com',
      entries: [
        {
          issuer_name: "C=US, O=Let's Encrypt, CN=R3",
          common_name: 'example.com',
          name_value: 'example.com\nwww.example.com',
          id: 1001,
          entry_timestamp: '2024-01-01T10:00:00.123',
          not_before: '2024-01-01T09:00:00',
          not_after: '2024-03-31T09:00:00',
          serial_number: '03AB',
        },
        {
          issuer_name: 'C=US, O=Lab CA, CN=Lab Issuing CA',
          issuer_ca_id: 42,
          common_name: 'mail.example.com',
          name_value: 'mail.example.com\nadmin@example.com',
          id: 1002,
          entry_timestamp: '2024-02-01T10:00:00',
          not_before: '2024-02-01T09:00:00',
          not_after: '2099-02-01T09:00:00',
          serial_number: '04cd',
        },
      ].map((e) => CtEntry.parse(e)),
    },
    {
      domain: 'other.org',
      entries: [
        CtEntry.parse({
          issuer_name: 'CN=Other',
          common_name: 'other.org',
          name_value: 'other.org\n*.other.org',
          id: 2001,
          entry_timestamp: '2023-01-01T00:00:00',
          not_before: '2023-01-01T00:00:00',
          not_after: '2023-06-01T00:00:00',
          serial_number: '01',
        }),
      ],
    },
  ],
  wayback: [
    { url: 'http://example.com/', timestamp: '20200101000000' },
    { url: 'http://example.com/', timestamp: '20210101000000', status: '301', mimetype: 'text/html' },
    { url: 'http://example.com/login.php', timestamp: '20200601000000' },
    { url: 'https://mail.example.com/', timestamp: '20220101000000', length: 1234 },
  ].map((c) => WaybackCapture.parse(c)),
  drop: [
    { list: 'drop', cidr: '192.0.2.0/24', sbl: 'SBL100' },
    { list: 'drop', cidr: '1.10.16.0/20', sbl: 'SBL256894' },
    { list: 'edrop', cidr: '198.51.100.0/24', sbl: 'SBL200' },
    { list: 'drop-v6', cidr: '2001:db8::/32', sbl: 'SBL300' },
  ].map((d) => DropEntry.parse(d)),
  cves: [
    {
      cpe: 'cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*',
      id: 'CVE-2021-41773',
      published: '2021-10-05T19:15:07.593Z',
      description: 'Path traversal in Apache HTTP Server 2.4.49.',
      cvss: 7.5,
    },
    {
      cpe: 'cpe:2.3:a:apache:http_server:2.4.50',
      id: 'CVE-2021-42013',
      published: '2021-10-07',
      description: 'Incomplete fix of CVE-2021-41773.',
      cvss: 9.8,
      severity: 'CRITICAL',
    },
    { cpe: 'cpe:2.3:a:nginx:nginx:*', id: 'CVE-2099-0001', published: '2099-01-01', description: 'Lab only.' },
  ].map((c) => CveRecord.parse(c)),
};

const CrtshRow = z
  .object({
    issuer_ca_id: z.number().int(),
    issuer_name: z.string(),
    common_name: z.string(),
    name_value: z.string(),
    id: z.number().int(),
    entry_timestamp: z.string(),
    not_before: z.string(),
    not_after: z.string(),
    serial_number: z.string(),
    result_count: z.number().int(),
  })
  .strict();

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const Rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
const Issuance = z
  .object({
    id: z.string(),
    tbs_sha256: Hex64,
    cert_sha256: Hex64,
    dns_names: z.array(z.string()),
    pubkey_sha256: Hex64,
    issuer: z.object({ name: z.string(), friendly_name: z.string(), pubkey_sha256: Hex64 }).strict(),
    not_before: Rfc3339,
    not_after: Rfc3339,
    revoked: z.boolean(),
  })
  .strict();

const RdapErrorObject = z.object({
  errorCode: z.number().int(),
  title: z.string(),
  description: z.array(z.string()),
});

const NvdResponse = z
  .object({
    resultsPerPage: z.number().int(),
    startIndex: z.number().int(),
    totalResults: z.number().int(),
    format: z.literal('NVD_CVE'),
    version: z.literal('2.0'),
    timestamp: z.string(),
    vulnerabilities: z.array(
      z.object({
        cve: z.object({
          id: z.string().regex(/^CVE-\d{4}-\d{4,}$/),
          published: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/),
          descriptions: z.array(z.object({ lang: z.literal('en'), value: z.string() })).min(1),
          metrics: z.object({
            cvssMetricV31: z
              .array(
                z.object({
                  cvssData: z.object({
                    baseScore: z.number(),
                    baseSeverity: z.enum(['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
                  }),
                }),
              )
              .optional(),
          }),
          configurations: z.array(
            z.object({
              nodes: z.array(
                z.object({ cpeMatch: z.array(z.object({ criteria: z.string(), vulnerable: z.boolean() })) }),
              ),
            }),
          ),
        }),
      }),
    ),
  })
  .strict();

let api: ApiServer;
let net: Net;

beforeAll(async () => {
  api = await startApiServer(data);
  net = createNet({
    resolvers: ['127.0.0.1:9'],
    proxy: null,
    timeoutMs: 1000,
    retries: 0,
    endpoints: api.endpoints,
    lab: { routes: [], unrouted: 'refuse', traceroutes: [] },
  });
});

afterAll(async () => {
  await api?.stop();
});

async function get(name: string, path: string): Promise<HttpResponse> {
  return net.http({ url: `${net.endpoint(name)}${path}`, timeoutMs: 3000 });
}

function header(response: HttpResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

function jsonOf(response: HttpResponse): unknown {
  return JSON.parse(Buffer.from(response.body).toString('utf8'));
}

function textOf(response: HttpResponse): string {
  return Buffer.from(response.body).toString('utf8');
}

describe('API server endpoints', () => {
  it('names one base URL per service on 127.0.0.1', () => {
    expect(Object.keys(api.endpoints).sort()).toEqual(
      ['certspotter', 'crtsh', 'nvd', 'rdap', 'spamhausDrop', 'wayback'].sort(),
    );
    for (const url of Object.values(api.endpoints))
      expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${api.port}/\\w+$`));
  });
});

describe('crt.sh', () => {
  it('lists certificates of a domain and its subdomains in crt.sh rows', async () => {
    const response = await get('crtsh', '/?q=example.com&output=json');
    expect(response.status).toBe(200);
    expect(header(response, 'content-type')).toMatch(/^application\/json/);
    const rows = z.array(CrtshRow).parse(jsonOf(response));
    expect(rows.map((r) => r.id).sort()).toEqual([1001, 1002]);
    const first = rows.find((r) => r.id === 1001);
    expect(first?.name_value).toBe('example.com\nwww.example.com');
    expect(first?.serial_number).toBe('03ab');
    expect(rows.find((r) => r.id === 1002)?.issuer_ca_id).toBe(42);
  });

  it('accepts the %.domain form and answers [] when nothing matches', async () => {
    const rows = z.array(CrtshRow).parse(jsonOf(await get('crtsh', '/?q=%25.example.com&output=json')));
    expect(rows.map((r) => r.id).sort()).toEqual([1001, 1002]);
    const sub = z.array(CrtshRow).parse(jsonOf(await get('crtsh', '/?q=www.example.com&output=json')));
    expect(sub.map((r) => r.id)).toEqual([1001]);
    const none = await get('crtsh', '/?q=nothing.test&output=json');
    expect(none.status).toBe(200);
    expect(textOf(none)).toBe('[]');
    const live = z.array(CrtshRow).parse(jsonOf(await get('crtsh', '/?q=example.com&output=json&exclude=expired')));
    expect(live.map((r) => r.id)).toEqual([1002]);
  });
});

describe('Cert Spotter', () => {
  it('lists issuances with dns_names and issuer when expanded', async () => {
    const response = await get(
      'certspotter',
      '/v1/issuances?domain=example.com&include_subdomains=true&expand=dns_names&expand=issuer',
    );
    expect(response.status).toBe(200);
    const issuances = z.array(Issuance).parse(jsonOf(response));
    expect(issuances.map((i) => i.id)).toEqual(['1001', '1002']);
    expect(issuances[0]?.dns_names).toEqual(['example.com', 'www.example.com']);
    // An email identity is not a DNS name.
    expect(issuances[1]?.dns_names).toEqual(['mail.example.com']);
    expect(issuances[0]?.issuer.friendly_name).toBe('R3');
    expect(issuances[0]?.not_after).toBe('2024-03-31T09:00:00Z');
  });

  it('matches only the name itself without include_subdomains, and pages with after', async () => {
    const exact = z
      .array(z.object({ id: z.string() }))
      .parse(jsonOf(await get('certspotter', '/v1/issuances?domain=mail.example.com')));
    expect(exact.map((i) => i.id)).toEqual(['1002']);
    const wildcard = jsonOf(await get('certspotter', '/v1/issuances?domain=www.other.org&match_wildcards=true'));
    expect(wildcard).toHaveLength(1);
    const after = jsonOf(
      await get('certspotter', '/v1/issuances?domain=example.com&include_subdomains=true&after=1001'),
    );
    expect(after).toEqual([expect.objectContaining({ id: '1002' })]);
    expect((await get('certspotter', '/v1/issuances')).status).toBe(400);
  });
});

describe('RDAP', () => {
  it('serves the record as application/rdap+json', async () => {
    const response = await get('rdap', '/domain/EXAMPLE.com');
    expect(response.status).toBe(200);
    expect(header(response, 'content-type')).toBe('application/rdap+json');
    expect(jsonOf(response)).toEqual(rdapJson);
  });

  it('answers 404 with an RDAP error object for unknown domains and other object types', async () => {
    for (const path of ['/domain/unknown.com', '/ip/192.0.2.1', '/']) {
      const response = await get('rdap', path);
      expect(response.status).toBe(404);
      expect(header(response, 'content-type')).toBe('application/rdap+json');
      expect(RdapErrorObject.parse(jsonOf(response)).errorCode).toBe(404);
    }
  });
});

describe('Wayback CDX', () => {
  const CdxJson = z.array(z.array(z.string()));

  it('answers CDX JSON with the field names first', async () => {
    const response = await get('wayback', '/cdx/search/cdx?url=example.com&output=json');
    expect(response.status).toBe(200);
    const rows = CdxJson.parse(jsonOf(response));
    expect(rows[0]).toEqual(['urlkey', 'timestamp', 'original', 'mimetype', 'statuscode', 'digest', 'length']);
    expect(rows.slice(1).map((r) => r[1])).toEqual(['20200101000000', '20210101000000']);
    for (const row of rows.slice(1)) {
      expect(row[0]).toBe('com,example)/');
      expect(row[5]).toMatch(/^[A-Z2-7]{32}$/);
      expect(row[6]).toMatch(/^\d+$/);
    }
  });

  it('matches by prefix and domain, with fl and collapse', async () => {
    const prefix = CdxJson.parse(
      jsonOf(await get('wayback', '/cdx/search/cdx?url=example.com/*&output=json&fl=original')),
    );
    expect(prefix).toEqual([
      ['original'],
      ['http://example.com/'],
      ['http://example.com/'],
      ['http://example.com/login.php'],
    ]);
    const domain = CdxJson.parse(
      jsonOf(
        await get(
          'wayback',
          '/cdx/search/cdx?url=example.com&matchType=domain&output=json&fl=urlkey,length&collapse=urlkey',
        ),
      ),
    );
    expect(domain).toEqual([
      ['urlkey', 'length'],
      ['com,example)/', expect.stringMatching(/^\d+$/)],
      ['com,example)/login.php', expect.stringMatching(/^\d+$/)],
      ['com,example,mail)/', '1234'],
    ]);
    const none = await get('wayback', '/cdx/search/cdx?url=nothing.test&output=json');
    expect(textOf(none)).toBe('[]');
    const plain = textOf(await get('wayback', '/cdx/search/cdx?url=example.com&fl=timestamp,statuscode'));
    expect(plain).toBe('20200101000000 200\n20210101000000 301\n');
    expect((await get('wayback', '/cdx/search/cdx?url=example.com&fl=bogus')).status).toBe(400);
  });
});

describe('NVD', () => {
  it('finds CVEs by CPE prefix in the API 2.0 shape', async () => {
    const response = await get('nvd', '?virtualMatchString=cpe:2.3:a:apache:http_server');
    expect(response.status).toBe(200);
    const raw = jsonOf(response);
    const body = NvdResponse.parse(raw);
    expect(body.totalResults).toBe(2);
    expect(body.vulnerabilities.map((v) => v.cve.id)).toEqual(['CVE-2021-41773', 'CVE-2021-42013']);
    expect(body.vulnerabilities[0]?.cve.published).toBe('2021-10-05T19:15:07.593');
    // The schema above strips keys it does not name; the raw answer carries NVD's full cvssData.
    expect(raw).toMatchObject({
      vulnerabilities: [
        {
          cve: { metrics: { cvssMetricV31: [{ cvssData: { version: '3.1', baseScore: 7.5, baseSeverity: 'HIGH' } }] } },
        },
        { cve: { metrics: { cvssMetricV31: [{ cvssData: { baseScore: 9.8, baseSeverity: 'CRITICAL' } }] } } },
      ],
    });
  });

  it('narrows by version when the CPE gives one, and pages', async () => {
    const exact = NvdResponse.parse(
      jsonOf(await get('nvd', '?cpeName=cpe:2.3:a:apache:http_server:2.4.50:*:*:*:*:*:*:*')),
    );
    expect(exact.vulnerabilities.map((v) => v.cve.id)).toEqual(['CVE-2021-42013']);
    // A record for every version ("*") matches any queried version; one without a score has no metrics.
    const nginx = NvdResponse.parse(jsonOf(await get('nvd', '?cpeName=cpe:2.3:a:nginx:nginx:1.25.3')));
    expect(nginx.vulnerabilities[0]?.cve.metrics).toEqual({});
    const page = NvdResponse.parse(
      jsonOf(await get('nvd', '?virtualMatchString=cpe:2.3:a:apache&resultsPerPage=1&startIndex=1')),
    );
    expect(page).toMatchObject({ resultsPerPage: 1, startIndex: 1, totalResults: 2 });
    expect(page.vulnerabilities.map((v) => v.cve.id)).toEqual(['CVE-2021-42013']);
    const none = NvdResponse.parse(jsonOf(await get('nvd', '?cpeName=cpe:2.3:a:nobody:nothing')));
    expect(none).toMatchObject({ totalResults: 0, vulnerabilities: [] });
    const bad = await get('nvd', '?cpeName=apache');
    expect(bad.status).toBe(404);
    expect(header(bad, 'message')).toMatch(/Invalid cpeName/);
  });
});

describe('Spamhaus DROP', () => {
  const Line = /^(?:;.*|[0-9a-f.:]+\/\d{1,3} ; SBL\d+)$/;

  it('serves drop.txt, edrop.txt and drop_v6.txt in the classic text form', async () => {
    const drop = await get('spamhausDrop', '/drop.txt');
    expect(drop.status).toBe(200);
    expect(header(drop, 'content-type')).toMatch(/^text\/plain/);
    const lines = textOf(drop).trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(Line);
    expect(lines[0]).toMatch(/^; /);
    expect(lines.filter((l) => !l.startsWith(';'))).toEqual(['1.10.16.0/20 ; SBL256894', '192.0.2.0/24 ; SBL100']);
    const edrop = textOf(await get('spamhausDrop', '/edrop.txt'));
    expect(edrop.split('\n').filter((l) => l && !l.startsWith(';'))).toEqual(['198.51.100.0/24 ; SBL200']);
    const v6 = textOf(await get('spamhausDrop', '/drop_v6.txt'));
    expect(v6.split('\n').filter((l) => l && !l.startsWith(';'))).toEqual(['2001:db8::/32 ; SBL300']);
  });

  it('serves the NDJSON form too', async () => {
    const lines = textOf(await get('spamhausDrop', '/drop_v4.json'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, -1)).toHaveLength(3);
    expect(lines.at(-1)).toMatchObject({ type: 'metadata', records: 3 });
  });
});

describe('bounds and errors', () => {
  it('answers 404 for unknown paths and 405 for other methods', async () => {
    const base = `http://127.0.0.1:${api.port}`;
    expect((await net.http({ url: `${base}/nothing` })).status).toBe(404);
    expect((await net.http({ url: `${base}/spamhausDrop/other.txt` })).status).toBe(404);
    expect((await net.http({ url: `${base}/wayback/other` })).status).toBe(404);
    const post = await net.http({ url: `${base}/crtsh/?q=x&output=json`, method: 'POST', body: 'x'.repeat(1000) });
    expect(post.status).toBe(405);
  });

  it('drops a client whose request head is too large, and keeps serving', async () => {
    const { connect } = await import('node:net');
    const closed = await new Promise<string>((resolve) => {
      const socket = connect(api.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', () => {});
      socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
      socket.write(`GET /crtsh/?q=${'a'.repeat(64 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    });
    expect(closed).not.toMatch(/^HTTP\/1\.1 200/);
    expect((await get('crtsh', '/?q=example.com&output=json')).status).toBe(200);
  });

  it('starts and stops 20 times leaving no handle behind', async () => {
    const count = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = count();
    for (let i = 0; i < 20; i++) {
      const other = await startApiServer(data);
      const response = await net.http({ url: `${other.endpoints.rdap}/domain/example.com` });
      expect(response.status).toBe(200);
      await other.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(count()).toBeLessThanOrEqual(before);
  });
});
