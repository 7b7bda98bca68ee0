// The audit chain. Each entry's hash is SHA-256 (hex) over the previous entry's hash followed by
// the canonical JSON of {seq, at, action, data}; the first entry's previous hash is GENESIS_HASH.
// Editing, inserting or removing an entry in the middle breaks every later link.
import { createHash } from 'node:crypto';
import type { JsonValue } from '../../shared/model';
import { canonicalJson } from './canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  seq: number;
  at: string;
  action: string;
  data: JsonValue;
  prevHash: string;
  hash: string;
}

/** An audit row as stored: data is JSON text. */
export interface AuditRow {
  seq: number;
  at: string;
  action: string;
  data: string;
  prevHash: string;
  hash: string;
}

export type AuditVerdict = { ok: true; entries: number } | { ok: false; brokenAt: number; reason: string };

/** hash = sha256hex(prevHash + canonicalJson({seq, at, action, data})) */
export function auditHash(prevHash: string, entry: { seq: number; at: string; action: string; data: unknown }): string {
  const body = canonicalJson({ seq: entry.seq, at: entry.at, action: entry.action, data: entry.data });
  return createHash('sha256')
    .update(prevHash + body, 'utf8')
    .digest('hex');
}

/** Builds the entry that follows `prev` (or the first entry when prev is null). */
export function nextAuditEntry(
  prev: { seq: number; hash: string } | null,
  at: string,
  action: string,
  data: JsonValue,
): AuditEntry {
  const seq = prev === null ? 1 : prev.seq + 1;
  const prevHash = prev === null ? GENESIS_HASH : prev.hash;
  return { seq, at, action, data, prevHash, hash: auditHash(prevHash, { seq, at, action, data }) };
}

/**
 * Checks a chain given in seq order: numbering from 1 without gaps, each prev_hash equal to the
 * hash before it, each hash recomputed from the entry. Reports the first entry that fails.
 */
export function verifyAuditRows(rows: Iterable<AuditRow>): AuditVerdict {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      return { ok: false, brokenAt: row.seq, reason: `sequence gap: expected entry ${expectedSeq}, found ${row.seq}` };
    }
    if (row.prevHash !== prevHash) {
      return { ok: false, brokenAt: row.seq, reason: "prev_hash does not match the previous entry's hash" };
    }
    let data: unknown;
    try {
      data = JSON.parse(row.data);
    } catch {
      return { ok: false, brokenAt: row.seq, reason: 'data is not valid JSON' };
    }
    if (auditHash(prevHash, { seq: row.seq, at: row.at, action: row.action, data }) !== row.hash) {
      return { ok: false, brokenAt: row.seq, reason: "hash does not match the entry's content" };
    }
    prevHash = row.hash;
    expectedSeq += 1;
  }
  return { ok: true, entries: expectedSeq - 1 };
}
