// Builds the Overall Assessment of one target from what the case holds: its findings and those of
// its addresses, certificates and URLs; its grade; its pivot values with how widely each is
// shared; and the absences that the modules which ran can vouch for.
import {
  type Absence,
  type Assessment,
  MAX_PIVOTS_PER_ROLE,
  type Pivot,
  type Signal,
  shareClass,
} from '../../shared/assessment';
import {
  type CategoryScore,
  computeGrade,
  GRADE_CATEGORIES,
  GRADE_CATEGORY_IDS,
  type GradeCategory,
  readCategoryScore,
} from '../../shared/grade';
import type { Entity, EntityType, Finding, Graph, RelationKind, Run, Severity } from '../../shared/model';

export interface AssessInput {
  target: Entity;
  graph: Graph;
  findings: Finding[];
  runs: Run[];
}

/** One step along a relation, forwards (from → to) or backwards. */
interface Step {
  kind: RelationKind;
  forward: boolean;
}

/** A kind of pivot value: the path from the target to it, and the type it must have. */
interface PivotPath {
  role: string;
  from: EntityType[];
  steps: Step[];
  type: EntityType;
}

const out = (kind: RelationKind): Step => ({ kind, forward: true });
const back = (kind: RelationKind): Step => ({ kind, forward: false });

const PIVOT_PATHS: PivotPath[] = [
  { role: 'address', from: ['domain'], steps: [out('resolves_to')], type: 'ip' },
  { role: 'certificate', from: ['domain', 'ip'], steps: [out('covered_by_cert')], type: 'certificate' },
  {
    role: 'SAN domain',
    from: ['domain'],
    steps: [out('covered_by_cert'), back('covered_by_cert')],
    type: 'domain',
  },
  { role: 'name server', from: ['domain'], steps: [out('has_ns')], type: 'domain' },
  { role: 'mail server', from: ['domain'], steps: [out('has_mx')], type: 'domain' },
  { role: 'registrar', from: ['domain'], steps: [out('registered_with')], type: 'registrar' },
  { role: 'registrant', from: ['domain'], steps: [out('registered_by')], type: 'organization' },
  { role: 'ASN', from: ['domain'], steps: [out('resolves_to'), out('in_asn')], type: 'asn' },
  { role: 'netblock', from: ['domain'], steps: [out('resolves_to'), out('in_netblock')], type: 'netblock' },
  { role: 'subdomain', from: ['domain'], steps: [back('subdomain_of')], type: 'domain' },
  { role: 'domain on this address', from: ['ip'], steps: [back('resolves_to')], type: 'domain' },
  { role: 'ASN', from: ['ip'], steps: [out('in_asn')], type: 'asn' },
  { role: 'netblock', from: ['ip'], steps: [out('in_netblock')], type: 'netblock' },
  { role: 'email domain', from: ['email'], steps: [out('uses_email_domain')], type: 'domain' },
];

/** What a finding's severity says at a glance; info findings are detail, not signals. */
const LEVEL: Record<Severity, Signal['level'] | null> = {
  critical: 'red',
  high: 'red',
  medium: 'yellow',
  low: 'yellow',
  info: null,
};

/** Relation kinds whose far end a finding may be about and still describe the target. */
const SIGNAL_NEIGHBOURS: { kind: RelationKind; forward: boolean }[] = [
  out('resolves_to'),
  out('covered_by_cert'),
  out('redirects_to'),
];

class Adjacency {
  private readonly outgoing = new Map<number, { kind: RelationKind; to: number }[]>();
  private readonly incoming = new Map<number, { kind: RelationKind; to: number }[]>();

  constructor(graph: Graph) {
    for (const r of graph.relations) {
      push(this.outgoing, r.from, { kind: r.kind, to: r.to });
      push(this.incoming, r.to, { kind: r.kind, to: r.from });
    }
  }

  step(ids: Iterable<number>, step: Step): Set<number> {
    const next = new Set<number>();
    const edges = step.forward ? this.outgoing : this.incoming;
    for (const id of ids) for (const e of edges.get(id) ?? []) if (e.kind === step.kind) next.add(e.to);
    return next;
  }

  /** Everything the entity points at, whatever the relation. */
  targetsOf(id: number): number[] {
    return (this.outgoing.get(id) ?? []).map((e) => e.to);
  }

  walk(start: number, steps: Step[]): Set<number> {
    let at = new Set([start]);
    for (const step of steps) at = this.step(at, step);
    return at;
  }

  /** The entities that reach `end` by `steps` (walked backwards from it). */
  reachers(end: number, steps: Step[]): Set<number> {
    let at = new Set([end]);
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i] as Step;
      at = this.step(at, { kind: step.kind, forward: !step.forward });
    }
    return at;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function assess({ target, graph, findings, runs }: AssessInput): Assessment {
  const byId = new Map(graph.entities.map((e) => [e.id, e]));
  const adjacency = new Adjacency(graph);
  const scannersRun = [
    ...new Set(runs.filter((r) => r.targetEntityId === target.id && r.status === 'finished').map((r) => r.scannerId)),
  ].sort();
  const related = new Set([target.id]);
  for (const step of SIGNAL_NEIGHBOURS) for (const id of adjacency.step([target.id], step)) related.add(id);
  const addresses = [...adjacency.step([target.id], out('resolves_to'))].map((id) => byId.get(id)).filter(isEntity);

  const grade = computeGrade(gradeScores(target, addresses));
  const found = pivots(target, adjacency, byId);
  return {
    entity: target,
    grade,
    signals: signals(findings, related, byId, grade.categories),
    pivots: found.pivots,
    pivotTotals: found.totals,
    absences: absences(target, adjacency, byId, scannersRun),
    scannersRun,
  };
}

function isEntity(e: Entity | undefined): e is Entity {
  return e !== undefined;
}

/**
 * Each category's score: the target's own, else the worst of its addresses' (IP reputation and
 * open ports belong to the addresses a domain resolves to).
 */
function gradeScores(target: Entity, addresses: Entity[]): Partial<Record<GradeCategory, CategoryScore>> {
  const scores: Partial<Record<GradeCategory, CategoryScore>> = {};
  for (const category of GRADE_CATEGORY_IDS) {
    const own = readCategoryScore(target.props, category);
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

function pivots(
  target: Entity,
  adjacency: Adjacency,
  byId: Map<number, Entity>,
): { pivots: Pivot[]; totals: Record<string, number> } {
  const list: Pivot[] = [];
  const totals: Record<string, number> = {};
  const listed = new Set<string>();
  for (const path of PIVOT_PATHS) {
    if (!path.from.includes(target.type)) continue;
    for (const id of adjacency.walk(target.id, path.steps)) {
      const entity = byId.get(id);
      if (!entity || entity.type !== path.type || id === target.id) continue;
      const key = `${path.role}\u0000${id}`;
      if (listed.has(key)) continue;
      listed.add(key);
      totals[path.role] = (totals[path.role] ?? 0) + 1;
      if ((totals[path.role] ?? 0) > MAX_PIVOTS_PER_ROLE) continue;
      let shared = 0;
      for (const other of adjacency.reachers(id, path.steps)) {
        if (other !== target.id && byId.get(other)?.type === target.type) shared++;
      }
      list.push({
        entityId: id,
        type: entity.type,
        value: entity.value,
        role: path.role,
        shared,
        class: shareClass(shared),
        weak: weakness(entity),
      });
    }
  }
  return { pivots: list, totals };
}

/** A CDN or WAF address (marked by the tech scanner or a known range) stands for thousands of sites. */
function weakness(entity: Entity): string | null {
  for (const key of ['cdn', 'waf'] as const) {
    const name = entity.props[key];
    if (typeof name === 'string' && name !== '') {
      return `${key === 'cdn' ? 'CDN' : 'WAF'}-fronted (${name}): shared by unrelated sites, a weak pivot`;
    }
  }
  return null;
}

function absences(target: Entity, adjacency: Adjacency, byId: Map<number, Entity>, scannersRun: string[]): Absence[] {
  if (target.type !== 'domain') return [];
  const ran = (...ids: string[]) => ids.find((id) => scannersRun.includes(id));
  const list: Absence[] = [];
  const mxSource = ran('dns', 'email-security');
  if (mxSource && adjacency.step([target.id], out('has_mx')).size === 0) {
    list.push({ text: 'No MX records: the domain receives no mail', source: mxSource });
  }
  if (ran('dns') && !Array.isArray(target.props.txt)) {
    list.push({ text: 'No TXT records (no SPF, no verification strings)', source: 'dns' });
  }
  if (ran('ct') && adjacency.step([target.id], back('subdomain_of')).size === 0) {
    list.push({ text: 'No subdomains in Certificate Transparency logs', source: 'ct' });
  }
  const techSource = ran('tech');
  if (techSource) {
    if (target.props.siteUnreachable === true) {
      list.push({ text: 'No web site answered (neither HTTPS nor HTTP)', source: techSource });
    } else if (!adjacency.targetsOf(target.id).some((id) => byId.get(id)?.type === 'technology')) {
      list.push({ text: 'No identifiable technology on the site', source: techSource });
    }
  }
  return list;
}
