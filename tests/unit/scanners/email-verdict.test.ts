import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessPosture, emailGrade, type PostureInput } from '../../../src/scanners/email-security/verdict';

const spf = (status: PostureInput['spf']['status'], ending?: PostureInput['spf']['ending']): PostureInput['spf'] =>
  ending === undefined ? { status } : { status, ending };
const dmarc = (status: PostureInput['dmarc']['status'], policy?: 'none' | 'quarantine' | 'reject', pct?: number) => ({
  status,
  ...(policy ? { policy } : {}),
  ...(pct !== undefined ? { pct } : {}),
});
const dkim = (usable: number) => ({ usable, tried: 28 });

describe('email posture verdict', () => {
  it.each([
    ['no SPF, no DMARC', spf('none'), dmarc('none'), 0, 0, 'spoofable', 'high'],
    ['-all, p=reject, DKIM', spf('ok', '-'), dmarc('ok', 'reject'), 1, 3, 'not spoofable', 'info'],
    ['-all without DMARC', spf('ok', '-'), dmarc('none'), 0, 1, 'partially spoofable', 'medium'],
    ['~all with p=none', spf('ok', '~'), dmarc('ok', 'none'), 1, 2, 'partially spoofable', 'medium'],
    ['?all with p=none', spf('ok', '?'), dmarc('ok', 'none'), 0, 0, 'spoofable', 'high'],
    ['no all, no DMARC', spf('ok', null), dmarc('none'), 0, 0, 'spoofable', 'high'],
    ['+all defeats p=reject', spf('ok', '+'), dmarc('ok', 'reject'), 1, 2, 'spoofable', 'high'],
    ['p=quarantine', spf('ok', '-'), dmarc('ok', 'quarantine'), 0, 2, 'partially spoofable', 'low'],
    ['p=reject at pct=20', spf('ok', '-'), dmarc('ok', 'reject', 20), 0, 2, 'partially spoofable', 'medium'],
    ['p=reject without SPF or DKIM', spf('none'), dmarc('ok', 'reject'), 0, 1, 'not spoofable', 'info'],
    ['broken SPF, no DMARC', spf('permerror'), dmarc('none'), 1, 1, 'spoofable', 'high'],
    ['invalid DMARC', spf('ok', '-'), dmarc('invalid'), 0, 1, 'partially spoofable', 'medium'],
    ['several DMARC records', spf('none'), dmarc('several'), 0, 0, 'spoofable', 'high'],
    ['DNS failure', spf('temperror'), dmarc('ok', 'reject'), 0, 1, 'undetermined', 'info'],
  ] as const)('%s', (_name, s, d, keys, score, verdict, severity) => {
    const posture = assessPosture({ spf: s, dmarc: d, dkim: dkim(keys) });
    expect(posture).toMatchObject({ score, verdict, severity });
    expect(posture.reasons.length).toBeGreaterThanOrEqual(3);
  });

  it('gives reasons a reader can act on', () => {
    const posture = assessPosture({ spf: spf('none'), dmarc: dmarc('none'), dkim: dkim(0), nullMx: true });
    expect(posture.reasons).toEqual([
      'no SPF record: receivers cannot tell which servers may send for the domain',
      'no DMARC record: receivers apply no policy to mail that fails SPF and DKIM alignment',
      'DKIM: no usable key found under the 28 selector(s) tried (others may exist)',
      'nothing tells receivers to refuse mail forged in the domain’s name',
      'the domain accepts no mail (null MX) but does not say it sends none ("v=spf1 -all")',
    ]);
    const inherited = assessPosture({
      spf: spf('ok', '-'),
      dmarc: { status: 'ok', policy: 'reject', inheritedFrom: 'example.com' },
      dkim: dkim(0),
    });
    expect(inherited.reasons[1]).toBe('DMARC p=reject (inherited from example.com): mail failing alignment is refused');
  });

  it('needs no DKIM key of a domain that declares it neither receives nor sends mail', () => {
    const noMail = { spf: { status: 'ok', ending: '-', passesNone: true }, nullMx: true } as const;
    const recommended = assessPosture({ ...noMail, dmarc: dmarc('ok', 'reject'), dkim: dkim(0) });
    expect(recommended).toMatchObject({ score: 3, noMail: true, verdict: 'not spoofable' });
    expect(recommended.why.dkim).toMatch(/not needed/);
    expect(emailGrade(recommended)).toEqual({ earned: 10, lost: [], scanner: 'email-security' });
    // DMARC is still asked for: without it a forged From: header is not refused.
    const withoutDmarc = emailGrade(assessPosture({ ...noMail, dmarc: dmarc('none'), dkim: dkim(0) }));
    expect(withoutDmarc.lost.map((l) => l.reason)).toEqual([
      'no DMARC record: receivers apply no policy to mail that fails SPF and DKIM alignment',
    ]);
    // Any one of the three declarations missing, and the domain may send mail that should be signed.
    for (const input of [
      { spf: { ...noMail.spf, passesNone: false }, nullMx: true },
      { spf: { ...noMail.spf, ending: '~' }, nullMx: true },
      { spf: noMail.spf, nullMx: false },
    ] as const) {
      const posture = assessPosture({ ...input, dmarc: dmarc('ok', 'reject'), dkim: dkim(0) });
      expect(posture).toMatchObject({ noMail: false, points: { dkim: false } });
    }
  });

  it('grades email out of 10, a third lost per missing point with the reason it is missing', () => {
    const none = emailGrade(assessPosture({ spf: spf('none'), dmarc: dmarc('none'), dkim: dkim(0) }));
    expect(none.earned).toBe(0);
    expect(none.scanner).toBe('email-security');
    expect(none.lost.map((l) => l.reason)).toEqual([
      'no SPF record: receivers cannot tell which servers may send for the domain',
      'no DMARC record: receivers apply no policy to mail that fails SPF and DKIM alignment',
      'DKIM: no usable key found under the 28 selector(s) tried (others may exist)',
    ]);
    const strict = emailGrade(assessPosture({ spf: spf('ok', '-'), dmarc: dmarc('ok', 'reject'), dkim: dkim(1) }));
    expect(strict).toEqual({ earned: 10, lost: [], scanner: 'email-security' });
    const monitoring = emailGrade(assessPosture({ spf: spf('ok', '~'), dmarc: dmarc('ok', 'none'), dkim: dkim(1) }));
    expect(monitoring.earned).toBeCloseTo(20 / 3);
    expect(monitoring.lost).toEqual([
      { points: 10 / 3, reason: 'DMARC p=none: mail failing alignment is delivered as usual (monitoring only)' },
    ]);
  });

  it('keeps its invariants for every input', () => {
    const input = fc.record({
      spf: fc.record({
        status: fc.constantFrom('none', 'ok', 'permerror', 'temperror'),
        ending: fc.constantFrom('+', '-', '~', '?', null),
        passesNone: fc.boolean(),
      }),
      dmarc: fc.record({
        status: fc.constantFrom('none', 'ok', 'invalid', 'several', 'temperror'),
        policy: fc.constantFrom('none', 'quarantine', 'reject'),
        pct: fc.integer({ min: 0, max: 100 }),
      }),
      dkim: fc.record({ usable: fc.nat(5), tried: fc.nat(64) }),
      nullMx: fc.boolean(),
    }) as fc.Arbitrary<PostureInput>;
    fc.assert(
      fc.property(input, (i) => {
        const p = assessPosture(i);
        expect(p.score).toBe(Number(p.points.spf) + Number(p.points.dmarc) + Number(p.points.dkim));
        expect(p.score).toBeGreaterThanOrEqual(0);
        expect(p.score).toBeLessThanOrEqual(3);
        expect(p.points.dkim).toBe(i.dkim.usable > 0 || p.noMail);
        if (p.noMail) expect(i).toMatchObject({ nullMx: true, spf: { status: 'ok', ending: '-', passesNone: true } });
        if (p.verdict === 'not spoofable') {
          expect(i.dmarc).toMatchObject({ status: 'ok', policy: 'reject', pct: 100 });
          expect(i.spf.status === 'ok' && i.spf.ending === '+').toBe(false);
        }
        if (i.spf.status === 'ok' && i.spf.ending === '+') expect(p.verdict).toBe('spoofable');
        if (!p.points.spf && !p.points.dmarc && p.verdict !== 'undetermined') expect(p.verdict).toBe('spoofable');
      }),
      { numRuns: 2000 },
    );
  });
});
