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

  it("counts the CVEs of the site's technologies and of the services on its addresses, not another host's", () => {
    const g = graphOf();
    const target = g.add('domain', 'a.example');
    const ip = g.add('ip', '192.0.2.1');
    const ssh = g.add('service', '192.0.2.1:22/tcp');
    const openssh = g.add('technology', 'openssh@8.2p1');
    const nginx = g.add('technology', 'nginx@1.18.0');
    const other = g.add('domain', 'b.example');
    const php = g.add('technology', 'php@7.4.3');
    g.link(target, 'resolves_to', ip);
    g.link(ip, 'exposes_service', ssh);
    g.link(ssh, 'uses_technology' as RelationKind, openssh);
    g.link(target, 'uses_technology' as RelationKind, nginx);
    g.link(other, 'uses_technology' as RelationKind, php);
    const findings = [
      finding(1, openssh.id, 'high', 'OpenSSH 8.2p1 has 2 known CVEs'),
      finding(2, nginx.id, 'high', 'nginx 1.18.0 has 1 known CVE'),
      finding(3, php.id, 'medium', 'PHP 7.4.3 has 1 known CVE'),
    ];
    const texts = (t: typeof target) => assess({ target: t, graph: g, findings, runs: [] }).signals.map((s) => s.text);
    expect(texts(target)).toEqual(['OpenSSH 8.2p1 has 2 known CVEs', 'nginx 1.18.0 has 1 known CVE']);
    // An address assessed on its own reaches its services' technologies too.
    expect(texts(ip)).toEqual(['OpenSSH 8.2p1 has 2 known CVEs']);
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

  it('assesses an email address through its domain: grade, signals, absences and pivots', () => {
    const g = graphOf();
    const email = g.add('email', 'billing@a.example');
    const colleague = g.add('email', 'ceo@a.example');
    const domain = g.add('domain', 'a.example', {
      [gradePropKey('email')]: scoreCategory('email', 'email-security', [{ points: 10, reason: 'SPF ends "+all"' }]),
    });
    const ip = g.add('ip', '192.0.2.1', {
      [gradePropKey('ports')]: scoreCategory('ports', 'ports', [{ points: 3, reason: 'telnet open' }]),
    });
    const mx = g.add('domain', 'mx.a.example');
    const registrar = g.add('registrar', 'NameSilo');
    g.link(email, 'uses_email_domain', domain);
    g.link(colleague, 'uses_email_domain', domain);
    g.link(domain, 'resolves_to', ip);
    g.link(domain, 'has_mx', mx);
    g.link(domain, 'registered_with', registrar);
    const findings = [
      finding(1, domain.id, 'critical', 'SPF ends "+all"'),
      finding(2, domain.id, 'high', 'Registered 9 days ago'),
      finding(3, colleague.id, 'high', 'About another address'),
    ];
    const result = assess({ target: email, graph: g, findings, runs: [run('email-security', email.id)] });

    expect(result.entity).toEqual(email);
    // The domain's email score and its address's ports: 10 of 23 known points.
    expect(result.grade.score).toBe(Math.round((10 / 23) * 100));
    expect(result.grade.categories.every((c) => c.applicable)).toBe(true);
    expect(result.signals.filter((s) => s.level === 'red')).toEqual([
      { level: 'red', text: 'SPF ends "+all"', source: 'test', about: 'a.example' },
      { level: 'red', text: 'Registered 9 days ago', source: 'test', about: 'a.example' },
    ]);
    const pivot = (role: string) => result.pivots.filter((p) => p.role === role).map((p) => [p.value, p.shared]);
    // The colleague's address reaches the same domain, mail server and registrar.
    expect(pivot('email domain')).toEqual([['a.example', 1]]);
    expect(pivot('mail server')).toEqual([['mx.a.example', 1]]);
    expect(pivot('registrar')).toEqual([['NameSilo', 1]]);
    expect(result.absences).toEqual([]);

    const lone = g.add('email', 'x@nowhere.example');
    const unknown = assess({ target: lone, graph: g, findings, runs: [] });
    expect(unknown.grade.score).toBeNull();
    expect(unknown.signals).toEqual([]);
  });

  it("pivots on the addresses of a domain's mail and name servers, counting the domains that share them", () => {
    const g = graphOf();
    const target = g.add('domain', 'a.example');
    const other = g.add('domain', 'b.example');
    const mx = g.add('domain', 'mx.a.example');
    const ns = g.add('domain', 'ns.hoster.example');
    const mailIp = g.add('ip', '192.0.2.25');
    const nsIp = g.add('ip', '192.0.2.53');
    g.link(target, 'has_mx', mx);
    g.link(target, 'has_ns', ns);
    g.link(mx, 'resolves_to', mailIp);
    g.link(ns, 'resolves_to', nsIp);
    // Another domain's own mail server on the same address: shared mail hosting.
    const otherMx = g.add('domain', 'mail.b.example');
    g.link(other, 'has_mx', otherMx);
    g.link(otherMx, 'resolves_to', mailIp);
    const result = assess({ target, graph: g, findings: [], runs: [] });
    const pivot = (role: string) => result.pivots.filter((p) => p.role === role).map((p) => [p.value, p.shared]);
    expect(pivot('mail server address')).toEqual([['192.0.2.25', 1]]);
    expect(pivot('name server address')).toEqual([['192.0.2.53', 0]]);
  });

  it('leaves the categories an address cannot have out of its grade, and pivots on its names and certificates', () => {
    const g = graphOf();
    const sha = 'AB'.repeat(32);
    const target = g.add('ip', '192.0.2.7', {
      [gradePropKey('ssl')]: scoreCategory('ssl', 'tls-cert', []),
      [gradePropKey('headers')]: scoreCategory('headers', 'http', [{ points: 27, reason: 'no headers' }]),
      tlsCertificate: { port: 443, sha256: sha },
    });
    const ptr = g.add('domain', 'mail.b.example');
    const site = g.add('domain', 'www.b.example');
    const cert = g.add('certificate', `sha256:${sha.toLowerCase()}`);
    const sanCert = g.add('certificate', 'sha256:cc');
    const other = g.add('ip', '192.0.2.8', { tlsCertificate: { sha256: sha.toLowerCase() } });
    g.add('ip', '192.0.2.9', { tlsCertificate: 'not an object' });
    g.link(target, 'ptr_to', ptr);
    g.link(site, 'resolves_to', target);
    g.link(ptr, 'covered_by_cert', cert);
    g.link(site, 'covered_by_cert', cert);
    g.link(target, 'covered_by_cert', sanCert);
    g.link(other, 'ptr_to', ptr);
    const result = assess({ target, graph: g, findings: [], runs: [run('dns', target.id)] });

    const notApplicable = result.grade.categories.filter((c) => !c.applicable).map((c) => c.id);
    expect(notApplicable).toEqual(['dnssec', 'email']);
    expect(result.grade.score).toBe(Math.round((25 / 52) * 100));
    const pivot = (role: string) => result.pivots.filter((p) => p.role === role).map((p) => [p.value, p.shared]);
    expect(pivot('reverse DNS name')).toEqual([['mail.b.example', 1]]);
    expect(pivot('domain on this address')).toEqual([['www.b.example', 0]]);
    // The certificate naming the address, then the one its port served (another address serves it too).
    expect(pivot('certificate')).toEqual([
      ['sha256:cc', 0],
      [`sha256:${sha.toLowerCase()}`, 1],
    ]);
    expect(pivot('SAN domain').map(([value]) => value)).toEqual(['mail.b.example', 'www.b.example']);
    expect(result.absences).toEqual([]);
  });

  it('says a null MX declares that the domain receives no mail, rather than that MX records are missing', () => {
    const g = graphOf();
    const target = g.add('domain', 'parked.example', { txt: ['v=spf1 -all'], nullMx: true });
    const plain = g.add('domain', 'plain.example', { txt: ['v=spf1 -all'] });
    const absencesOf = (e: Entity) => assess({ target: e, graph: g, findings: [], runs: [run('dns', e.id)] }).absences;
    expect(absencesOf(target)).toEqual([
      { text: 'No mail servers: the domain declares it receives no mail (null MX)', source: 'dns' },
    ]);
    expect(absencesOf(plain)).toEqual([{ text: 'No MX records: the domain receives no mail', source: 'dns' }]);
  });
});
