import { generateKeyPairSync } from 'node:crypto';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { ZoneInput } from '../../../src/lab/dns/zone';
import { DEFAULT_DKIM_SELECTORS } from '../../../src/scanners/email-security/manifest';
import { emailSecurityScanner, SPF_BUDGET } from '../../../src/scanners/email-security/scanner';
import { readCategoryScore } from '../../../src/shared/grade';
import type { EntityKey, JsonValue } from '../../../src/shared/model';
import type { Net, ScanInput } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, type ScanRun } from '../../helpers/scanner-harness';

type Record = ZoneInput['records'][number];

const rsaKey = (bits: number): string =>
  generateKeyPairSync('rsa', { modulusLength: bits })
    .publicKey.export({ type: 'spki', format: 'der' })
    .toString('base64');
const ed25519Key = (): string =>
  generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');

function zone(origin: string, records: Record[]): ZoneInput {
  return {
    origin,
    records: [{ name: '@', type: 'SOA', data: `ns.${origin} hostmaster.${origin} 1 7200 3600 1209600 60` }, ...records],
  };
}
const txt = (name: string, data: string | string[]): Record => ({ name, type: 'TXT', data });
const chain = (origin: string, count: number, last: string): Record[] =>
  Array.from({ length: count }, (_, i) =>
    txt(`l${i + 1}`, i + 1 < count ? `v=spf1 include:l${i + 2}.${origin} -all` : last),
  );

const BIG_SPF = `v=spf1 ${Array.from({ length: 3500 }, (_, i) => `ip4:10.${i >> 8}.${i & 255}.0/24`).join(' ')} -all`;
const THOUSAND_SPF = `v=spf1 ${[
  ...Array.from({ length: 500 }, (_, i) => `include:i${i}.thousand.test`),
  ...Array.from({ length: 500 }, (_, i) => `a:h${i}.thousand.test`),
].join(' ')} -all`;

let server: DnsServer;
let net: Net;
let resolver: string;

beforeAll(async () => {
  const zones: ZoneInput[] = [
    zone('nospf.test', [
      { name: '@', type: 'MX', data: '10 mail.nospf.test' },
      txt('@', 'google-site-verification=abc123'),
    ]),
    zone('strict.test', [
      { name: '@', type: 'MX', data: '10 mail.strict.test' },
      { name: '@', type: 'A', data: '192.0.2.1' },
      txt('@', 'v=spf1 ip4:192.0.2.0/24 include:spf.mailer.test a -all'),
      txt('_dmarc', 'v=DMARC1; p=reject; rua=mailto:dmarc@strict.test; adkim=s'),
      txt('selector1._domainkey', `v=DKIM1; k=rsa; p=${rsaKey(2048)}`),
    ]),
    zone('mailer.test', [txt('spf', 'v=spf1 ip4:198.51.100.0/24 -all')]),
    zone('open.test', [
      { name: '@', type: 'MX', data: '10 mail.open.test' },
      txt('@', 'v=spf1 +all'),
      txt('_dmarc', 'v=DMARC1; p=reject; rua=mailto:d@open.test'),
    ]),
    zone('within.test', [
      { name: '@', type: 'A', data: '192.0.2.2' },
      txt('@', 'v=spf1 a include:l1.within.test -all'),
      ...chain('within.test', 9, 'v=spf1 ip4:192.0.2.9 -all'),
    ]),
    zone('beyond.test', [
      txt('@', 'v=spf1 include:l1.beyond.test -all'),
      ...chain('beyond.test', 12, 'v=spf1 ip4:192.0.2.12 -all'),
    ]),
    zone('loop-a.test', [txt('@', 'v=spf1 include:loop-b.test -all')]),
    zone('loop-b.test', [txt('@', 'v=spf1 include:loop-a.test -all')]),
    zone('twice.test', [txt('@', 'v=spf1 -all'), txt('@', 'v=spf1 ip4:192.0.2.1 -all')]),
    zone('org.test', [
      txt('_dmarc', 'v=DMARC1; p=quarantine; sp=reject; rua=mailto:agg@org.test'),
      txt('mail', 'v=spf1 -all'),
      { name: 'mail', type: 'MX', data: '0 .' },
    ]),
    zone('quiet.test', [{ name: '@', type: 'MX', data: '0 .' }, txt('@', 'v=spf1 -all')]),
    zone('sender.test', [
      { name: '@', type: 'MX', data: '0 .' },
      txt('@', 'v=spf1 ip4:192.0.2.1 -all'),
      txt('_dmarc', 'v=DMARC1; p=reject; rua=mailto:d@sender.test'),
    ]),
    zone('keys.test', [
      txt('@', 'v=spf1 -all'),
      txt('_dmarc', 'v=DMARC1; p=none; rua=mailto:d@keys.test'),
      txt('selector1._domainkey', `v=DKIM1; k=rsa; p=${rsaKey(1024)}`),
      txt('google._domainkey', 'v=DKIM1; k=rsa; p='),
      txt('k1._domainkey', `v=DKIM1; k=ed25519; p=${ed25519Key()}`),
      txt('mail._domainkey', `v=DKIM1; t=y; p=${rsaKey(2048)}`),
      txt('default._domainkey', 'v=DKIM1; k=rsa; p=AAAA'),
    ]),
    zone('softfail.test', [
      { name: '@', type: 'MX', data: '10 mx.softfail.test' },
      { name: 'mx', type: 'A', data: '192.0.2.25' },
      txt('@', 'v=spf1 mx ~all'),
    ]),
    zone('neutral.test', [txt('@', 'v=spf1 ip4:192.0.2.1'), txt('_dmarc', 'v=DMARC1; p=none')]),
    zone('voids.test', [txt('@', 'v=spf1 a:n1.voids.test mx:n2.voids.test exists:n3.voids.test -all')]),
    zone('big.test', [txt('@', BIG_SPF), txt('_dmarc', 'v=DMARC1; p=reject')]),
    zone('thousand.test', [txt('@', THOUSAND_SPF)]),
    zone('html.test', [
      txt('@', 'v=spf1 -all'),
      txt(
        '_dmarc',
        'v=DMARC1; p=reject; rua=<script>alert(1)</script>,mailto:ok@html.test; ruf=<img src=x onerror=alert(1)>',
      ),
    ]),
  ];
  server = await startDnsServer({ zones });
  resolver = `127.0.0.1:${server.address.port}`;
  net = createNet({ resolvers: [resolver], proxy: null, timeoutMs: 2000, retries: 1 });
}, 60_000);
afterAll(async () => {
  await server.stop();
});

interface Run extends ScanRun {
  /** Props of the analysed domain, merged over its entity events. */
  props: { [key: string]: JsonValue };
  queries: number;
}

/** Runs the scanner; every run keeps the contract: valid events, evidence before citation, findings with evidence. */
async function scan(value: string, options: { [key: string]: JsonValue } = {}, type: ScanInput['type'] = 'domain') {
  const before = server.queries.udp + server.queries.tcp;
  const run = await runScanner(emailSecurityScanner, { type, value }, net, options);
  const queries = server.queries.udp + server.queries.tcp - before;
  checkScanContract(run, {
    category: 'email',
    findingsWithoutEvidence: (title) => title.startsWith('Some DNS queries'),
  });
  const name = type === 'email' ? value.slice(value.lastIndexOf('@') + 1).toLowerCase() : value;
  const props = Object.assign(
    {},
    ...run.entities.filter((e) => e.entity.type === 'domain' && e.entity.value === name).map((e) => e.props ?? {}),
  );
  return { ...run, props, queries } satisfies Run;
}

const titled = (run: Run) => run.findings.map((f) => [f.severity, f.title]);
const finding = (run: Run, title: string | RegExp) =>
  run.findings.find((f) => (typeof title === 'string' ? f.title === title : title.test(f.title)));
const d = (value: string): EntityKey => ({ type: 'domain', value });
const security = (run: Run) => run.props.emailSecurity as { score: number; verdict: string; reasons: string[] };

describe('email-security scanner against the lab DNS server', () => {
  it('calls a domain with no SPF and no DMARC spoofable', async () => {
    const run = await scan('nospf.test');
    expect(security(run)).toMatchObject({ score: 0, verdict: 'spoofable' });
    const grade = readCategoryScore(run.props, 'email');
    expect(grade?.earned).toBe(0);
    expect(grade?.lost.map((l) => l.reason.slice(0, 14))).toEqual([
      'no SPF record:',
      'no DMARC recor',
      'DKIM: no usabl',
    ]);
    expect(titled(run)).toEqual([
      ['medium', 'nospf.test publishes no SPF record'],
      ['medium', 'nospf.test publishes no DMARC record'],
      ['info', 'No usable DKIM key found for nospf.test'],
      ['high', 'nospf.test is spoofable (email security 0/3)'],
    ]);
    expect(run.props.spf).toEqual({ status: 'none', records: 0 });
    expect(run.props.dmarc).toEqual({ status: 'none', source: '_dmarc.nospf.test' });
    expect(run.props.mx).toEqual({ present: true, nullMx: false, hosts: ['mail.nospf.test'] });
    expect(run.relations).toEqual([
      expect.objectContaining({ from: d('nospf.test'), relation: 'has_mx', to: d('mail.nospf.test') }),
    ]);
    expect(finding(run, 'nospf.test publishes no SPF record')?.evidence).toEqual([
      '2:TXT:nospf.test',
      '2:TXT:nospf.test:raw',
    ]);
  });

  it('scores -all, p=reject and a DKIM key 3/3, with every answer as evidence', async () => {
    const run = await scan('strict.test');
    expect(security(run)).toMatchObject({ score: 3, verdict: 'not spoofable' });
    expect(readCategoryScore(run.props, 'email')).toEqual({ earned: 10, lost: [], scanner: 'email-security' });
    expect(run.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(finding(run, 'strict.test is protected against spoofing (email security 3/3)')?.detail).toContain(
      'DMARC p=reject: mail failing alignment is refused',
    );
    const refs = run.evidence.filter((e) => e.encoding === 'utf8').map((e) => e.ref);
    expect(refs.slice(0, 5)).toEqual([
      '1:MX:strict.test',
      '2:TXT:strict.test',
      '3:TXT:_dmarc.strict.test',
      '4:TXT:spf.mailer.test',
      '5:A:strict.test',
    ]);
    expect(refs.slice(5, 5 + DEFAULT_DKIM_SELECTORS.length)).toEqual(
      DEFAULT_DKIM_SELECTORS.map((s, i) => `${6 + i}:TXT:${s}._domainkey.strict.test`),
    );
    expect(refs.at(-1)).toMatch(/^\d+:TXT:[a-z0-9]{16}\._domainkey\.strict\.test$/);
    for (const e of run.evidence.filter((x) => x.encoding === 'base64')) {
      expect(packet.decode(Buffer.from(e.content, 'base64')).type).toBe('response');
      expect(e.source).toMatch(new RegExp(`^dns://${resolver}/`));
    }
    const spfText = run.evidence.find((e) => e.ref === '2:TXT:strict.test')?.content ?? '';
    expect(spfText).toContain('v=spf1 ip4:192.0.2.0/24 include:spf.mailer.test a -all');
    expect(run.props.spf).toMatchObject({
      status: 'ok',
      all: '-all',
      lookups: 2,
      voidLookups: 0,
      complete: true,
      includes: ['spf.mailer.test'],
      terms: [
        { qualifier: '+', mechanism: 'ip4', value: '192.0.2.0', text: 'ip4:192.0.2.0/24' },
        { qualifier: '+', mechanism: 'include', value: 'spf.mailer.test', text: 'include:spf.mailer.test' },
        { qualifier: '+', mechanism: 'a', value: null, text: 'a' },
        { qualifier: '-', mechanism: 'all', value: null, text: '-all' },
      ],
    });
    expect(run.props.dmarc).toMatchObject({
      status: 'ok',
      policy: 'reject',
      p: 'reject',
      pct: 100,
      rua: ['mailto:dmarc@strict.test'],
      adkim: 's',
      aspf: 'r',
      reportDomains: ['strict.test'],
    });
    expect(run.props.dkim).toEqual({
      tried: DEFAULT_DKIM_SELECTORS.length,
      selectors: [{ selector: 'selector1', keyType: 'rsa', bits: 2048, revoked: false, testing: false }],
    });
    expect(run.relations).toContainEqual({
      kind: 'relation',
      from: d('strict.test'),
      relation: 'spf_include',
      to: d('spf.mailer.test'),
      props: { mechanism: 'include', qualifier: '+' },
      evidence: ['2:TXT:strict.test', '2:TXT:strict.test:raw'],
    });
    expect(run.progress[0]).toEqual({
      kind: 'progress',
      fraction: 0,
      message: 'querying MX, SPF and DMARC of strict.test',
    });
    expect(run.progress.some((p) => p.message === 'DKIM selector selector1')).toBe(true);
  });

  it('flags +all as critical: anyone may send, whatever DMARC says', async () => {
    const run = await scan('open.test');
    expect(titled(run)).toContainEqual(['critical', 'SPF of open.test ends "+all": anyone may send as open.test']);
    expect(security(run)).toMatchObject({ score: 1, verdict: 'spoofable' });
    expect(readCategoryScore(run.props, 'email')?.earned).toBeCloseTo(10 / 3);
    expect(finding(run, /^open\.test is spoofable/)?.severity).toBe('high');
  });

  it('counts lookups through an include chain: 10 is within the limit', async () => {
    const run = await scan('within.test');
    expect(run.props.spf).toMatchObject({ status: 'ok', lookups: 10, complete: true, all: '-all' });
    expect(run.findings.some((f) => f.title.includes('DNS lookups'))).toBe(false);
    const includes = run.relations.filter((r) => r.relation === 'spf_include').map((r) => [r.from.value, r.to.value]);
    expect(includes).toEqual([
      ['within.test', 'l1.within.test'],
      ...Array.from({ length: 8 }, (_, i) => [`l${i + 1}.within.test`, `l${i + 2}.within.test`]),
    ]);
  });

  it('reports a chain beyond 10 lookups as a permerror, naming where the limit was passed', async () => {
    const run = await scan('beyond.test');
    expect(run.props.spf).toMatchObject({ status: 'permerror', lookups: 12, complete: true });
    const over = finding(run, 'The SPF of beyond.test needs 12 DNS lookups; the limit is 10 (permerror)');
    expect(over?.severity).toBe('medium');
    expect(over?.detail).toContain('passed at "include:l11.beyond.test" in the record of l10.beyond.test');
    expect(over?.evidence).toContain('14:TXT:l11.beyond.test');
    expect(security(run).verdict).toBe('spoofable');
  });

  it('stops an include loop at once with a finding', async () => {
    const run = await scan('loop-a.test', { dkimSelectors: ['default'] });
    const loop = finding(run, 'The SPF of loop-a.test has an include loop (permerror)');
    expect(loop?.detail).toContain('loop-a.test → loop-b.test → loop-a.test');
    expect(run.props.spf).toMatchObject({ status: 'permerror', lookups: 2 });
    // MX, TXT, _dmarc, loop-b's TXT, one selector and the random one.
    expect(run.queries).toBe(6);
    expect(run.relations.filter((r) => r.relation === 'spf_include').map((r) => [r.from.value, r.to.value])).toEqual([
      ['loop-a.test', 'loop-b.test'],
      ['loop-b.test', 'loop-a.test'],
    ]);
  });

  it('reports several SPF records as a permerror', async () => {
    const run = await scan('twice.test', { dkimSelectors: [] });
    expect(titled(run)).toContainEqual(['medium', 'twice.test publishes 2 SPF records (permerror)']);
    expect(run.props.spf).toEqual({ status: 'permerror', records: 2 });
  });

  it('inherits DMARC from the organisational domain, applying its sp=', async () => {
    const run = await scan('mail.org.test', { dkimSelectors: [] });
    expect(run.props.dmarc).toMatchObject({
      status: 'ok',
      source: '_dmarc.org.test',
      inheritedFrom: 'org.test',
      policy: 'reject',
      p: 'quarantine',
      sp: 'reject',
    });
    const inherited = finding(run, 'mail.org.test takes its DMARC policy from org.test');
    expect(inherited?.evidence).toEqual([
      '3:TXT:_dmarc.mail.org.test',
      '3:TXT:_dmarc.mail.org.test:raw',
      '4:TXT:_dmarc.org.test',
      '4:TXT:_dmarc.org.test:raw',
    ]);
    expect(run.props.mx).toEqual({ present: false, nullMx: true, hosts: [] });
  });

  it('gives full marks to a domain declaring it has no mail (null MX, "v=spf1 -all", DMARC reject): no DKIM needed', async () => {
    // mail.org.test: null MX, "-all", and p=reject through the organisational domain's sp=.
    const run = await scan('mail.org.test');
    expect(security(run)).toMatchObject({ score: 3, verdict: 'not spoofable', dkimNeeded: false });
    expect(readCategoryScore(run.props, 'email')).toEqual({ earned: 10, lost: [], scanner: 'email-security' });
    expect(finding(run, /DKIM key/)).toBeUndefined();
    // The null MX is the dns scanner's finding; here it is a prop and a reason of the verdict.
    expect(finding(run, /null MX/)).toBeUndefined();
    expect(finding(run, /protected against spoofing/)?.detail).toMatch(/null MX.*DKIM key not needed/s);
  });

  it('still asks for DMARC of a domain without mail, and for DKIM once its SPF passes a server', async () => {
    const quiet = await scan('quiet.test');
    expect(security(quiet)).toMatchObject({ score: 2, dkimNeeded: false });
    expect(readCategoryScore(quiet.props, 'email')?.lost.map((l) => l.reason)).toEqual([
      'no DMARC record: receivers apply no policy to mail that fails SPF and DKIM alignment',
    ]);
    const sender = await scan('sender.test');
    expect(security(sender)).toMatchObject({ score: 2, dkimNeeded: true });
    expect(readCategoryScore(sender.props, 'email')?.lost.map((l) => l.reason)).toEqual([
      `DKIM: no usable key found under the ${DEFAULT_DKIM_SELECTORS.length} selector(s) tried (others may exist)`,
    ]);
    expect(finding(sender, 'No usable DKIM key found for sender.test')).toBeDefined();
  });

  it('reads DKIM keys: sizes, revoked, Ed25519, testing, unreadable', async () => {
    const run = await scan('keys.test');
    expect(run.props.dkim).toEqual({
      tried: DEFAULT_DKIM_SELECTORS.length,
      selectors: [
        { selector: 'default', keyType: 'rsa', revoked: false, testing: false, error: 'the RSA key cannot be read' },
        { selector: 'google', keyType: 'rsa', revoked: true, testing: false },
        { selector: 'selector1', keyType: 'rsa', bits: 1024, revoked: false, testing: false },
        { selector: 'k1', keyType: 'ed25519', bits: 256, revoked: false, testing: false },
        { selector: 'mail', keyType: 'rsa', bits: 2048, revoked: false, testing: true },
      ],
    });
    expect(titled(run)).toEqual(
      expect.arrayContaining([
        ['low', 'DKIM selector default of keys.test has a faulty key record'],
        ['info', 'DKIM selector google of keys.test is revoked'],
        ['low', 'DKIM selector selector1 of keys.test has a 1024-bit RSA key'],
        ['low', 'DKIM selector mail of keys.test is in testing mode (t=y)'],
        ['low', 'The DMARC policy of keys.test is p=none (monitoring only)'],
        ['medium', 'keys.test is partially spoofable (email security 2/3)'],
      ]),
    );
    expect(finding(run, 'DKIM selector google of keys.test is revoked')?.evidence).toEqual([
      '5:TXT:google._domainkey.keys.test',
      '5:TXT:google._domainkey.keys.test:raw',
    ]);
  });

  it('judges ~all, a missing all and void lookups', async () => {
    const soft = await scan('softfail.test', { dkimSelectors: [] });
    expect(titled(soft)).toContainEqual(['medium', 'SPF of softfail.test ends "~all" (soft fail)']);
    expect(security(soft)).toMatchObject({ score: 1, verdict: 'partially spoofable' });
    const neutral = await scan('neutral.test', { dkimSelectors: [] });
    expect(titled(neutral)).toContainEqual([
      'high',
      'SPF of neutral.test has no "all" mechanism: it rejects no sender',
    ]);
    expect(security(neutral)).toMatchObject({ score: 0, verdict: 'spoofable' });
    const voids = await scan('voids.test', { dkimSelectors: [] });
    expect(voids.props.spf).toMatchObject({ status: 'permerror', voidLookups: 3, lookups: 3 });
    expect(finding(voids, /has 3 lookups that find nothing; the limit is 2 \(permerror\)$/)?.detail).toContain(
      '"exists:n3.voids.test" in the record of voids.test',
    );
  });

  it('takes an email address: the email, uses_email_domain, then its domain', async () => {
    const run = await scan('Alice@Strict.TEST', { dkimSelectors: ['selector1'] }, 'email');
    expect(run.events.slice(0, 3)).toEqual([
      { kind: 'entity', entity: { type: 'email', value: 'Alice@strict.test' } },
      { kind: 'entity', entity: d('strict.test') },
      {
        kind: 'relation',
        from: { type: 'email', value: 'Alice@strict.test' },
        relation: 'uses_email_domain',
        to: d('strict.test'),
      },
    ]);
    expect(security(run)).toMatchObject({ score: 3, verdict: 'not spoofable' });
  });

  it('rejects inputs it cannot scan, and fails naming the resolver when nothing answers', async () => {
    await expect(scan('not a domain')).rejects.toThrow(/not a valid domain/);
    await expect(scan('192.0.2.1', {}, 'ip')).rejects.toThrow(/does not accept ip/);
    const dead = createNet({ resolvers: ['127.0.0.1:9'], proxy: null, timeoutMs: 200, retries: 0 });
    await expect(runScanner(emailSecurityScanner, { type: 'domain', value: 'strict.test' }, dead)).rejects.toThrow(
      /^every DNS query for strict\.test failed: .*127\.0\.0\.1:9/,
    );
  });
});

describe('email-security scanner on hostile records', () => {
  it('reads a 60 KB SPF record (over TCP) and keeps its props bounded', async () => {
    const tcpBefore = server.queries.tcp;
    const run = await scan('big.test', { dkimSelectors: [] });
    expect(server.queries.tcp).toBeGreaterThan(tcpBefore);
    const spf = run.props.spf as { record: string; terms: unknown[]; termCount: number; status: string };
    expect(spf.status).toBe('ok');
    expect(spf.termCount).toBe(3501);
    expect(spf.record.length).toBe(2048);
    expect(spf.terms).toHaveLength(64);
    expect(JSON.stringify(run.props).length).toBeLessThan(20_000);
    expect(security(run)).toMatchObject({ score: 2, verdict: 'not spoofable' });
  });

  it('bounds the work on an SPF record of 1,000 lookup mechanisms', async () => {
    const run = await scan('thousand.test', { dkimSelectors: [] });
    expect(run.props.spf).toMatchObject({ status: 'permerror', lookups: 1000, complete: false });
    // MX, TXT (and its TCP retry: 24 KB), _dmarc, the SPF budget and the random DKIM selector.
    expect(run.queries).toBeLessThanOrEqual(4 + SPF_BUDGET + 1);
    expect(titled(run)).toEqual(
      expect.arrayContaining([
        ['medium', 'The SPF of thousand.test needs at least 1000 DNS lookups; the limit is 10 (permerror)'],
        ['medium', 'The SPF of thousand.test names a domain without an SPF record (permerror)'],
        ['info', 'The SPF tree of thousand.test was not followed to its end'],
      ]),
    );
    for (const f of run.findings) expect(f.detail.length).toBeLessThan(20_000);
  });

  it('flags HTML in DMARC report addresses as errors and keeps only valid URIs', async () => {
    const run = await scan('html.test', { dkimSelectors: [] });
    expect(run.props.dmarc).toMatchObject({ status: 'ok', policy: 'reject', rua: ['mailto:ok@html.test'], ruf: [] });
    const errors = finding(run, 'The DMARC record of html.test has errors');
    expect(errors?.severity).toBe('low');
    expect(errors?.detail).toContain('rua: "<script>alert(1)</script>" is not a mailto: URI');
    expect(errors?.detail).toContain('ruf: "<img src=x onerror=alert(1)>" is not a mailto: URI');
  });
});
