// Case store benchmark: 100k entities and 200k relations ingested into a fresh case in one batch
// (the path scans and imports use), then the whole graph loaded back. Median of 3 runs against
// the targets. Run: node --import tsx tests/bench/store.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CaseStore } from '../../src/core/store/case-store';
import type { RelationKind } from '../../src/shared/model';
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
const DOMAINS = 60_000;
const IPS = ENTITIES - DOMAINS;
const RUNS = 3;
const INSERT_TARGET_MS = 3000;
const LOAD_TARGET_MS = 500;

const domain = (i: number) => `h${i}.zone${i % 5000}.example`;
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** A scan-shaped batch: every entity with small props, then relations between them. */
export function benchEvents(): ScanEvent[] {
  const events: ScanEvent[] = [];
  for (let i = 0; i < DOMAINS; i += 1) {
    events.push({ kind: 'entity', entity: { type: 'domain', value: domain(i) }, props: { rank: i, source: 'bench' } });
  }
  for (let i = 0; i < IPS; i += 1) {
    events.push({ kind: 'entity', entity: { type: 'ip', value: ip(i) }, props: { rank: i, source: 'bench' } });
  }
  const relation = (from: ScanEvent & { kind: 'entity' }, kind: RelationKind, to: ScanEvent & { kind: 'entity' }) =>
    events.push({ kind: 'relation', from: from.entity, relation: kind, to: to.entity });
  const entityAt = (i: number) => events[i] as ScanEvent & { kind: 'entity' };
  // Two addresses per domain, a CNAME chain through the domains, and route hops between addresses:
  // 120k + 60k + 20k = 200k distinct (from, kind, to).
  for (let i = 0; i < DOMAINS; i += 1) {
    relation(entityAt(i), 'resolves_to', entityAt(DOMAINS + ((i * 7) % IPS)));
    relation(entityAt(i), 'resolves_to', entityAt(DOMAINS + ((i * 7 + 13) % IPS)));
    relation(entityAt(i), 'cname_to', entityAt((i + 1) % DOMAINS));
  }
  for (let i = 0; i < RELATIONS - 3 * DOMAINS; i += 1) {
    relation(entityAt(DOMAINS + i), 'route_hop', entityAt(DOMAINS + ((i + 1) % IPS)));
  }
  return events;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function runStoreBench(): Promise<{ rows: StoreBenchRow[] }> {
  const events = benchEvents();
  const insert: number[] = [];
  const load: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tg-store-bench-'));
  try {
    for (let run = 0; run < RUNS; run += 1) {
      const store = CaseStore.create(join(dir, `bench-${run}.sqlite`), 'bench');
      try {
        const scan = store.createRun('bench-import', { type: 'domain', value: domain(0) }, null);
        let t = performance.now();
        const result = store.ingest(scan.id, null, events);
        insert.push(performance.now() - t);
        if (result.entities.length !== ENTITIES || result.relations.length !== RELATIONS) {
          throw new Error(`ingest stored ${result.entities.length} entities and ${result.relations.length} relations`);
        }
        t = performance.now();
        const graph = store.graph();
        load.push(performance.now() - t);
        if (graph.entities.length !== ENTITIES || graph.relations.length !== RELATIONS) {
          throw new Error(`graph() returned ${graph.entities.length} entities and ${graph.relations.length} relations`);
        }
      } finally {
        store.close();
      }
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
  for (const line of lines) console.log(line.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  '));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { rows } = await runStoreBench();
  printTable(rows);
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
}
