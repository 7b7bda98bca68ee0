import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { ZoneInput } from '../../../src/lab/dns/zone';
import { dnsScanner } from '../../../src/scanners/dns/scanner';
import type { EntityKey, JsonValue } from '../../../src/shared/model';
import type { Net, ScanInput } from '../../../src/shared/scanner';
import { checkScanContract, runScanner } from '../../helpers/scanner-harness';

const zones = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../src/scanners/dns/fixtures/nova.zones.json'), 'utf8'),
) as ZoneInput[];

let server: DnsServer;
let net: Net;
let resolver: string;

beforeAll(async () => {
  server = await startDnsServer({ zones });
  resolver = `127.0.0.1:${server.address.port}`;
  net = createNet({ resolvers: [resolver], proxy: null, timeoutMs: 1000, retries: 1 });
});
afterAll(async () => {
  await server.stop();
});

/** Runs the dns scanner and checks the contract every run must keep, whatever it found. */
async function scan(type: ScanInput['type'], value: string, options: Record<string, JsonValue> = {}, withNet = net) {
  const run = await runScanner(dnsScanner, { type, value }, withNet, options);
  checkScanContract(run, { category: 'dns' });
  return run;
}

const d = (value: string): EntityKey => ({ type: 'domain', value });
const ip = (value: string): EntityKey => ({ type: 'ip', value });
const refs = (n: number, type: string, name: string) => [`${n}:${type}:${name}`, `${n}:${type}:${name}:raw`];
const TYPES = ['A', 'AAAA', 'MX', 'NS', 'TXT', 'CNAME', 'SOA', 'CAA'];
const PROBE_TYPES = ['A', 'AAAA', 'CNAME'];

describe('dns scanner against the lab DNS server', () => {
  it('maps nova-parcels.com: entities, relations, props and evidence, exactly', async () => {
    const run = await scan('domain', 'Nova-Parcels.COM.');
    const apex = 'nova-parcels.com';
    const ptr4 = '47.101.220.185.in-addr.arpa';
    const ptr6 = '7.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
    const A = refs(1, 'A', apex);
    const AAAA = refs(2, 'AAAA', apex);
    const MX = refs(3, 'MX', apex);
    const NS = refs(4, 'NS', apex);
    const P4 = refs(12, 'PTR', ptr4);
    const P6 = refs(13, 'PTR', ptr6);
    // Last, the A and AAAA of the mail and name servers, MX and NS in turn.
    const SERVERS = ['mail.nova-parcels.com', 'ns1.nova-dns.net', 'mx2.nova-mail.net', 'ns2.nova-dns.net'];
    const host = (i: number, type: 'A' | 'AAAA') => refs(14 + 2 * i + (type === 'A' ? 0 : 1), type, SERVERS[i] ?? '');
    const both = (i: number) => [...host(i, 'A'), ...host(i, 'AAAA')];
    // The wildcard probe: a random name under the apex, asked right after the apex's own queries.
    const probe = run.evidence[TYPES.length * 2]?.ref.split(':')[2] ?? '';
    expect(probe).toMatch(/^[a-z0-9]{16}\.nova-parcels\.com$/);

    expect(run.evidence.map((e) => [e.ref, e.mediaType, e.encoding, e.source])).toEqual([
      ...TYPES.flatMap((t, i) => [
        [`${i + 1}:${t}:${apex}`, 'text/plain; charset=utf-8', 'utf8', `dns://${resolver}/${apex}?type=${t}`],
        [`${i + 1}:${t}:${apex}:raw`, 'application/dns-message', 'base64', `dns://${resolver}/${apex}?type=${t}`],
      ]),
      ...PROBE_TYPES.flatMap((t, i) => [
        [`${i + 9}:${t}:${probe}`, 'text/plain; charset=utf-8', 'utf8', `dns://${resolver}/${probe}?type=${t}`],
        [`${i + 9}:${t}:${probe}:raw`, 'application/dns-message', 'base64', `dns://${resolver}/${probe}?type=${t}`],
      ]),
      [P4[0], 'text/plain; charset=utf-8', 'utf8', `dns://${resolver}/${ptr4}?type=PTR`],
      [P4[1], 'application/dns-message', 'base64', `dns://${resolver}/${ptr4}?type=PTR`],
      [P6[0], 'text/plain; charset=utf-8', 'utf8', `dns://${resolver}/${ptr6}?type=PTR`],
      [P6[1], 'application/dns-message', 'base64', `dns://${resolver}/${ptr6}?type=PTR`],
      ...SERVERS.flatMap((name, i) =>
        (['A', 'AAAA'] as const).flatMap((t) => [
          [host(i, t)[0], 'text/plain; charset=utf-8', 'utf8', `dns://${resolver}/${name}?type=${t}`],
          [host(i, t)[1], 'application/dns-message', 'base64', `dns://${resolver}/${name}?type=${t}`],
        ]),
      ),
    ]);

    const mxText = run.evidence.find((e) => e.ref === MX[0])?.content ?? '';
    expect(mxText).toMatch(/^; <<>> Tracegraph dns <<>> @127\.0\.0\.1:\d+ nova-parcels\.com\. MX\n/);
    expect(mxText).toMatch(/;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \d+\n/);
    expect(mxText).toContain(';; flags: qr aa rd; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1\n');
    expect(mxText).toContain('; EDNS: version: 0, flags:; udp: 1232\n');
    expect(mxText).toContain(';; QUESTION SECTION:\n;nova-parcels.com.\t\tIN\tMX\n');
    expect(mxText).toContain(
      ';; ANSWER SECTION:\nnova-parcels.com.\t300\tIN\tMX\t10 mail.nova-parcels.com\nnova-parcels.com.\t300\tIN\tMX\t20 mx2.nova-mail.net\n',
    );
    expect(mxText).toContain(`;; SERVER: ${resolver}\n`);
    const cnameText = run.evidence.find((e) => e.ref === `6:CNAME:${apex}`)?.content ?? '';
    expect(cnameText).toContain(
      ';; AUTHORITY SECTION:\nnova-parcels.com.\t300\tIN\tSOA\tns1.nova-dns.net hostmaster.nova-parcels.com 2024111501 7200 3600 1209600 300\n',
    );
    for (const raw of run.evidence.filter((e) => e.encoding === 'base64')) {
      const decoded = packet.decode(Buffer.from(raw.content, 'base64'));
      expect(decoded.type).toBe('response');
      expect(raw.source).toContain(`${decoded.questions?.[0]?.name}?type=${decoded.questions?.[0]?.type}`);
    }

    expect(run.entities).toEqual([
      {
        kind: 'entity',
        entity: d(apex),
        props: {
          txt: ['site-verification=nova-7f3a', 'part one, part two'],
          soa: {
            mname: 'ns1.nova-dns.net',
            rname: 'hostmaster.nova-parcels.com',
            serial: 2024111501,
            refresh: 7200,
            retry: 3600,
            expire: 1209600,
            minimum: 300,
          },
          zone: apex,
          caa: { issue: ['letsencrypt.org'], issuewild: [], iodef: [] },
        },
        evidence: TYPES.flatMap((t, i) => refs(i + 1, t, apex)),
      },
      { kind: 'entity', entity: ip('185.220.101.47'), evidence: A },
      { kind: 'entity', entity: ip('2001:db8::47'), evidence: AAAA },
      { kind: 'entity', entity: d('mail.nova-parcels.com'), evidence: MX },
      { kind: 'entity', entity: d('mx2.nova-mail.net'), evidence: MX },
      { kind: 'entity', entity: d('ns1.nova-dns.net'), evidence: NS },
      { kind: 'entity', entity: d('ns2.nova-dns.net'), evidence: NS },
      { kind: 'entity', entity: ip('185.220.101.47'), evidence: P4 },
      { kind: 'entity', entity: d('host47.example-hosting.net'), evidence: P4 },
      { kind: 'entity', entity: ip('2001:db8::47'), evidence: P6 },
      { kind: 'entity', entity: d('v6.example-hosting.net'), evidence: P6 },
      { kind: 'entity', entity: d('mail.nova-parcels.com'), evidence: both(0) },
      { kind: 'entity', entity: ip('185.220.101.47'), evidence: host(0, 'A') },
      { kind: 'entity', entity: d('ns1.nova-dns.net'), evidence: both(1) },
      { kind: 'entity', entity: ip('185.220.100.1'), evidence: host(1, 'A') },
      { kind: 'entity', entity: d('mx2.nova-mail.net'), evidence: both(2) },
      { kind: 'entity', entity: d('relay.nova-mail.net'), evidence: both(2) },
      { kind: 'entity', entity: ip('185.220.102.25'), evidence: host(2, 'A') },
      { kind: 'entity', entity: d('ns2.nova-dns.net'), evidence: both(3) },
      { kind: 'entity', entity: ip('185.220.100.2'), evidence: host(3, 'A') },
      { kind: 'entity', entity: ip('2001:db8:53::2'), evidence: host(3, 'AAAA') },
    ]);
    expect(run.relations).toEqual([
      { kind: 'relation', from: d(apex), relation: 'resolves_to', to: ip('185.220.101.47'), evidence: A },
      { kind: 'relation', from: d(apex), relation: 'resolves_to', to: ip('2001:db8::47'), evidence: AAAA },
      {
        kind: 'relation',
        from: d(apex),
        relation: 'has_mx',
        to: d('mail.nova-parcels.com'),
        props: { preference: 10 },
        evidence: MX,
      },
      {
        kind: 'relation',
        from: d(apex),
        relation: 'has_mx',
        to: d('mx2.nova-mail.net'),
        props: { preference: 20 },
        evidence: MX,
      },
      { kind: 'relation', from: d(apex), relation: 'has_ns', to: d('ns1.nova-dns.net'), evidence: NS },
      { kind: 'relation', from: d(apex), relation: 'has_ns', to: d('ns2.nova-dns.net'), evidence: NS },
      {
        kind: 'relation',
        from: ip('185.220.101.47'),
        relation: 'ptr_to',
        to: d('host47.example-hosting.net'),
        evidence: P4,
      },
      { kind: 'relation', from: ip('2001:db8::47'), relation: 'ptr_to', to: d('v6.example-hosting.net'), evidence: P6 },
      // The pivot from the domain to its servers' addresses: has_mx / has_ns, then resolves_to.
      {
        kind: 'relation',
        from: d('mail.nova-parcels.com'),
        relation: 'resolves_to',
        to: ip('185.220.101.47'),
        evidence: host(0, 'A'),
      },
      {
        kind: 'relation',
        from: d('ns1.nova-dns.net'),
        relation: 'resolves_to',
        to: ip('185.220.100.1'),
        evidence: host(1, 'A'),
      },
      {
        kind: 'relation',
        from: d('mx2.nova-mail.net'),
        relation: 'cname_to',
        to: d('relay.nova-mail.net'),
        evidence: both(2),
      },
      {
        kind: 'relation',
        from: d('mx2.nova-mail.net'),
        relation: 'resolves_to',
        to: ip('185.220.102.25'),
        props: { via: ['relay.nova-mail.net'] },
        evidence: host(2, 'A'),
      },
      {
        kind: 'relation',
        from: d('relay.nova-mail.net'),
        relation: 'resolves_to',
        to: ip('185.220.102.25'),
        evidence: host(2, 'A'),
      },
      {
        kind: 'relation',
        from: d('ns2.nova-dns.net'),
        relation: 'resolves_to',
        to: ip('185.220.100.2'),
        evidence: host(3, 'A'),
      },
      {
        kind: 'relation',
        from: d('ns2.nova-dns.net'),
        relation: 'resolves_to',
        to: ip('2001:db8:53::2'),
        evidence: host(3, 'AAAA'),
      },
    ]);
    expect(run.findings).toEqual([]);
    expect(run.progress[0]).toEqual({ kind: 'progress', fraction: 0, message: 'querying nova-parcels.com' });
  });

  it('follows a CNAME: cname_to, and resolves_to from both names', async () => {
    const run = await scan('domain', 'www.nova-parcels.com', { reverse: false });
    const A = refs(1, 'A', 'www.nova-parcels.com');
    const all = TYPES.flatMap((t, i) => refs(i + 1, t, 'www.nova-parcels.com'));
    expect(run.relations).toEqual([
      {
        kind: 'relation',
        from: d('www.nova-parcels.com'),
        relation: 'cname_to',
        to: d('edge.nova-parcels.com'),
        evidence: all,
      },
      {
        kind: 'relation',
        from: d('www.nova-parcels.com'),
        relation: 'resolves_to',
        to: ip('185.220.101.48'),
        props: { via: ['edge.nova-parcels.com'] },
        evidence: A,
      },
      {
        kind: 'relation',
        from: d('edge.nova-parcels.com'),
        relation: 'resolves_to',
        to: ip('185.220.101.48'),
        evidence: A,
      },
    ]);
    expect(run.evidence.filter((e) => e.ref.includes('PTR'))).toEqual([]);
    expect(run.findings).toEqual([]);
  });

  it('reports NXDOMAIN as "does not resolve" with every NXDOMAIN answer as evidence', async () => {
    const run = await scan('domain', 'missing.nova-parcels.com');
    const name = 'missing.nova-parcels.com';
    expect(run.entities).toEqual([
      {
        kind: 'entity',
        entity: d(name),
        props: { zone: 'nova-parcels.com' },
        evidence: TYPES.flatMap((t, i) => refs(i + 1, t, name)),
      },
    ]);
    expect(run.relations).toEqual([]);
    expect(run.findings).toEqual([
      {
        kind: 'finding',
        about: d(name),
        severity: 'info',
        category: 'dns',
        title: `${name} does not resolve`,
        detail: `The resolver answered NXDOMAIN (no such name) for the A, AAAA, MX, NS, TXT, CNAME, SOA, CAA queries: ${name} does not exist in DNS.`,
        evidence: TYPES.flatMap((t, i) => refs(i + 1, t, name)),
      },
    ]);
    expect(run.evidence[0]?.content).toContain('status: NXDOMAIN');
  });

  it('reports a zone apex without NS records', async () => {
    const run = await scan('domain', 'no-ns.test');
    expect(run.findings).toEqual([
      {
        kind: 'finding',
        about: d('no-ns.test'),
        severity: 'low',
        category: 'dns',
        title: 'no-ns.test has no NS records',
        detail:
          'no-ns.test is a zone apex (it has an SOA record) but its zone lists no name servers: the delegation is broken or misconfigured.',
        evidence: [...refs(4, 'NS', 'no-ns.test'), ...refs(7, 'SOA', 'no-ns.test')],
      },
      {
        kind: 'finding',
        about: d('no-ns.test'),
        severity: 'low',
        category: 'dns',
        title: 'No CAA record restricts certificate issuance for no-ns.test',
        detail:
          'no-ns.test publishes no CAA records (RFC 8659): any public certificate authority may issue certificates for ' +
          'it. A CAA record naming the CAs in use narrows who can obtain a certificate for it.',
        evidence: refs(8, 'CAA', 'no-ns.test'),
      },
    ]);
    expect(run.relations.map((r) => [r.relation, r.to.value])).toEqual([['resolves_to', '192.0.2.10']]);
  });

  it('flags a dangling CNAME, a CNAME loop and a null MX', async () => {
    const dangling = await scan('domain', 'old.nova-parcels.com');
    expect(dangling.findings.map((f) => [f.severity, f.title])).toEqual([
      ['medium', 'old.nova-parcels.com is an alias of gone.nova-parcels.com, which does not exist'],
    ]);
    expect(dangling.findings[0]?.evidence).not.toContain('6:CNAME:old.nova-parcels.com');
    const loop = await scan('domain', 'loop.nova-parcels.com');
    expect(loop.findings.map((f) => [f.severity, f.title])).toEqual([['low', 'CNAME loop at loop.nova-parcels.com']]);
    expect(loop.relations.map((r) => [r.from.value, r.relation, r.to.value])).toEqual([
      ['loop.nova-parcels.com', 'cname_to', 'loop2.nova-parcels.com'],
      ['loop2.nova-parcels.com', 'cname_to', 'loop.nova-parcels.com'],
    ]);
    const nomail = await scan('domain', 'nomail.nova-parcels.com');
    expect(nomail.findings.map((f) => [f.severity, f.title, f.evidence])).toEqual([
      ['info', 'nomail.nova-parcels.com accepts no email (null MX)', refs(3, 'MX', 'nomail.nova-parcels.com')],
    ]);
    expect(nomail.entities[0]?.props).toMatchObject({ nullMx: true });
    expect(nomail.relations.some((r) => r.relation === 'has_mx')).toBe(false);
  });

  it('reports REFUSED answers as a finding, not a failure', async () => {
    const run = await scan('domain', 'example.org');
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
      ['low', 'The resolver answered REFUSED for example.org'],
    ]);
  });

  it('scans an IP address: PTR as ptr_to, or a finding when there is none', async () => {
    const run = await scan('ip', '185.220.101.48');
    const P = refs(1, 'PTR', '48.101.220.185.in-addr.arpa');
    expect(run.entities).toEqual([
      { kind: 'entity', entity: ip('185.220.101.48'), evidence: P },
      { kind: 'entity', entity: d('edge48.example-hosting.net'), evidence: P },
    ]);
    expect(run.relations).toEqual([
      {
        kind: 'relation',
        from: ip('185.220.101.48'),
        relation: 'ptr_to',
        to: d('edge48.example-hosting.net'),
        evidence: P,
      },
    ]);
    const none = await scan('ip', '185.220.101.99');
    expect(none.findings).toEqual([
      {
        kind: 'finding',
        about: ip('185.220.101.99'),
        severity: 'info',
        category: 'dns',
        title: '185.220.101.99 has no reverse DNS name',
        detail:
          'The resolver answered NXDOMAIN for 99.101.220.185.in-addr.arpa PTR: no name is published for this address.',
        evidence: refs(1, 'PTR', '99.101.220.185.in-addr.arpa'),
      },
    ]);
  });

  it('scans an email address: the email, uses_email_domain, then the domain', async () => {
    const run = await scan('email', 'alice@NOVA-parcels.com', { reverse: false });
    expect(run.events.slice(0, 3)).toEqual([
      { kind: 'entity', entity: { type: 'email', value: 'alice@nova-parcels.com' } },
      { kind: 'entity', entity: d('nova-parcels.com') },
      {
        kind: 'relation',
        from: { type: 'email', value: 'alice@nova-parcels.com' },
        relation: 'uses_email_domain',
        to: d('nova-parcels.com'),
      },
    ]);
    expect(run.relations.filter((r) => r.relation === 'has_mx').map((r) => r.to.value)).toEqual([
      'mail.nova-parcels.com',
      'mx2.nova-mail.net',
    ]);
    // From the email's domain on to its mail servers' addresses.
    const addressesOf = (host: string) =>
      run.relations.filter((r) => r.relation === 'resolves_to' && r.from.value === host).map((r) => r.to.value);
    expect(addressesOf('mail.nova-parcels.com')).toEqual(['185.220.101.47']);
    expect(addressesOf('mx2.nova-mail.net')).toEqual(['185.220.102.25']);
  });

  it('reports the servers that have no address, and does not ask again for the domain itself', async () => {
    const name = 'broken-servers.test';
    const run = await scan('domain', name, { reverse: false });
    const asked = run.evidence.filter((e) => e.encoding === 'utf8').map((e) => e.ref.replace(/^\d+:/, ''));
    // MX "20 broken-servers.test" names the domain, whose A and AAAA were the first questions.
    expect(asked.filter((q) => q === `A:${name}`)).toHaveLength(1);
    expect(asked.slice(-6)).toEqual(
      ['noaddr', 'ns', 'gone-ns'].flatMap((host) => [`A:${host}.${name}`, `AAAA:${host}.${name}`]),
    );
    expect(run.relations.filter((r) => r.relation === 'resolves_to').map((r) => [r.from.value, r.to.value])).toEqual([
      [name, '192.0.2.30'],
      ['ns.broken-servers.test', '192.0.2.31'],
    ]);
    const missing = run.findings.find((f) => f.title.includes('have no address'));
    expect(missing?.title).toBe('2 mail and name servers of broken-servers.test have no address');
    // A name that does not exist (NXDOMAIN) is more than one with no address: low, not info.
    expect(missing?.severity).toBe('low');
    expect(missing?.detail).toContain('noaddr.broken-servers.test (mail server) exists but has no A or AAAA record.');
    expect(missing?.detail).toContain('gone-ns.broken-servers.test (name server) does not exist (NXDOMAIN).');
    // Both names are under the domain itself: nobody else can register them.
    expect(missing?.detail).not.toContain('registers');
    const cited = new Set(missing?.evidence);
    for (const e of run.evidence.filter((e) => /noaddr|gone-ns/.test(e.ref))) expect(cited.has(e.ref)).toBe(true);
    expect([...cited].some((ref) => ref.includes(':ns.broken-servers.test'))).toBe(false);
  });

  it('leaves the servers alone when told to', async () => {
    const run = await scan('domain', 'nova-parcels.com', { reverse: false, servers: false });
    expect(run.evidence.some((e) => e.ref.includes('nova-dns.net'))).toBe(false);
    expect(run.relations.filter((r) => r.relation === 'resolves_to').map((r) => r.from.value)).toEqual([
      'nova-parcels.com',
      'nova-parcels.com',
    ]);
  });

  it('fails the run, naming the resolver, when every query fails', async () => {
    const dead = createNet({ resolvers: ['127.0.0.1:9'], proxy: null, timeoutMs: 200, retries: 0 });
    await expect(scan('domain', 'nova-parcels.com', {}, dead)).rejects.toThrow(
      /^every DNS query for nova-parcels\.com failed: DNS query nova-parcels\.com A failed: 127\.0\.0\.1:9 (connection refused|timed out)/,
    );
    await expect(scan('ip', '185.220.101.47', {}, dead)).rejects.toThrow(
      /PTR query for 185\.220\.101\.47 failed: .*127\.0\.0\.1:9/,
    );
  });

  it('rejects inputs it cannot scan', async () => {
    await expect(scan('domain', 'not a domain')).rejects.toThrow(/not a valid domain/);
    await expect(scan('ip', '999.1.1.1')).rejects.toThrow(/not a valid IP/);
    await expect(scan('url', 'http://x.test/')).rejects.toThrow(/does not accept url/);
  });
});
