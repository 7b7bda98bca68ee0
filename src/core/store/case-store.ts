// The case store: one case is one SQLite file (WAL) holding the graph, its provenance, the
// evidence and the hash-chained audit log. Synchronous on purpose: it runs in its own worker
// thread (store-worker.ts), where blocking calls are cheap and transactions stay simple.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import Database from 'better-sqlite3';
import * as z from 'zod';
import { ApiError } from '../../shared/api';
import {
  type CaseInfo,
  CaseSettings,
  ENTITY_TYPES,
  type Entity,
  type EntityDetail,
  type EntityKey,
  type EntityType,
  type EvidenceText,
  type Finding,
  type Graph,
  type JsonValue,
  type Observation,
  Props,
  RELATION_KINDS,
  type Relation,
  type RelationKind,
  type Run,
  RunStatus,
  type Severity,
} from '../../shared/model';
import { canonicalValue } from '../../shared/target';
import { type AuditEntry, type AuditVerdict, nextAuditEntry, verifyAuditRows } from './audit';
import { canonicalJson } from './canonical-json';
import { RENDER_READ_LIMIT, renderEvidence } from './evidence-text';
import { IngestBatch } from './ingest';
import { APPLICATION_ID, migrate, SCHEMA_VERSION } from './schema';
import {
  type EntityRow,
  type FindingRow,
  prepareStatements,
  type RelationRow,
  type RunRow,
  type Statements,
} from './statements';
import { IsoTimes, isoOf } from './time';

export interface StoreOptions {
  /** An Electron-ABI better-sqlite3 .node file; Node's own build when absent. */
  nativeBinding?: string;
}

/** Entities the scope search visits at most before it calls a target out of scope. */
const SCOPE_SEARCH_LIMIT = 200_000;

export const DEFAULT_SETTINGS: CaseSettings = { allowPrivateTargets: false, passiveOnly: false, scopeDistance: 1 };

export const INTERRUPTED_ERROR = 'interrupted: the case was closed while the run was in progress';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const TERMINAL: ReadonlySet<string> = new Set(['finished', 'failed', 'cancelled']);

const Iso = z.string().datetime();
export const RunPatch = z
  .object({
    status: RunStatus,
    progress: z.number().min(0).max(1),
    message: z.string().max(2000),
    error: z.string().max(20_000).nullable(),
    startedAt: Iso.nullable(),
    endedAt: Iso.nullable(),
  })
  .partial()
  .strict();
export type RunPatch = z.infer<typeof RunPatch>;

export const SettingsPatch = CaseSettings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export interface IngestResult {
  entities: Entity[];
  relations: Relation[];
}

function nowIso(): string {
  return new Date().toISOString();
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps a thrown error to the API's codes; ApiErrors pass through. */
export function storeError(err: unknown, path: string): ApiError {
  if (err instanceof ApiError) return err;
  const code = errnoCode(err) ?? '';
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_NOTADB')
    return new ApiError('not_a_case', `${path} is not a Tracegraph case (not an SQLite database)`);
  if (code === 'ENOENT') return new ApiError('case_io', `${path}: no such file`);
  if (code.startsWith('SQLITE_') || /^E[A-Z]+$/.test(code)) return new ApiError('case_io', `${path}: ${detail}`);
  return new ApiError('internal', detail);
}

function notACase(path: string, why: string): ApiError {
  return new ApiError('not_a_case', `${path} is not a Tracegraph case (${why})`);
}

function openDatabase(path: string, options: Database.Options, nativeBinding: string | undefined): Database.Database {
  return new Database(path, nativeBinding === undefined ? options : { ...options, nativeBinding });
}

/**
 * Checks a file before SQLite touches it, from its 100-byte header alone, so that a file that is
 * not a case is never opened for writing (not even to leave -wal/-shm files beside it).
 * Returns the schema version the header records.
 */
function probeHeader(path: string): number {
  const header = Buffer.alloc(100);
  let size: number;
  let fd: number | undefined;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw notACase(path, 'it is a directory');
    size = st.size;
    fd = openSync(path, 'r');
    readSync(fd, header, 0, header.length, 0);
  } catch (err) {
    throw storeError(err, path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (size === 0) throw notACase(path, 'the file is empty');
  if (size < header.length || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw notACase(path, 'not an SQLite database');
  }
  // SQLite header fields: user_version at offset 60, application_id at 68, both big-endian.
  if (header.readInt32BE(68) !== APPLICATION_ID) throw notACase(path, 'an SQLite database made by another program');
  return checkVersion(path, header.readInt32BE(60));
}

function checkVersion(path: string, version: unknown): number {
  if (typeof version !== 'number' || version < 1) throw notACase(path, 'its creation never completed');
  if (version > SCHEMA_VERSION) {
    throw new ApiError(
      'case_too_new',
      `${path} has case schema version ${version}, newer than this build of Tracegraph supports (version ${SCHEMA_VERSION}); update Tracegraph to open it`,
    );
  }
  return version;
}

function appendAudit(s: Statements, action: string, data: JsonValue): AuditEntry {
  const entry = nextAuditEntry(s.lastAudit.get() ?? null, nowIso(), action, data);
  s.insertAudit.run(entry.seq, entry.at, entry.action, canonicalJson(entry.data), entry.prevHash, entry.hash);
  return entry;
}

function parseJsonObject(text: string): Props {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Props) : {};
  } catch {
    return {};
  }
}

function idList(text: string | null): number[] {
  if (text === null || text === '') return [];
  return text
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
}

function toEntity(row: EntityRow): Entity {
  return {
    id: row.id,
    type: row.type as EntityType,
    value: row.value,
    props: parseJsonObject(row.props),
    firstSeen: isoOf(row.first_seen),
    lastSeen: isoOf(row.last_seen),
  };
}

function toRelation(row: RelationRow): Relation {
  return {
    id: row.id,
    from: row.from_id,
    to: row.to_id,
    kind: row.kind as RelationKind,
    props: parseJsonObject(row.props),
    firstSeen: isoOf(row.first_seen),
    lastSeen: isoOf(row.last_seen),
  };
}

function toFinding(row: FindingRow): Finding {
  return {
    id: row.id,
    runId: row.run_id,
    entityId: row.entity_id,
    severity: row.severity as Severity,
    category: row.category,
    title: row.title,
    detail: row.detail,
    evidenceIds: idList(row.evidence),
    createdAt: row.created_at,
  };
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    scannerId: row.scanner_id,
    target: { type: row.target_type as EntityType, value: row.target_value },
    targetEntityId: row.target_entity_id,
    status: row.status as Run['status'],
    progress: row.progress,
    message: row.message,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

export class CaseStore {
  private readonly s: Statements;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
  ) {
    this.s = prepareStatements(db);
  }

  /**
   * Creates a new case. Never overwrites: the path is reserved with an exclusive create, the
   * case is built in a temporary file and renamed over the reservation, so a case file is
   * complete from the moment it appears.
   */
  static create(path: string, name: string, opts: StoreOptions = {}): CaseStore {
    const abs = resolve(path);
    const caseName = name.trim();
    if (caseName === '' || caseName.length > 200) {
      throw new ApiError('invalid_request', 'a case name must be 1 to 200 characters long', 'name');
    }
    try {
      closeSync(openSync(abs, 'wx'));
    } catch (err) {
      if (errnoCode(err) === 'EEXIST') {
        throw new ApiError('case_io', `${abs} already exists; a new case never overwrites a file`);
      }
      throw storeError(err, abs);
    }
    const temp = `${abs}.${process.pid}-${randomBytes(4).toString('hex')}.creating`;
    try {
      const db = openDatabase(temp, {}, opts.nativeBinding);
      try {
        // Built in rollback-journal mode so that closing leaves one self-contained file to rename.
        db.pragma('foreign_keys = ON');
        migrate(db, 0);
        const s = prepareStatements(db);
        db.transaction(() => {
          db.pragma(`application_id = ${APPLICATION_ID}`);
          db.prepare('INSERT INTO meta (id, name, created_at, settings) VALUES (1, ?, ?, ?)').run(
            caseName,
            nowIso(),
            JSON.stringify(DEFAULT_SETTINGS),
          );
          appendAudit(s, 'case.created', { name: caseName, schemaVersion: SCHEMA_VERSION });
        })();
      } finally {
        db.close();
      }
      renameSync(temp, abs);
    } catch (err) {
      for (const leftover of [temp, abs]) {
        try {
          unlinkSync(leftover);
        } catch {
          // Already gone or never made.
        }
      }
      throw storeError(err, abs);
    }
    return CaseStore.open(abs, opts);
  }

  /** Opens a case; checks it without writing first, so a file that is not a case is left as it was. */
  static open(path: string, opts: StoreOptions = {}): CaseStore {
    const abs = resolve(path);
    probeHeader(abs);
    let db: Database.Database;
    try {
      db = openDatabase(abs, { fileMustExist: true }, opts.nativeBinding);
    } catch (err) {
      throw storeError(err, abs);
    }
    try {
      // The header can lag behind changes still in the WAL: read the version again through SQLite.
      if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) {
        throw notACase(abs, 'an SQLite database made by another program');
      }
      const version = checkVersion(abs, db.pragma('user_version', { simple: true }));
      db.pragma('journal_mode = WAL');
      // FULL: a commit is on disk before it returns, so a crash (or power loss) keeps it.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // 64 MiB of page cache: a big import's indexes stay in memory instead of spilling mid-transaction.
      db.pragma('cache_size = -65536');
      if (version < SCHEMA_VERSION) migrate(db, version);
      const store = new CaseStore(abs, db);
      store.write(() => {
        if (version < SCHEMA_VERSION) appendAudit(store.s, 'case.migrated', { from: version, to: SCHEMA_VERSION });
        store.failInterruptedRuns();
      });
      return store;
    } catch (err) {
      db.close();
      throw storeError(err, abs);
    }
  }

  /** Runs fn in an IMMEDIATE transaction (the write lock is taken up front, so the audit tail it
   * reads cannot change under it) and maps errors to API codes. */
  private write<T>(fn: () => T): T {
    this.assertOpen();
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      throw storeError(err, this.path);
    }
  }

  private read<T>(fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (err) {
      throw storeError(err, this.path);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ApiError('no_case', `${this.path} is closed`);
  }

  private failInterruptedRuns(): void {
    const at = nowIso();
    for (const row of this.s.unfinishedRuns.all()) {
      this.s.writeRun.run('failed', row.progress, row.message, INTERRUPTED_ERROR, row.started_at, at, row.id);
      appendAudit(this.s, 'run.interrupted', { runId: row.id, previousStatus: row.status });
    }
  }

  // --- case ---------------------------------------------------------------------------------

  info(): CaseInfo {
    return this.read(() => {
      const meta = this.s.meta.get();
      if (meta === undefined) throw new ApiError('case_io', `${this.path}: the case has no meta record`);
      const stored = CaseSettings.partial().safeParse(parseJsonObject(meta.settings));
      return {
        path: this.path,
        name: meta.name,
        createdAt: meta.created_at,
        schemaVersion: SCHEMA_VERSION,
        settings: { ...DEFAULT_SETTINGS, ...(stored.success ? stored.data : {}) },
      };
    });
  }

  updateSettings(patch: SettingsPatch): CaseInfo {
    const parsed = SettingsPatch.safeParse(patch);
    if (!parsed.success) {
      throw new ApiError('invalid_request', `invalid settings: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    this.write(() => {
      const settings = { ...this.info().settings, ...parsed.data };
      this.s.setSettings.run(JSON.stringify(settings));
      appendAudit(this.s, 'settings.changed', { patch: parsed.data, settings });
    });
    return this.info();
  }

  // --- entities -----------------------------------------------------------------------------

  /** Adds (or re-marks) a seed entity typed by the analyst; props are shallow-merged. */
  addSeed(key: EntityKey, props: Props = {}): Entity {
    const value = canonicalValue(key.type, key.value);
    if (value === undefined) {
      throw new ApiError('invalid_target', `"${key.value.slice(0, 200)}" is not a valid ${key.type}`, 'value');
    }
    const parsedProps = Props.safeParse(props);
    if (!parsedProps.success) throw new ApiError('invalid_request', 'seed props must be a JSON object', 'props');
    return this.write(() => {
      const at = nowIso();
      const atMs = Date.parse(at);
      const row = this.s.entityByKey.get(key.type, value);
      let id: number;
      if (row === undefined) {
        id = Number(
          this.s.insertEntity.run(key.type, value, JSON.stringify(parsedProps.data), atMs, atMs).lastInsertRowid,
        );
      } else {
        id = row.id;
        const merged = { ...parseJsonObject(row.props), ...parsedProps.data };
        this.s.updateEntity.run(JSON.stringify(merged), atMs, id);
      }
      this.s.insertSeed.run(id, at);
      appendAudit(this.s, 'seed.added', { entityId: id, type: key.type, value, props: parsedProps.data });
      const entity = this.s.entityById.get(id);
      if (entity === undefined) throw new ApiError('internal', `seed ${id} vanished`);
      return toEntity(entity);
    });
  }

  /** Ids of the entities the analyst added as seeds. */
  seedIds(): number[] {
    return this.read(() => this.s.seedIds.all());
  }

  /**
   * How many relation hops (either direction) `id` is from the nearest seed, searched up to
   * `max` hops; null when it is farther. The search starts at the entity, so a hub with many
   * neighbours costs only when it lies between the entity and its seeds.
   */
  scopeDistance(id: number, max: number): number | null {
    return this.read(() => {
      const seeds = new Set(this.s.seedIds.all());
      const seen = new Set([id]);
      let frontier = [id];
      for (let distance = 0; distance <= max; distance++) {
        if (frontier.some((e) => seeds.has(e))) return distance;
        if (distance === max || seen.size > SCOPE_SEARCH_LIMIT) return null;
        const next: number[] = [];
        for (const e of frontier) {
          for (const n of this.s.neighbourIds.all(e, e)) {
            if (seen.has(n)) continue;
            seen.add(n);
            next.push(n);
          }
        }
        frontier = next;
      }
      return null;
    });
  }

  getEntity(id: number): Entity | null {
    return this.read(() => {
      const row = this.s.entityById.get(id);
      return row === undefined ? null : toEntity(row);
    });
  }

  /** The entity with this identity (the value is canonicalised first), or null. */
  findEntity(key: EntityKey): Entity | null {
    return this.read(() => {
      const value = canonicalValue(key.type, key.value);
      if (value === undefined) return null;
      const row = this.s.entityByKey.get(key.type, value);
      return row === undefined ? null : toEntity(row);
    });
  }

  graph(): Graph {
    return this.read(() => {
      try {
        return this.graphFast();
      } catch (err) {
        // A props value that is not JSON (edited by hand) or a graph too big for one string:
        // fall back to row by row, which tolerates both.
        if (!(err instanceof SyntaxError) && errnoCode(err) !== 'SQLITE_TOOBIG') throw err;
        return {
          entities: this.db.prepare<[], EntityRow>('SELECT * FROM entities ORDER BY id').all().map(toEntity),
          relations: this.db.prepare<[], RelationRow>('SELECT * FROM relations ORDER BY id').all().map(toRelation),
        };
      }
    });
  }

  /** The graph from two flat JSON documents built by SQLite (see statements.ts). */
  private graphFast(): Graph {
    // Offsets from the case's creation: small integers in the JSON (bound as an SQL integer).
    const base = Date.parse(this.s.meta.get()?.created_at ?? '') || 0;
    const iso = new IsoTimes(base);
    const sqlBase = BigInt(base);
    const e = JSON.parse(this.s.allEntitiesFlat.get({ base: sqlBase }) ?? '[]') as unknown[];
    const entities: Entity[] = [];
    for (let i = 0; i + 5 < e.length; i += 6) {
      const first = e[i + 4] as number;
      const type = e[i + 1];
      entities.push({
        id: e[i] as number,
        type: (typeof type === 'number' ? ENTITY_TYPES[type] : type) as EntityType,
        value: e[i + 2] as string,
        props: e[i + 3] as Props,
        firstSeen: iso.of(first),
        lastSeen: iso.of(first + (e[i + 5] as number)),
      });
    }
    const r = JSON.parse(this.s.allRelationsFlat.get({ base: sqlBase }) ?? '[]') as unknown[];
    const relations: Relation[] = [];
    for (let i = 0; i + 6 < r.length; i += 7) {
      const first = r[i + 5] as number;
      const kind = r[i + 3];
      relations.push({
        id: r[i] as number,
        from: r[i + 1] as number,
        to: r[i + 2] as number,
        kind: (typeof kind === 'number' ? RELATION_KINDS[kind] : kind) as RelationKind,
        props: r[i + 4] as Props,
        firstSeen: iso.of(first),
        lastSeen: iso.of(first + (r[i + 6] as number)),
      });
    }
    return { entities, relations };
  }

  entityDetail(id: number): EntityDetail {
    return this.read(() => {
      const row = this.s.entityById.get(id);
      if (row === undefined) throw new ApiError('not_found', `no entity with id ${id}`, 'entityId');
      const observations: Observation[] = this.s.observationsOfEntity.all(id).map((o) => ({
        id: o.id,
        runId: o.run_id,
        scannerId: o.scanner_id,
        parentEntityId: o.parent_entity_id,
        evidenceIds: idList(o.evidence),
        seenAt: o.seen_at,
      }));
      const findings = this.s.findingsOfEntity.all(id).map(toFinding);
      const evidenceIds = new Set<number>();
      for (const item of [...observations, ...findings]) for (const e of item.evidenceIds) evidenceIds.add(e);
      const evidence: EvidenceText[] = [];
      for (const evidenceId of [...evidenceIds].sort((a, b) => a - b)) {
        const e = this.s.evidenceForDisplay.get(RENDER_READ_LIMIT, evidenceId);
        if (e === undefined) continue;
        evidence.push({
          id: e.id,
          sha256: e.sha256,
          mediaType: e.media_type,
          source: e.source,
          size: e.size,
          capturedAt: e.captured_at,
          runId: e.run_id,
          ...renderEvidence(e.head, e.size),
        });
      }
      const relations = this.s.relationsOf.all(id, id).map(toRelation);
      return { entity: toEntity(row), observations, findings, evidence, relations };
    });
  }

  /** Every finding in the case, oldest first. */
  listFindings(): Finding[] {
    return this.read(() => this.s.allFindings.all().map(toFinding));
  }

  // --- runs ---------------------------------------------------------------------------------

  createRun(scannerId: string, target: EntityKey, targetEntityId: number | null): Run {
    if (scannerId === '' || scannerId.length > 100) {
      throw new ApiError('invalid_request', 'a scanner id must be 1 to 100 characters long', 'scannerId');
    }
    return this.write(() => {
      if (targetEntityId !== null && this.s.entityExists.get(targetEntityId) === undefined) {
        throw new ApiError('not_found', `no entity with id ${targetEntityId}`, 'targetEntityId');
      }
      const id = Number(
        this.s.insertRun.run(scannerId, target.type, target.value, targetEntityId, 'queued', nowIso()).lastInsertRowid,
      );
      appendAudit(this.s, 'run.created', { runId: id, scannerId, target, targetEntityId });
      return this.requireRun(id);
    });
  }

  getRun(id: number): Run | null {
    return this.read(() => {
      const row = this.s.runById.get(id);
      return row === undefined ? null : toRun(row);
    });
  }

  listRuns(): Run[] {
    return this.read(() => this.s.allRuns.all().map(toRun));
  }

  updateRun(id: number, patch: RunPatch): Run {
    const parsed = RunPatch.safeParse(patch);
    if (!parsed.success) {
      throw new ApiError('invalid_request', `invalid run update: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    const p = parsed.data;
    return this.write(() => {
      const before = this.requireRun(id);
      const next: Run = {
        ...before,
        status: p.status ?? before.status,
        progress: p.progress ?? before.progress,
        message: p.message ?? before.message,
        error: p.error === undefined ? before.error : p.error,
        startedAt: p.startedAt === undefined ? before.startedAt : p.startedAt,
        endedAt: p.endedAt === undefined ? before.endedAt : p.endedAt,
      };
      this.s.writeRun.run(next.status, next.progress, next.message, next.error, next.startedAt, next.endedAt, id);
      // Progress ticks are not audited (they change nothing an analyst relies on); status changes are.
      if (next.status !== before.status) {
        const action = TERMINAL.has(next.status)
          ? 'run.ended'
          : next.status === 'running'
            ? 'run.started'
            : 'run.status';
        appendAudit(this.s, action, { runId: id, status: next.status, error: next.error });
      }
      return next;
    });
  }

  private requireRun(id: number): Run {
    const row = this.s.runById.get(id);
    if (row === undefined) throw new ApiError('not_found', `no scan run with id ${id}`, 'runId');
    return toRun(row);
  }

  // --- ingest -------------------------------------------------------------------------------

  /**
   * Applies a batch of scan events (ScanEvent) from one run in one transaction: evidence first
   * (cited by ref), then entities, relations and findings. Each event is checked here; an
   * invalid one is skipped and counted in the audit entry, never thrown. Returns every entity
   * and relation the batch created or updated (last_seen moves whenever a thing is seen again).
   */
  ingest(runId: number, parentEntityId: number | null, events: readonly unknown[]): IngestResult {
    return this.write(() => {
      const run = this.requireRun(runId);
      if (parentEntityId !== null && this.s.entityExists.get(parentEntityId) === undefined) {
        throw new ApiError('not_found', `no entity with id ${parentEntityId}`, 'parentEntityId');
      }
      const batch = new IngestBatch(this.s, runId, run.scannerId, parentEntityId, nowIso());
      batch.applyAll(events);
      const result = batch.finish();
      appendAudit(this.s, 'scan.ingest', {
        runId,
        scannerId: run.scannerId,
        ...batch.counts,
        problems: batch.problems,
      });
      return result;
    });
  }

  // --- audit --------------------------------------------------------------------------------

  /** Appends an analyst or service action to the hash-chained log. */
  audit(action: string, data: JsonValue): AuditEntry {
    if (action === '' || action.length > 100) {
      throw new ApiError('invalid_request', 'an audit action must be 1 to 100 characters long', 'action');
    }
    try {
      canonicalJson(data);
    } catch (err) {
      throw new ApiError('invalid_request', `audit data is not JSON: ${(err as Error).message}`, 'data');
    }
    return this.write(() => appendAudit(this.s, action, data));
  }

  auditEntries(): AuditEntry[] {
    return this.read(() => this.s.allAudit.all().map((row) => ({ ...row, data: JSON.parse(row.data) as JsonValue })));
  }

  verifyAudit(): AuditVerdict {
    return this.read(() => verifyAuditRows(this.s.allAudit.iterate()));
  }

  // --- file ---------------------------------------------------------------------------------

  /** A consistent copy of the live case (VACUUM INTO), never a file copy. Refuses to overwrite. */
  backupTo(path: string): void {
    const dest = resolve(path);
    this.assertOpen();
    if (existsSync(dest)) throw new ApiError('case_io', `${dest} already exists; a backup never overwrites a file`);
    try {
      this.db.prepare('VACUUM INTO ?').run(dest);
    } catch (err) {
      throw storeError(err, dest);
    }
    this.write(() => appendAudit(this.s, 'case.backup', { file: basename(dest) }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
