import { describe, expect, it } from 'vitest';
import { newerRun, sortedRuns, upsertRuns } from '../../../src/renderer/model/runs';
import { run } from './fixtures';

describe('run updates', () => {
  it('moves forward through the statuses', () => {
    expect(newerRun(run(1, 'queued'), run(1, 'running', 0.1)).status).toBe('running');
    expect(newerRun(run(1, 'running', 0.1), run(1, 'running', 0.5)).progress).toBe(0.5);
    expect(newerRun(run(1, 'running', 0.5), run(1, 'finished', 1)).status).toBe('finished');
  });

  it('ignores reports that arrive after a later one', () => {
    const finished = run(1, 'finished', 1);
    expect(newerRun(finished, run(1, 'running', 0.9))).toBe(finished);
    expect(newerRun(run(1, 'running', 0.6), run(1, 'running', 0.3)).progress).toBe(0.6);
    const failed = run(1, 'failed', 0.2, { error: 'timeout' });
    expect(newerRun(failed, run(1, 'finished', 1))).toBe(failed);
  });

  it('keeps the map when nothing changed and sorts newest first', () => {
    const runs = upsertRuns(new Map(), [run(1, 'finished', 1), run(2, 'queued')]);
    expect(upsertRuns(runs, [run(1, 'running')])).toBe(runs);
    expect(sortedRuns(runs).map((r) => r.id)).toEqual([2, 1]);
  });
});
