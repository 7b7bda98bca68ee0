// Run bookkeeping: run.* events can arrive out of order (a late progress after the finish, or a
// runs.list answer older than an event), so a run never goes back from a later status.
import type { Run, RunStatus } from '../../shared/model';

const RANK: Record<RunStatus, number> = { queued: 0, running: 1, finished: 2, failed: 2, cancelled: 2 };

export const isActive = (run: Run): boolean => run.status === 'queued' || run.status === 'running';

/** The newer of two reports about the same run. */
export function newerRun(current: Run | undefined, incoming: Run): Run {
  if (!current) return incoming;
  const a = RANK[current.status];
  const b = RANK[incoming.status];
  if (b < a) return current;
  if (b === a && a === 1 && incoming.progress < current.progress) return current;
  if (a === 2 && b === 2) return current.status === incoming.status ? incoming : current;
  return incoming;
}

export function upsertRuns(runs: ReadonlyMap<number, Run>, incoming: readonly Run[]): ReadonlyMap<number, Run> {
  let next: Map<number, Run> | undefined;
  for (const run of incoming) {
    const current = (next ?? runs).get(run.id);
    const chosen = newerRun(current, run);
    if (chosen === current) continue;
    next ??= new Map(runs);
    next.set(run.id, chosen);
  }
  return next ?? runs;
}

/** Newest first. */
export function sortedRuns(runs: ReadonlyMap<number, Run>): Run[] {
  return [...runs.values()].sort((a, b) => b.id - a.id);
}
