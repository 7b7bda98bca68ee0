// Case store benchmark: 100k entities and 200k relations ingested into a fresh case in one batch
// (the path scans and imports use), then the case reopened and the whole graph loaded back.
// Median of 3 runs, after one small warm-up run, against the targets.
// Run: node --import tsx tests/bench/store.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CaseStore } from '../../src/core/store/case-store';
import type { EntityKey, RelationKind } from '../../src/shared/model';
import type { ScanEvent } from '../../src/shared/scanner';

export interface StoreBenchRow {
  name: string;
  unit: 'ms';
  runs: number[];
  median: number;
  target: number;
  ok: boolean;
}

const ENTITIES = 100_000;
const RELATIONS = 200_000;
const RUNS = 3;
const INSERT_TARGET_MS = 3000;
const LOAD_TARGET_MS = 500;

const domain = (i: number) => `h${i}.zone${i % 5000}.example`;
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/**
 * A scan-shaped batch: every entity with small props, then relations between them. At scale 1:
 * 60k domains and 40k addresses; two addresses per domain, a CNAME chain through the domains and
 * route hops between addresses (120k + 60k + 20k = 200k distinct relations).
 */
export function benchEvents(scale = 1): ScanEvent[] {
  const domains = Math.round(60_000 * scale);
  const ips = Math.round(40_000 * scale);
  const hops = Math.round(RELATIONS * scale) - 3 * domains;
  const events: ScanEvent[] = [];
  const domainKeys: EntityKey[] = [];
  const ipKeys: EntityKey[] = [];
  for (let i = 0; i < domains; i += 1) {
    const key: EntityKey = { type: 'domain', value: domain(i) };
    domainKeys.push(key);
    events.push({ kind: 'entity', entity: key, props: { rank: i, source: 'bench' } });
  }
  for (let i = 0; i < ips; i += 1) {
    const key: EntityKey = { type: 'ip', value: ip(i) };
    ipKeys.push(key);
    events.push({ kind: 'entity', entity: key, props: { rank: i, source: 'bench' } });
  }
  const relation = (from: EntityKey | undefined, kind: RelationKind, to: EntityKey | undefined) => {
    if (from && to) events.push({ kind: 'relation', from: { ...from }, relation: kind, to: { ...to } });
  };
  for (let i = 0; i < domains; i += 1) {
    relation(domainKeys[i], 'resolves_to', ipKeys[(i * 7) % ips]);
    relation(domainKeys[i], 'resolves_to', ipKeys[(i * 7 + 13) % ips]);
    relation(domainKeys[i], 'cname_to', domainKeys[(i + 1) % domains]);
  }
  for (let i = 0; i < hops; i += 1) relation(ipKeys[i % ips], 'route_hop', ipKeys[(i + 1) % ips]);
  return events;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** One import into a fresh case and one full load after reopening it; times in ms. */
function runOnce(dir: string, name: string, events: ScanEvent[]): { insert: number; load: number } {
  const path = join(dir, `${name}.sqlite`);
  const store = CaseStore.create(path, 'bench');
  let insert: number;
  let expected: { entities: number; relations: number };
  try {
    const scan = store.createRun('bench-import', { type: 'domain', value: domain(0) }, null);
    const t = performance.now();
    const result = store.ingest(scan.id, null, events);
    insert = performance.now() - t;
    expected = { entities: result.entities.length, relations: result.relations.length };
  } finally {
    store.close();
  }
  const reopened = CaseStore.open(path);
  try {
    const t = performance.now();
    const graph = reopened.graph();
    const load = performance.now() - t;
    if (graph.entities.length !== expected.entities || graph.relations.length !== expected.relations) {
      throw new Error(`graph() returned ${graph.entities.length} entities and ${graph.relations.length} relations`);
    }
    return { insert, load };
  } finally {
    reopened.close();
  }
}

export async function runStoreBench(): Promise<{ rows: StoreBenchRow[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-store-bench-'));
  const insert: number[] = [];
  const load: number[] = [];
  try {
    // Warm-up at a tenth of the size, so the timed runs measure compiled code.
    runOnce(dir, 'warmup', benchEvents(0.1));
    const events = benchEvents();
    const stored = events.filter((e) => e.kind === 'entity').length;
    if (stored !== ENTITIES || events.length - stored !== RELATIONS) throw new Error('bench batch has the wrong size');
    for (let run = 0; run < RUNS; run += 1) {
      const times = runOnce(dir, `bench-${run}`, events);
      insert.push(times.insert);
      load.push(times.load);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (name: string, runs: number[], target: number): StoreBenchRow => {
    const m = median(runs);
    return { name, unit: 'ms', runs: runs.map(Math.round), median: Math.round(m), target, ok: m <= target };
  };
  return {
    rows: [
      row(`insert ${ENTITIES / 1000}k entities + ${RELATIONS / 1000}k relations`, insert, INSERT_TARGET_MS),
      row('load the whole graph', load, LOAD_TARGET_MS),
    ],
  };
}

function printTable(rows: StoreBenchRow[]): void {
  const lines = [
    ['measure', 'median', 'target', 'runs', ''],
    ...rows.map((r) => [r.name, `${r.median} ms`, `<= ${r.target} ms`, r.runs.join(' / '), r.ok ? 'ok' : 'SLOW']),
  ];
  const widths = lines[0]?.map((_, col) => Math.max(...lines.map((l) => (l[col] ?? '').length))) ?? [];
  for (const line of lines) {
    const cells = line.map((cell, col) => cell.padEnd(widths[col] ?? 0));
    console.log(cells.join('  ').trimEnd());
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { rows } = await runStoreBench();
  printTable(rows);
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
}
