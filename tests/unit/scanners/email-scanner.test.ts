import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailSecurityScanner, SPF_BUDGET } from '../../../src/scanners/email-security/scanner';
import { MAX_VISITS } from '../../../src/scanners/email-security/spf-walk';
import type { JsonValue } from '../../../src/shared/model';
import type { DnsAnswerRecord, Net } from '../../../src/shared/scanner';
import { checkScanContract, fakeNet, fakeNetStats, type HarnessInput, runScanner } from '../../helpers/scanner-harness';

const rec = (name: string, type: string, data: string): DnsAnswerRecord => ({ name, type, ttl: 60, data });
const txt = (name: string, ...data: string[]) => ({ answers: data.map((d) => rec(name, 'TXT', d)) });
const NX = { rcode: 'NXDOMAIN' };

/** Runs the scanner on x.test unless told otherwise; every run keeps the scan-event contract. */
async function collect(
  net: Net,
  input: Partial<HarnessInput> = {},
  options: Record<string, JsonValue> = {},
  signal?: AbortSignal,
) {
  const run = await runScanner(emailSecurityScanner, { type: 'domain', value: 'x.test', ...input }, net, options, {
    signal,
  });
  checkScanContract(run, {
    category: 'email',
    findingsWithoutEvidence: (title) => title.startsWith('Some DNS queries'),
  });
  const props = Object.assign(
    {},
    ...run.entities.filter((e) => e.entity.value === 'x.test').map((e) => e.props ?? {}),
  ) as Record<string, JsonValue>;
  return { ...run, props };
}

const KEY =
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB';

describe('email-security scanner with crafted answers', () => {
  it('does not count a wildcard answering every DKIM selector as keys', async () => {
    const net = fakeNet((name) => (name.endsWith('._domainkey.x.test') ? txt(name, `v=DKIM1; k=rsa; p=${KEY}`) : {}));
    const { props, findings } = await collect(net, {}, { dkimSelectors: ['default', 'google'] });
    expect(props.dkim).toEqual({ tried: 2, wildcard: true, selectors: [] });
    expect(findings.map((f) => f.title)).toContain('A wildcard answers every DKIM selector of x.test');
    expect(findings.map((f) => f.title)).toContain('No usable DKIM key found for x.test');
  });

  it('reads a 1024-bit key published under a real selector beside no wildcard', async () => {
    const net = fakeNet((name) => (name === 'google._domainkey.x.test' ? txt(name, `v=DKIM1; k=rsa; p=${KEY}`) : {}));
    const { props } = await collect(net, {}, { dkimSelectors: ['default', 'google'] });
    expect(props.dkim).toEqual({
      tried: 2,
      selectors: [{ selector: 'google', keyType: 'rsa', bits: 1024, revoked: false, testing: false }],
    });
  });

  it('reports several DMARC records, which receivers ignore', async () => {
    const net = fakeNet((name) =>
      name === '_dmarc.x.test' ? txt(name, 'v=DMARC1; p=reject', 'v=DMARC1; p=none', 'unrelated') : {},
    );
    const { props, findings } = await collect(net, {}, { dkimSelectors: [] });
    expect(props.dmarc).toEqual({ status: 'several', source: '_dmarc.x.test' });
    expect(findings.map((f) => [f.severity, f.title])).toContainEqual([
      'medium',
      'x.test has 2 DMARC records: receivers ignore them all',
    ]);
  });

  it('follows redirect= to the record that ends evaluation', async () => {
    const net = fakeNet((name, type) => {
      if (type !== 'TXT') return {};
      if (name === 'x.test') return txt(name, 'v=spf1 redirect=spf.provider.test');
      if (name === 'spf.provider.test') return txt(name, 'v=spf1 include:_spf.provider.test ~all');
      if (name === '_spf.provider.test') return txt(name, 'v=spf1 ip4:192.0.2.0/24 -all');
      return {};
    });
    const { props, relations } = await collect(net, {}, { dkimSelectors: [] });
    expect(props.spf).toMatchObject({
      status: 'ok',
      all: '~all',
      allFrom: 'spf.provider.test',
      redirect: 'spf.provider.test',
      includes: ['_spf.provider.test'],
      lookups: 2,
    });
    // Underscore labels (_spf) are real DNS names and become nodes: shared includes are pivots.
    expect(relations.map((r) => [r.from.value, r.relation, r.to.value, r.props?.mechanism])).toEqual([
      ['x.test', 'spf_include', 'spf.provider.test', 'redirect'],
      ['spf.provider.test', 'spf_include', '_spf.provider.test', 'include'],
    ]);
  });

  it('counts a shared include once per path, as receivers do', async () => {
    const net = fakeNet((name, type) => {
      if (type !== 'TXT') return type === 'A' ? { answers: [rec(name, 'A', '192.0.2.1')] } : {};
      if (name === 'x.test') return txt(name, 'v=spf1 include:b.test include:c.test -all');
      if (name === 'b.test' || name === 'c.test') return txt(name, 'v=spf1 include:d.test -all');
      if (name === 'd.test') return txt(name, 'v=spf1 a a:h.d.test -all');
      return {};
    });
    const run = await collect(net, {}, { dkimSelectors: [] });
    // b (1), d (2), a (3), a:h (4), c (5), d (6), a (7), a:h (8)
    expect(run.props.spf).toMatchObject({ status: 'ok', lookups: 8, voidLookups: 0 });
  });

  it('stays bounded on an endless include tree', async () => {
    const stats = fakeNetStats();
    const net = fakeNet(
      (name, type) => {
        const match = /^n(\d+)\.x\.test$/.exec(name);
        if (type !== 'TXT') return {};
        if (name === 'x.test') return txt(name, 'v=spf1 include:n1.x.test -all');
        if (!match) return {};
        const n = Number(match[1]);
        return txt(name, `v=spf1 include:n${2 * n}.x.test include:n${2 * n + 1}.x.test -all`);
      },
      { stats },
    );
    const run = await collect(net, {}, { dkimSelectors: [] });
    expect(stats.queries).toBeLessThanOrEqual(3 + SPF_BUDGET + 1);
    const spf = run.props.spf as { status: string; complete: boolean; lookups: number };
    expect(spf).toMatchObject({ status: 'permerror', complete: false });
    expect(spf.lookups).toBeLessThanOrEqual(2 * MAX_VISITS + 1);
  });

  it('says which queries failed, and fails the run only when all of the first ones do', async () => {
    const some = fakeNet((name, type) =>
      type === 'MX' ? new Error('MX timed out') : name === 'x.test' ? txt(name, 'v=spf1 -all') : {},
    );
    const run = await collect(some, {}, { dkimSelectors: [] });
    expect(run.findings).toContainEqual(
      expect.objectContaining({
        severity: 'info',
        title: 'Some DNS queries for the email security of x.test failed',
        detail: 'MX x.test: MX timed out',
      }),
    );
    const dead = fakeNet(() => new Error('127.0.0.1:53 timed out'));
    await expect(collect(dead)).rejects.toThrow('every DNS query for x.test failed: 127.0.0.1:53 timed out');
    const servfail = fakeNet((name) => (name === '_dmarc.x.test' ? { rcode: 'SERVFAIL' } : NX));
    const failed = await collect(servfail, {}, { dkimSelectors: [] });
    expect(failed.props.dmarc).toMatchObject({ status: 'temperror' });
    expect((failed.props.emailSecurity as { verdict: string }).verdict).toBe('undetermined');
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    await expect(
      collect(
        fakeNet(() => ({})),
        {},
        {},
        controller.signal,
      ),
    ).rejects.toThrow('cancelled by user');
  });

  it('skips invalid DKIM selectors from the options', async () => {
    const stats = fakeNetStats();
    const run = await collect(
      fakeNet(() => ({}), { stats }),
      {},
      { dkimSelectors: ['ok', 'Bad Selector', '', 'a..b', 'OK'] },
    );
    expect(run.props.dkim).toMatchObject({ tried: 1 });
    expect(run.logs.some((l) => l.includes('skipped invalid DKIM selector'))).toBe(true);
    expect(stats.queries).toBe(3 + 1 + 1);
  });

  it('survives arbitrary answers: valid events, bounded output', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        'v=spf1 include:a.test -all',
        'v=spf1 redirect=x.test',
        'v=spf1 +all',
        'v=DMARC1; p=reject',
        'v=DMARC1; rua=<b>',
        `v=DKIM1; p=${KEY}`,
        'v=DKIM1; p=',
        '10 mx.test',
        '0 .',
      ),
    );
    const anyRecord = fc.record({
      name: fc.oneof(fc.constant('x.test'), fc.constant('a.test'), text),
      type: fc.constantFrom('TXT', 'MX', 'A', 'CNAME', 'AAAA'),
      ttl: fc.integer(),
      data: text,
    });
    const responses = fc.record({
      rcode: fc.constantFrom('NOERROR', 'NXDOMAIN', 'SERVFAIL'),
      answers: fc.array(anyRecord, { maxLength: 8 }),
      raw: fc.uint8Array({ maxLength: 20 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(responses, { minLength: 6, maxLength: 6 }), async (list) => {
        let i = 0;
        const stats = fakeNetStats();
        const net = fakeNet(() => list[i++ % list.length] ?? {}, { stats });
        const { events } = await collect(net, {}, { dkimSelectors: ['a', 'b'] });
        expect(stats.queries).toBeLessThanOrEqual(4 + SPF_BUDGET + 3);
        expect(events.filter((e) => e.kind === 'finding').length).toBeLessThan(60);
      }),
      { numRuns: 150 },
    );
  });

  it('accepts emails and domains, nothing else', async () => {
    const net = fakeNet(() => ({}));
    const run = await collect(net, { type: 'email', value: 'bob@x.test' }, { dkimSelectors: [] });
    expect(run.relations[0]).toMatchObject({ relation: 'uses_email_domain', to: { type: 'domain', value: 'x.test' } });
    await expect(collect(net, { type: 'ip', value: '192.0.2.1' })).rejects.toThrow(/does not accept ip/);
    expect(emailSecurityScanner.manifest).toMatchObject({
      id: 'email-security',
      category: 'email',
      mode: 'passive',
      accepts: ['domain', 'email'],
    });
  });
});
