// The case file's schema as an ordered list of migrations. PRAGMA user_version holds how many
// have been applied. Rule: a released migration is never edited; a change is a new step at the
// end. Each step runs in the same transaction as the user_version bump, so a case is always at
// exactly one version.
import type Database from 'better-sqlite3';

/** PRAGMA application_id of every case file: "TGRF" as a big-endian 32-bit integer. */
export const APPLICATION_ID = 0x54475246;

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

const V1 = `
CREATE TABLE meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE entities (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  props TEXT NOT NULL DEFAULT '{}',
  first_seen INTEGER NOT NULL, -- ms since the epoch, UTC
  last_seen INTEGER NOT NULL,
  UNIQUE (type, value)
) STRICT;

CREATE TABLE seeds (
  entity_id INTEGER PRIMARY KEY REFERENCES entities (id),
  added_at TEXT NOT NULL
) STRICT;

CREATE TABLE relations (
  id INTEGER PRIMARY KEY,
  from_id INTEGER NOT NULL REFERENCES entities (id),
  kind TEXT NOT NULL,
  to_id INTEGER NOT NULL REFERENCES entities (id),
  props TEXT NOT NULL DEFAULT '{}',
  first_seen INTEGER NOT NULL, -- ms since the epoch, UTC
  last_seen INTEGER NOT NULL,
  UNIQUE (from_id, kind, to_id)
) STRICT;
CREATE INDEX relations_to ON relations (to_id);

CREATE TABLE scan_runs (
  id INTEGER PRIMARY KEY,
  scanner_id TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_value TEXT NOT NULL,
  target_entity_id INTEGER REFERENCES entities (id),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'finished', 'failed', 'cancelled')),
  progress REAL NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '',
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT
) STRICT;

CREATE TABLE evidence (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  media_type TEXT NOT NULL,
  source TEXT NOT NULL,
  size INTEGER NOT NULL,
  captured_at TEXT NOT NULL,
  run_id INTEGER REFERENCES scan_runs (id),
  content BLOB NOT NULL
) STRICT;

-- The names a run gave its evidence, so later batches of the same run can cite them.
CREATE TABLE run_evidence (
  run_id INTEGER NOT NULL REFERENCES scan_runs (id),
  ref TEXT NOT NULL,
  evidence_id INTEGER NOT NULL REFERENCES evidence (id),
  PRIMARY KEY (run_id, ref)
) STRICT, WITHOUT ROWID;

CREATE TABLE observations (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES scan_runs (id),
  scanner_id TEXT NOT NULL,
  entity_id INTEGER REFERENCES entities (id),
  relation_id INTEGER REFERENCES relations (id),
  parent_entity_id INTEGER REFERENCES entities (id),
  seen_at TEXT NOT NULL,
  CHECK ((entity_id IS NULL) <> (relation_id IS NULL))
) STRICT;
-- One observation per (thing, run): a run that reports a node twice saw it once.
CREATE UNIQUE INDEX observations_entity ON observations (entity_id, run_id) WHERE entity_id IS NOT NULL;
CREATE UNIQUE INDEX observations_relation ON observations (relation_id, run_id) WHERE relation_id IS NOT NULL;

CREATE TABLE observation_evidence (
  observation_id INTEGER NOT NULL REFERENCES observations (id),
  evidence_id INTEGER NOT NULL REFERENCES evidence (id),
  PRIMARY KEY (observation_id, evidence_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES scan_runs (id),
  entity_id INTEGER NOT NULL REFERENCES entities (id),
  severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
  category TEXT NOT NULL,
  title TEXT NOT NULL,
  detail TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX findings_entity ON findings (entity_id);

CREATE TABLE finding_evidence (
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  evidence_id INTEGER NOT NULL REFERENCES evidence (id),
  PRIMARY KEY (finding_id, evidence_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
`;

/** Every schema step, oldest first; migrations[i].version === i + 1. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, description: 'initial case schema', sql: V1 }];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies the steps after `from`, each with its user_version bump in one transaction.
 * The caller has checked that `from` is not newer than SCHEMA_VERSION.
 */
export function migrate(db: Database.Database, from: number): void {
  for (const step of MIGRATIONS) {
    if (step.version <= from) continue;
    db.transaction(() => {
      db.exec(step.sql);
      // The pragma takes no bound parameters; the value is our own integer.
      db.pragma(`user_version = ${step.version}`);
    })();
  }
}
