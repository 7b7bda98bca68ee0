// Full Scan: every module that accepts the target, in two phases. Phase 1 runs the modules that
// need nothing but the target; phase 2 starts when phase 1 has ended and runs the modules that
// read what it found, on the target and, where a module fans out, on the entities phase 1 linked
// to it (takeover on every subdomain CT found). Active modules run only where the scope allows.
import type { FullScanStarted, ScopeStatus, SkippedModule } from '../../shared/api';
import type { Entity, RelationKind, Run } from '../../shared/model';
import type { FanOutStep, ScannerManifest } from '../../shared/scanner';

export interface FullScanDeps {
  /** In the order to start them: the slowest first keeps a long run from being the tail. */
  scanners: ScannerManifest[];
  scope(entity: Entity): Promise<ScopeStatus>;
  /** Queues a run; `ended` resolves once it has ended, whatever the outcome. */
  enqueue(manifest: ScannerManifest, entity: Entity): Promise<{ run: Run; ended: Promise<Run> }>;
  getEntity(id: number): Promise<Entity | null>;
  /** The entities linked to `id` by one of `kinds`, in either direction. */
  linked(id: number, kinds: RelationKind[]): Promise<Entity[]>;
  /** The entities at the end of a directed path of relations from `id`. */
  reach(id: number, path: FanOutStep[]): Promise<Entity[]>;
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
  // A phase-2 module may not accept the target at all and run only on what it fans out to.
  const fansOut = (m: ScannerManifest) =>
    (m.fullScan?.fanOut?.length ?? 0) > 0 || (m.fullScan?.fanOutPaths?.length ?? 0) > 0;
  const phase2 = deps.scanners.filter(
    (m) => m.fullScan !== undefined && (m.accepts.includes(target.type) ? allowed(m, scope, target) : fansOut(m)),
  );
  const first: { run: Run; ended: Promise<Run> }[] = [];
  for (const manifest of phase1) first.push(await deps.enqueue(manifest, target));

  const done = (async () => {
    const ids = (await Promise.all(first.map((r) => r.ended))).map((r) => r.id);
    if (phase2.length === 0 || !deps.stillOpen()) return ids;
    // Phase 2 reads the target as phase 1 left it.
    const current = (await deps.getEntity(target.id)) ?? target;
    const second: Promise<Run>[] = [];
    for (const manifest of phase2) {
      if (manifest.accepts.includes(target.type)) second.push((await deps.enqueue(manifest, current)).ended);
      const kinds = manifest.fullScan?.fanOut ?? [];
      const reached = [
        ...(kinds.length > 0 ? await deps.linked(target.id, kinds) : []),
        ...(
          await Promise.all((manifest.fullScan?.fanOutPaths ?? []).map((path) => deps.reach(target.id, path)))
        ).flat(),
      ];
      const seen = new Set<number>([target.id]);
      const others = reached.filter((e) => manifest.accepts.includes(e.type) && !seen.has(e.id) && seen.add(e.id));
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
