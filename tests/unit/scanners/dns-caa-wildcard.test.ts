import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caaAncestors, caaPolicy, MAX_CAA_ANCESTORS, restrictsIssuance } from '../../../src/scanners/dns/caa';
import type { Outcome } from '../../../src/scanners/dns/queries';
import { parseCaa, randomLabel } from '../../../src/scanners/dns/records';
import { dnsScanner } from '../../../src/scanners/dns/scanner';
import { answerSet, sameAnswers, wildcardProbeName } from '../../../src/scanners/dns/wildcard';
import type { JsonValue } from '../../../src/shared/model';
import type { DnsAnswerRecord, DnsRecordType, Net } from '../../../src/shared/scanner';
import { checkScanContract, fakeNet, runScanner } from '../../helpers/scanner-harness';

const rec = (name: string, type: string, data: string): DnsAnswerRecord => ({ name, type, ttl: 60, data });

describe('CAA data', () => {
  it('reads what ctx.net presents, escapes undone, and never throws', () => {
    expect(parseCaa('0 issue "letsencrypt.org"')).toEqual({ flags: 0, tag: 'issue', value: 'letsencrypt.org' });
    expect(parseCaa('128 ISSUEWILD ";"')).toEqual({ flags: 128, tag: 'issuewild', value: ';' });
    expect(parseCaa('0 iodef "mailto:a\\"b\\\\c@x.test"')).toEqual({
      flags: 0,
      tag: 'iodef',
      value: 'mailto:a"b\\c@x.test',
    });
    expect(parseCaa('256 issue "x"')).toBeUndefined();
    expect(parseCaa('0 issue x')).toBeUndefined();
    expect(parseCaa('0 issue "unterminated')).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        parseCaa(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any flags, tag and value through the presentation form', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.stringMatching(/^[a-z0-9]{1,15}$/),
        fc.string({ maxLength: 60 }),
        (flags, tag, value) => {
          const shown = `${flags} ${tag} "${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
          expect(parseCaa(shown)).toEqual({ flags, tag, value });
        },
      ),
    );
  });

  it('tells a restricting policy from one that restricts nothing', () => {
    const policy = caaPolicy([
      rec('x.test', 'CAA', '0 issue "ca.test"'),
      rec('x.test', 'CAA', '0 iodef "mailto:a@x.test"'),
      rec('x.test', 'CAA', '0 contactemail "a@x.test"'),
      rec('x.test', 'CAA', 'garbage'),
    ]);
    expect(policy).toEqual({
      issue: ['ca.test'],
      issuewild: [],
      iodef: ['mailto:a@x.test'],
      other: ['contactemail a@x.test'],
      criticalUnknown: false,
    });
    expect(restrictsIssuance(policy)).toBe(true);
    expect(restrictsIssuance(caaPolicy([rec('x.test', 'CAA', '0 iodef "mailto:a@x.test"')]))).toBe(false);
    // An unknown tag flagged critical forbids issuance by every CA (RFC 8659 §4.1).
    expect(restrictsIssuance(caaPolicy([rec('x.test', 'CAA', '128 future "x"')]))).toBe(true);
    const many = caaPolicy(Array.from({ length: 5000 }, (_, i) => rec('x.test', 'CAA', `0 issue "ca${i}.test"`)));
    expect(many.issue).toHaveLength(32);
  });

  it('climbs from a name to its registrable domain, and no further', () => {
    expect(caaAncestors('a.b.example.co.uk')).toEqual(['b.example.co.uk', 'example.co.uk']);
    expect(caaAncestors('example.com')).toEqual([]);
    expect(caaAncestors('co.uk')).toEqual([]);
    const deep = `${Array.from({ length: 30 }, (_, i) => `l${i}`).join('.')}.example.com`;
    expect(caaAncestors(deep)).toHaveLength(MAX_CAA_ANCESTORS);
  });
});

describe('wildcard probes', () => {
  it('use a fresh random label of 16 letters and digits', () => {
    const labels = new Set(Array.from({ length: 200 }, () => randomLabel()));
    expect(labels.size).toBe(200);
    for (const label of labels) expect(label).toMatch(/^[a-z0-9]{16}$/);
    expect(wildcardProbeName('example.com')).toMatch(/^[a-z0-9]{16}\.example\.com$/);
    expect(
      wildcardProbeName(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}`),
    ).toBeUndefined();
  });

  const answered = (name: string, type: DnsRecordType, answers: DnsAnswerRecord[], rcode = 'NOERROR'): Outcome => ({
    query: { name, type },
    response: {
      question: { name, type },
      server: 's',
      rcode,
      authoritative: true,
      truncated: false,
      answers,
      authorities: [],
      raw: new Uint8Array(12),
    },
    refs: [`${type}:${name}`],
  });

  it('compare what two names answer: addresses and alias target', () => {
    const probe = answerSet('r.x.test', [
      answered('r.x.test', 'A', [rec('r.x.test', 'CNAME', 'edge.test'), rec('edge.test', 'A', '192.0.2.1')]),
      answered('r.x.test', 'AAAA', []),
      answered('r.x.test', 'CNAME', [rec('r.x.test', 'CNAME', 'edge.test')]),
    ]);
    expect(probe).toEqual({ a: ['192.0.2.1'], aaaa: [], cname: ['edge.test'], refs: ['A:r.x.test', 'CNAME:r.x.test'] });
    const same = answerSet('www.x.test', [
      answered('www.x.test', 'A', [rec('www.x.test', 'CNAME', 'edge.test'), rec('edge.test', 'A', '192.0.2.1')]),
    ]);
    expect(sameAnswers(same, probe)).toBe(true);
    const other = answerSet('api.x.test', [answered('api.x.test', 'A', [rec('api.x.test', 'A', '192.0.2.1')])]);
    expect(sameAnswers(other, probe)).toBe(false);
    const nx = answerSet('n.x.test', [answered('n.x.test', 'A', [rec('n.x.test', 'A', '192.0.2.1')], 'NXDOMAIN')]);
    expect(nx.a).toEqual([]);
    expect(sameAnswers(nx, nx)).toBe(false);
  });
});

/** A zone where every name under target.test answers 192.0.2.99, except those given. */
function wildcardNet(own: Record<string, string>): Net {
  return fakeNet((name, type) => {
    const authorities = [rec('target.test', 'SOA', 'ns.target.test h.target.test 1 2 3 4 5')];
    const address = own[name] ?? (name.endsWith('.target.test') ? '192.0.2.99' : undefined);
    if (address === undefined) return { authorities };
    if (type === 'A') return { authorities, answers: [rec(name, 'A', address)] };
    if (type === 'SOA' && name === 'target.test') return { authorities, answers: authorities };
    if (type === 'CAA') return { authorities, answers: [rec(name, 'CAA', '0 issue "ca.test"')] };
    return { authorities };
  });
}

/** Runs the dns scanner on a domain; every run keeps the scan-event contract. */
async function collect(net: Net, value: string, options: Record<string, JsonValue> = { reverse: false }) {
  const run = await runScanner(dnsScanner, { type: 'domain', value }, net, options);
  checkScanContract(run, { category: 'dns' });
  return run.events;
}

describe('dns scanner and wildcards', () => {
  it('marks the apex wildcard, and a subdomain that only the wildcard answers', async () => {
    const net = wildcardNet({ 'target.test': '192.0.2.1', 'www.target.test': '192.0.2.2' });
    const apex = await collect(net, 'target.test');
    const apexEntity = apex.find((e) => e.kind === 'entity' && e.props?.wildcard !== undefined);
    expect(apexEntity?.kind === 'entity' && apexEntity.props?.wildcard).toMatchObject({
      name: '*.target.test',
      a: ['192.0.2.99'],
    });
    const ghost = await collect(net, 'ghost.target.test');
    const titles = ghost.filter((e) => e.kind === 'finding').map((e) => e.title);
    expect(titles).toContain('ghost.target.test answers exactly like the wildcard *.target.test');
    // Names under ghost are answered by the same wildcard *.target.test, not by one of ghost's own.
    expect(titles.some((t) => t.includes('has a wildcard record'))).toBe(false);
    const real = await collect(net, 'www.target.test');
    expect(real.some((e) => e.kind === 'finding' && e.title.includes('answers exactly like'))).toBe(false);
  });
});
