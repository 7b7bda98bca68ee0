import { createSocket, type Socket } from 'node:dgram';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { ZoneInput } from '../../../src/lab/dns/zone';
import { dnsScanner } from '../../../src/scanners/dns/scanner';
import type { EntityKey, JsonValue } from '../../../src/shared/model';
import type { Net } from '../../../src/shared/scanner';
import { checkScanContract, runScanner } from '../../helpers/scanner-harness';

/**
 * The lab serves no wildcards, so this UDP front forwards every query to it and, when the lab
 * answers NXDOMAIN for a name under one of `wildcards`, answers instead what the lab holds at
 * `_wildcard.<parent>`, with the owner names rewritten: what an RFC 4592 wildcard would give.
 * Only names one label below the parent are synthesized: deeper names under an existing child
 * have that child as closest encloser, which the wildcard does not cover.
 */
async function startWildcardFront(upstream: number, wildcards: string[]): Promise<{ port: number; stop(): void }> {
  const front = createSocket('udp4');
  const ask = (bytes: Buffer): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const client: Socket = createSocket('udp4');
      const timer = setTimeout(() => {
        client.close();
        reject(new Error('upstream timed out'));
      }, 2000);
      client.once('message', (reply) => {
        clearTimeout(timer);
        client.close();
        resolve(reply);
      });
      client.send(bytes, upstream, '127.0.0.1');
    });
  front.on('message', (message, remote) => {
    void (async () => {
      const query = packet.decode(message);
      const question = query.questions?.[0];
      let reply = await ask(message);
      const name = question?.name.toLowerCase() ?? '';
      const parent = wildcards.find((w) => name.slice(name.indexOf('.') + 1) === w);
      if (question && parent && ((packet.decode(reply).flags ?? 0) & 0x0f) === 3) {
        const stand = `_wildcard.${parent}`;
        const synthesized = packet.decode(
          await ask(packet.encode({ ...query, questions: [{ ...question, name: stand }] })),
        );
        reply = packet.encode({
          ...synthesized,
          questions: [question],
          answers: (synthesized.answers ?? []).map((a) => (a.name === stand ? { ...a, name: question.name } : a)),
        });
      }
      front.send(reply, remote.port, remote.address);
    })().catch(() => {});
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  return { port: front.address().port, stop: () => front.close() };
}

const soa = (origin: string) => ({
  name: '@',
  type: 'SOA' as const,
  data: `ns.${origin} hostmaster.${origin} 1 7200 3600 1209600 60`,
});
const ns = (origin: string) => ({ name: '@', type: 'NS' as const, data: `ns.${origin}` });
const zones: ZoneInput[] = [
  {
    origin: 'caa.test',
    records: [
      soa('caa.test'),
      ns('caa.test'),
      { name: '@', type: 'A', data: '192.0.2.1' },
      { name: '@', type: 'CAA', data: '0 issue "letsencrypt.org"' },
      { name: '@', type: 'CAA', data: '0 issue "pki.goog; cansignhttpexchanges=yes"' },
      { name: '@', type: 'CAA', data: '0 issuewild ";"' },
      { name: '@', type: 'CAA', data: '0 iodef "mailto:security@caa.test"' },
      { name: 'www.shop', type: 'A', data: '192.0.2.2' },
    ],
  },
  {
    origin: 'iodef.test',
    records: [
      soa('iodef.test'),
      ns('iodef.test'),
      { name: '@', type: 'A', data: '192.0.2.3' },
      { name: '@', type: 'CAA', data: '0 iodef "mailto:x@iodef.test"' },
    ],
  },
  {
    origin: 'nocaa.test',
    records: [soa('nocaa.test'), ns('nocaa.test'), { name: '@', type: 'A', data: '192.0.2.4' }],
  },
  {
    origin: 'wild.test',
    records: [
      soa('wild.test'),
      ns('wild.test'),
      { name: '@', type: 'A', data: '192.0.2.80' },
      { name: '@', type: 'CAA', data: '0 issue "letsencrypt.org"' },
      { name: '_wildcard', type: 'A', data: '192.0.2.99' },
      { name: 'www', type: 'A', data: '192.0.2.10' },
    ],
  },
];

let server: DnsServer;
let front: { port: number; stop(): void };
let net: Net;

beforeAll(async () => {
  server = await startDnsServer({ zones });
  front = await startWildcardFront(server.address.port, ['wild.test']);
  net = createNet({ resolvers: [`127.0.0.1:${front.port}`], proxy: null, timeoutMs: 2000, retries: 1 });
});
afterAll(async () => {
  front.stop();
  await server.stop();
});

/**
 * Runs the dns scanner, checks the scan-event contract, and merges the props of the scanned name.
 * CAA and wildcards are the subject here: no PTR, and the name servers are not resolved.
 */
async function scan(value: string, options: { [key: string]: JsonValue } = { reverse: false, servers: false }) {
  const run = await runScanner(dnsScanner, { type: 'domain', value }, net, options);
  checkScanContract(run, { category: 'dns' });
  const props = Object.assign(
    {},
    ...run.entities.filter((e) => e.entity.value === value).map((e) => e.props ?? {}),
  ) as { [key: string]: JsonValue };
  return { ...run, props };
}

const d = (value: string): EntityKey => ({ type: 'domain', value });
const PROBE = /^[a-z0-9]{16}\./;

describe('dns scanner: CAA', () => {
  it('reads issue, issuewild and iodef, and raises nothing when issuance is restricted', async () => {
    const run = await scan('caa.test');
    expect(run.props.caa).toEqual({
      issue: ['letsencrypt.org', 'pki.goog; cansignhttpexchanges=yes'],
      issuewild: [';'],
      iodef: ['mailto:security@caa.test'],
    });
    expect(run.findings).toEqual([]);
  });

  it('climbs to the closest ancestor with CAA records', async () => {
    const run = await scan('www.shop.caa.test');
    expect(run.props.caa).toMatchObject({
      issue: ['letsencrypt.org', 'pki.goog; cansignhttpexchanges=yes'],
      inheritedFrom: 'caa.test',
    });
    const caaRefs = run.evidence.filter((e) => e.ref.includes(':CAA:')).map((e) => e.ref);
    expect(caaRefs).toEqual([
      expect.stringMatching(/^\d+:CAA:www\.shop\.caa\.test$/),
      expect.stringMatching(/^\d+:CAA:www\.shop\.caa\.test:raw$/),
      expect.stringMatching(/^\d+:CAA:shop\.caa\.test$/),
      expect.stringMatching(/^\d+:CAA:shop\.caa\.test:raw$/),
      expect.stringMatching(/^\d+:CAA:caa\.test$/),
      expect.stringMatching(/^\d+:CAA:caa\.test:raw$/),
    ]);
    expect(run.findings).toEqual([]);
  });

  it('reports a domain whose CAA records restrict nothing, or that has none', async () => {
    const iodef = await scan('iodef.test');
    expect(iodef.props.caa).toEqual({ issue: [], issuewild: [], iodef: ['mailto:x@iodef.test'] });
    expect(iodef.findings.map((f) => [f.severity, f.title])).toEqual([
      ['low', 'No CAA record restricts certificate issuance for iodef.test'],
    ]);
    const none = await scan('nocaa.test');
    expect(none.props.caa).toBeUndefined();
    expect(none.findings).toEqual([
      expect.objectContaining({
        about: d('nocaa.test'),
        severity: 'low',
        category: 'dns',
        title: 'No CAA record restricts certificate issuance for nocaa.test',
        evidence: [expect.stringMatching(/^\d+:CAA:nocaa\.test$/), expect.stringMatching(/^\d+:CAA:nocaa\.test:raw$/)],
      }),
    ]);
  });
});

describe('dns scanner: wildcards', () => {
  it('finds no wildcard where there is none', async () => {
    const run = await scan('caa.test');
    expect(run.props.wildcard).toBeUndefined();
    const probes = run.evidence.filter((e) => e.encoding === 'utf8' && PROBE.test(e.ref.split(':')[2] ?? ''));
    expect(probes.map((e) => e.ref.split(':')[1])).toEqual(['A', 'AAAA', 'CNAME']);
    for (const p of probes) expect(p.content).toContain('status: NXDOMAIN');
  });

  it('detects the wildcard under a zone apex, citing the probe', async () => {
    const run = await scan('wild.test');
    const wildcard = run.props.wildcard as {
      name: string;
      probe: string;
      a: string[];
      aaaa: string[];
      cname: string[];
    };
    expect(wildcard).toMatchObject({ name: '*.wild.test', a: ['192.0.2.99'], aaaa: [], cname: [] });
    expect(wildcard.probe).toMatch(/^[a-z0-9]{16}\.wild\.test$/);
    const found = run.findings.find((f) => f.title === 'wild.test has a wildcard record (*.wild.test)');
    expect(found).toMatchObject({ severity: 'info', category: 'dns' });
    expect(found?.evidence).toEqual([
      expect.stringMatching(new RegExp(`^\\d+:A:${wildcard.probe.replaceAll('.', '\\.')}$`)),
      expect.stringMatching(/:raw$/),
    ]);
    // The probe's answer is not a host: no relation leads to the random name or from it.
    expect(run.relations.some((r) => PROBE.test(r.from.value) || PROBE.test(r.to.value))).toBe(false);
    expect(run.relations.filter((r) => r.relation === 'resolves_to').map((r) => r.to.value)).toEqual(['192.0.2.80']);
  });

  it('marks a name that answers only through the wildcard, and not a real host beside it', async () => {
    const synthesized = await scan('anything.wild.test');
    expect(synthesized.props.viaWildcard).toMatchObject({ name: '*.wild.test', a: ['192.0.2.99'] });
    expect(synthesized.findings.map((f) => [f.severity, f.title])).toContainEqual([
      'info',
      'anything.wild.test answers exactly like the wildcard *.wild.test',
    ]);
    expect(synthesized.relations.filter((r) => r.relation === 'resolves_to')).toEqual([
      expect.objectContaining({
        from: d('anything.wild.test'),
        to: { type: 'ip', value: '192.0.2.99' },
        props: { wildcard: '*.wild.test' },
      }),
    ]);
    const real = await scan('www.wild.test');
    expect(real.props.viaWildcard).toBeUndefined();
    expect(real.findings.some((f) => f.title.includes('wildcard'))).toBe(false);
    expect(real.relations.find((r) => r.relation === 'resolves_to')?.props).toBeUndefined();
  });

  it('asks no probe when the wildcard option is off', async () => {
    const run = await scan('wild.test', { reverse: false, servers: false, wildcard: false });
    expect(run.props.wildcard).toBeUndefined();
    expect(run.evidence.filter((e) => e.encoding === 'utf8').map((e) => e.ref.split(':')[1])).toEqual([
      'A',
      'AAAA',
      'MX',
      'NS',
      'TXT',
      'CNAME',
      'SOA',
      'CAA',
    ]);
  });
});
