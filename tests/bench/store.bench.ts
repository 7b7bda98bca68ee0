// Case store benchmark: 100k entities and 200k relations ingested into a fresh case in one batch
// (the path scans and imports use), then the case reopened and the whole graph loaded back.
// Median of 3 runs, after one untimed warm-up run, against the targets.
// Run: node --import tsx tests/bench/store.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CaseStore } from '../../src/core/store/case-store';
import type { EntityKey, RelationKind } from '../../src/shared/model';
import type { ScanEvent } from '../../src/shared/scanner';

export interface StoreBenchRow {
  name: string;
  unit: 'ms';
  /** Wall-clock time of each timed run. */
  runs: number[];
  median: number;
  /** Median CPU time of this process over the same calls: steadier than wall time on a busy machine. */
  cpuMedian: number;
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

interface Timing {
  wall: number;
  cpu: number;
}

function timed<T>(fn: () => T): { result: T; time: Timing } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = fn();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { result, time: { wall, cpu: (used.user + used.system) / 1000 } };
}

/** One import into a fresh case and one full load after reopening it. */
function runOnce(dir: string, name: string, events: ScanEvent[]): { insert: Timing; load: Timing } {
  const path = join(dir, `${name}.sqlite`);
  const store = CaseStore.create(path, 'bench');
  let insert: Timing;
  let expected: { entities: number; relations: number };
  try {
    const scan = store.createRun('bench-import', { type: 'domain', value: domain(0) }, null);
    const { result, time } = timed(() => store.ingest(scan.id, null, events));
    insert = time;
    expected = { entities: result.entities.length, relations: result.relations.length };
  } finally {
    store.close();
  }
  const reopened = CaseStore.open(path);
  try {
    const { result: graph, time: load } = timed(() => reopened.graph());
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
  const insert: Timing[] = [];
  const load: Timing[] = [];
  try {
    // One untimed run first, so the timed runs measure compiled code and a grown heap.
    const events = benchEvents();
    runOnce(dir, 'warmup', events);
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
  const row = (name: string, timings: Timing[], target: number): StoreBenchRow => {
    const runs = timings.map((t) => t.wall);
    const m = median(runs);
    return {
      name,
      unit: 'ms',
      runs: runs.map(Math.round),
      median: Math.round(m),
      cpuMedian: Math.round(median(timings.map((t) => t.cpu))),
      target,
      ok: m <= target,
    };
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
    ['measure', 'median', 'target', 'runs', 'cpu median', ''],
    ...rows.map((r) => [
      r.name,
      `${r.median} ms`,
      `<= ${r.target} ms`,
      r.runs.join(' / '),
      `${r.cpuMedian} ms`,
      r.ok ? 'ok' : 'SLOW',
    ]),
  ];
  const widths = lines[0]?.map((_, col) => Math.max(...lines.map((l) => (l[col] ?? '').length))) ?? [];
  for (const line of lines) {
    const cells = line.map((cell, col) => cell.padEnd(widths[col] ?? 0));
    console.log(cells.join('  ').trimEnd());
  }
  // Wall times stretch when other work shares the machine; say how busy it was.
  const [load1] = loadavg();
  console.log(`(${availableParallelism()} CPUs, load average ${load1?.toFixed(2)} over the last minute)`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { rows } = await runStoreBench();
  printTable(rows);
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
}
