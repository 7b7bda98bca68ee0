// The WHOIS scanner against WHOIS servers this test starts on 127.0.0.1, wired the way the lab
// wires them: the lab DNS server gives each WHOIS host name an A record in 192.0.2.0/24, and
// the Net routes that address's port 43 to the test's listener. RDAP is a small HTTP server.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { ZoneInput } from '../../../src/lab/dns/zone';
import { whoisScanner } from '../../../src/scanners/whois/scanner';
import type { EntityKey, JsonValue } from '../../../src/shared/model';
import type { LabRoute, Net, ScanInput } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun } from '../../helpers/scanner-harness';

const DAY = 86_400_000;
/** Dates relative to now, in the ICANN format, so the age findings do not depend on the day. */
const iso = (days: number): string => new Date(Date.now() + days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');

type Behaviour = 'normal' | 'hang' | 'endless';
interface Answer {
  text: string;
  behaviour?: Behaviour;
}

/** A port-43 server answering from a map (query line -> answer) and closing, unless told otherwise. */
interface TestWhois {
  port: number;
  queries: string[];
  stop(): Promise<void>;
}

async function startWhois(answers: Record<string, Answer | string>, fallback = 'No match.\r\n'): Promise<TestWhois> {
  const sockets = new Set<Socket>();
  const queries: string[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      const end = received.indexOf('\n');
      if (end < 0) return;
      const line = received.slice(0, end).replace(/\r$/, '');
      queries.push(line);
      const found = answers[line];
      const answer: Answer = typeof found === 'string' ? { text: found } : (found ?? { text: fallback });
      switch (answer.behaviour ?? 'normal') {
        case 'normal':
          socket.end(answer.text);
          break;
        case 'hang':
          // Sends the record, then neither closes nor sends more.
          socket.write(answer.text);
          break;
        case 'endless': {
          socket.write(answer.text);
          const filler = Buffer.from(`% ${'x'.repeat(1000)}\r\n`);
          const pump = (): void => {
            while (!socket.destroyed && socket.write(filler)) {
              // fill until the buffer is full, then wait for drain
            }
          };
          socket.on('drain', pump);
          pump();
          break;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    queries,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const registryRecord = (name: string, o: { created: number; expires: number; referral?: string; ns?: string[] }) =>
  [
    `   Domain Name: ${name.toUpperCase()}`,
    '   Registry Domain ID: 2931223_DOMAIN_COM-VRSN',
    `   Registrar WHOIS Server: ${o.referral ?? ''}`,
    '   Registrar URL: http://www.namecheap.com',
    `   Updated Date: ${iso(o.created + 1)}`,
    `   Creation Date: ${iso(o.created)}`,
    `   Registry Expiry Date: ${iso(o.expires)}`,
    '   Registrar: NameCheap, Inc.',
    '   Registrar IANA ID: 1068',
    '   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited',
    ...(o.ns ?? ['NS1.NOVA-DNS.NET', 'NS2.NOVA-DNS.NET']).map((ns) => `   Name Server: ${ns}`),
    '   DNSSEC: unsigned',
    '>>> Last update of whois database: 2024-11-10T10:00:00Z <<<',
    '',
  ].join('\r\n');

const registrarRecord = (name: string, o: { created: number; expires: number; org: string; country: string }) =>
  [
    `Domain name: ${name}`,
    'Registrar WHOIS Server: whois.namecheap.com',
    `Creation Date: ${iso(o.created)}`,
    `Registrar Registration Expiration Date: ${iso(o.expires)}`,
    'Registrar: NAMECHEAP INC',
    'Registrar IANA ID: 1068',
    'Registrar Abuse Contact Email: abuse@namecheap.com',
    'Registrar Abuse Contact Phone: +1.6613102107',
    'Registrant Name: Redacted for Privacy',
    `Registrant Organization: ${o.org}`,
    `Registrant Country: ${o.country}`,
    'Name Server: ns1.nova-dns.net',
    'Name Server: ns2.nova-dns.net',
    '',
  ].join('\n');

const HOSTS = {
  'whois.iana.org': '192.0.2.1',
  'whois.verisign-grs.com': '192.0.2.10',
  'whois.namecheap.com': '192.0.2.11',
  'whois.nic.labzz': '192.0.2.12',
  'whois.dns.be': '192.0.2.20',
  'whois.denic.de': '192.0.2.21',
  'whois.jprs.jp': '192.0.2.22',
} as const;
type Host = keyof typeof HOSTS;

const servers = new Map<Host, TestWhois>();
let dns: DnsServer;
let rdap: HttpServer;
let rdapPort = 0;
const rdapPaths: string[] = [];
let net: Net;

const RDAP_DOMAINS: Record<string, unknown> = {
  'refused.be': {
    objectClassName: 'domain',
    ldhName: 'refused.be',
    status: ['active', 'client transfer prohibited'],
    events: [
      { eventAction: 'registration', eventDate: iso(-400) },
      { eventAction: 'expiration', eventDate: iso(400) },
      { eventAction: 'last changed', eventDate: iso(-10) },
    ],
    nameservers: [{ objectClassName: 'nameserver', ldhName: 'NS1.REFUSED-DNS.BE.' }],
    secureDNS: { delegationSigned: true },
    entities: [
      {
        objectClassName: 'entity',
        roles: ['registrar'],
        publicIds: [{ type: 'IANA Registrar ID', identifier: '1068' }],
        vcardArray: [
          'vcard',
          [
            ['version', {}, 'text', '4.0'],
            ['fn', {}, 'text', 'Namecheap'],
          ],
        ],
        entities: [
          {
            objectClassName: 'entity',
            roles: ['abuse'],
            vcardArray: ['vcard', [['email', {}, 'text', 'abuse@namecheap.com']]],
          },
        ],
      },
      {
        objectClassName: 'entity',
        roles: ['registrant'],
        vcardArray: [
          'vcard',
          [
            ['org', {}, 'text', 'Refused Logistics BV'],
            ['adr', { cc: 'BE' }, 'text', ['', '', '', '', '', '', '']],
          ],
        ],
      },
    ],
  },
  'throttled.com': {
    objectClassName: 'domain',
    ldhName: 'throttled.com',
    events: [{ eventAction: 'registration', eventDate: '2015-01-02T03:04:05Z' }],
    entities: [
      { objectClassName: 'entity', roles: ['registrar'], vcardArray: ['vcard', [['fn', {}, 'text', 'Porkbun LLC']]] },
    ],
  },
  // Wrong shape: events is not a list.
  'broken.be': { objectClassName: 'domain', ldhName: 'broken.be', events: 'yesterday' },
};

function zone(host: string, address: string): ZoneInput {
  return {
    origin: host,
    records: [
      { name: '@', type: 'SOA', data: `${host} hostmaster.${host} 1 3600 600 86400 300` },
      { name: '@', type: 'A', data: address },
    ],
  };
}

beforeAll(async () => {
  const answers: Record<Host, Record<string, Answer | string>> = {
    'whois.iana.org': {
      labzz:
        '% IANA WHOIS server\n\nrefer:        whois.nic.labzz\n\ndomain:       LABZZ\n\nwhois:        whois.nic.labzz\n',
      be: '% IANA WHOIS server\n\nrefer:        whois.dns.be\n\ndomain:       BE\n',
      com: '% IANA WHOIS server\n\nrefer:        whois.verisign-grs.com\n',
    },
    'whois.verisign-grs.com': {
      'domain nova-parcels.com': registryRecord('nova-parcels.com', {
        created: -5,
        expires: 360,
        referral: 'whois.namecheap.com',
      }),
      'domain older-shop.com': registryRecord('older-shop.com', {
        created: -60,
        expires: 10,
        referral: 'whois.namecheap.com',
      }),
      'domain expired-thing.com': registryRecord('expired-thing.com', { created: -800, expires: -5 }),
      'domain throttled.com': 'WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS\r\n',
      'domain hanging.com': {
        text: registryRecord('hanging.com', { created: -3000, expires: 300 }),
        behaviour: 'hang',
      },
      'domain endless.com': {
        text: registryRecord('endless.com', { created: -3000, expires: 300 }),
        behaviour: 'endless',
      },
    },
    'whois.namecheap.com': {
      'nova-parcels.com': registrarRecord('nova-parcels.com', {
        created: -5,
        expires: 360,
        org: 'REDACTED FOR PRIVACY',
        country: 'IS',
      }),
      'older-shop.com': registrarRecord('older-shop.com', {
        created: -60,
        expires: 10,
        org: 'Older Shop Ltd',
        country: 'gb',
      }),
    },
    'whois.nic.labzz': {
      'example.labzz': [
        'Domain Name: example.labzz',
        `Creation Date: ${iso(-2000)}`,
        `Registry Expiry Date: ${iso(900)}`,
        'Registrar: Lab Registrar SARL',
        'Name Server: ns.example.labzz',
        '',
      ].join('\n'),
    },
    'whois.dns.be': {},
    'whois.denic.de': {
      '-T dn,ace example.de':
        'Domain: example.de\nNserver: ns1.example.net\nStatus: connect\nChanged: 2020-01-01T00:00:00+01:00\n',
    },
    'whois.jprs.jp': {
      'example.jp/e': '[Domain Name]   EXAMPLE.JP\n[Name Server]   ns1.example.net\n[Created on]    2001/03/22\n',
    },
  };
  const routes: LabRoute[] = [];
  for (const host of Object.keys(HOSTS) as Host[]) {
    const server = await startWhois(answers[host]);
    servers.set(host, server);
    // whois.dns.be refuses every connection, so .be goes to RDAP.
    routes.push({
      address: HOSTS[host],
      port: 43,
      proto: 'tcp',
      to: host === 'whois.dns.be' ? 'refuse' : { host: '127.0.0.1', port: server.port },
    });
  }
  dns = await startDnsServer({ zones: Object.entries(HOSTS).map(([host, address]) => zone(host, address)) });
  rdap = createHttpServer((req, res) => {
    const path = req.url ?? '';
    rdapPaths.push(path);
    const m = /^\/rdap\/domain\/([^/?]+)$/.exec(path);
    const body = m ? RDAP_DOMAINS[decodeURIComponent(m[1] ?? '')] : undefined;
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/rdap+json' });
      res.end(JSON.stringify({ errorCode: 404, title: 'Not Found' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rdap+json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => rdap.listen(0, '127.0.0.1', resolve));
  const address = rdap.address();
  rdapPort = typeof address === 'object' && address ? address.port : 0;
  net = createNet({
    resolvers: [`127.0.0.1:${dns.address.port}`],
    proxy: null,
    timeoutMs: 1000,
    retries: 0,
    lab: { routes, unrouted: 'refuse', traceroutes: [] },
    endpoints: { ianaWhois: 'whois.iana.org', rdap: `http://127.0.0.1:${rdapPort}/rdap` },
  });
});

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
  await dns?.stop();
  await new Promise<void>((resolve) => (rdap ? rdap.close(() => resolve()) : resolve()));
});

/** Runs the scanner; every run keeps the scan-event contract. */
async function scan(type: ScanInput['type'], value: string, options: Record<string, JsonValue> = {}): Promise<ScanRun> {
  const run = await runScanner(whoisScanner, { type, value }, net, options);
  checkScanContract(run, {
    category: 'registration',
    findingsWithoutEvidence: (title) => title.startsWith('Some registration lookups'),
  });
  return run;
}

/** One entity's events merged (a run may report an entity first bare, then with props). */
const entity = (run: ScanRun, type: EntityKey['type'], value: string) => {
  const all = run.entities.filter((e) => e.entity.type === type && e.entity.value === value);
  if (all.length === 0) return undefined;
  return {
    props: Object.assign({}, ...all.map((e) => e.props ?? {})) as Record<string, JsonValue>,
    evidence: all.flatMap((e) => e.evidence ?? []),
  };
};
/** A timestamp the test wrote `days` from now (answers were built earlier, so allow a minute). */
function near(value: JsonValue | undefined, days: number): void {
  expect(typeof value).toBe('string');
  expect(Math.abs(Date.parse(String(value)) - (Date.now() + days * DAY))).toBeLessThan(60_000);
}
const relation = (run: ScanRun, kind: string, to?: string) =>
  run.relations.filter((r) => r.relation === kind && (to === undefined || r.to.value === to));

describe('whois scanner against test WHOIS servers wired like the lab', () => {
  it('asks the registry with its query format, follows the referral to the registrar, merges both', async () => {
    const run = await scan('domain', 'Nova-Parcels.com');
    expect(servers.get('whois.verisign-grs.com')?.queries).toContain('domain nova-parcels.com');
    expect(servers.get('whois.namecheap.com')?.queries).toContain('nova-parcels.com');
    expect(run.evidence.map((e) => [e.ref, e.source, e.mediaType])).toEqual([
      [
        '1:whois:whois.verisign-grs.com',
        'whois://whois.verisign-grs.com/domain%20nova-parcels.com',
        'text/plain; charset=utf-8',
      ],
      ['2:whois:whois.namecheap.com', 'whois://whois.namecheap.com/nova-parcels.com', 'text/plain; charset=utf-8'],
    ]);
    expect(run.evidence[0]?.content).toContain('Registrar WHOIS Server: whois.namecheap.com');

    const domain = entity(run, 'domain', 'nova-parcels.com');
    const props = domain?.props ?? {};
    near(props.created, -5);
    near(props.expires, 360);
    expect(props.ageDays).toBe(5);
    expect(props.status).toEqual(['clientTransferProhibited']);
    expect(props.dnssec).toBe('unsigned');
    expect(props.registrantCountry).toBe('IS');
    expect(props.redacted).toBe(true);
    expect(props.whoisServer).toBe('whois.verisign-grs.com');
    expect(props.registrarWhoisServer).toBe('whois.namecheap.com');
    expect(props.sources).toMatchObject({
      created: 'whois://whois.verisign-grs.com',
      nameServers: 'whois://whois.verisign-grs.com',
      registrantCountry: 'whois://whois.namecheap.com',
      abuseEmail: 'whois://whois.namecheap.com',
    });
    expect(domain?.evidence).toEqual(['1:whois:whois.verisign-grs.com', '2:whois:whois.namecheap.com']);

    // "NameCheap, Inc." (registry) and "NAMECHEAP INC" (registrar) are one registrar, by IANA id.
    const registrars = run.entities.filter((e) => e.entity.type === 'registrar');
    expect(registrars.map((r) => r.entity.value)).toEqual(['NameCheap, Inc.']);
    expect(registrars[0]?.props).toMatchObject({ ianaId: '1068', names: ['NameCheap, Inc.', 'NAMECHEAP INC'] });
    expect(relation(run, 'registered_with')).toHaveLength(1);
    expect(relation(run, 'registered_with')[0]?.evidence).toEqual(['1:whois:whois.verisign-grs.com']);

    const ns = relation(run, 'has_ns');
    expect(ns.map((r) => r.to.value)).toEqual(['ns1.nova-dns.net', 'ns2.nova-dns.net']);
    for (const r of ns) expect(r.props).toEqual({ source: 'whois' });

    // Redacted registrant: no organization named "REDACTED FOR PRIVACY".
    expect(run.entities.filter((e) => e.entity.type === 'organization')).toEqual([]);
    expect(relation(run, 'has_abuse_contact', 'abuse@namecheap.com')).toHaveLength(1);

    const young = run.findings.find((f) => f.title.includes('registered 5 days ago'));
    expect(young?.severity).toBe('high');
    expect(young?.category).toBe('registration');
    expect(young?.evidence).toEqual(['1:whois:whois.verisign-grs.com']);
  });

  it('reports a registrant organisation that is not redacted, a medium age and an expiry within 30 days', async () => {
    const run = await scan('domain', 'older-shop.com');
    const org = relation(run, 'registered_by', 'Older Shop Ltd');
    expect(org).toHaveLength(1);
    expect(org[0]?.evidence).toEqual(['2:whois:whois.namecheap.com']);
    expect(entity(run, 'domain', 'older-shop.com')?.props?.registrantCountry).toBe('GB');
    expect(entity(run, 'domain', 'older-shop.com')?.props?.redacted).toBe(true);
    const severities = Object.fromEntries(run.findings.map((f) => [f.title, f.severity]));
    expect(severities['older-shop.com was registered 60 days ago']).toBe('medium');
    expect(severities['The registration of older-shop.com expires in 9 days']).toBe('low');
  });

  it('reports an expired registration', async () => {
    const run = await scan('domain', 'expired-thing.com');
    const expired = run.findings.find((f) => f.title.startsWith('The registration of expired-thing.com expired'));
    expect(expired?.severity).toBe('medium');
    expect(run.findings.some((f) => f.title.includes('registered'))).toBe(false);
    // No referral in the record: only the registry was asked.
    expect(run.evidence).toHaveLength(1);
  });

  it('scans the registrable domain of a subdomain and the domain of an email address', async () => {
    const sub = await scan('domain', 'www.nova-parcels.com');
    expect(relation(sub, 'subdomain_of', 'nova-parcels.com')).toHaveLength(1);
    near(entity(sub, 'domain', 'nova-parcels.com')?.props?.created, -5);
    const mail = await scan('email', 'Ops@Nova-Parcels.com');
    expect(relation(mail, 'uses_email_domain', 'nova-parcels.com')).toHaveLength(1);
    expect(relation(mail, 'registered_with')).toHaveLength(1);
  });

  it('asks IANA which server runs a TLD the table does not know', async () => {
    const run = await scan('domain', 'example.labzz');
    expect(servers.get('whois.iana.org')?.queries).toContain('labzz');
    expect(servers.get('whois.nic.labzz')?.queries).toContain('example.labzz');
    expect(run.evidence.map((e) => e.ref)).toEqual(['1:whois:whois.iana.org', '2:whois:whois.nic.labzz']);
    const props = entity(run, 'domain', 'example.labzz')?.props ?? {};
    expect(props.whoisServer).toBe('whois.nic.labzz');
    expect(relation(run, 'registered_with', 'Lab Registrar')).toHaveLength(1);
    // The name server inside the domain itself is still a name server.
    expect(relation(run, 'has_ns', 'ns.example.labzz')).toHaveLength(1);
  });

  it('uses the DENIC and JPRS query formats', async () => {
    await scan('domain', 'example.de');
    await scan('domain', 'example.jp');
    expect(servers.get('whois.denic.de')?.queries).toContain('-T dn,ace example.de');
    expect(servers.get('whois.jprs.jp')?.queries).toContain('example.jp/e');
  });

  it('falls back to RDAP when port 43 refuses, and validates the RDAP answer', async () => {
    const run = await scan('domain', 'refused.be');
    expect(rdapPaths).toContain('/rdap/domain/refused.be');
    const rdapEvidence = run.evidence.find((e) => e.mediaType === 'application/rdap+json');
    expect(rdapEvidence?.source).toBe(`http://127.0.0.1:${rdapPort}/rdap/domain/refused.be`);
    const props = entity(run, 'domain', 'refused.be')?.props ?? {};
    near(props.created, -400);
    expect(props.status).toEqual(['ok', 'clientTransferProhibited']);
    expect(props.dnssec).toBe('signed');
    expect(props.registrantCountry).toBe('BE');
    expect(relation(run, 'registered_with', 'NameCheap, Inc.')).toHaveLength(1);
    expect(relation(run, 'registered_by', 'Refused Logistics BV')).toHaveLength(1);
    expect(relation(run, 'has_ns', 'ns1.refused-dns.be')).toHaveLength(1);
    const failed = run.findings.find((f) => f.title.startsWith('Some registration lookups'));
    expect(failed?.detail).toMatch(/refused/);
  });

  it('turns an RDAP answer of the wrong shape into a finding, not a crash', async () => {
    const run = await scan('domain', 'broken.be');
    const invalid = run.findings.find((f) => f.title.includes('not a valid RDAP domain object'));
    expect(invalid?.severity).toBe('low');
    expect(invalid?.detail).toContain('events');
    expect(invalid?.evidence).toHaveLength(1);
    expect(run.findings.some((f) => f.title.startsWith('No registration data could be read'))).toBe(true);
  });

  it('says so when a server throttles, instead of returning an empty result', async () => {
    const run = await scan('domain', 'throttled.com', { rdap: 'never' });
    const throttled = run.findings.find((f) => f.title.includes('refused the query: rate limit'));
    expect(throttled?.severity).toBe('low');
    expect(throttled?.detail).toContain('WHOIS LIMIT EXCEEDED');
    expect(throttled?.evidence).toEqual(['1:whois:whois.verisign-grs.com']);
  });

  it('goes on to RDAP after a throttled WHOIS answer', async () => {
    const run = await scan('domain', 'throttled.com');
    expect(run.findings.some((f) => f.title.includes('refused the query: rate limit'))).toBe(true);
    expect(rdapPaths).toContain('/rdap/domain/throttled.com');
    const props = entity(run, 'domain', 'throttled.com')?.props ?? {};
    expect(props.created).toBe('2015-01-02T03:04:05Z');
    expect(props.sources).toMatchObject({ created: `http://127.0.0.1:${rdapPort}/rdap/domain/throttled.com` });
    expect(relation(run, 'registered_with', 'Porkbun LLC')).toHaveLength(1);
  });

  it('reads what arrived from a server that never closes the connection', async () => {
    const started = Date.now();
    const run = await scan('domain', 'hanging.com', { queryTimeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.findings.some((f) => f.title.includes('did not close the connection'))).toBe(true);
    near(entity(run, 'domain', 'hanging.com')?.props?.created, -3000);
  });

  it('stops reading a never-ending answer at 1 MiB and reads the start', async () => {
    const run = await scan('domain', 'endless.com');
    const cut = run.findings.find((f) => f.title.includes('was cut at 1048576 bytes'));
    expect(cut).toBeDefined();
    expect(run.evidence[0]?.content.length).toBe(1024 * 1024);
    near(entity(run, 'domain', 'endless.com')?.props?.created, -3000);
  });

  it('fails the run with the reasons when no server answers at all', async () => {
    await expect(scan('domain', 'nothing.be', { rdap: 'never' })).rejects.toThrow(/no WHOIS or RDAP answer/);
  });
});
