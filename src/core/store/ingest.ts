// Applies one batch of scan events inside the caller's transaction. Events come from scanner
// workers and are not trusted: each is checked here, and one that is malformed or names an
// invalid value is skipped and counted, never thrown, so it cannot sink the rest of the batch.
//
// Two phases. apply() walks the events in order and works out, in memory, which entities and
// relations the batch touches and with what props and evidence (evidence itself is stored at
// once: later events cite it). finish() then finds which of them are stored already and
// writes: new rows, observations, evidence links and last_seen updates each go in as a few
// bulk statements (rows as a JSON array) instead of one call per row, which is what makes a
// 300k-event import take seconds.
import { createHash } from 'node:crypto';
import {
  ENTITY_TYPES,
  type Entity,
  type EntityType,
  type Props,
  RELATION_KINDS,
  type Relation,
  type RelationKind,
  SEVERITIES,
  type Severity,
} from '../../shared/model';
import { canonicalValue, parseDomain } from '../../shared/target';
import type { Statements } from './statements';
import { IsoTimes } from './time';

const RELATION_KIND_SET: ReadonlySet<string> = new Set(RELATION_KINDS);
const SEVERITY_SET: ReadonlySet<string> = new Set(SEVERITIES);
const KIND_INDEX: ReadonlyMap<string, number> = new Map(RELATION_KINDS.map((kind, i) => [kind, i]));
const MAX_PROBLEMS = 20;
const NO_EVIDENCE: readonly number[] = Object.freeze([]);
const BULK_CHUNK = 50_000;

export interface IngestCounts {
  events: number;
  entitiesCreated: number;
  entitiesUpdated: number;
  relationsCreated: number;
  relationsUpdated: number;
  observations: number;
  findings: number;
  evidenceAdded: number;
  evidenceReused: number;
  skipped: number;
}

/** What the batch knows of one entity or relation it touches. */
interface Touched {
  /** Row id; 0 until a new row is written. */
  id: number;
  /** Stored before this batch (so it gets an UPDATE, not an INSERT). */
  stored: boolean;
  /** Parsed props; undefined until a merge or the result needs them. */
  props: Props | undefined;
  /** JSON text of props, when it is known to match them. */
  propsText: string | undefined;
  /** ms since the epoch. */
  firstSeen: number;
  propsChanged: boolean;
  evidence: number[] | undefined;
}

interface EntityState extends Touched {
  type: EntityType;
  value: string;
  /** Position in the batch's entity list: names a new entity before it has an id. */
  index: number;
  /** Relations from this entity, keyed by to.index and the kind's index (a small integer: a cheap key). */
  out: Map<number, RelationState> | undefined;
}

interface RelationState extends Touched {
  from: EntityState;
  kind: RelationKind;
  to: EntityState;
}

interface PendingFinding {
  about: EntityState;
  severity: Severity;
  category: string;
  title: string;
  detail: string;
  evidence: readonly number[];
}

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

/** The props of an event and their JSON text, or undefined when they are not a JSON object. */
function readProps(value: unknown): { props: Props; text: string } | undefined {
  if (!isRecord(value)) return undefined;
  try {
    return { props: value as Props, text: JSON.stringify(value) };
  } catch {
    return undefined;
  }
}

function parseStoredProps(text: string): Props {
  if (text === '{}') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? (parsed as Props) : {};
  } catch {
    return {};
  }
}

/** Shallow merge of a patch into a thing's props; spread keeps "__proto__" an own key. */
function applyPatch(state: Touched, patch: { props: Props; text: string }): void {
  if (state.props === undefined && state.propsText === '{}' && !state.stored) {
    // First props of a new thing: take them as they are.
    state.props = patch.props;
    state.propsText = patch.text;
    return;
  }
  const current = state.props ?? parseStoredProps(state.propsText ?? '{}');
  state.props = current;
  for (const [key, value] of Object.entries(patch.props)) {
    if (!Object.hasOwn(current, key) || JSON.stringify(current[key]) !== JSON.stringify(value)) {
      state.props = { ...current, ...patch.props };
      state.propsText = undefined;
      state.propsChanged = true;
      return;
    }
  }
}

function addEvidence(state: Touched, evidence: readonly number[]): void {
  if (evidence.length === 0) return;
  state.evidence ??= [];
  state.evidence.push(...evidence);
}

function propsTextOf(state: Touched): string {
  state.propsText ??= JSON.stringify(state.props ?? {});
  return state.propsText;
}

export class IngestBatch {
  readonly counts: IngestCounts = {
    events: 0,
    entitiesCreated: 0,
    entitiesUpdated: 0,
    relationsCreated: 0,
    relationsUpdated: 0,
    observations: 0,
    findings: 0,
    evidenceAdded: 0,
    evidenceReused: 0,
    skipped: 0,
  };
  readonly problems: string[] = [];
  /**
   * Per type: the value as the scanner wrote it -> its entity, or its canonical form while the
   * batch has not made the entity yet, or null when it is not a valid value.
   */
  private readonly byRaw = new Map<string, Map<string, EntityState | string | null>>();
  /** Per type: canonical value -> entity, so two spellings of one value meet here. */
  private readonly byCanonical = new Map<string, Map<string, EntityState>>();
  private readonly entities: EntityState[] = [];
  private readonly relations: RelationState[] = [];
  private readonly findings: PendingFinding[] = [];
  private readonly refs = new Map<string, number>();
  /** The same instant as `now`, as entities and relations store it. */
  private readonly nowMs: number;

  constructor(
    private readonly s: Statements,
    private readonly runId: number,
    private readonly scannerId: string,
    private readonly parentEntityId: number | null,
    /** The batch's timestamp: observations, findings and evidence take it as ISO text. */
    private readonly now: string,
  ) {
    this.nowMs = Date.parse(now);
    for (const type of ENTITY_TYPES) {
      this.byRaw.set(type, new Map());
      this.byCanonical.set(type, new Map());
    }
  }

  /** Works out the batch's effect, event by event in order. */
  applyAll(events: readonly unknown[]): void {
    for (const event of events) this.apply(event);
  }

  /** Writes the batch and returns every entity and relation it created or updated. */
  finish(): { entities: Entity[]; relations: Relation[] } {
    const entities = this.writeEntities();
    const relations = this.writeRelations();
    this.writeFindings();
    this.counts.observations = entities.length + relations.length;
    return { entities, relations };
  }

  private apply(event: unknown): void {
    this.counts.events += 1;
    const problem = this.applyEvent(event);
    if (problem !== undefined) this.skip(problem);
  }

  /** Applies one event; returns why it was skipped, if it was. */
  private applyEvent(event: unknown): string | undefined {
    if (!isRecord(event)) return 'an event is not an object';
    switch (event.kind) {
      case 'evidence':
        return this.evidence(event);
      case 'entity':
        return this.entityEvent(event);
      case 'relation':
        return this.relationEvent(event);
      case 'finding':
        return this.findingEvent(event);
      case 'progress':
        return undefined;
      default:
        return `unknown event kind ${JSON.stringify(String(event.kind)).slice(0, 60)}`;
    }
  }

  private skip(problem: string): void {
    this.counts.skipped += 1;
    this.note(problem);
  }

  /** A problem worth reporting in the audit entry (only the first few are kept). */
  private note(problem: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(problem.slice(0, 200));
  }

  /** Hands `items` to `write` as JSON arrays of bounded size. */
  private bulk(items: readonly unknown[], write: (json: string, offset: number, count: number) => void): void {
    for (let start = 0; start < items.length; start += BULK_CHUNK) {
      const chunk = items.slice(start, start + BULK_CHUNK);
      write(JSON.stringify(chunk), start, chunk.length);
    }
  }

  // --- identity -----------------------------------------------------------------------------

  /** What a key names so far (see byRaw); null when it is not valid. */
  private lookup(key: unknown): EntityState | string | null {
    if (!isRecord(key)) return null;
    const { type, value } = key;
    if (typeof type !== 'string' || typeof value !== 'string') return null;
    const raw = this.byRaw.get(type);
    if (raw === undefined) return null;
    let entry = raw.get(value);
    if (entry === undefined) {
      entry = canonicalize(type as EntityType, value);
      raw.set(value, entry);
    }
    return entry;
  }

  /** The entity a key names, made when the batch meets it first; undefined when not valid. */
  private resolve(key: unknown): EntityState | undefined {
    if (!isRecord(key)) return undefined;
    const { type, value } = key;
    if (typeof type !== 'string' || typeof value !== 'string') return undefined;
    const raw = this.byRaw.get(type);
    if (raw === undefined) return undefined;
    let entry = raw.get(value);
    if (entry === undefined) entry = canonicalize(type as EntityType, value);
    if (entry === null) {
      raw.set(value, null);
      return undefined;
    }
    if (typeof entry === 'string') {
      const state = this.entity(type as EntityType, entry);
      raw.set(value, state);
      return state;
    }
    return entry;
  }

  /** The batch's entity for a canonical key; whether it is stored already is settled in finish(). */
  private entity(type: EntityType, value: string): EntityState {
    const canonical = this.byCanonical.get(type) as Map<string, EntityState>;
    let state = canonical.get(value);
    if (state !== undefined) return state;
    const unicode = unicodeOf(type, value);
    state = {
      id: 0,
      stored: false,
      type,
      value,
      index: this.entities.length,
      out: undefined,
      props: unicode === undefined ? undefined : { unicode },
      propsText: unicode === undefined ? '{}' : undefined,
      firstSeen: this.nowMs,
      propsChanged: false,
      evidence: undefined,
    };
    canonical.set(value, state);
    this.entities.push(state);
    return state;
  }

  // --- events -------------------------------------------------------------------------------

  private evidence(e: Rec): string | undefined {
    const { ref, mediaType, source, encoding, content } = e;
    if (!isString(ref, 1, 200) || !isString(mediaType, 0, 200) || !isString(source, 0, 2048)) {
      return 'an evidence event lacks a valid ref, mediaType or source';
    }
    if ((encoding !== 'utf8' && encoding !== 'base64') || typeof content !== 'string') {
      return `evidence "${ref}" has no valid encoding or content`;
    }
    const bytes = Buffer.from(content, encoding);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    let id = this.s.evidenceIdBySha.get(sha256);
    if (id === undefined) {
      const inserted = this.s.insertEvidence.run(sha256, mediaType, source, bytes.length, this.now, this.runId, bytes);
      id = Number(inserted.lastInsertRowid);
      this.counts.evidenceAdded += 1;
    } else {
      this.counts.evidenceReused += 1;
    }
    this.s.setRunEvidenceRef.run(this.runId, ref, id);
    this.refs.set(ref, id);
    return undefined;
  }

  /** Evidence ids for the refs an event cites (unknown refs are noted and left out);
   * undefined when `refs` is not a list of refs. */
  private evidenceIds(refs: unknown): readonly number[] | undefined {
    if (refs === undefined) return NO_EVIDENCE;
    if (!Array.isArray(refs)) return undefined;
    const ids: number[] = [];
    for (const ref of refs) {
      if (!isString(ref, 1, 200)) return undefined;
      let id = this.refs.get(ref);
      if (id === undefined) {
        // Named by an earlier batch of the same run.
        id = this.s.runEvidenceRef.get(this.runId, ref);
        if (id !== undefined) this.refs.set(ref, id);
      }
      if (id === undefined) this.note(`unknown evidence ref "${ref.slice(0, 100)}"`);
      else ids.push(id);
    }
    return ids;
  }

  private entityEvent(e: Rec): string | undefined {
    const props = e.props === undefined ? undefined : readProps(e.props);
    if (props === undefined && e.props !== undefined) return 'an entity event has props that are not a JSON object';
    const evidence = this.evidenceIds(e.evidence);
    if (evidence === undefined) return 'an entity event has evidence that is not a list of refs';
    const state = this.resolve(e.entity);
    if (state === undefined) return `invalid entity ${describeKey(e.entity)}`;
    if (props !== undefined) applyPatch(state, props);
    addEvidence(state, evidence);
    return undefined;
  }

  private relationEvent(e: Rec): string | undefined {
    if (typeof e.relation !== 'string' || !RELATION_KIND_SET.has(e.relation)) {
      return `unknown relation kind ${JSON.stringify(String(e.relation)).slice(0, 60)}`;
    }
    const kind = e.relation as RelationKind;
    const props = e.props === undefined ? undefined : readProps(e.props);
    if (props === undefined && e.props !== undefined) return `relation ${kind}: props are not a JSON object`;
    const evidence = this.evidenceIds(e.evidence);
    if (evidence === undefined) return `relation ${kind}: evidence is not a list of refs`;
    // Both ends are checked before either is created: an invalid end skips the whole event.
    const fromSeen = this.peek(e.from);
    if (fromSeen === null) return `relation ${kind}: invalid from ${describeKey(e.from)}`;
    const toSeen = this.peek(e.to);
    if (toSeen === null) return `relation ${kind}: invalid to ${describeKey(e.to)}`;
    // The ends of a relation were seen by the same run, so they count as observed too.
    const from = fromSeen === 'valid' ? (this.resolve(e.from) as EntityState) : fromSeen;
    const to = toSeen === 'valid' ? (this.resolve(e.to) as EntityState) : toSeen;
    const state = this.relation(from, kind, to);
    if (props !== undefined) applyPatch(state, props);
    addEvidence(state, evidence);
    return undefined;
  }

  /** The batch's entity for a key when it has one, 'valid' when the key is valid but not met
   * yet, null when it is not valid. Creates nothing. */
  private peek(key: unknown): EntityState | 'valid' | null {
    const entry = this.lookup(key);
    return typeof entry === 'string' ? 'valid' : entry;
  }

  private relation(from: EntityState, kind: RelationKind, to: EntityState): RelationState {
    const key = to.index * RELATION_KINDS.length + (KIND_INDEX.get(kind) ?? 0);
    from.out ??= new Map();
    let state = from.out.get(key);
    if (state === undefined) {
      state = {
        id: 0,
        stored: false,
        from,
        kind,
        to,
        props: undefined,
        propsText: '{}',
        firstSeen: this.nowMs,
        propsChanged: false,
        evidence: undefined,
      };
      from.out.set(key, state);
      this.relations.push(state);
    }
    return state;
  }

  private findingEvent(e: Rec): string | undefined {
    const { severity, category, title, detail } = e;
    if (typeof severity !== 'string' || !SEVERITY_SET.has(severity)) return 'a finding has an unknown severity';
    if (!isString(category, 0, 100) || !isString(title, 0, 500) || !isString(detail, 0, 20_000)) {
      return 'a finding has a category, title or detail missing or too long';
    }
    const evidence = this.evidenceIds(e.evidence);
    if (evidence === undefined) return 'a finding has evidence that is not a list of refs';
    const about = this.resolve(e.about);
    if (about === undefined) return `finding about an invalid entity ${describeKey(e.about)}`;
    this.findings.push({ about, severity: severity as Severity, category, title, detail, evidence });
    return undefined;
  }

  // --- writing ------------------------------------------------------------------------------

  private observationBase() {
    return { run: this.runId, scanner: this.scannerId, parent: this.parentEntityId, now: this.now };
  }

  private writeEntities(): Entity[] {
    // Which of the batch's entities exist already: one query per chunk, not one per entity.
    const byKey = this.byCanonical;
    this.bulk(
      this.entities.map((e) => [e.type, e.value]),
      (keys) => {
        for (const [id, type, value, props, firstSeen] of this.s.existingEntities.all({ keys })) {
          const e = byKey.get(type)?.get(value);
          if (e !== undefined) settleStored(e, id, props, firstSeen);
        }
      },
    );
    const fresh = this.entities.filter((e) => !e.stored);
    this.bulk(
      fresh.map((e) => [e.type, e.value, propsTextOf(e)]),
      (rows, offset, count) => {
        const result = this.s.insertEntities.run({ rows, now: this.nowMs });
        this.assignIds(fresh, offset, count, result, (e) => this.s.entityByKey.get(e.type, e.value)?.id);
      },
    );
    this.counts.entitiesCreated = fresh.length;

    const seenAgain: number[] = [];
    for (const e of this.entities) {
      if (!e.stored) continue;
      seenAgain.push(e.id);
      if (e.propsChanged) this.s.updateEntity.run(propsTextOf(e), this.nowMs, e.id);
    }
    this.counts.entitiesUpdated = seenAgain.length;
    const base = this.observationBase();
    this.bulk(
      fresh.map((e) => e.id),
      (ids) => this.s.observeNewEntities.run({ ...base, ids }),
    );
    this.bulk(seenAgain, (ids) => {
      this.s.observeEntities.run({ ...base, ids });
      this.s.touchEntities.run({ now: this.nowMs, ids });
    });
    this.bulk(links(this.entities), (json) => this.s.linkEntityEvidence.run({ run: this.runId, links: json }));

    const iso = new IsoTimes();
    return this.entities.map((e) => ({
      id: e.id,
      type: e.type,
      value: e.value,
      props: e.props ?? parseStoredProps(e.propsText ?? '{}'),
      firstSeen: iso.of(e.firstSeen),
      lastSeen: this.now,
    }));
  }

  private writeRelations(): Relation[] {
    const relations = this.relations;
    // Only a relation between two stored entities can be stored already.
    const maybeStored = relations.filter((r) => r.from.stored && r.to.stored);
    const byIds = new Map<string, RelationState>();
    for (const r of maybeStored) byIds.set(`${r.from.id}:${r.kind}:${r.to.id}`, r);
    this.bulk(
      maybeStored.map((r) => [r.from.id, r.kind, r.to.id]),
      (keys) => {
        for (const [id, from, kind, to, props, firstSeen] of this.s.existingRelations.all({ keys })) {
          const r = byIds.get(`${from}:${kind}:${to}`);
          if (r !== undefined) settleStored(r, id, props, firstSeen);
        }
      },
    );

    const fresh = relations.filter((r) => !r.stored);
    this.bulk(
      fresh.map((r) => [r.from.id, r.kind, r.to.id, propsTextOf(r)]),
      (rows, offset, count) => {
        const result = this.s.insertRelations.run({ rows, now: this.nowMs });
        this.assignIds(fresh, offset, count, result, (r) => this.s.relationByKey.get(r.from.id, r.kind, r.to.id)?.id);
      },
    );
    this.counts.relationsCreated = fresh.length;

    const seenAgain: number[] = [];
    for (const r of relations) {
      if (!r.stored) continue;
      seenAgain.push(r.id);
      if (r.propsChanged) this.s.updateRelation.run(propsTextOf(r), this.nowMs, r.id);
    }
    this.counts.relationsUpdated = seenAgain.length;
    const base = this.observationBase();
    this.bulk(
      fresh.map((r) => r.id),
      (ids) => this.s.observeNewRelations.run({ ...base, ids }),
    );
    this.bulk(seenAgain, (ids) => {
      this.s.observeRelations.run({ ...base, ids });
      this.s.touchRelations.run({ now: this.nowMs, ids });
    });
    this.bulk(links(relations), (json) => this.s.linkRelationEvidence.run({ run: this.runId, links: json }));

    const iso = new IsoTimes();
    return relations.map((r) => ({
      id: r.id,
      from: r.from.id,
      to: r.to.id,
      kind: r.kind,
      props: r.props ?? parseStoredProps(r.propsText ?? '{}'),
      firstSeen: iso.of(r.firstSeen),
      lastSeen: this.now,
    }));
  }

  /**
   * Gives the rows of one bulk insert their ids. SQLite numbers new rows max(rowid)+1 in the
   * order the SELECT yields them, which for json_each is array order; the first and last rows
   * are read back to confirm it, and if they disagree every row is looked up instead.
   */
  private assignIds<T extends Touched>(
    items: T[],
    offset: number,
    count: number,
    result: { changes: number; lastInsertRowid: number | bigint },
    lookup: (item: T) => number | undefined,
  ): void {
    const last = Number(result.lastInsertRowid);
    const first = last - count + 1;
    const head = items[offset];
    const tail = items[offset + count - 1];
    if (head === undefined || tail === undefined) return;
    const consecutive = result.changes === count && lookup(head) === first && lookup(tail) === last;
    for (let i = 0; i < count; i += 1) {
      const item = items[offset + i] as T;
      item.id = consecutive ? first + i : (lookup(item) ?? 0);
    }
  }

  private writeFindings(): void {
    for (const f of this.findings) {
      // The same finding reported twice by one run is one finding.
      let id = this.s.sameFinding.get(f.about.id, this.runId, f.severity, f.category, f.title, f.detail);
      if (id === undefined) {
        const inserted = this.s.insertFinding.run(
          this.runId,
          f.about.id,
          f.severity,
          f.category,
          f.title,
          f.detail,
          this.now,
        );
        id = Number(inserted.lastInsertRowid);
        this.counts.findings += 1;
      }
      for (const evidenceId of f.evidence) this.s.linkFindingEvidence.run(id, evidenceId);
    }
  }
}

const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const CANONICAL_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * True for the common case of a value a scanner already wrote in canonical form (a dotted-quad
 * IPv4 address, a lowercase ASCII domain), which canonicalValue would return unchanged; it is
 * ~10x cheaper than parsing. Anything else, including every IDN label, goes to canonicalValue.
 */
export function isCanonicalAlready(type: string, value: string): boolean {
  if (type === 'ip') return CANONICAL_IPV4.test(value);
  if (type !== 'domain' || value.length > 253 || !CANONICAL_DOMAIN.test(value)) return false;
  if (value.startsWith('xn--') || value.includes('.xn--')) return false;
  const last = value.slice(value.lastIndexOf('.') + 1);
  return !/^[0-9]+$/.test(last);
}

/**
 * A thing the batch treated as new turns out to be stored: it takes the stored id, first_seen
 * and props, and the props this batch gathered are merged on top of them.
 */
function settleStored(state: Touched, id: number, storedProps: string, firstSeen: number): void {
  const patch = state.props;
  state.id = id;
  state.stored = true;
  state.firstSeen = firstSeen;
  state.props = undefined;
  state.propsText = storedProps;
  state.propsChanged = false;
  if (patch !== undefined && Object.keys(patch).length > 0) applyPatch(state, { props: patch, text: '' });
}

/** [thing id, evidence id] pairs of the things that cite evidence. */
function links(things: readonly Touched[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (const t of things) if (t.evidence !== undefined) for (const e of t.evidence) pairs.push([t.id, e]);
  return pairs;
}

/** The canonical form of a value (the shortcut first), or null when it is not valid. */
function canonicalize(type: EntityType, value: string): string | null {
  if (value.length < 1 || value.length > 2048) return null;
  if (isCanonicalAlready(type, value)) return value;
  return canonicalValue(type, value) ?? null;
}

/** A new IDN domain keeps its Unicode form beside the A-label value. */
function unicodeOf(type: EntityType, value: string): string | undefined {
  if (type !== 'domain' || !value.includes('xn--')) return undefined;
  const parsed = parseDomain(value);
  return parsed.ok && parsed.unicode !== value ? parsed.unicode : undefined;
}

function describeKey(key: unknown): string {
  if (!isRecord(key)) return '(not an entity key)';
  return `${String(key.type).slice(0, 20)} ${JSON.stringify(String(key.value)).slice(0, 80)}`;
}
