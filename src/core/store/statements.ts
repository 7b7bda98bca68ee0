// Every SQL statement the store runs, prepared once per connection: preparing is the costly part
// of a statement, and ingest runs these hundreds of thousands of times.
import type Database from 'better-sqlite3';
import { ENTITY_TYPES, RELATION_KINDS } from '../../shared/model';

export interface EntityRow {
  id: number;
  type: string;
  value: string;
  props: string;
  first_seen: number;
  last_seen: number;
}

export interface RelationRow {
  id: number;
  from_id: number;
  kind: string;
  to_id: number;
  props: string;
  first_seen: number;
  last_seen: number;
}

export interface RunRow {
  id: number;
  scanner_id: string;
  target_type: string;
  target_value: string;
  target_entity_id: number | null;
  status: string;
  progress: number;
  message: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

export interface EvidenceRow {
  id: number;
  sha256: string;
  media_type: string;
  source: string;
  size: number;
  captured_at: string;
  run_id: number | null;
  head: Buffer;
}

export interface ObservationRow {
  id: number;
  run_id: number;
  scanner_id: string;
  parent_entity_id: number | null;
  seen_at: string;
  evidence: string | null;
}

export interface FindingRow {
  id: number;
  run_id: number;
  entity_id: number;
  severity: string;
  category: string;
  title: string;
  detail: string;
  created_at: string;
  evidence: string | null;
}

export interface BulkObservation {
  run: number;
  scanner: string;
  parent: number | null;
  now: string;
  /** JSON array of entity or relation ids. */
  ids: string;
}

export interface MetaRow {
  name: string;
  created_at: string;
  settings: string;
}

export interface AuditDbRow {
  seq: number;
  at: string;
  action: string;
  data: string;
  prevHash: string;
  hash: string;
}

/** SQL that maps a column to its index in `names` (a JSON string when it is none of them). */
function indexOf(column: string, names: readonly string[]): string {
  const arms = names.map((name, i) => `WHEN '${name.replaceAll("'", "''")}' THEN ${i}`).join(' ');
  return `(CASE ${column} ${arms} ELSE json_quote(${column}) END)`;
}

const ENTITY_COLUMNS = 'id, type, value, props, first_seen, last_seen';
const RELATION_COLUMNS = 'id, from_id, kind, to_id, props, first_seen, last_seen';

export function prepareStatements(db: Database.Database) {
  return {
    meta: db.prepare<[], MetaRow>('SELECT name, created_at, settings FROM meta WHERE id = 1'),
    setSettings: db.prepare<[string]>('UPDATE meta SET settings = ? WHERE id = 1'),

    entityByKey: db.prepare<[string, string], EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE type = ? AND value = ?`,
    ),
    // Which of a batch's keys already exist, in one statement (a JSON array of [type, value]).
    existingEntities: db
      .prepare<[{ keys: string }], [number, string, string, string, number]>(
        `SELECT e.id, e.type, e.value, e.props, e.first_seen FROM json_each(@keys) AS j
         JOIN entities AS e ON e.type = j.value ->> 0 AND e.value = j.value ->> 1`,
      )
      .raw(),
    // Bulk inserts: rows as a JSON array, ids assigned in array order (checked by the caller).
    insertEntities: db.prepare<[{ rows: string; now: number }]>(
      `INSERT INTO entities (type, value, props, first_seen, last_seen)
       SELECT value ->> 0, value ->> 1, value ->> 2, @now, @now FROM json_each(@rows)`,
    ),
    entityById: db.prepare<[number], EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE id = ?`),
    entityExists: db.prepare<[number], number>('SELECT 1 FROM entities WHERE id = ?').pluck(),
    insertEntity: db.prepare<[string, string, string, number, number]>(
      'INSERT INTO entities (type, value, props, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)',
    ),
    updateEntity: db.prepare<[string, number, number]>('UPDATE entities SET props = ?, last_seen = ? WHERE id = ?'),
    // The whole table as one flat JSON array (6 values per entity, 7 per relation): a single
    // JSON.parse of it is far cheaper than fetching 100k rows column by column. Types and kinds
    // go as their index in the shared lists, times as small numbers: first_seen as its distance
    // from @base, last_seen as its distance from first_seen. (concat_ws builds each row in one
    // allocation; every column is NOT NULL, so none is skipped.)
    allEntitiesFlat: db
      .prepare<[{ base: bigint }], string>(
        `SELECT '[' || coalesce(group_concat(concat_ws(',', id, ${indexOf('type', ENTITY_TYPES)}, json_quote(value),
           props, first_seen - @base, last_seen - first_seen), ','), '') || ']'
         FROM entities`,
      )
      .pluck(),

    seedIds: db.prepare<[], number>('SELECT entity_id FROM seeds ORDER BY entity_id').pluck(),
    insertSeed: db.prepare<[number, string]>('INSERT OR IGNORE INTO seeds (entity_id, added_at) VALUES (?, ?)'),

    relationByKey: db.prepare<[number, string, number], RelationRow>(
      `SELECT ${RELATION_COLUMNS} FROM relations WHERE from_id = ? AND kind = ? AND to_id = ?`,
    ),
    insertRelation: db.prepare<[number, string, number, string, number, number]>(
      'INSERT INTO relations (from_id, kind, to_id, props, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertRelations: db.prepare<[{ rows: string; now: number }]>(
      `INSERT INTO relations (from_id, kind, to_id, props, first_seen, last_seen)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, @now, @now FROM json_each(@rows)`,
    ),
    existingRelations: db
      .prepare<[{ keys: string }], [number, number, string, number, string, number]>(
        `SELECT r.id, r.from_id, r.kind, r.to_id, r.props, r.first_seen FROM json_each(@keys) AS j
         JOIN relations AS r ON r.from_id = j.value ->> 0 AND r.kind = j.value ->> 1 AND r.to_id = j.value ->> 2`,
      )
      .raw(),
    updateRelation: db.prepare<[string, number, number]>('UPDATE relations SET props = ?, last_seen = ? WHERE id = ?'),
    neighbourIds: db
      .prepare<[number, number], number>(
        'SELECT to_id FROM relations WHERE from_id = ? UNION SELECT from_id FROM relations WHERE to_id = ?',
      )
      .pluck(),
    relationsOf: db.prepare<[number, number], RelationRow>(
      `SELECT ${RELATION_COLUMNS} FROM relations WHERE from_id = ? UNION
       SELECT ${RELATION_COLUMNS} FROM relations WHERE to_id = ? ORDER BY id`,
    ),
    allRelationsFlat: db
      .prepare<[{ base: bigint }], string>(
        `SELECT '[' || coalesce(group_concat(concat_ws(',', id, from_id, to_id, ${indexOf('kind', RELATION_KINDS)},
           props, first_seen - @base, last_seen - first_seen), ','), '') || ']'
         FROM relations`,
      )
      .pluck(),

    insertRun: db.prepare<[string, string, string, number | null, string, string]>(
      `INSERT INTO scan_runs (scanner_id, target_type, target_value, target_entity_id, status, progress, message, created_at)
       VALUES (?, ?, ?, ?, ?, 0, '', ?)`,
    ),
    runById: db.prepare<[number], RunRow>('SELECT * FROM scan_runs WHERE id = ?'),
    allRuns: db.prepare<[], RunRow>('SELECT * FROM scan_runs ORDER BY id'),
    writeRun: db.prepare<[string, number, string, string | null, string | null, string | null, number]>(
      `UPDATE scan_runs SET status = ?, progress = ?, message = ?, error = ?, started_at = ?, ended_at = ?
       WHERE id = ?`,
    ),
    unfinishedRuns: db.prepare<[], RunRow>("SELECT * FROM scan_runs WHERE status IN ('queued', 'running') ORDER BY id"),

    evidenceIdBySha: db.prepare<[string], number>('SELECT id FROM evidence WHERE sha256 = ?').pluck(),
    insertEvidence: db.prepare<[string, string, string, number, string, number, Buffer]>(
      `INSERT INTO evidence (sha256, media_type, source, size, captured_at, run_id, content)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    evidenceForDisplay: db.prepare<[number, number], EvidenceRow>(
      `SELECT id, sha256, media_type, source, size, captured_at, run_id, substr(content, 1, ?) AS head
       FROM evidence WHERE id = ?`,
    ),
    runEvidenceRef: db
      .prepare<[number, string], number>('SELECT evidence_id FROM run_evidence WHERE run_id = ? AND ref = ?')
      .pluck(),
    setRunEvidenceRef: db.prepare<[number, string, number]>(
      `INSERT INTO run_evidence (run_id, ref, evidence_id) VALUES (?, ?, ?)
       ON CONFLICT (run_id, ref) DO UPDATE SET evidence_id = excluded.evidence_id`,
    ),

    // Observations are written in bulk at the end of a batch: one statement per kind of write,
    // with the ids passed as a JSON array, instead of one call per row.
    observeNewEntities: db.prepare<[BulkObservation]>(
      `INSERT INTO observations (run_id, scanner_id, entity_id, relation_id, parent_entity_id, seen_at)
       SELECT @run, @scanner, value, NULL, @parent, @now FROM json_each(@ids)`,
    ),
    observeEntities: db.prepare<[BulkObservation]>(
      `INSERT INTO observations (run_id, scanner_id, entity_id, relation_id, parent_entity_id, seen_at)
       SELECT @run, @scanner, value, NULL, @parent, @now FROM json_each(@ids) WHERE true
       ON CONFLICT (entity_id, run_id) WHERE entity_id IS NOT NULL DO UPDATE SET seen_at = excluded.seen_at`,
    ),
    observeNewRelations: db.prepare<[BulkObservation]>(
      `INSERT INTO observations (run_id, scanner_id, entity_id, relation_id, parent_entity_id, seen_at)
       SELECT @run, @scanner, NULL, value, @parent, @now FROM json_each(@ids)`,
    ),
    observeRelations: db.prepare<[BulkObservation]>(
      `INSERT INTO observations (run_id, scanner_id, entity_id, relation_id, parent_entity_id, seen_at)
       SELECT @run, @scanner, NULL, value, @parent, @now FROM json_each(@ids) WHERE true
       ON CONFLICT (relation_id, run_id) WHERE relation_id IS NOT NULL DO UPDATE SET seen_at = excluded.seen_at`,
    ),
    linkEntityEvidence: db.prepare<[{ run: number; links: string }]>(
      `INSERT OR IGNORE INTO observation_evidence (observation_id, evidence_id)
       SELECT o.id, j.value ->> 1 FROM json_each(@links) AS j
       JOIN observations AS o ON o.entity_id = j.value ->> 0 AND o.run_id = @run`,
    ),
    linkRelationEvidence: db.prepare<[{ run: number; links: string }]>(
      `INSERT OR IGNORE INTO observation_evidence (observation_id, evidence_id)
       SELECT o.id, j.value ->> 1 FROM json_each(@links) AS j
       JOIN observations AS o ON o.relation_id = j.value ->> 0 AND o.run_id = @run`,
    ),
    touchEntities: db.prepare<[{ now: number; ids: string }]>(
      'UPDATE entities SET last_seen = @now WHERE id IN (SELECT value FROM json_each(@ids))',
    ),
    touchRelations: db.prepare<[{ now: number; ids: string }]>(
      'UPDATE relations SET last_seen = @now WHERE id IN (SELECT value FROM json_each(@ids))',
    ),
    observationsOfEntity: db.prepare<[number], ObservationRow>(
      `SELECT o.id, o.run_id, o.scanner_id, o.parent_entity_id, o.seen_at, group_concat(oe.evidence_id) AS evidence
       FROM observations o LEFT JOIN observation_evidence oe ON oe.observation_id = o.id
       WHERE o.entity_id = ? GROUP BY o.id ORDER BY o.id`,
    ),

    sameFinding: db
      .prepare<[number, number, string, string, string, string], number>(
        `SELECT id FROM findings
         WHERE entity_id = ? AND run_id = ? AND severity = ? AND category = ? AND title = ? AND detail = ?`,
      )
      .pluck(),
    insertFinding: db.prepare<[number, number, string, string, string, string, string]>(
      `INSERT INTO findings (run_id, entity_id, severity, category, title, detail, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    linkFindingEvidence: db.prepare<[number, number]>(
      'INSERT OR IGNORE INTO finding_evidence (finding_id, evidence_id) VALUES (?, ?)',
    ),
    findingsOfEntity: db.prepare<[number], FindingRow>(
      `SELECT f.*, group_concat(fe.evidence_id) AS evidence
       FROM findings f LEFT JOIN finding_evidence fe ON fe.finding_id = f.id
       WHERE f.entity_id = ? GROUP BY f.id ORDER BY f.id`,
    ),

    allFindings: db.prepare<[], FindingRow>(
      `SELECT f.*, group_concat(fe.evidence_id) AS evidence
       FROM findings f LEFT JOIN finding_evidence fe ON fe.finding_id = f.id
       GROUP BY f.id ORDER BY f.id`,
    ),

    lastAudit: db.prepare<[], { seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    ),
    insertAudit: db.prepare<[number, string, string, string, string, string]>(
      'INSERT INTO audit_log (seq, at, action, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    allAudit: db.prepare<[], AuditDbRow>(
      'SELECT seq, at, action, data, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq',
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
