// Collects what one phase of the scan learned, merging repeats (the same IP in two answers is one
// entity citing both), and hands it out as scan events: entities, then relations, then findings.
import type { EntityKey, JsonValue, Props, RelationKind, Severity } from '../../shared/model';
import type { ScanEvent } from '../../shared/scanner';

interface EntityEntry {
  key: EntityKey;
  props: Props;
  evidence: Set<string>;
}

interface RelationEntry {
  from: EntityKey;
  relation: RelationKind;
  to: EntityKey;
  props: Props;
  evidence: Set<string>;
}

export interface FindingInput {
  about: EntityKey;
  severity: Severity;
  title: string;
  detail: string;
  evidence?: string[];
}

const keyOf = (key: EntityKey): string => `${key.type}\u0000${key.value}`;

export class GraphBuilder {
  /** The findings' category: the scanner's own (dns, email, ...), always said, never assumed. */
  constructor(private readonly category: string) {}

  private entities = new Map<string, EntityEntry>();
  private relations = new Map<string, RelationEntry>();
  private findings: FindingInput[] = [];

  entity(key: EntityKey, evidence: readonly string[], props?: Props): void {
    const id = keyOf(key);
    let entry = this.entities.get(id);
    if (!entry) {
      entry = { key, props: {}, evidence: new Set() };
      this.entities.set(id, entry);
    }
    for (const ref of evidence) entry.evidence.add(ref);
    if (props) Object.assign(entry.props, props);
  }

  prop(key: EntityKey, name: string, value: JsonValue): void {
    this.entity(key, [], { [name]: value });
  }

  relation(from: EntityKey, relation: RelationKind, to: EntityKey, evidence: readonly string[], props?: Props): void {
    // A relation never points at an entity the run did not also report.
    this.entity(from, evidence);
    this.entity(to, evidence);
    const id = `${keyOf(from)}\u0000${relation}\u0000${keyOf(to)}`;
    let entry = this.relations.get(id);
    if (!entry) {
      entry = { from, relation, to, props: {}, evidence: new Set() };
      this.relations.set(id, entry);
    }
    for (const ref of evidence) entry.evidence.add(ref);
    if (props) Object.assign(entry.props, props);
  }

  finding(finding: FindingInput): void {
    this.findings.push(finding);
  }

  /** The collected events, in a stable order; the builder is empty afterwards. */
  drain(): ScanEvent[] {
    const events: ScanEvent[] = [];
    for (const e of this.entities.values()) {
      events.push({
        kind: 'entity',
        entity: e.key,
        ...(Object.keys(e.props).length > 0 ? { props: e.props } : {}),
        ...(e.evidence.size > 0 ? { evidence: [...e.evidence] } : {}),
      });
    }
    for (const r of this.relations.values()) {
      events.push({
        kind: 'relation',
        from: r.from,
        relation: r.relation,
        to: r.to,
        ...(Object.keys(r.props).length > 0 ? { props: r.props } : {}),
        ...(r.evidence.size > 0 ? { evidence: [...r.evidence] } : {}),
      });
    }
    for (const f of this.findings) {
      events.push({
        kind: 'finding',
        about: f.about,
        severity: f.severity,
        category: this.category,
        title: f.title.slice(0, 500),
        detail: f.detail.slice(0, 20_000),
        ...(f.evidence && f.evidence.length > 0 ? { evidence: [...new Set(f.evidence)] } : {}),
      });
    }
    this.entities = new Map();
    this.relations = new Map();
    this.findings = [];
    return events;
  }
}
