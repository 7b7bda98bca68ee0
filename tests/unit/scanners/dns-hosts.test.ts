// The dns scanner's last phase: the A and AAAA of the mail (MX) and name (NS) servers a domain
// names, bounded in number, concurrency and time, read from answers that may be hostile.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_SERVER_HOSTS, serverHosts } from '../../../src/scanners/dns/hosts';
import { dnsManifest } from '../../../src/scanners/dns/manifest';
import { PAST_DEADLINE, type Query, runQueries } from '../../../src/scanners/dns/queries';
import { DOMAIN_QUERY_TYPES, dnsScanner } from '../../../src/scanners/dns/scanner';
import type { JsonValue } from '../../../src/shared/model';
import { type DnsAnswerRecord, type Net, type ScanContext, scanPolicy } from '../../../src/shared/scanner';
import {
  checkScanContract,
  type FakeAnswer,
  type FakeNetStats,
  fakeNet,
  fakeNetStats,
  runScanner,
} from '../../helpers/scanner-harness';

const rec = (name: string, type: string, data: string): DnsAnswerRecord => ({ name, type, ttl: 60, data });
const slowNet = (answer: FakeAnswer, stats?: FakeNetStats) => fakeNet(answer, { stats, delayMs: 1 });

async function collect(net: Net, value = 'target.test', options: Record<string, JsonValue> = {}) {
  const run = await runScanner(dnsScanner, { type: 'domain', value }, net, {
    reverse: false,
    wildcard: false,
    ...options,
  });
  checkScanContract(run, { category: 'dns', findingsWithoutEvidence: (title) => title.startsWith('Some DNS queries') });
  return run;
}

/** A zone for target.test: its MX and NS answers, and the hosts' addresses by name. */
function zone(
  mx: string[],
  ns: string[],
  hosts: Record<string, Partial<Record<'A' | 'AAAA', string[]>> | 'NXDOMAIN' | 'SERVFAIL' | Error>,
): FakeAnswer {
  return (name, type) => {
    if (name === 'target.test') {
      if (type === 'MX') return { answers: mx.map((m) => rec(name, 'MX', m)) };
      if (type === 'NS') return { answers: ns.map((n) => rec(name, 'NS', n)) };
      if (type === 'A') return { answers: [rec(name, 'A', '192.0.2.1')] };
      return {};
    }
    const host = hosts[name];
    if (host === undefined || host === 'NXDOMAIN') return { rcode: 'NXDOMAIN' };
    if (host === 'SERVFAIL') return { rcode: 'SERVFAIL' };
    if (host instanceof Error) return host;
    if (type !== 'A' && type !== 'AAAA') return {};
    return { answers: (host[type] ?? []).map((address) => rec(name, type, address)) };
  };
}

const resolves = (run: { relations: { relation: string; from: { value: string }; to: { value: string } }[] }) =>
  run.relations.filter((r) => r.relation === 'resolves_to').map((r) => [r.from.value, r.to.value]);

afterEach(() => {
  vi.useRealTimers();
});

describe('which servers are resolved', () => {
  it('takes MX and NS hosts in turn, each once, never the domain itself, at most the cap', () => {
    const name: fc.Arbitrary<string> = fc.constantFrom(
      'a.test',
      'b.test',
      'c.test',
      'd.test',
      'target.test',
      'mx.target.test',
    );
    fc.assert(
      fc.property(
        fc.array(name, { maxLength: 30 }),
        fc.array(name, { maxLength: 30 }),
        fc.integer({ min: 0, max: 8 }),
        (mx, ns, max) => {
          const { hosts, total } = serverHosts('target.test', mx, ns, max);
          const distinct = new Set([...mx, ...ns].filter((n) => n !== 'target.test'));
          expect(total).toBe(distinct.size);
          expect(hosts).toHaveLength(Math.min(max, distinct.size));
          expect(new Set(hosts.map((h) => h.name)).size).toBe(hosts.length);
          for (const host of hosts) {
            expect(host.roles.includes('mail server')).toBe(mx.includes(host.name));
            expect(host.roles.includes('name server')).toBe(ns.includes(host.name));
          }
        },
      ),
    );
    // Neither list crowds the other out: with a cap of 2, one of each.
    expect(serverHosts('x.test', ['m1.test', 'm2.test', 'm3.test'], ['n1.test'], 2).hosts.map((h) => h.name)).toEqual([
      'm1.test',
      'n1.test',
    ]);
  });

  it('resolves each mail and name server, in preference order, citing its own answers', async () => {
    const stats = fakeNetStats();
    const net = slowNet(
      zone(['20 mx2.other.test', '10 mx1.target.test', '30 target.test', '0 .'], ['ns1.dns.test', 'mx1.target.test'], {
        'mx1.target.test': { A: ['192.0.2.25'], AAAA: ['2001:db8::25'] },
        'mx2.other.test': { A: ['198.51.100.25'] },
        'ns1.dns.test': { A: ['198.51.100.53'] },
      }),
      stats,
    );
    const run = await collect(net);
    // The domain's own queries, then A and AAAA of the three hosts; not the domain again, not ".".
    expect(stats.queries).toBe(DOMAIN_QUERY_TYPES.length + 3 * 2);
    const asked = run.evidence.filter((e) => e.encoding === 'utf8').map((e) => e.ref);
    expect(asked.slice(DOMAIN_QUERY_TYPES.length)).toEqual([
      '9:A:mx1.target.test',
      '10:AAAA:mx1.target.test',
      '11:A:ns1.dns.test',
      '12:AAAA:ns1.dns.test',
      '13:A:mx2.other.test',
      '14:AAAA:mx2.other.test',
    ]);
    expect(resolves(run)).toEqual([
      ['target.test', '192.0.2.1'],
      ['mx1.target.test', '192.0.2.25'],
      ['mx1.target.test', '2001:db8::25'],
      ['ns1.dns.test', '198.51.100.53'],
      ['mx2.other.test', '198.51.100.25'],
    ]);
    const relation = run.relations.find((r) => r.from.value === 'mx2.other.test' && r.relation === 'resolves_to');
    expect(relation?.evidence).toEqual(['13:A:mx2.other.test', '13:A:mx2.other.test:raw']);
    // The domain's own outputs are those it always had.
    expect(run.relations.filter((r) => r.from.value === 'target.test').map((r) => [r.relation, r.to.value])).toEqual([
      ['resolves_to', '192.0.2.1'],
      ['has_mx', 'mx2.other.test'],
      ['has_mx', 'mx1.target.test'],
      ['has_mx', 'target.test'],
      ['has_ns', 'ns1.dns.test'],
      ['has_ns', 'mx1.target.test'],
    ]);
    expect(run.findings.filter((f) => f.title.includes('server'))).toEqual([]);
  });

  it('asks at most the cap of hosts, four questions at a time', async () => {
    const stats = fakeNetStats();
    const mx = Array.from({ length: 100 }, (_, i) => `10 mx${i}.test`);
    const ns = Array.from({ length: 100 }, (_, i) => `ns${i}.test`);
    const hosts = Object.fromEntries([...mx.map((m) => m.slice(3)), ...ns].map((h) => [h, { A: ['192.0.2.9'] }]));
    const run = await collect(slowNet(zone(mx, ns, hosts), stats));
    expect(stats.queries).toBe(DOMAIN_QUERY_TYPES.length + 2 * MAX_SERVER_HOSTS);
    expect(stats.maxInFlight).toBeLessThanOrEqual(4);
    expect(run.logs).toContain(`dns: resolving the first ${MAX_SERVER_HOSTS} of 200 mail and name servers`);
  });

  it('asks nothing when the servers option is off', async () => {
    const stats = fakeNetStats();
    await collect(slowNet(zone(['10 mx.test'], ['ns.test'], {}), stats), 'target.test', { servers: false });
    expect(stats.queries).toBe(DOMAIN_QUERY_TYPES.length);
  });
});

describe('servers without an address', () => {
  it('says which servers do not exist or have no address, low when a name does not exist', async () => {
    const net = slowNet(
      zone(['10 mx.gone-provider.test', '20 empty.target.test'], ['ns.target.test'], {
        'empty.target.test': {},
        'ns.target.test': { A: ['192.0.2.53'] },
      }),
    );
    const run = await collect(net);
    const missing = run.findings.filter((f) => f.title.includes('no address'));
    expect(missing.map((f) => [f.severity, f.title])).toEqual([
      ['low', '2 mail servers of target.test have no address'],
    ]);
    const detail = missing[0]?.detail ?? '';
    expect(detail).toContain('mx.gone-provider.test (mail server) does not exist (NXDOMAIN).');
    expect(detail).toContain('empty.target.test (mail server) exists but has no A or AAAA record.');
    // A missing name under another domain may be anyone's to register.
    expect(detail).toContain('under gone-provider.test');
    expect(missing[0]?.evidence?.some((ref) => ref.includes('ns.target.test'))).toBe(false);

    const onlyEmpty = await collect(slowNet(zone(['10 empty.target.test'], [], { 'empty.target.test': {} })));
    expect(onlyEmpty.findings.filter((f) => f.title.includes('no address')).map((f) => [f.severity, f.title])).toEqual([
      ['info', 'The mail server empty.target.test of target.test has no address'],
    ]);
  });

  it('follows an alias to a name that does not exist', async () => {
    const net = slowNet((name, type) => {
      if (name === 'target.test') return type === 'NS' ? { answers: [rec(name, 'NS', 'ns.alias.test')] } : {};
      return { rcode: 'NXDOMAIN', answers: [rec('ns.alias.test', 'CNAME', 'gone.elsewhere.test')] };
    });
    const run = await collect(net);
    expect(run.relations.filter((r) => r.relation === 'cname_to').map((r) => [r.from.value, r.to.value])).toEqual([
      ['ns.alias.test', 'gone.elsewhere.test'],
    ]);
    const missing = run.findings.find((f) => f.title.includes('no address'));
    expect(missing?.title).toBe('The name server ns.alias.test of target.test has no address');
    expect(missing?.detail).toContain('is an alias of gone.elsewhere.test, which does not exist (NXDOMAIN)');
  });

  it('reports failed lookups apart, as unknown rather than missing', async () => {
    const net = slowNet(
      zone(['10 broken.test'], ['down.test'], {
        'broken.test': 'SERVFAIL',
        'down.test': new Error('DNS query down.test A failed: timed out'),
      }),
    );
    const run = await collect(net);
    expect(run.findings.some((f) => f.title.includes('no address'))).toBe(false);
    const failed = run.findings.find(
      (f) => f.title === 'Some DNS queries for the mail and name servers of target.test failed',
    );
    expect(failed?.severity).toBe('info');
    expect(failed?.detail).toContain('broken.test (mail server): A: the resolver answered SERVFAIL');
    expect(failed?.detail).toContain('down.test (name server): A: DNS query down.test A failed: timed out');
    // The SERVFAIL answers are evidence; the timeouts have none.
    expect(failed?.evidence?.every((ref) => ref.includes('broken.test'))).toBe(true);
  });

  it('reads arbitrary answers for the servers without throwing, relating only valid addresses', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('mx.test', 'MX.TEST.', 'ns.test', 'alias.test', '192.0.2.7', '2001:db8::7', '\\000', '0 .'),
    );
    const record = fc.record({
      name: fc.oneof(fc.constantFrom('mx.test', 'ns.test', 'alias.test'), text),
      type: fc.constantFrom('A', 'AAAA', 'CNAME', 'MX', 'TXT', 'WEIRD'),
      ttl: fc.integer(),
      data: text,
    });
    const response = fc.record({
      rcode: fc.constantFrom('NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED'),
      answers: fc.array(record, { maxLength: 12 }),
      authorities: fc.array(record, { maxLength: 2 }),
      raw: fc.uint8Array({ maxLength: 20 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(response, { minLength: 4, maxLength: 4 }), async (answers) => {
        let i = 0;
        const net = slowNet((name, type) => {
          if (name === 'target.test') {
            if (type === 'MX') return { answers: [rec(name, 'MX', '10 mx.test')] };
            return type === 'NS' ? { answers: [rec(name, 'NS', 'ns.test')] } : {};
          }
          return answers[i++ % answers.length] ?? {};
        });
        const run = await collect(net);
        for (const r of run.relations.filter((x) => x.relation === 'resolves_to')) {
          expect(r.to.type).toBe('ip');
          expect(r.to.value).toMatch(/^(192\.0\.2\.7|2001:db8::7)$/);
        }
        expect(run.findings.filter((f) => /servers? of target\.test/.test(f.title)).length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the time the servers may take', () => {
  const context = (net: Net, signal = new AbortController().signal): ScanContext => ({
    net,
    signal,
    options: {},
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    policy: scanPolicy({ allowInternal: false }),
  });
  const drain = async (queries: Query[], ctx: ScanContext, deadline: number) => {
    const gen = runQueries(queries, ctx, { from: 0, to: 1 }, deadline);
    for (;;) {
      const step = await gen.next();
      if (step.done) return step.value;
    }
  };
  const queries: Query[] = Array.from({ length: 24 }, (_, i) => ({ name: `h${i}.test`, type: 'A' }));

  it('asks nothing past the deadline and gives up what is in flight', async () => {
    const net = fakeNet((name) => ({ answers: [rec(name, 'A', '192.0.2.1')] }), { delayMs: 40 });
    const started = Date.now();
    const outcomes = await drain(queries, context(net), started + 100);
    expect(Date.now() - started).toBeLessThan(1000);
    const answered = outcomes.filter((o) => 'response' in o).length;
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThan(queries.length);
    for (const o of outcomes) if ('error' in o) expect(o.error).toBe(PAST_DEADLINE);
  });

  it('still throws when the run is cancelled', async () => {
    const controller = new AbortController();
    const net = fakeNet(
      () => {
        controller.abort(new Error('cancelled by user'));
        return {};
      },
      { delayMs: 5 },
    );
    await expect(drain(queries, context(net, controller.signal), Date.now() + 60_000)).rejects.toThrow(
      'cancelled by user',
    );
  });

  it("keeps what the run found when the servers' time has run out", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const net = slowNet((name, type) => {
      // The domain's answers take the whole run's time: nothing is left for the servers.
      if (name === 'target.test' && type === 'A') vi.setSystemTime(Date.now() + dnsManifest.timeoutMs);
      return zone(['10 mx.test'], ['ns.test'], { 'mx.test': { A: ['192.0.2.25'] } })(name, type);
    });
    const run = await collect(net);
    expect(resolves(run)).toEqual([['target.test', '192.0.2.1']]);
    expect(run.relations.filter((r) => r.relation === 'has_mx')).toHaveLength(1);
    const failed = run.findings.find((f) => f.title.startsWith('Some DNS queries for the mail and name servers'));
    expect(failed?.detail).toContain(`mx.test (mail server): A: ${PAST_DEADLINE}`);
  });
});
