import { describe, expect, it } from 'vitest';
import { type AppData, addProblem, initialData, MAX_PROBLEMS, reduceEvent } from '../../../src/renderer/model/state';
import { caseInfo, entity, relation, run } from './fixtures';

function apply(state: AppData, change: Partial<AppData>): AppData {
  return { ...state, ...change };
}

describe('reduceEvent', () => {
  it('adds graph batches and bumps the selection revision when they touch the selected entity', () => {
    let s = initialData();
    s = apply(s, reduceEvent(s, 'graph.added', { entities: [entity(1, 'domain', 'a.com')], relations: [] }));
    s = apply(s, { selection: { entityId: 1, revision: 0 } });
    s = apply(
      s,
      reduceEvent(s, 'graph.added', { entities: [entity(2, 'ip', '185.220.101.47')], relations: [relation(5, 1, 2)] }),
    );
    expect(s.graph.entities.size).toBe(2);
    expect(s.selection.revision).toBe(1);
    s = apply(s, reduceEvent(s, 'graph.added', { entities: [entity(3, 'ip', '185.220.101.48')], relations: [] }));
    expect(s.selection.revision).toBe(1);
  });

  it('tracks runs through their events', () => {
    let s = initialData();
    for (const [event, r] of [
      ['run.queued', run(7, 'queued')],
      ['run.started', run(7, 'running', 0)],
      ['run.progress', run(7, 'running', 0.5)],
      ['run.finished', run(7, 'finished', 1)],
      ['run.progress', run(7, 'running', 0.9)],
    ] as const) {
      s = apply(s, reduceEvent(s, event, r));
    }
    expect(s.runs.get(7)).toMatchObject({ status: 'finished', progress: 1 });
  });

  it('clears graph, runs and selection when another case opens, not when the same one changes', () => {
    let s = initialData();
    s = apply(s, reduceEvent(s, 'case.changed', caseInfo('/a.sqlite')));
    s = apply(s, reduceEvent(s, 'graph.added', { entities: [entity(1, 'domain', 'a.com')], relations: [] }));
    s = apply(s, reduceEvent(s, 'run.queued', run(1, 'queued')));
    s = apply(s, { selection: { entityId: 1, revision: 3 } });
    s = apply(s, reduceEvent(s, 'case.changed', caseInfo('/a.sqlite', 'Case', true)));
    expect(s.graph.entities.size).toBe(1);
    expect(s.caseSlice.current?.settings.allowPrivateTargets).toBe(true);
    s = apply(s, reduceEvent(s, 'case.changed', caseInfo('/b.sqlite')));
    expect(s.graph.entities.size).toBe(0);
    expect(s.runs.size).toBe(0);
    expect(s.selection.entityId).toBeNull();
    s = apply(s, reduceEvent(s, 'case.changed', null));
    expect(s.caseSlice.current).toBeNull();
  });

  it('keeps a bounded list of problems', () => {
    let s = initialData();
    for (let i = 0; i < MAX_PROBLEMS + 5; i++) s = apply(s, addProblem(s, `p${i}`));
    expect(s.problems).toHaveLength(MAX_PROBLEMS);
    expect(s.problems.at(-1)?.message).toBe(`p${MAX_PROBLEMS + 4}`);
  });
});
