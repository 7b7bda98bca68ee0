// Full Scan benchmark: a Full Scan of nova-parcels.com in the lab, through the core service with
// the built scanner worker (what the app runs), from the request to the end of phase 2; then 20
// domains at once. The first scan after start (workers and their code cold) is shown apart from
// the median of the next ones, which the target is about; each module's median run time shows
// which is slow. Target: one domain in 2 s or less.
// Run: npm run build && node --import tsx tests/bench/fullscan.bench.ts
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ForkLauncher } from '../../src/core/scan/fork-launcher';
import { WARM_SPARES, WarmLauncher } from '../../src/core/scan/warm-launcher';
import { CoreService } from '../../src/core/service/core-service';
import { netConfig } from '../../src/core/service/net-config';
import { builtinScenario } from '../../src/lab/builtin';
import { startLab } from '../../src/lab/lab';
import { parseScenario } from '../../src/lab/scenario/load';
import { manifests } from '../../src/scanners/registry';
import type { Run } from '../../src/shared/model';

const ROOT = join(import.meta.dirname, '..', '..');
const WORKER = join(ROOT, 'out', 'node', 'scan-worker.js');
/** Scans after the first, cold one. */
const WARM_RUNS = 5;
const MANY = 20;
const TARGET_MS = 2000;

/** The worked example plus MANY copies of nova-parcels.com under other names, for the parallel run. */
function scenario(): unknown {
  const base = JSON.parse(readFileSync(builtinScenario('nova-parcels'), 'utf8')) as Record<string, unknown>;
  const mentions = (v: unknown) => JSON.stringify(v).toLowerCase().includes('nova-parcels.com');
  const copies = (list: unknown[], i: number) =>
    list.filter(mentions).map((v) => JSON.parse(JSON.stringify(v).replace(/nova-parcels\.com/gi, `bench-${i}.com`)));
  for (const key of ['zones', 'sites', 'whois', 'rdap', 'ct', 'wayback']) {
    const list = (base[key] as unknown[] | undefined) ?? [];
    base[key] = [...list, ...Array.from({ length: MANY }, (_, i) => copies(list, i)).flat()];
  }
  return base;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function fullScans(core: CoreService, path: string, targets: string[]): Promise<{ ms: number; runs: Run[] }> {
  await core.call('case.create', { name: 'bench', path });
  const started = performance.now();
  await Promise.all(targets.map((text) => core.call('scan.full', { target: { text } })));
  await core.idle();
  const ms = performance.now() - started;
  const runs = await core.call('runs.list', {});
  const failed = runs.filter((r) => r.status !== 'finished');
  for (const r of failed) console.log(`  note: ${r.scannerId} on ${r.target.value} ${r.status}: ${r.error ?? ''}`);
  return { ms, runs };
}

async function main(): Promise<void> {
  if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run "npm run build" first`);
  const lab = await startLab(parseScenario(scenario(), 'bench'));
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-full-'));
  const core = new CoreService({
    dataDir: dir,
    launcher: new WarmLauncher(new ForkLauncher({ file: WORKER, execArgv: [] }), WARM_SPARES),
    net: netConfig(lab.net),
    scanners: manifests,
  });
  try {
    const single: number[] = [];
    const perModule = new Map<string, number[]>();
    for (let i = 0; i <= WARM_RUNS; i++) {
      const { ms, runs } = await fullScans(core, join(dir, `one-${i}.sqlite`), ['nova-parcels.com']);
      single.push(ms);
      for (const r of runs) {
        const took = Date.parse(r.endedAt ?? '') - Date.parse(r.startedAt ?? '');
        perModule.set(r.scannerId, [...(perModule.get(r.scannerId) ?? []), took]);
      }
    }
    const many = await fullScans(
      core,
      join(dir, 'many.sqlite'),
      Array.from({ length: MANY }, (_, i) => `bench-${i}.com`),
    );
    const [cold = Number.NaN, ...warm] = single;
    const one = median(warm);
    console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(2)}`);
    console.log('| measure | wall time | target |');
    console.log('|---|---|---|');
    console.log(`| Full Scan, 1 domain, first after start (cold workers) | ${(cold / 1000).toFixed(2)} s | |`);
    console.log(
      `| Full Scan, 1 domain (median of the next ${WARM_RUNS}: ${warm.map((s) => (s / 1000).toFixed(2)).join(' / ')} s) | ${(one / 1000).toFixed(2)} s | ≤ ${TARGET_MS / 1000} s |`,
    );
    console.log(
      `| Full Scan, ${MANY} domains at once | ${(many.ms / 1000).toFixed(2)} s (${(many.ms / MANY / 1000).toFixed(2)} s per domain, ${(many.ms / one).toFixed(1)}× one) | |`,
    );
    console.log('\n| module | median run time (1 domain) |\n|---|---|');
    for (const [id, times] of [...perModule].sort((a, b) => median(b[1]) - median(a[1]))) {
      console.log(`| ${id} | ${(median(times) / 1000).toFixed(2)} s |`);
    }
    if (one > TARGET_MS) {
      console.log(`missed: one domain took ${(one / 1000).toFixed(2)} s`);
      process.exitCode = 1;
    }
  } finally {
    await core.shutdown();
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
