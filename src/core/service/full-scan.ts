// Full Scan: every module that accepts the target, in two phases. Phase 1 runs the modules that
// need nothing but the target; phase 2 starts when phase 1 has ended and runs the modules that
// read what it found, on the target and, where a module fans out, on the entities phase 1 linked
// to it (takeover on every subdomain CT found). Active modules run only where the scope allows.
import type { FullScanStarted, ScopeStatus, SkippedModule } from '../../shared/api';
import type { Entity, RelationKind, Run } from '../../shared/model';
import type { ScannerManifest } from '../../shared/scanner';

export interface FullScanDeps {
  /** In the order to start them: the slowest first keeps a long run from being the tail. */
  scanners: ScannerManifest[];
  scope(entity: Entity): Promise<ScopeStatus>;
  /** Queues a run; `ended` resolves once it has ended, whatever the outcome. */
  enqueue(manifest: ScannerManifest, entity: Entity): Promise<{ run: Run; ended: Promise<Run> }>;
  getEntity(id: number): Promise<Entity | null>;
  /** The entities linked to `id` by one of `kinds`, in either direction. */
  linked(id: number, kinds: RelationKind[]): Promise<Entity[]>;
  /** False once the case the scan belongs to has been closed. */
  stillOpen(): boolean;
}

/** Entities one fanned-out module runs on at most, besides the target. */
export const MAX_FAN_OUT = 50;

export interface FullScan {
  started: FullScanStarted;
  /** Resolves with every run's id once the last one has ended. */
  done: Promise<number[]>;
}

export async function startFullScan(deps: FullScanDeps, target: Entity): Promise<FullScan> {
  const applicable = deps.scanners.filter((m) => m.accepts.includes(target.type));
  const skipped: SkippedModule[] = [];
  const scope = await deps.scope(target);
  const allowed = (m: ScannerManifest, status: ScopeStatus, on: Entity): boolean => {
    if (m.mode === 'passive' || status.activeAllowed) return true;
    skipped.push({ scannerId: m.id, reason: `${on.value}: ${status.reason ?? 'out of scope'}` });
    return false;
  };
  const phase1 = applicable.filter((m) => m.fullScan === undefined && allowed(m, scope, target));
  const phase2 = applicable.filter((m) => m.fullScan !== undefined && allowed(m, scope, target));
  const first: { run: Run; ended: Promise<Run> }[] = [];
  for (const manifest of phase1) first.push(await deps.enqueue(manifest, target));

  const done = (async () => {
    const ids = (await Promise.all(first.map((r) => r.ended))).map((r) => r.id);
    if (phase2.length === 0 || !deps.stillOpen()) return ids;
    // Phase 2 reads the target as phase 1 left it.
    const current = (await deps.getEntity(target.id)) ?? target;
    const second: Promise<Run>[] = [];
    for (const manifest of phase2) {
      second.push((await deps.enqueue(manifest, current)).ended);
      const kinds = manifest.fullScan?.fanOut ?? [];
      if (kinds.length === 0) continue;
      const others = (await deps.linked(target.id, kinds)).filter((e) => manifest.accepts.includes(e.type));
      for (const other of others.slice(0, MAX_FAN_OUT)) {
        const status = await deps.scope(other);
        if (allowed(manifest, status, other)) second.push((await deps.enqueue(manifest, other)).ended);
      }
    }
    return [...ids, ...(await Promise.all(second)).map((r) => r.id)];
  })();

  return {
    started: { targetEntityId: target.id, runs: first.map((r) => r.run), phase2: phase2.map((m) => m.id), skipped },
    done,
  };
}
