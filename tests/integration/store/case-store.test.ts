import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CaseStore, INTERRUPTED_ERROR } from '../../../src/core/store/case-store';
import { APPLICATION_ID, SCHEMA_VERSION } from '../../../src/core/store/schema';
import { ApiError } from '../../../src/shared/api';
import type { ScanEvent } from '../../../src/shared/scanner';
import { ev, makeTempDirs } from './helpers';

const tempDir = makeTempDirs();

function newCase(name = 'Nova parcels'): { store: CaseStore; path: string } {
  const path = join(tempDir(), 'case.sqlite');
  return { store: CaseStore.create(path, name), path };
}

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('creating and reopening a case', () => {
  it('keeps everything across close and reopen', () => {
    const { store, path } = newCase();
    const seed = store.addSeed({ type: 'domain', value: 'nova-parcels.com' }, { note: 'from the tip' });
    store.updateSettings({ allowPrivateTargets: true });
    const run = store.createRun('dns', { type: 'domain', value: 'nova-parcels.com' }, seed.id);
    store.updateRun(run.id, { status: 'running', startedAt: new Date().toISOString() });
    store.ingest(run.id, seed.id, [
      ev.evidence('a', 'nova-parcels.com. 300 IN A 185.220.101.47'),
      ev.ip('185.220.101.47', { asn: 205100 }, ['a']),
      ev.resolves('nova-parcels.com', '185.220.101.47', ['a']),
      {
        kind: 'finding',
        about: { type: 'ip', value: '185.220.101.47' },
        severity: 'high',
        category: 'reputation',
        title: 'Listed by threat intel',
        detail: 'flagged',
        evidence: ['a'],
      },
    ]);
    store.updateRun(run.id, { status: 'finished', progress: 1, endedAt: new Date().toISOString() });
    const before = {
      info: store.info(),
      graph: store.graph(),
      runs: store.listRuns(),
      detail: store.entityDetail(seed.id),
      audit: store.auditEntries(),
      seeds: store.seedIds(),
      findings: store.listFindings(),
    };
    store.close();

    const reopened = CaseStore.open(path);
    expect(reopened.info()).toEqual(before.info);
    expect(reopened.info()).toMatchObject({ name: 'Nova parcels', schemaVersion: SCHEMA_VERSION });
    expect(reopened.info().settings.allowPrivateTargets).toBe(true);
    expect(reopened.graph()).toEqual(before.graph);
    expect(reopened.listRuns()).toEqual(before.runs);
    expect(reopened.entityDetail(seed.id)).toEqual(before.detail);
    expect(reopened.auditEntries()).toEqual(before.audit);
    expect(reopened.seedIds()).toEqual([seed.id]);
    expect(reopened.listFindings()).toEqual(before.findings);
    expect(reopened.verifyAudit()).toEqual({ ok: true, entries: before.audit.length });
    expect(before.audit.map((e) => e.action)).toEqual([
      'case.created',
      'seed.added',
      'settings.changed',
      'run.created',
      'run.started',
      'scan.ingest',
      'run.ended',
    ]);
    reopened.close();
  });

  it('marks the case with the application id and WAL mode', () => {
    const { store, path } = newCase();
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('never overwrites an existing file', () => {
    const dir = tempDir();
    const path = join(dir, 'taken.sqlite');
    writeFileSync(path, 'precious');
    const err = caught(() => CaseStore.create(path, 'x'));
    expect(err.code).toBe('case_io');
    expect(err.message).toContain(path);
    expect(readFileSync(path, 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['taken.sqlite']);
  });

  it('refuses an empty name and a missing file', () => {
    expect(caught(() => CaseStore.create(join(tempDir(), 'a.sqlite'), '  ')).code).toBe('invalid_request');
    const missing = join(tempDir(), 'nope.sqlite');
    const err = caught(() => CaseStore.open(missing));
    expect(err.code).toBe('case_io');
    expect(err.message).toContain(missing);
  });

  it('fails runs left queued or running when the case was closed', () => {
    const { store, path } = newCase();
    const queued = store.createRun('whois', { type: 'domain', value: 'a.com' }, null);
    const running = store.createRun('dns', { type: 'domain', value: 'a.com' }, null);
    store.updateRun(running.id, { status: 'running' });
    const done = store.createRun('tls', { type: 'domain', value: 'a.com' }, null);
    store.updateRun(done.id, { status: 'finished' });
    store.close();
    const reopened = CaseStore.open(path);
    const runs = new Map(reopened.listRuns().map((r) => [r.id, r]));
    for (const id of [queued.id, running.id]) {
      expect(runs.get(id)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
      expect(runs.get(id)?.endedAt).not.toBeNull();
    }
    expect(runs.get(done.id)?.status).toBe('finished');
    const interrupted = reopened.auditEntries().filter((e) => e.action === 'run.interrupted');
    expect(interrupted.map((e) => e.data)).toEqual([
      { runId: queued.id, previousStatus: 'queued' },
      { runId: running.id, previousStatus: 'running' },
    ]);
    expect(reopened.verifyAudit().ok).toBe(true);
    reopened.close();
  });

  it('makes a consistent backup that opens as a case, and never overwrites', () => {
    const { store } = newCase();
    const run = store.createRun('dns', { type: 'domain', value: 'a.com' }, null);
    store.ingest(run.id, null, [ev.resolves('a.com', '192.0.2.1')]);
    const copy = join(tempDir(), 'copy.sqlite');
    store.backupTo(copy);
    expect(caught(() => store.backupTo(copy)).code).toBe('case_io');
    const backup = CaseStore.open(copy);
    expect(backup.graph()).toEqual(store.graph());
    expect(backup.verifyAudit().ok).toBe(true);
    backup.close();
    expect(store.auditEntries().at(-1)).toMatchObject({ action: 'case.backup', data: { file: 'copy.sqlite' } });
    store.close();
  });

  it('reports a closed store as no_case', () => {
    const { store } = newCase();
    store.close();
    expect(caught(() => store.graph()).code).toBe('no_case');
  });
});

describe('identity and provenance', () => {
  it('keeps one entity per canonical value, with one observation per run that saw it', () => {
    const { store } = newCase();
    const first = store.createRun('dns', { type: 'domain', value: 'example.com' }, null);
    const second = store.createRun('dns', { type: 'domain', value: 'www.example.com' }, null);
    store.ingest(first.id, null, [ev.resolves('Example.COM.', '192.0.2.10')]);
    store.ingest(second.id, null, [ev.resolves('example.com', '192.0.2.10'), ev.ip('192.0.2.10')]);

    const graph = store.graph();
    expect(graph.entities.map((e) => `${e.type}:${e.value}`).sort()).toEqual(['domain:example.com', 'ip:192.0.2.10']);
    expect(graph.relations).toHaveLength(1);
    const ip = store.findEntity({ type: 'ip', value: '192.0.2.10' });
    expect(ip).not.toBeNull();
    const detail = store.entityDetail(ip?.id ?? 0);
    expect(detail.observations.map((o) => o.runId)).toEqual([first.id, second.id]);
    expect(detail.observations.every((o) => o.scannerId === 'dns')).toBe(true);
    expect(store.findEntity({ type: 'domain', value: 'EXAMPLE.com.' })?.id).toBe(
      store.findEntity({ type: 'domain', value: 'example.com' })?.id,
    );
    store.close();
  });

  it('canonicalises IPv6 and IDN values, keeping the Unicode form of an IDN', () => {
    const { store } = newCase();
    const run = store.createRun('dns', { type: 'domain', value: 'bücher.de' }, null);
    const { entities } = store.ingest(run.id, null, [
      ev.ip('2001:DB8:0:0::1'),
      ev.ip('2001:db8::1'),
      ev.domain('Bücher.de'),
      ev.domain('xn--bcher-kva.de'),
    ]);
    expect(entities.map((e) => e.value)).toEqual(['2001:db8::1', 'xn--bcher-kva.de']);
    expect(entities[1]?.props).toEqual({ unicode: 'bücher.de' });
    store.close();
  });

  it('records the parent entity and the evidence of each observation', () => {
    const { store } = newCase();
    const seed = store.addSeed({ type: 'domain', value: 'nova-parcels.com' });
    const run = store.createRun('dns', { type: 'domain', value: 'nova-parcels.com' }, seed.id);
    store.ingest(run.id, seed.id, [ev.evidence('answer', 'A 185.220.101.47'), ev.ip('185.220.101.47', {}, ['answer'])]);
    const ip = store.findEntity({ type: 'ip', value: '185.220.101.47' });
    const detail = store.entityDetail(ip?.id ?? 0);
    expect(detail.observations).toHaveLength(1);
    expect(detail.observations[0]).toMatchObject({ runId: run.id, parentEntityId: seed.id, scannerId: 'dns' });
    expect(detail.observations[0]?.evidenceIds).toEqual([detail.evidence[0]?.id]);
    expect(detail.evidence[0]).toMatchObject({ text: 'A 185.220.101.47', source: 'test:answer', runId: run.id });
    store.close();
  });

  it('merges props shallowly, keeps first_seen and moves last_seen', async () => {
    const { store } = newCase();
    const a = store.createRun('geo', { type: 'ip', value: '192.0.2.1' }, null);
    const [created] = store.ingest(a.id, null, [ev.ip('192.0.2.1', { country: 'NL', asn: 1 })]).entities;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const b = store.createRun('geo', { type: 'ip', value: '192.0.2.1' }, null);
    const [updated] = store.ingest(b.id, null, [ev.ip('192.0.2.1', { asn: 205100, city: 'Amsterdam' })]).entities;
    expect(updated?.id).toBe(created?.id);
    expect(updated?.props).toEqual({ country: 'NL', asn: 205100, city: 'Amsterdam' });
    expect(updated?.firstSeen).toBe(created?.firstSeen);
    expect(updated && created && updated.lastSeen > created.lastSeen).toBe(true);
    expect(store.getEntity(created?.id ?? 0)).toEqual(updated);
    store.close();
  });

  it('returns what a batch created or changed, and skips bad events without throwing', () => {
    const { store } = newCase();
    const run = store.createRun('dns', { type: 'domain', value: 'a.com' }, null);
    const bad = [
      ev.ip('999.1.1.1'),
      ev.domain('not a domain'),
      { kind: 'entity', entity: { type: 'planet', value: 'mars' } },
      {
        kind: 'relation',
        from: { type: 'domain', value: 'a.com' },
        relation: 'orbits',
        to: { type: 'ip', value: '192.0.2.1' },
      },
      ev.resolves('a.com', 'nope'),
      { kind: 'entity', entity: { type: 'domain', value: 'a.com' }, props: 'not an object' },
      {
        kind: 'finding',
        about: { type: 'domain', value: 'a.com' },
        severity: 'dire',
        category: 'x',
        title: 't',
        detail: 'd',
      },
      { kind: 'mystery' },
      null,
    ] as unknown as ScanEvent[];
    const result = store.ingest(run.id, null, [
      ...bad,
      { kind: 'progress', fraction: 0.5, message: 'half' },
      ev.resolves('a.com', '192.0.2.1', ['missing-ref']),
    ]);
    expect(result.entities.map((e) => e.value)).toEqual(['a.com', '192.0.2.1']);
    expect(result.relations).toHaveLength(1);
    // The relation with an invalid end created neither end; "nope" left no trace.
    expect(store.graph().entities).toHaveLength(2);
    const summary = store.auditEntries().at(-1);
    expect(summary?.action).toBe('scan.ingest');
    expect(summary?.data).toMatchObject({
      runId: run.id,
      events: bad.length + 2,
      skipped: bad.length,
      entitiesCreated: 2,
      relationsCreated: 1,
      observations: 3,
    });
    const problems = (summary?.data as { problems: string[] } | undefined)?.problems ?? [];
    expect(problems.some((p) => p.includes('999.1.1.1'))).toBe(true);
    expect(problems.some((p) => p.includes('missing-ref'))).toBe(true);
    store.close();
  });

  it('resolves evidence refs named in an earlier batch of the same run', () => {
    const { store } = newCase();
    const run = store.createRun('http', { type: 'domain', value: 'a.com' }, null);
    store.ingest(run.id, null, [ev.evidence('headers', 'HTTP/1.1 200 OK')]);
    store.ingest(run.id, null, [ev.domain('a.com', { server: 'nginx' }, ['headers'])]);
    const detail = store.entityDetail(store.findEntity({ type: 'domain', value: 'a.com' })?.id ?? 0);
    expect(detail.evidence.map((e) => e.text)).toEqual(['HTTP/1.1 200 OK']);
    store.close();
  });

  it('refuses ingest into an unknown run or under an unknown parent', () => {
    const { store } = newCase();
    expect(caught(() => store.ingest(42, null, [])).code).toBe('not_found');
    const run = store.createRun('dns', { type: 'domain', value: 'a.com' }, null);
    expect(caught(() => store.ingest(run.id, 99, [])).code).toBe('not_found');
    expect(caught(() => store.updateRun(42, { progress: 0.5 })).code).toBe('not_found');
    expect(caught(() => store.updateRun(run.id, { progress: 2 })).code).toBe('invalid_request');
    store.close();
  });
});

describe('evidence and findings', () => {
  it('stores identical content once, whichever run captured it', () => {
    const { store } = newCase();
    const a = store.createRun('http', { type: 'domain', value: 'a.com' }, null);
    const b = store.createRun('http', { type: 'domain', value: 'b.com' }, null);
    store.ingest(a.id, null, [ev.evidence('body', 'same bytes'), ev.domain('a.com', {}, ['body'])]);
    store.ingest(b.id, null, [ev.evidence('page', 'same bytes'), ev.domain('b.com', {}, ['page'])]);
    const ea = store.entityDetail(store.findEntity({ type: 'domain', value: 'a.com' })?.id ?? 0).evidence;
    const eb = store.entityDetail(store.findEntity({ type: 'domain', value: 'b.com' })?.id ?? 0).evidence;
    expect(ea).toHaveLength(1);
    expect(eb[0]?.id).toBe(ea[0]?.id);
    expect(ea[0]?.sha256).toBe(createHash('sha256').update('same bytes').digest('hex'));
    expect(ea[0]?.runId).toBe(a.id);
    const ingests = store.auditEntries().filter((e) => e.action === 'scan.ingest');
    expect(ingests.map((e) => (e.data as { evidenceAdded: number; evidenceReused: number }).evidenceReused)).toEqual([
      0, 1,
    ]);
    store.close();
  });

  it('shows findings with their evidence, binary evidence as hex and long text truncated', () => {
    const { store } = newCase();
    const run = store.createRun('tls', { type: 'domain', value: 'a.com' }, null);
    const der = Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x00, 0xff]);
    store.ingest(run.id, null, [
      ev.evidence('cert', der.toString('base64'), 'base64', 'application/pkix-cert'),
      ev.evidence('big', 'x'.repeat(100_000)),
      ev.domain('a.com', {}, ['big']),
      {
        kind: 'finding',
        about: { type: 'domain', value: 'A.com' },
        severity: 'medium',
        category: 'tls',
        title: 'Self-signed <b>certificate</b>',
        detail: 'issuer equals subject',
        evidence: ['cert'],
      },
    ]);
    const detail = store.entityDetail(store.findEntity({ type: 'domain', value: 'a.com' })?.id ?? 0);
    expect(detail.findings).toHaveLength(1);
    expect(detail.findings[0]).toMatchObject({
      severity: 'medium',
      title: 'Self-signed <b>certificate</b>',
      runId: run.id,
    });
    const cert = detail.evidence.find((e) => e.mediaType === 'application/pkix-cert');
    const big = detail.evidence.find((e) => e.mediaType === 'text/plain');
    expect(detail.findings[0]?.evidenceIds).toEqual([cert?.id]);
    expect(cert).toMatchObject({ size: 6, truncated: false });
    expect(cert?.text.startsWith('00000000  30 82 01 0a 00 ff')).toBe(true);
    expect(big).toMatchObject({ size: 100_000, truncated: true });
    expect(big?.text).toHaveLength(64 * 1024);
    expect(store.listFindings()).toEqual(detail.findings);
    store.close();
  });

  it('keeps one copy of a finding a run reports twice', () => {
    const { store } = newCase();
    const run = store.createRun('mail', { type: 'domain', value: 'a.com' }, null);
    const finding: ScanEvent = {
      kind: 'finding',
      about: { type: 'domain', value: 'a.com' },
      severity: 'medium',
      category: 'email',
      title: 'No DMARC',
      detail: '',
    };
    store.ingest(run.id, null, [finding, finding]);
    store.ingest(run.id, null, [finding]);
    expect(store.listFindings()).toHaveLength(1);
    store.close();
  });
});

describe('the audit log', () => {
  it('cannot be updated or deleted through SQL', () => {
    const { store, path } = newCase();
    store.audit('note.added', { text: 'hello' });
    store.close();
    const db = new Database(path);
    expect(() => db.prepare("UPDATE audit_log SET action = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.close();
    const reopened = CaseStore.open(path);
    expect(reopened.verifyAudit()).toEqual({ ok: true, entries: 2 });
    reopened.close();
  });

  it('detects an edited entry, naming its seq', () => {
    const { store } = newCase();
    const run = store.createRun('dns', { type: 'domain', value: 'a.com' }, null);
    store.ingest(run.id, null, [ev.resolves('a.com', '192.0.2.1')]);
    store.audit('note.added', { text: 'analyst note' });
    const copy = join(tempDir(), 'tampered.sqlite');
    store.backupTo(copy);
    store.close();

    const target = 3;
    const db = new Database(copy);
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare('UPDATE audit_log SET data = ? WHERE seq = ?').run('{"runId":1,"skipped":0}', target);
    db.close();
    const tampered = CaseStore.open(copy);
    const verdict = tampered.verifyAudit();
    expect(verdict).toMatchObject({ ok: false, brokenAt: target });
    if (!verdict.ok) expect(verdict.reason).toContain('hash');
    tampered.close();
  });

  it('refuses audit data that is not JSON', () => {
    const { store } = newCase();
    expect(caught(() => store.audit('x', { n: Number.NaN })).code).toBe('invalid_request');
    expect(caught(() => store.audit('', {})).code).toBe('invalid_request');
    store.close();
  });
});

describe('files that are not cases', () => {
  const cases: [string, (path: string) => void][] = [
    ['a text file', (p) => writeFileSync(p, 'just some notes\n'.repeat(100))],
    ['random bytes', (p) => writeFileSync(p, randomBytes(8192))],
    ['an empty file', (p) => writeFileSync(p, '')],
    [
      'an SQLite database of another program',
      (p) => {
        const db = new Database(p);
        db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi')");
        db.close();
      },
    ],
    [
      'an SQLite database in WAL mode of another program',
      (p) => {
        const db = new Database(p);
        db.pragma('journal_mode = WAL');
        db.exec('CREATE TABLE t (x)');
        db.close();
      },
    ],
  ];
  for (const [label, make] of cases) {
    it(`gives not_a_case for ${label}, naming the file and leaving it as it was`, () => {
      const dir = tempDir();
      const path = join(dir, 'suspect.sqlite');
      make(path);
      const before = sha256(path);
      const files = readdirSync(dir).sort();
      const err = caught(() => CaseStore.open(path));
      expect(err.code).toBe('not_a_case');
      expect(err.message).toContain(path);
      expect(sha256(path)).toBe(before);
      expect(readdirSync(dir).sort()).toEqual(files);
    });
  }

  it('gives not_a_case for a directory', () => {
    const dir = tempDir();
    const err = caught(() => CaseStore.open(dir));
    expect(err.code).toBe('not_a_case');
    expect(err.message).toContain(dir);
  });

  it('gives case_too_new for a case from a newer build, with both versions', () => {
    const { store, path } = newCase();
    store.close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 41}`);
    db.close();
    const before = sha256(path);
    const err = caught(() => CaseStore.open(path));
    expect(err.code).toBe('case_too_new');
    expect(err.message).toContain(String(SCHEMA_VERSION + 41));
    expect(err.message).toContain(`version ${SCHEMA_VERSION}`);
    expect(sha256(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
