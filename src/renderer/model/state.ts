// The renderer's data and how each backend event changes it. Pure: the store applies these,
// tests call them directly.
import type { AppInfo, EventData, EventName } from '../../shared/api';
import type { CaseInfo, Graph, RecentCase, Run } from '../../shared/model';
import type { ScannerManifest } from '../../shared/scanner';
import { EMPTY_GRAPH, type GraphData, mergeGraph } from './graph';
import { upsertRuns } from './runs';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Problem {
  id: number;
  at: string;
  message: string;
}

export interface AppData {
  caseSlice: {
    /** undefined until the backend has said whether a case is open. */
    current: CaseInfo | null | undefined;
    recent: RecentCase[];
  };
  graph: GraphData;
  selection: {
    entityId: number | null;
    /** Bumped when something about the selected entity changed, so its detail is fetched again. */
    revision: number;
  };
  runs: ReadonlyMap<number, Run>;
  scanners: ScannerManifest[];
  /** The backend's version and, when it runs against the lab, which scenario. */
  app: AppInfo | null;
  connection: ConnectionState;
  /** The case dialog on screen, if any (several places open the same ones). */
  dialog: 'new-case' | 'open-case' | null;
  /** Things that went wrong outside any one form (bad frames, failed refreshes), newest last. */
  problems: Problem[];
}

export const initialData = (): AppData => ({
  caseSlice: { current: undefined, recent: [] },
  graph: EMPTY_GRAPH,
  selection: { entityId: null, revision: 0 },
  runs: new Map(),
  scanners: [],
  app: null,
  connection: 'connecting',
  dialog: null,
  problems: [],
});

export const MAX_PROBLEMS = 20;

const sameCase = (a: CaseInfo | null | undefined, b: CaseInfo | null): boolean =>
  a != null && b != null && a.path === b.path;

/** A different case (or none) was opened: everything that belonged to the old one goes. */
export function switchCase(state: AppData, info: CaseInfo | null): Partial<AppData> {
  if (sameCase(state.caseSlice.current, info)) return { caseSlice: { ...state.caseSlice, current: info } };
  return {
    caseSlice: { ...state.caseSlice, current: info },
    graph: EMPTY_GRAPH,
    selection: { entityId: null, revision: state.selection.revision + 1 },
    runs: new Map(),
  };
}

export function addGraph(state: AppData, added: Graph): Partial<AppData> {
  const graph = mergeGraph(state.graph, added);
  if (graph === state.graph) return {};
  const sel = state.selection.entityId;
  const touchesSelection =
    sel !== null &&
    (added.entities.some((e) => e.id === sel) || added.relations.some((r) => r.from === sel || r.to === sel));
  return touchesSelection ? { graph, selection: { entityId: sel, revision: state.selection.revision + 1 } } : { graph };
}

export function addRuns(state: AppData, runs: readonly Run[]): Partial<AppData> {
  const next = upsertRuns(state.runs, runs);
  if (next === state.runs) return {};
  // A finished run on the selected entity may have added findings or evidence to it.
  const sel = state.selection.entityId;
  const touches = sel !== null && runs.some((r) => r.targetEntityId === sel && r.status !== 'running');
  return touches
    ? { runs: next, selection: { entityId: sel, revision: state.selection.revision + 1 } }
    : { runs: next };
}

export function addProblem(state: AppData, message: string, now = new Date()): Partial<AppData> {
  const last = state.problems[state.problems.length - 1];
  const problem: Problem = { id: (last?.id ?? 0) + 1, at: now.toISOString(), message };
  return { problems: [...state.problems, problem].slice(-MAX_PROBLEMS) };
}

/** The change one backend event makes. */
export function reduceEvent<E extends EventName>(state: AppData, event: E, data: EventData<E>): Partial<AppData> {
  switch (event) {
    case 'run.queued':
    case 'run.started':
    case 'run.progress':
    case 'run.finished':
    case 'run.failed':
      return addRuns(state, [data as EventData<'run.queued'>]);
    case 'graph.added':
      return addGraph(state, data as EventData<'graph.added'>);
    case 'case.changed':
      return switchCase(state, data as EventData<'case.changed'>);
    case 'fullScan.finished': {
      // The assessment of the scanned target is now complete: refetch it if it is on show.
      const sel = state.selection.entityId;
      const done = data as EventData<'fullScan.finished'>;
      return sel === done.targetEntityId
        ? { selection: { entityId: sel, revision: state.selection.revision + 1 } }
        : {};
    }
    default:
      return {};
  }
}
