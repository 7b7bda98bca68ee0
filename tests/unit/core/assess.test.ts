import { describe, expect, it } from 'vitest';
import { assess } from '../../../src/core/assessment/assess';
import { gradePropKey, scoreCategory } from '../../../src/shared/grade';
import type {
  Entity,
  EntityType,
  Finding,
  Props,
  Relation,
  RelationKind,
  Run,
  Severity,
} from '../../../src/shared/model';

const T = '2026-01-01T00:00:00.000Z';

function graphOf() {
  const entities: Entity[] = [];
  const relations: Relation[] = [];
  const add = (type: EntityType, value: string, props: Props = {}): Entity => {
    const e = { id: entities.length + 1, type, value, props, firstSeen: T, lastSeen: T };
    entities.push(e);
    return e;
  };
  const link = (from: Entity, kind: RelationKind, to: Entity) => {
    relations.push({ id: relations.length + 1, from: from.id, to: to.id, kind, props: {}, firstSeen: T, lastSeen: T });
  };
  return { entities, relations, add, link };
}

const finding = (id: number, entityId: number, severity: Severity, title: string): Finding => ({
  id,
  runId: 1,
  entityId,
  severity,
  category: 'test',
  title,
  detail: '',
  evidenceIds: [],
  createdAt: T,
});

const run = (scannerId: string, targetEntityId: number): Run => ({
  id: targetEntityId * 100 + scannerId.length,
  scannerId,
  target: { type: 'domain', value: 'x' },
  targetEntityId,
  status: 'finished',
  progress: 1,
  message: 'done',
  error: null,
  createdAt: T,
  startedAt: T,
  endedAt: T,
});

describe('assess', () => {
  it('counts how many other domains share each pivot, and flags CDN addresses as weak', () => {
    const g = graphOf();
    const target = g.add('domain', 'a.example');
    const ip = g.add('ip', '192.0.2.1');
    const cdn = g.add('ip', '104.16.0.1', { cdn: 'Cloudflare' });
    const cert = g.add('certificate', 'sha256:aa');
    const san = g.add('domain', 'b.example');
    const registrar = g.add('registrar', 'Namecheap');
    g.link(target, 'resolves_to', ip);
    g.link(target, 'resolves_to', cdn);
    g.link(target, 'covered_by_cert', cert);
    g.link(san, 'covered_by_cert', cert);
    g.link(san, 'resolves_to', ip);
    g.link(target, 'registered_with', registrar);
    for (let i = 0; i < 60; i++) g.link(g.add('domain', `other${i}.example`), 'resolves_to', cdn);
    const result = assess({ target, graph: g, findings: [], runs: [] });
    const pivot = (role: string, value: string) => result.pivots.find((p) => p.role === role && p.value === value);
    expect(pivot('address', '192.0.2.1')).toMatchObject({ shared: 1, class: 'tight', weak: null });
    expect(pivot('address', '104.16.0.1')).toMatchObject({ shared: 60, class: 'shared infrastructure' });
    expect(pivot('address', '104.16.0.1')?.weak).toContain('Cloudflare');
    expect(pivot('certificate', 'sha256:aa')).toMatchObject({ shared: 1 });
    expect(pivot('SAN domain', 'b.example')).toMatchObject({ type: 'domain' });
    expect(pivot('registrar', 'Namecheap')).toMatchObject({ shared: 0, class: 'unique' });
    expect(result.pivots.some((p) => p.value === 'a.example')).toBe(false);
  });

  it('lists at most 50 pivots per role and counts them all', () => {
    const g = graphOf();
    const target = g.add('domain', 'a.example');
    const cert = g.add('certificate', 'sha256:bb');
    g.link(target, 'covered_by_cert', cert);
    for (let i = 0; i < 60; i++) g.link(g.add('domain', `san${i}.example`), 'covered_by_cert', cert);
    const result = assess({ target, graph: g, findings: [], runs: [] });
    expect(result.pivots.filter((p) => p.role === 'SAN domain')).toHaveLength(50);
    expect(result.pivotTotals).toEqual({ certificate: 1, 'SAN domain': 60 });
  });

  it('turns findings on the target and its addresses into red and yellow signals, full marks into green', () => {
    const g = graphOf();
    const target = g.add('domain', 'a.example', {
      [gradePropKey('dnssec')]: scoreCategory('dnssec', 'dnssec', []),
      [gradePropKey('email')]: scoreCategory('email', 'email-security', [{ points: 10, reason: 'no SPF, no DMARC' }]),
    });
    const ip = g.add('ip', '192.0.2.1', {
      [gradePropKey('reputation')]: scoreCategory('reputation', 'reputation', [{ points: 15, reason: 'listed' }]),
    });
    const unrelated = g.add('domain', 'c.example');
    g.link(target, 'resolves_to', ip);
    const findings = [
      finding(1, target.id, 'high', 'Spoofable: no SPF and no DMARC'),
      finding(2, ip.id, 'medium', 'Listed on a DNS blacklist'),
      finding(3, target.id, 'info', 'Three MX records'),
      finding(4, unrelated.id, 'critical', 'Not about the target'),
      finding(5, target.id, 'high', 'Spoofable: no SPF and no DMARC'),
    ];
    const result = assess({ target, graph: g, findings, runs: [] });
    expect(result.signals.filter((s) => s.level !== 'green')).toEqual([
      { level: 'red', text: 'Spoofable: no SPF and no DMARC', source: 'test', about: 'a.example' },
      { level: 'yellow', text: 'Listed on a DNS blacklist', source: 'test', about: '192.0.2.1' },
    ]);
    expect(result.signals.filter((s) => s.level === 'green').map((s) => s.text)).toEqual([
      'DNSSEC: no points lost (10/10)',
    ]);
    // The address's reputation counts for the domain: 10 of 35 known points.
    expect(result.grade.score).toBe(Math.round((10 / 35) * 100));
    expect(result.grade.categories.find((c) => c.id === 'reputation')?.scanner).toBe('reputation');
  });

  it('claims an absence only where the module that would see it ran', () => {
    const g = graphOf();
    const target = g.add('domain', 'a.example');
    expect(assess({ target, graph: g, findings: [], runs: [] }).absences).toEqual([]);
    const runs = ['dns', 'ct', 'tech'].map((id) => run(id, target.id));
    const texts = assess({ target, graph: g, findings: [], runs }).absences.map((a) => a.text);
    expect(texts).toHaveLength(4);
    expect(texts.join('\n')).toMatch(/MX/);
    expect(texts.join('\n')).toMatch(/TXT/);
    expect(texts.join('\n')).toMatch(/subdomains/);
    expect(texts.join('\n')).toMatch(/technology/);

    const mx = g.add('domain', 'mx.a.example');
    g.link(target, 'has_mx', mx);
    g.link(g.add('domain', 'www.a.example'), 'subdomain_of', target);
    g.link(target, 'uses_technology' as RelationKind, g.add('technology', 'nginx'));
    const withData = { ...target, props: { txt: ['v=spf1 -all'] } };
    expect(assess({ target: withData, graph: g, findings: [], runs }).absences).toEqual([]);
  });

  it('says no site answered, not that the site runs no known technology, when tech could fetch nothing', () => {
    const g = graphOf();
    const target = { ...g.add('domain', 'quiet.example'), props: { txt: ['x'], siteUnreachable: true } };
    const texts = assess({ target, graph: g, findings: [], runs: [run('tech', target.id)] }).absences.map(
      (a) => a.text,
    );
    expect(texts).toEqual(['No web site answered (neither HTTPS nor HTTP)']);
  });
});
