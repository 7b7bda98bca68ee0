import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOMAIN_QUERY_TYPES, dnsScanner, MAX_CHAIN, MAX_RECORDS, MAX_REVERSE } from '../../../src/scanners/dns/scanner';
import type { JsonValue } from '../../../src/shared/model';
import type { DnsAnswerRecord, Net, ScanEvent } from '../../../src/shared/scanner';
import {
  checkScanContract,
  type FakeAnswer,
  type FakeNetStats,
  fakeNet,
  fakeNetStats,
  type HarnessInput,
  runScanner,
} from '../../helpers/scanner-harness';

/** A fake Net whose resolver answers after 1 ms, so that queries overlap. */
const slowNet = (answer: FakeAnswer, stats?: FakeNetStats) => fakeNet(answer, { stats, delayMs: 1 });

/** Runs the scanner on target.test unless told otherwise; every run keeps the scan-event contract. */
async function collect(
  net: Net,
  input: Partial<HarnessInput> = {},
  options: Record<string, JsonValue> = {},
  signal?: AbortSignal,
) {
  const run = await runScanner(dnsScanner, { type: 'domain', value: 'target.test', ...input }, net, options, {
    signal,
  });
  checkScanContract(run, { category: 'dns', findingsWithoutEvidence: (title) => title.startsWith('Some DNS queries') });
  return run;
}

const rec = (name: string, type: string, data: string): DnsAnswerRecord => ({ name, type, ttl: 60, data });
const relations = (events: ScanEvent[]) => events.filter((e) => e.kind === 'relation');
const findings = (events: ScanEvent[]) => events.filter((e) => e.kind === 'finding');

describe('dns scanner with hostile answers', () => {
  it('keeps at most MAX_RECORDS of a 10,000-record answer and says so', async () => {
    const net = slowNet((name, type) =>
      type === 'A'
        ? {
            answers: Array.from({ length: 10_000 }, (_, i) =>
              rec(name, 'A', `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`),
            ),
          }
        : {},
    );
    const { events } = await collect(net, {}, { reverse: false, wildcard: false });
    expect(relations(events).filter((r) => r.relation === 'resolves_to')).toHaveLength(MAX_RECORDS);
    expect(findings(events).map((f) => f.title)).toEqual([
      'Oversized DNS answers for target.test',
      'No CAA record restricts certificate issuance for target.test',
    ]);
    const text = events.find((e) => e.kind === 'evidence' && e.encoding === 'utf8');
    expect(text?.kind === 'evidence' && text.content.length).toBeLessThan(100_000);
  });

  it('asks PTR for at most MAX_REVERSE addresses', async () => {
    const stats = fakeNetStats();
    const net = slowNet(
      (name, type) =>
        type === 'A'
          ? { answers: Array.from({ length: 200 }, (_, i) => rec(name, 'A', `10.0.${i >> 8}.${i & 255}`)) }
          : {},
      stats,
    );
    await collect(net);
    // The domain's own queries, the three wildcard probes, then the PTRs.
    expect(stats.queries).toBe(DOMAIN_QUERY_TYPES.length + 3 + MAX_REVERSE);
    expect(stats.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('bounds CNAME chains and loops', async () => {
    const long = slowNet((_name, type) => ({
      answers: [
        rec('target.test', 'CNAME', 'c0.test'),
        ...Array.from({ length: 100 }, (_, i) => rec(`c${i}.test`, 'CNAME', `c${i + 1}.test`)),
        rec('c100.test', type, '192.0.2.1'),
      ],
    }));
    const { events } = await collect(long, {}, { reverse: false });
    expect(relations(events).filter((r) => r.relation === 'cname_to')).toHaveLength(MAX_CHAIN);
    expect(relations(events).filter((r) => r.relation === 'resolves_to')).toEqual([]);
    const self = slowNet(() => ({ answers: [rec('target.test', 'CNAME', 'TARGET.test.')] }));
    const looped = await collect(self);
    expect(findings(looped.events).map((f) => f.title)).toEqual(['CNAME loop at target.test']);
  });

  it('skips invalid names and unrelated records instead of throwing', async () => {
    const net = slowNet((name, type) => {
      if (type === 'NS') {
        return {
          answers: [
            rec(name, 'NS', 'bad\\032name.test'),
            rec(name, 'NS', 'localhost'),
            rec(name, 'NS', '-x-.test'),
            rec(name, 'NS', `${'a'.repeat(70)}.test`),
            rec(name, 'NS', 'ns1.good.test'),
          ],
        };
      }
      if (type === 'MX') return { answers: [rec(name, 'MX', 'ten mail.test'), rec(name, 'MX', '5 bad\\000.test')] };
      if (type === 'A')
        return { answers: [rec('evil.test', 'A', '192.0.2.66'), rec(name, 'A', 'not-an-ip'), rec(name, 'A', '::1')] };
      return {};
    });
    const { events, logs } = await collect(net, {}, { reverse: false });
    expect(relations(events).map((r) => [r.relation, r.to.value])).toEqual([['has_ns', 'ns1.good.test']]);
    expect(logs.some((l) => l.includes('skipped'))).toBe(true);
  });

  it('reports queries that failed while others answered', async () => {
    const net = slowNet((name, type) =>
      type === 'MX' ? new Error('MX went wrong') : { answers: [rec(name, 'NS', 'ns.x.test')] },
    );
    const { events } = await collect(net, {}, { reverse: false });
    expect(findings(events)).toContainEqual(
      expect.objectContaining({
        title: 'Some DNS queries for target.test failed',
        detail: 'MX: MX went wrong',
        severity: 'info',
      }),
    );
  });

  it('fails with the resolver error when every query fails, and stops when aborted', async () => {
    const dead = slowNet(() => new Error('DNS query failed: 127.0.0.1:53 timed out after 10 ms'));
    await expect(collect(dead)).rejects.toThrow(
      'every DNS query for target.test failed: DNS query failed: 127.0.0.1:53 timed out',
    );
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    await expect(
      collect(
        slowNet(() => ({})),
        {},
        {},
        controller.signal,
      ),
    ).rejects.toThrow('cancelled by user');
  });

  it('survives arbitrary answers: valid events, bounded output, never an unexpected throw', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('target.test', 'TARGET.TEST.', 'a.test', '0 .', '10 a.test', '192.0.2.1', '::1', 'x\ny', '\\000'),
    );
    const anyRecord = fc.record({
      name: fc.oneof(fc.constant('target.test'), text),
      type: fc.constantFrom('A', 'AAAA', 'MX', 'NS', 'TXT', 'CNAME', 'SOA', 'PTR', 'OPT', 'WEIRD'),
      ttl: fc.integer(),
      data: text,
    });
    const responses = fc.record({
      rcode: fc.constantFrom('NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'YXDOMAIN'),
      answers: fc.array(anyRecord, { maxLength: 20 }),
      authorities: fc.array(anyRecord, { maxLength: 3 }),
      raw: fc.uint8Array({ maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(responses, { minLength: 8, maxLength: 8 }), async (byType) => {
        let i = 0;
        const net = slowNet(() => byType[i++ % byType.length] ?? {});
        const { events } = await collect(net, {}, {});
        expect(relations(events).length).toBeLessThan(8 * 20 * 2 + 10);
      }),
      { numRuns: 150 },
    );
  });

  it('accepts IPs and emails, and nothing else', async () => {
    const net = slowNet((name) => ({ answers: [rec(name, 'PTR', 'host.example.test')] }));
    const ip = await collect(net, { type: 'ip', value: '2001:0db8::0001' });
    expect(relations(ip.events)).toEqual([
      expect.objectContaining({
        from: { type: 'ip', value: '2001:db8::1' },
        relation: 'ptr_to',
        to: { type: 'domain', value: 'host.example.test' },
      }),
    ]);
    await expect(collect(net, { type: 'asn', value: 'AS1' })).rejects.toThrow(/does not accept asn/);
  });
});

describe('dns scanner manifest', () => {
  it('declares what it accepts and produces', () => {
    expect(dnsScanner.manifest).toMatchObject({
      id: 'dns',
      category: 'dns',
      mode: 'passive',
      accepts: ['domain', 'ip', 'email'],
      produces: ['domain', 'ip', 'email'],
    });
  });
});
