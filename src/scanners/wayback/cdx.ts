// The CDX API's JSON answer: a list of rows, the first naming the fields. Checked with zod; rows
// that do not fit (a bad timestamp, too few fields) are skipped and counted, never thrown.
import * as z from 'zod';

export interface Capture {
  /** ISO 8601, UTC. */
  time: string;
  original: string;
  status: string | null;
  mimetype: string | null;
}

export type CdxResult =
  | { ok: true; captures: Capture[]; skipped: number; rows: number }
  | { ok: false; reason: string };

const Row = z.array(z.string().max(10_000)).max(50);
const Table = z.array(z.unknown());

/** A 14-digit CDX timestamp (shorter is read as padded with the earliest values) as ISO, or null. */
export function cdxTime(stamp: string): string | null {
  if (!/^\d{4,14}$/.test(stamp)) return null;
  const s = stamp.padEnd(14, '0');
  const month = s.slice(4, 6) === '00' ? '01' : s.slice(4, 6);
  const day = s.slice(6, 8) === '00' ? '01' : s.slice(6, 8);
  const text = `${s.slice(0, 4)}-${month}-${day}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}Z`;
  const ms = Date.parse(text);
  // Date.parse rolls 2023-02-30 over to March; a round trip catches impossible dates.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== text.slice(0, 19)) return null;
  return new Date(ms).toISOString();
}

export function parseCdx(json: unknown): CdxResult {
  const table = Table.safeParse(json);
  if (!table.success) {
    const shape = json === null ? 'null' : typeof json === 'object' ? 'an object' : `a ${typeof json}`;
    return { ok: false, reason: `expected a JSON list of rows, got ${shape}` };
  }
  if (table.data.length === 0) return { ok: true, captures: [], skipped: 0, rows: 0 };
  const header = Row.safeParse(table.data[0]);
  if (!header.success) return { ok: false, reason: 'the first row is not a list of field names' };
  const at = (field: string): number => header.data.indexOf(field);
  const timestamp = at('timestamp');
  const original = at('original');
  if (timestamp < 0 || original < 0) return { ok: false, reason: 'the header row lacks timestamp or original' };
  const status = at('statuscode');
  const mimetype = at('mimetype');
  const captures: Capture[] = [];
  let skipped = 0;
  for (const item of table.data.slice(1)) {
    const row = Row.safeParse(item);
    const time = row.success ? cdxTime(row.data[timestamp] ?? '') : null;
    const url = row.success ? row.data[original] : undefined;
    if (!row.success || time === null || url === undefined || url === '') {
      skipped++;
      continue;
    }
    captures.push({
      time,
      original: url.slice(0, 2048),
      status: status >= 0 ? (row.data[status] ?? null) : null,
      mimetype: mimetype >= 0 ? (row.data[mimetype] ?? null) : null,
    });
  }
  return { ok: true, captures, skipped, rows: table.data.length - 1 };
}

export interface CaptureStats {
  count: number;
  first: string | null;
  last: string | null;
  perYear: Record<string, number>;
}

export function captureStats(captures: readonly Capture[]): CaptureStats {
  const perYear: Record<string, number> = {};
  let first: string | null = null;
  let last: string | null = null;
  for (const capture of captures) {
    const year = capture.time.slice(0, 4);
    perYear[year] = (perYear[year] ?? 0) + 1;
    // ISO strings of one format compare as times.
    if (first === null || capture.time < first) first = capture.time;
    if (last === null || capture.time > last) last = capture.time;
  }
  const sorted: Record<string, number> = {};
  for (const year of Object.keys(perYear).sort()) sorted[year] = perYear[year] ?? 0;
  return { count: captures.length, first, last, perYear: sorted };
}
