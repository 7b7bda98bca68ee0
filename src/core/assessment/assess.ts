// Builds the Overall Assessment of one target from what the case holds: its findings and those of
// its addresses, certificates and URLs; its grade; its pivot values with how widely each is
// shared; and the absences that the modules which ran can vouch for. An email address is
// assessed through its domain: the domain's records are what make the address safe or not.
import type { Absence, Assessment, Signal } from '../../shared/assessment';
import {
  type CategoryScore,
  computeGrade,
  GRADE_CATEGORIES,
  GRADE_CATEGORY_IDS,
  type GradeCategory,
  readCategoryScore,
} from '../../shared/grade';
import type { Entity, Finding, Graph, Run, Severity } from '../../shared/model';
import { Adjacency, back, out, type Step } from './graph-walk';
import { pivots } from './pivots';

export interface AssessInput {
  target: Entity;
  graph: Graph;
  findings: Finding[];
  runs: Run[];
}

/** What a finding's severity says at a glance; info findings are detail, not signals. */
const LEVEL: Record<Severity, Signal['level'] | null> = {
  critical: 'red',
  high: 'red',
  medium: 'yellow',
  low: 'yellow',
  info: null,
};

/**
 * Paths whose far end a finding may be about and still describe the target: its addresses,
 * certificates and redirects, its site's technologies (their CVEs), and the services on its
 * addresses (or on itself, an address) with theirs.
 */
const SIGNAL_PATHS: Step[][] = [
  [out('resolves_to')],
  [out('covered_by_cert')],
  [out('redirects_to')],
  [out('uses_technology')],
  [out('exposes_service')],
  [out('exposes_service'), out('uses_technology')],
  [out('resolves_to'), out('exposes_service')],
  [out('resolves_to'), out('exposes_service'), out('uses_technology')],
];

export function assess({ target, graph, findings, runs }: AssessInput): Assessment {
  const byId = new Map(graph.entities.map((e) => [e.id, e]));
  const adjacency = new Adjacency(graph);
  const scannersRun = [
    ...new Set(runs.filter((r) => r.targetEntityId === target.id && r.status === 'finished').map((r) => r.scannerId)),
  ].sort();
  const subject = gradedSubject(target, adjacency, byId);
  const own = [target.id, subject.id];
  const related = new Set(own);
  for (const path of SIGNAL_PATHS)
    for (const start of own) for (const id of adjacency.walk(start, path)) related.add(id);
  const addresses = [...adjacency.step([subject.id], out('resolves_to'))].map((id) => byId.get(id)).filter(isEntity);

  const grade = computeGrade(gradeScores(subject, addresses), subject.type);
  const found = pivots(target, adjacency, byId);
  return {
    entity: target,
    grade,
    signals: signals(findings, related, byId, grade.categories),
    pivots: found.pivots,
    pivotTotals: found.totals,
    absences: absences(subject, adjacency, byId, scannersRun),
    scannersRun,
  };
}

/**
 * The entity whose scores and findings stand for the target: an email address's domain (scanners
 * given an address scan its domain and leave everything there), else the target itself.
 */
function gradedSubject(target: Entity, adjacency: Adjacency, byId: Map<number, Entity>): Entity {
  if (target.type !== 'email') return target;
  const domains = [...adjacency.step([target.id], out('uses_email_domain'))].map((id) => byId.get(id));
  return domains.find((e) => e?.type === 'domain') ?? target;
}

function isEntity(e: Entity | undefined): e is Entity {
  return e !== undefined;
}

/**
 * Each category's score: the subject's own, else the worst of its addresses' (IP reputation and
 * open ports belong to the addresses a domain resolves to).
 */
function gradeScores(subject: Entity, addresses: Entity[]): Partial<Record<GradeCategory, CategoryScore>> {
  const scores: Partial<Record<GradeCategory, CategoryScore>> = {};
  for (const category of GRADE_CATEGORY_IDS) {
    const own = readCategoryScore(subject.props, category);
    if (own) {
      scores[category] = own;
      continue;
    }
    for (const address of addresses) {
      const score = readCategoryScore(address.props, category);
      const current = scores[category];
      if (score && (!current || score.earned < current.earned)) scores[category] = score;
    }
  }
  return scores;
}

function signals(
  findings: Finding[],
  related: Set<number>,
  byId: Map<number, Entity>,
  categories: Assessment['grade']['categories'],
): Signal[] {
  const list: Signal[] = [];
  const seen = new Set<string>();
  const order = (f: Finding) => ['critical', 'high', 'medium', 'low', 'info'].indexOf(f.severity);
  for (const f of [...findings].sort((a, b) => order(a) - order(b))) {
    const level = LEVEL[f.severity];
    if (!level || !related.has(f.entityId)) continue;
    const about = byId.get(f.entityId)?.value ?? '';
    const key = `${level}\u0000${f.title}\u0000${about}`;
    if (seen.has(key)) continue;
    seen.add(key);
    list.push({ level, text: f.title, source: f.category, about });
  }
  for (const c of categories) {
    if (c.earned !== null && c.earned === c.weight) {
      list.push({
        level: 'green',
        text: `${GRADE_CATEGORIES[c.id].title}: no points lost (${c.weight}/${c.weight})`,
        source: c.scanner ?? c.id,
        about: '',
      });
    }
  }
  return list;
}

/** What the domain assessed (the target, or an address's domain) lacks, as the modules run on the target saw it. */
function absences(subject: Entity, adjacency: Adjacency, byId: Map<number, Entity>, scannersRun: string[]): Absence[] {
  if (subject.type !== 'domain') return [];
  const ran = (...ids: string[]) => ids.find((id) => scannersRun.includes(id));
  const list: Absence[] = [];
  const mxSource = ran('dns', 'email-security');
  if (mxSource && adjacency.step([subject.id], out('has_mx')).size === 0) {
    list.push({
      text: declaresNullMx(subject)
        ? 'No mail servers: the domain declares it receives no mail (null MX)'
        : 'No MX records: the domain receives no mail',
      source: mxSource,
    });
  }
  if (ran('dns') && !Array.isArray(subject.props.txt)) {
    list.push({ text: 'No TXT records (no SPF, no verification strings)', source: 'dns' });
  }
  if (ran('ct') && adjacency.step([subject.id], back('subdomain_of')).size === 0) {
    list.push({ text: 'No subdomains in Certificate Transparency logs', source: 'ct' });
  }
  const techSource = ran('tech');
  if (techSource) {
    if (subject.props.siteUnreachable === true) {
      list.push({ text: 'No web site answered (neither HTTPS nor HTTP)', source: techSource });
    } else if (!adjacency.targetsOf(subject.id).some((id) => byId.get(id)?.type === 'technology')) {
      list.push({ text: 'No identifiable technology on the site', source: techSource });
    }
  }
  return list;
}

/** The null MX as dns (`nullMx`) or email-security (`mx.nullMx`) leave it; props are scan data and may hold anything. */
function declaresNullMx(domain: Entity): boolean {
  const mx = domain.props.mx;
  const fromEmail = typeof mx === 'object' && mx !== null && !Array.isArray(mx) && mx.nullMx === true;
  return domain.props.nullMx === true || fromEmail;
}
