import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditRow, auditHash, GENESIS_HASH, nextAuditEntry, verifyAuditRows } from '../../../src/core/store/audit';
import { canonicalJson } from '../../../src/core/store/canonical-json';
import type { JsonValue } from '../../../src/shared/model';

function chain(entries: { action: string; data: JsonValue }[]): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev: { seq: number; hash: string } | null = null;
  entries.forEach((e, i) => {
    const at = new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
    const entry = nextAuditEntry(prev, at, e.action, e.data);
    rows.push({ ...entry, data: canonicalJson(entry.data) });
    prev = entry;
  });
  return rows;
}

const entryArb = fc.record({
  action: fc.constantFrom('case.created', 'seed.added', 'run.created', 'scan.ingest', 'run.ended'),
  // Through JSON once: fast-check's JSON type admits undefined members, ours does not.
  data: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as JsonValue),
});

describe('audit chain', () => {
  it('hashes SHA-256 over the previous hash followed by the canonical entry (known answer)', () => {
    const at = '2025-01-01T00:00:00.000Z';
    const data = { name: 'Case', schemaVersion: 1 };
    const expected = createHash('sha256')
      .update(
        `${GENESIS_HASH}{"action":"case.created","at":"2025-01-01T00:00:00.000Z","data":{"name":"Case","schemaVersion":1},"seq":1}`,
      )
      .digest('hex');
    expect(auditHash(GENESIS_HASH, { seq: 1, at, action: 'case.created', data })).toBe(expected);
    const entry = nextAuditEntry(null, at, 'case.created', data);
    expect(entry).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, hash: expected });
    const second = nextAuditEntry(entry, at, 'seed.added', { entityId: 1 });
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(expected);
  });

  it('verifies an untouched chain of any length (property)', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 30 }), (entries) => {
        expect(verifyAuditRows(chain(entries))).toEqual({ ok: true, entries: entries.length });
      }),
    );
  });

  it('finds an edit to any field of any entry, at that entry (property)', () => {
    const field = fc.constantFrom('at', 'action', 'data', 'prevHash', 'hash');
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 20 }), fc.nat(), field, (entries, pick, which) => {
        const rows = chain(entries);
        const index = pick % rows.length;
        const row = rows[index] as AuditRow;
        switch (which) {
          case 'at':
            row.at = '1999-01-01T00:00:00.000Z';
            break;
          case 'action':
            row.action = `${row.action}!`;
            break;
          case 'data':
            row.data = canonicalJson({ tampered: row.data });
            break;
          case 'prevHash':
            row.prevHash = 'f'.repeat(64);
            break;
          case 'hash':
            row.hash = 'e'.repeat(64);
            break;
        }
        const verdict = verifyAuditRows(rows);
        expect(verdict.ok).toBe(false);
        if (!verdict.ok) expect(verdict.brokenAt).toBe(row.seq);
      }),
    );
  });

  it('finds a removed entry in the middle, at the entry after the gap (property)', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 2, maxLength: 20 }), fc.nat(), (entries, pick) => {
        const rows = chain(entries);
        const index = pick % (rows.length - 1);
        const [removed] = rows.splice(index, 1);
        const verdict = verifyAuditRows(rows);
        expect(verdict).toMatchObject({ ok: false, brokenAt: (removed as AuditRow).seq + 1 });
      }),
    );
  });

  it('accepts data that is equal JSON spelled differently (the hash covers meaning, not bytes)', () => {
    const rows = chain([{ action: 'x', data: { a: 1, b: [1, 2] } }]);
    (rows[0] as AuditRow).data = '{ "b": [1, 2], "a": 1 }';
    expect(verifyAuditRows(rows)).toEqual({ ok: true, entries: 1 });
  });

  it('reports data that is not JSON', () => {
    const rows = chain([{ action: 'x', data: 1 }]);
    (rows[0] as AuditRow).data = '{oops';
    expect(verifyAuditRows(rows)).toEqual({ ok: false, brokenAt: 1, reason: 'data is not valid JSON' });
  });
});
